"""`voice-triage serve`: run as a service inside a voice-assistant host (today: Wyoming, for Home Assistant)."""

from __future__ import annotations

import asyncio
import sys

import click

WYOMING_MISSING = ("the Wyoming service needs the 'wyoming' package: "
                   "pip install 'voice-triage[wyoming]' (or: .venv/bin/pip install -e '.[wyoming]')")


@click.command()
@click.option("--wyoming", "uri", required=True, metavar="tcp://HOST:PORT",
              help="Serve Home Assistant's Wyoming protocol here, e.g. tcp://127.0.0.1:10700 (loopback by default).")
@click.option("--allow-remote", is_flag=True,
              help="Allow a non-loopback address. Wyoming is not encrypted: answers cross the network in clear.")
@click.pass_context
def serve(ctx: click.Context, uri: str, allow_remote: bool) -> None:
    """Run as a Wyoming "handle" service for Home Assistant Assist.

    Home Assistant sends what the person said as text; each reply is the next question or the result.
    Conversations are kept in memory only and forgotten after the result or 5 minutes without an answer.
    This is the only network use: a socket listening on the address given, nothing else.
    """
    try:
        from voice_triage.hosts import wyoming_service as ws
    except ImportError:
        click.echo(f"voice-triage serve: {WYOMING_MISSING}", err=True)
        sys.exit(1)
    from voice_triage.commands.common import EXIT_BAD_INPUT, content_or_exit
    from voice_triage.content import ContentError
    from voice_triage.hosts.sessions import Sessions
    from voice_triage.hosts.words import host_words

    try:
        host, port = ws.parse_address(uri, allow_remote=allow_remote)
    except ws.AddressError as e:
        click.echo(f"voice-triage serve: {uri}: {e}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    lang = ctx.obj["lang"] if ctx.obj else "en"
    content = content_or_exit(lang)
    try:
        words = host_words(lang)
    except ContentError as e:
        click.echo(f"voice-triage serve: cannot load the assistant's words: {e}", err=True)
        sys.exit(1)
    if allow_remote and not ws.ipaddress.ip_address(host).is_loopback:
        click.echo(f"voice-triage serve: WARNING: listening on {host}, not loopback. Wyoming is not encrypted: "
                   "what people answer crosses the network in clear. Use it only on a network you trust.", err=True)
    try:
        sock = ws.listening_socket(host, port)
    except OSError as e:
        click.echo(f"voice-triage serve: cannot listen on {host}:{port}: {e.strerror or e}", err=True)
        sys.exit(1)

    def ready(address: tuple) -> None:
        shown = f"[{address[0]}]" if ":" in str(address[0]) else address[0]
        click.echo(f"voice-triage: Wyoming handle service on tcp://{shown}:{address[1]} (Ctrl+C to stop)")
        sys.stdout.flush()

    try:
        asyncio.run(ws.serve(Sessions(content, words), sock, ready))
    except KeyboardInterrupt:
        click.echo("voice-triage: stopped.")
