"""The `voice-triage` command: chat (voice, text or JSON Lines), assess, and the speech tools."""

from __future__ import annotations

import sys

import click

from voice_triage import __version__
from voice_triage.commands.common import EXIT_BAD_INPUT, content_or_exit



def _voice_options(f):  # noqa: ANN001, ANN202
    f = click.option("--relaxed", is_flag=True, help="Wait longer for the end of an answer (for people who speak slowly).")(f)
    f = click.option("--tts-out", type=click.Path(file_okay=False), default=None,
                     help="Write what would be spoken as WAV files into DIR (for tests) instead of playing it.")(f)
    f = click.option("--no-voice", is_flag=True, help="Print what the assistant says instead of speaking it.")(f)
    f = click.option("--model", type=click.Path(), default=None, envvar="VOICE_TRIAGE_VOSK_MODEL",
                     help="Path to an English vosk model folder (default: the one installed in models/).")(f)
    f = click.option("--asr", type=click.Choice(["vosk", "pocketsphinx"]), default=None,
                     help="Speech recognizer to use (default: vosk if an English model is installed, else pocketsphinx).")(f)
    return f


def _run_voice_or_text(content, *, asr, model, no_voice, tts_out, relaxed) -> int:  # noqa: ANN001
    """A spoken conversation when speech is available; otherwise say why and continue by typing."""
    try:
        from voice_triage.frontends.voice import run_voice_chat
    except ImportError as e:
        click.echo(f"(Speech is not available here: {e}. Continuing by text.)")
    else:
        return run_voice_chat(content, asr=asr, model=model, no_voice=no_voice, tts_out=tts_out, relaxed=relaxed)
    from voice_triage.frontends.text_chat import run_text_chat

    return run_text_chat(content)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", default="en", show_default=True, help="Language folder in prompts/.")
@_voice_options
@click.version_option(__version__, prog_name="voice-triage")
@click.pass_context
def cli(ctx: click.Context, lang: str, asr, model, no_voice, tts_out, relaxed) -> None:  # noqa: ANN001
    """An offline, private voice assistant for bleeding or spotting after sex.

    It asks a few short questions, then says how soon to get care and why. It is not a diagnosis:
    in an emergency, call your local emergency number. Nothing leaves this computer.

    With no command it starts a conversation by voice when a microphone and speakers are there,
    otherwise by typing.
    """
    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang
    if ctx.invoked_subcommand is None:
        content = content_or_exit(lang)
        sys.exit(_run_voice_or_text(content, asr=asr, model=model, no_voice=no_voice, tts_out=tts_out, relaxed=relaxed))


@cli.command()
@click.option("--text", "mode", flag_value="text", help="Type answers in the terminal.")
@click.option("--jsonl", "mode", flag_value="jsonl", help="JSON Lines protocol on stdin/stdout (for programs).")
@click.option("--voice", "mode", flag_value="voice", help="Speak and listen (microphone and speakers).")
@click.option("--privacy-check/--no-privacy-check", default=None,
              help="Ask first whether you are somewhere private (default: on for voice, off for --text/--jsonl).")
@_voice_options
@click.option("--save-summary", default=None, metavar="FILE",
              help="After the advice, save the summary for a clinician to this new file (nothing is saved otherwise).")
@click.option("--replace-summary", is_flag=True,
              help="Allow --save-summary to replace an existing regular file (never a link, device or folder).")
