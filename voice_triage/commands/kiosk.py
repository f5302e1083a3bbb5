"""The `voice-triage kiosk` command (registered by voice_triage.cli when this module is present)."""

from __future__ import annotations

import sys

import click


def _make_speaker(voice: str, notify):  # noqa: ANN001, ANN202
    """A Speaker that plays aloud, or None (text only). ``auto``: only when speech output works."""
    if voice == "off":
        return None
    try:
        from voice_triage.speech_out import Speaker
    except ImportError as e:
        notify(f"(Speech output is not available: {e}; text only.)")
        return None
    notes: list[str] = []
    speaker = Speaker("play", notify=notes.append)
    if speaker.mode != "play":
        for n in notes:
            notify(n)
        return None
    return speaker


def _make_voice_source(keyboard, content, listen: str, asr, model, notify):  # noqa: ANN001, ANN202
    """A VoiceSource when a microphone opens (``auto``/``on``), else None (keyboard only)."""
    if listen == "off":
        return None
    try:
        from voice_triage.audio_in import AudioError, Microphone
        from voice_triage.frontends.kiosk import VoiceSource
        from voice_triage.recognition import GrammarBook, create_recognizer
    except ImportError as e:
        notify(f"(Speech input is not available: {e}; answers are typed.)")
        return None
    try:
        mic = Microphone().open()
    except AudioError as e:
        if listen == "on":
            notify(str(e))
        return None
    choice = create_recognizer(asr, model)
    for m in choice.messages:
        notify(m)
    grammars = GrammarBook(content, choice.recognizer, report=lambda m: None)
    grammars.prebuild()
    return VoiceSource(keyboard, mic, choice.recognizer, grammars)


@click.command("kiosk")
@click.option("--voice", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
              help="Speak what is shown (auto: when speech output works here).")
@click.option("--listen", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
              help="Take spoken answers and a spoken start (auto: when a microphone opens). Typing always works.")
@click.option("--asr", type=click.Choice(["vosk", "pocketsphinx"]), default=None, help="Speech recognizer.")
@click.option("--model", type=click.Path(), default=None, envvar="VOICE_TRIAGE_VOSK_MODEL", help="vosk model folder.")
@click.option("--text-size", type=click.Choice(["auto", "big", "normal"]), default="auto", show_default=True,
              help="big: double-size characters (xterm); on the Linux console use a large console font.")
@click.option("--inactivity", type=float, default=90.0, show_default=True, metavar="SECONDS",
              help="Ask \"are you still there?\" after this long without an answer.")
@click.option("--still-there", type=float, default=30.0, show_default=True, metavar="SECONDS",
              help="Then end the conversation (safety net, wipe) after this long.")
@click.option("--result-hold", type=float, default=180.0, show_default=True, metavar="SECONDS",
              help="Keep the advice on screen this long (or until Enter), then wipe.")
@click.option("--privacy-check/--no-privacy-check", default=None,
              help="Ask first whether the person is somewhere private (default: on when speaking).")
@click.option("--max-conversations", type=int, default=None, metavar="N",
              help="Stop after N conversations (tests, soak runs). Default: run until stopped.")
@click.option("--plain", is_flag=True, help="Plain text, no screen control (for logs; not for a real kiosk).")
@click.pass_context
def kiosk(ctx: click.Context, voice: str, listen: str, asr, model, text_size: str, inactivity: float,  # noqa: ANN001
          still_there: float, result_hold: float, privacy_check: bool | None, max_conversations: int | None,
          plain: bool) -> None:
    """Run conversations back to back on a shared machine.

    Starts on Enter (or any spoken word, with a microphone). Each conversation is shown in large, high-contrast text (and spoken with
    --voice). After the advice, after a person walks away (an "are you still there?" first), after
    "stop", or after any error (the safety net is always given), every trace is wiped: the
    conversation, the screen and its scrollback, and input typed ahead. Nothing is written to disk.
    Stop the kiosk with SIGTERM (or at the end of its input).
    """
    from voice_triage.commands.common import content_or_exit
    from voice_triage.frontends.kiosk import Kiosk, KeyboardSource
    from voice_triage.frontends.kiosk_screen import Block, Screen

    content = content_or_exit((ctx.obj or {}).get("lang", "en"))
    speaker = _make_speaker(voice, lambda m: click.echo(m, err=True))
    if voice == "on" and speaker is None:
        click.echo("voice-triage kiosk: speech output is not available here; showing text only.", err=True)
    screen = Screen(sys.stdout, size=text_size, plain=plain, title=content.section("kiosk")["title"])
    keyboard = KeyboardSource()
    source = _make_voice_source(keyboard, content, listen, asr, model, lambda m: click.echo(m, err=True))
    if source is not None:
        source.notify = lambda m: screen.add(Block("say", m))
        if speaker is not None:
            speaker.mic = source.mic  # half-duplex: never listen while speaking
    elif listen == "on":
        click.echo("voice-triage kiosk: no microphone; answers are typed.", err=True)
    k = Kiosk(content, source or keyboard, screen, speaker=speaker, inactivity_s=inactivity, still_there_s=still_there,
              result_hold_s=result_hold, max_conversations=max_conversations, privacy_check=privacy_check)
    try:
        rc = k.run()
    finally:
        if speaker is not None:
            speaker.close()
        if source is not None and source.mic is not None:
            source.mic.close()
    if plain:
        click.echo(f"kiosk: {k.conversations} conversations, outcomes {k.outcomes}, errors {k.errors}", err=True)
    sys.exit(rc)
