"""A Wyoming ``handle`` service for Home Assistant Assist: ``voice-triage serve --wyoming tcp://127.0.0.1:10700``.

Home Assistant sends ``describe`` (answered with an :class:`Info` listing one handle program, English) and,
for each thing the person said, a ``transcript`` whose ``context.conversation_id`` names the conversation.
The reply is ``handled`` with what to say (the next question, or the result), or ``not-handled`` when no
conversation is running for that id and the words do not ask for this assistant.

Conversations live in memory only (:class:`~voice_triage.hosts.sessions.Sessions`): forgotten after the
result, a stop, or 5 minutes without an answer. A connection that drops loses nothing: the conversation is
kept under its id until the next transcript. Events are read with bounds (line, data and payload sizes, an
idle time per connection, a number of connections), so bad or huge input never grows memory or crashes
the service; an undecodable transcript is read with replacement characters and asked again.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from wyoming.asr import Transcript
from wyoming.event import Event, async_write_event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Attribution, Describe, HandleModel, HandleProgram, Info

from voice_triage import __version__
from voice_triage.hosts.sessions import Sessions
from voice_triage.hosts.words import HostWords

log = logging.getLogger(__name__)

MAX_LINE = 64 * 1024  # an event's header line
MAX_DATA = 1024 * 1024  # its data block: read and used up to this, drained (not kept) beyond
MAX_PAYLOAD = 1024 * 1024  # a payload (audio; a handle service expects none): drained, never kept
IDLE_CONNECTION_SECONDS = 60.0  # a connection that sends nothing for this long is closed
MAX_CONNECTIONS = 128  # served at once; more wait for a free slot (up to the idle time), then are closed
EXPIRE_EVERY_SECONDS = 30.0


class AddressError(ValueError):
    """A --wyoming address that cannot be used (with the reason, for one clear line)."""


def parse_address(uri: str, *, allow_remote: bool) -> tuple[str, int]:
    """``tcp://HOST:PORT`` -> (host, port). HOST is an IP address (no name look-up) or ``localhost``;
    an address other than loopback needs ``allow_remote``."""
    parsed = urlparse(uri)
    if parsed.scheme != "tcp":
        raise AddressError("use tcp://HOST:PORT, for example tcp://127.0.0.1:10700")
    try:
        port = parsed.port
    except ValueError as e:
        raise AddressError(f"bad port ({e})") from e
    host = parsed.hostname
    if not host or port is None:
        raise AddressError("a host and a port are needed, for example tcp://127.0.0.1:10700")
    if host == "localhost":
        host = "127.0.0.1"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError as e:
        raise AddressError("the host must be an IP address such as 127.0.0.1 (no name look-ups)") from e
    if not ip.is_loopback and not allow_remote:
        raise AddressError(f"{host} is not a loopback address: add --allow-remote to listen there")
    return str(ip), port


def info(words: HostWords) -> Info:
    """One handle program with one model, in the language of the words (name and description from them)."""
    who = Attribution(name="voice-triage", url="")
    model = HandleModel(name=f"voice-triage-{words.lang}", attribution=who, installed=True, version=__version__,
                        description=words.description, languages=[words.lang])
    return Info(handle=[HandleProgram(name="voice-triage", attribution=who, installed=True, version=__version__,
                                      description=words.name, models=[model], supports_handled_streaming=False)])


class BadEvent(Exception):
    """Input that is not a Wyoming event; ``fatal``: the stream cannot be followed any more."""

    def __init__(self, why: str, fatal: bool = False):
        super().__init__(why)
        self.fatal = fatal


async def _drain(reader: asyncio.StreamReader, n: int) -> None:
    while n > 0:
        chunk = await reader.read(min(n, 65536))
        if not chunk:
            raise BadEvent("connection closed inside an event", fatal=True)
        n -= len(chunk)


def _length(header: dict[str, Any], key: str) -> int:
    value = header.get(key)
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadEvent(f"bad {key}", fatal=True)
    return value


async def read_event(reader: asyncio.StreamReader) -> Event | None:
    """One event, with bounds. None at the end of the stream; :class:`BadEvent` for what is not one."""
    try:
        line = await reader.readline()
    except (ValueError, asyncio.LimitOverrunError) as e:
        raise BadEvent("event header too long", fatal=True) from e
    if not line:
        return None
    try:
        header = json.loads(line.decode("utf-8", errors="replace"))
    except ValueError as e:
        raise BadEvent("event header is not JSON") from e
    if not isinstance(header, dict) or not isinstance(header.get("type"), str):
        raise BadEvent("event header has no type")
    inline = header.get("data")
    data: dict[str, Any] = inline if isinstance(inline, dict) else {}
    data_length, payload_length = _length(header, "data_length"), _length(header, "payload_length")
    if data_length > MAX_DATA:
        await _drain(reader, data_length)
        await _drain(reader, payload_length)
        raise BadEvent("event data too large")
    if data_length:
        raw = await reader.readexactly(data_length)
        try:
            extra = json.loads(raw.decode("utf-8", errors="replace"))
        except ValueError as e:
            await _drain(reader, payload_length)
            raise BadEvent("event data is not JSON") from e
        if isinstance(extra, dict):
            data = {**data, **extra}
    if payload_length:
        await _drain(reader, payload_length)  # a handle service uses no audio: never kept
    return Event(type=header["type"], data=data)


def conversation_key(context: object) -> str:
    """Which conversation a transcript belongs to: Home Assistant's conversation id (else its satellite
    or device, else one shared conversation)."""
    if isinstance(context, dict):
        for name in ("conversation_id", "satellite_id", "device_id"):
            value = context.get(name)
            if isinstance(value, (str, int)) and str(value).strip():
                return str(value)
    return "default"


def answer_transcript(sessions: Sessions, data: dict[str, Any]) -> Event:
    """A transcript event's data -> ``handled`` (what to say next) or ``not-handled``."""
    context = data.get("context")
    key = conversation_key(context)
    reply_context = {"conversation_id": key} if isinstance(context, dict) and "conversation_id" in context else None
    language = data.get("language")
    if isinstance(language, str) and language and not language.lower().startswith(sessions.content.lang):
        return NotHandled(context=reply_context).event()
    text = data.get("text")
    reply = sessions.handle(key, text if isinstance(text, str) else None)
    if reply is None:
        return NotHandled(context=reply_context).event()
    return Handled(text=reply.text, context=reply_context).event()


