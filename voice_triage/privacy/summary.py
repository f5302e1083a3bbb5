"""``--save-summary PATH``: the only way anything of a conversation reaches the disk.

Nothing is written unless the person asked for it with the option; then, after the conversation gives
its advice, the clinician summary is written to PATH (mode 0600, replaced atomically) and the program
says where it went. A conversation that ends before advice (stop, end of input) writes nothing and
says so. The file holds: the advice level, the action, and the one-sentence summary for a clinician.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Callable

from voice_triage.dialog.events import Result

TIER_WORDS = {"emergency": "Emergency: get help now", "urgent": "Urgent: be seen today",
              "soon": "See a clinician in the next few days", "self_care": "Self-care, and watch for changes"}


class SummaryError(Exception):
    """The summary could not be written (one line for the user)."""


def summary_text(result: Result) -> str:
    lines = ["Summary for a clinician (voice-triage; not a diagnosis)", "",
             f"Advice given: {TIER_WORDS.get(result.tier, result.tier)}", "", result.summary.strip(), ""]
    return "\n".join(lines)


def write_summary(path: str | os.PathLike, result: Result) -> Path:
    """Write the summary to ``path`` (0600, atomic). Returns the absolute path. Raises SummaryError."""
    target = Path(path).expanduser()
    target = target if target.is_absolute() else Path.cwd() / target
    if target.is_dir():
        raise SummaryError(f"{target} is a folder; give a file name")
    parent = target.parent
    if not parent.is_dir():
        raise SummaryError(f"the folder {parent} does not exist")
    data = summary_text(result).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise SummaryError(f"could not write {target}: {e.strerror or e}") from None
    return target


def save_after(result: Result | None, path: str | None, tell: Callable[[str], None]) -> bool:
    """Save ``result``'s summary to ``path`` if one was asked for; ``tell`` says what happened."""
    if not path:
        return False
    if result is None:
        tell("No summary was saved: the conversation ended before any advice was given.")
        return False
    try:
        where = write_summary(path, result)
    except SummaryError as e:
        tell(f"The summary was not saved: {e}.")
        return False
    tell(f"The summary for a clinician was saved to {where} (only you can read it). Delete it when you no longer need it.")
    return True


def chat_and_save(content, mode: str | None, path: str, *, asr=None, model=None, no_voice=False,  # noqa: ANN001
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
        save_after(session.conv.result, path, lambda m: click.echo(m, err=True))
        return rc
    if mode == "text":
        from voice_triage.frontends.text_chat import TextChat

        chat = TextChat(content, sys.stdout)
        rc = chat.run()
        save_after(chat.conv.result, path, click.echo)
        return rc
    try:
        from voice_triage.frontends.voice import VoiceChat
    except ImportError as e:
        click.echo(f"(Speech is not available here: {e}. Continuing by text.)")
        return chat_and_save(content, "text", path, privacy_check=privacy_check)
    vchat = VoiceChat(content, asr=asr, model=model, no_voice=no_voice, tts_out=tts_out, relaxed=relaxed)
    rc = vchat.run()
    conv = getattr(vchat, "conv", None)
    save_after(getattr(conv, "result", None), path, click.echo)
    return rc
