"""``chat --save-summary``: run a conversation in any mode, then save its clinician summary when it gave advice."""

from __future__ import annotations

from voice_triage.privacy.summary import save_after


def chat_and_save(content, mode: str | None, path: str, *, replace: bool = False, asr=None, model=None, no_voice=False,  # noqa: ANN001
                  tts_out=None, relaxed=False, privacy_check: bool | None = None) -> int:
    """Run ``chat`` in ``mode`` (text, jsonl, voice/None) and save the summary when it gives advice.

    For ``--jsonl`` the note goes to stderr (stdout is the protocol); otherwise it is printed.
    """
    import sys

    import click

    if mode == "jsonl":
        from voice_triage.frontends.jsonl import JsonlSession, make_audio_handler

        handler, problem = make_audio_handler(content, asr, model)
        session = JsonlSession(content, sys.stdout, sys.stdin.buffer, handler, problem, bool(privacy_check))
        rc = session.run()
        save_after(session.conv.result, path, lambda m: click.echo(m, err=True), replace=replace)
        return rc
    if mode == "text":
        from voice_triage.frontends.text_chat import TextChat

        chat = TextChat(content, sys.stdout)
        rc = chat.run()
        save_after(chat.conv.result, path, click.echo, replace=replace)
        return rc
    try:
        from voice_triage.frontends.voice import VoiceChat
    except ImportError as e:
        click.echo(f"(Speech is not available here: {e}. Continuing by text.)")
        return chat_and_save(content, "text", path, replace=replace, privacy_check=privacy_check)
    vchat = VoiceChat(content, asr=asr, model=model, no_voice=no_voice, tts_out=tts_out, relaxed=relaxed)
    rc = vchat.run()
    conv = getattr(vchat, "conv", None)
    save_after(getattr(conv, "result", None), path, click.echo, replace=replace)
    return rc