class Service:
    """The listening service: one :class:`Sessions`, many short connections."""

    def __init__(self, sessions: Sessions):
        self.sessions = sessions
        self.connections = 0
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS)

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await asyncio.wait_for(self._slots.acquire(), IDLE_CONNECTION_SECONDS)
        except TimeoutError:
            writer.close()
            return
        self.connections += 1
        try:
            while True:
                try:
                    event = await asyncio.wait_for(read_event(reader), IDLE_CONNECTION_SECONDS)
                except BadEvent as e:
                    log.warning("not a usable event: %s", e)
                    await async_write_event(NotHandled().event(), writer)
                    if e.fatal:
                        break
                    continue
                if event is None:
                    break
                reply = self.reply(event)
                if reply is not None:
                    await async_write_event(reply, writer)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError):
            pass  # the client went away or went quiet: its conversation is kept under its id
        finally:
            self.connections -= 1
            self._slots.release()
            writer.close()

    def reply(self, event: Event) -> Event | None:
        try:
            if Describe.is_type(event.type):
                return info(self.sessions.words).event()
            if Transcript.is_type(event.type):
                return answer_transcript(self.sessions, event.data)
        except Exception as e:  # noqa: BLE001 - one bad event never stops the service
            log.error("could not answer a %s event (%s)", event.type, type(e).__name__)
            return NotHandled().event()
        return None  # other events (ping, audio) are not for a handle service

    async def expire_forever(self) -> None:
        while True:
            await asyncio.sleep(EXPIRE_EVERY_SECONDS)
            self.sessions.expire()


def listening_socket(host: str, port: int) -> socket.socket:
    """The one socket the network guard allows: bound to exactly what the user asked for."""
    from voice_triage.privacy import netguard

    netguard.allow_listening(host, port)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(MAX_CONNECTIONS)
    netguard.listening_on(sock.getsockname())
    return sock


async def serve(sessions: Sessions, sock: socket.socket, ready: Callable[[tuple], None] | None = None) -> None:
    service = Service(sessions)
    server = await asyncio.start_server(service.connection, sock=sock, limit=MAX_LINE)
    expiring = asyncio.create_task(service.expire_forever())
    if ready is not None:
        ready(sock.getsockname())
    try:
        async with server:
            await server.serve_forever()
    finally:
        expiring.cancel()