@click.pass_context
def chat(ctx: click.Context, mode: str | None, privacy_check: bool | None, asr, model, no_voice, tts_out, relaxed,  # noqa: ANN001
         save_summary: str | None, replace_summary: bool) -> None:
    """Hold one triage conversation.

    \b
    --text   typed conversation in the terminal
    --jsonl  events out as JSON Lines: say, ask, heard, error, result, end;
             answers in: {"text": "..."}, a bare line, or {"audio": "path.wav"}
    --voice  spoken conversation (the default when speech is available)
    """
    content = content_or_exit(ctx.obj["lang"])
    if save_summary is not None:
        from voice_triage.commands.chat_save import chat_and_save
        from voice_triage.privacy.summary import SummaryError, check_target

        try:  # before the conversation: a person should not answer everything to learn it cannot be saved
            check_target(save_summary, replace=replace_summary)
        except SummaryError as e:
            click.echo(f"voice-triage chat: --save-summary: {e}. Nothing was saved or changed.", err=True)
            sys.exit(EXIT_BAD_INPUT)

        sys.exit(chat_and_save(content, mode, save_summary, replace=replace_summary, asr=asr, model=model, no_voice=no_voice,
                               tts_out=tts_out, relaxed=relaxed, privacy_check=privacy_check))
    if mode == "jsonl":
        from voice_triage.frontends.jsonl import run_jsonl

        sys.exit(run_jsonl(content, asr=asr, model=model, privacy_check=bool(privacy_check)))
    if mode == "text":
        from voice_triage.frontends.text_chat import run_text_chat

        sys.exit(run_text_chat(content))
    sys.exit(_run_voice_or_text(content, asr=asr, model=model, no_voice=no_voice, tts_out=tts_out, relaxed=relaxed))


@cli.command()
@click.argument("file", default="-")
@click.pass_context
def assess(ctx: click.Context, file: str) -> None:
    """Facts in, triage result out (JSON), for scripts.

    FILE (or - for stdin) holds a JSON object mapping slot names to values, for example
    {"amount": "spotting", "pain": "none", "age": 30}. A missing slot counts as "unknown".
    Prints {"tier", "reasons", "advice", ...}. Bad input: a message on stderr and exit status 2.
    """
    from voice_triage.commands.assess import AssessInputError, assess_json, parse_facts, read_input

    try:
        facts = parse_facts(read_input(file))
    except AssessInputError as e:
        click.echo(f"voice-triage assess: {e}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    from voice_triage.frontends.events_json import dumps_line

    click.echo(dumps_line(assess_json(facts, content_or_exit(ctx.obj["lang"]))))


def _register_optional_commands() -> None:
    """Commands from other front-ends (speech tools, kiosk), when their modules are present."""
    for module, names in (("voice_triage.commands.speech", ("doctor", "models", "bench")),
                          ("voice_triage.commands.kiosk", ("kiosk",)),
                          ("voice_triage.commands.serve", ("serve",))):
        try:
            mod = __import__(module, fromlist=list(names))
        except ImportError:
            continue
        for name in names:
            cmd = getattr(mod, name, None)
            if isinstance(cmd, click.Command):
                cli.add_command(cmd, name)


_register_optional_commands()


def _utf8_streams() -> None:
    """stdout and stderr always carry UTF-8, whatever the locale (an ASCII-only locale included); a
    character that cannot be written (a lone surrogate) becomes U+FFFD instead of ending the program."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # pragma: no cover - replaced or closed streams
            pass


def main() -> None:
    """Entry point: never shows a traceback to a user."""
    from voice_triage.privacy import install as install_privacy_guards

    install_privacy_guards()  # no network, logs without answers, temp files in memory
    _utf8_streams()
    try:
        rc = cli.main(standalone_mode=False)  # click's own mode would turn Ctrl-C into "Aborted!", exit 1
    except click.exceptions.Abort:  # Ctrl-C (click turns KeyboardInterrupt into Abort)
        click.echo("\nStopped. If you soak a pad in an hour, feel dizzy or faint, or have severe pain, get emergency help immediately.",
                   err=True)  # stderr: on a terminal it shows all the same, and stdout may be a JSON Lines protocol
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        click.echo("\nStopped. If you soak a pad in an hour, feel dizzy or faint, or have severe pain, get emergency help immediately.",
                   err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 - last resort: a message, not a traceback
        from voice_triage.safe_text import cut

        click.echo(f"voice-triage: something went wrong ({type(e).__name__}: {cut(str(e))}). "
                   "If you soak a pad in an hour, feel dizzy or faint, or have severe pain, get emergency help immediately.",
                   err=True)
        sys.exit(1)
    sys.exit(rc if isinstance(rc, int) else 0)
