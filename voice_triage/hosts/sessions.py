"""One conversation per host session, held in memory only, forgotten after the result, a stop or idleness.

A host (OVOS, Home Assistant) hands over what the person said as text, keyed by its own session or
conversation id; :class:`Sessions` feeds it to that session's :class:`Conversation` and returns a
:class:`Reply`: the lines to say and the question that waits for an answer (or the end). Nothing is written
anywhere; nothing said is logged. Whatever goes wrong with one answer, the reply is a re-prompt, never an
exception into the host.
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from voice_triage.content.model import Content
from voice_triage.dialog import Ask, Conversation, End, Event, Result, Say
from voice_triage.hosts.words import HostWords
from voice_triage.understanding import Understander

log = logging.getLogger(__name__)

IDLE_SECONDS = 300.0  # a conversation nobody answered for 5 minutes is forgotten
MAX_SESSIONS = 256  # conversations held at once; past this the least recently used one is forgotten
MAX_TRANSCRIPT_CHARS = 1000  # a longer "answer" is not a spoken one: a re-prompt
MAX_KEY_CHARS = 200  # a host's session id is cut to this (ids are ~26-40 characters)


@dataclass(frozen=True)
class Reply:
    """What to say now. ``question``: the question that waits for an answer (None when it ended).
    ``tier``: the result's tier when it ended with a result. ``ended``: the conversation is over."""

    lines: tuple[str, ...] = ()
    question: str | None = None
    tier: str | None = None
    ended: bool = False
    result: Result | None = field(default=None, compare=False)

    @property
    def text(self) -> str:
        return " ".join([*self.lines, *([self.question] if self.question else [])])


def render(events: Iterable[Event]) -> Reply:
    """A conversation's events as a host says them. ``screen`` lines (details kept off the air) are not
    spoken; a host has no screen of ours."""
    lines: list[str] = []
    question: str | None = None
    result: Result | None = None
    ended = False
    for e in events:
        if isinstance(e, Say) and e.kind != "screen" and e.text:
            if question is not None:  # a question is always the last thing said
                lines.append(question)
                question = None
            lines.append(e.text)
        elif isinstance(e, Ask):
            question = e.text
        elif isinstance(e, Result):
            result = e
        elif isinstance(e, End):
            ended = True
    return Reply(tuple(lines), None if ended else question, result.tier if result else None, ended, result)


def clean_transcript(text: object) -> str | None:
    """A transcript as text to understand: None when it cannot be one (not text, or far too long);
    characters that are not letters, digits, punctuation or spaces (a replaced undecodable byte, controls)
    become spaces."""
    if not isinstance(text, str) or len(text) > MAX_TRANSCRIPT_CHARS:
        return None
    kept = (ch if unicodedata.category(ch)[0] in "LNPZ" or ch == "'" else " " for ch in text)
    return " ".join("".join(kept).split())


@dataclass
class _Held:
    conv: Conversation
    last: float


class Sessions:
    """The conversations a host is holding, keyed by its session id. Thread-safe."""

    def __init__(self, content: Content, words: HostWords, *, idle_seconds: float = IDLE_SECONDS,
                 max_sessions: int = MAX_SESSIONS, clock: Callable[[], float] = time.monotonic):
        self.content = content
        self.words = words
        self.idle_seconds = idle_seconds
        self.max_sessions = max_sessions
        self.clock = clock
        # built once (read-only after that, and costly to build): every conversation shares it
        self.understander = Understander(content)
        self._held: OrderedDict[str, _Held] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)

    @staticmethod
    def key(raw: object) -> str:
        return str(raw)[:MAX_KEY_CHARS]

    def active(self, key: object) -> bool:
        with self._lock:
            self._expire()
            return self.key(key) in self._held

    def start(self, key: object) -> Reply:
        """A new conversation for this session (one already running there is forgotten)."""
        k = self.key(key)
        with self._lock:
            self._expire()
            self._held.pop(k, None)
            while len(self._held) >= self.max_sessions:
                self._held.popitem(last=False)
            conv = Conversation(self.content, understander=self.understander)
            self._held[k] = _Held(conv, self.clock())
            return self._reply(k, conv, conv.start())

    def answer(self, key: object, text: object) -> Reply | None:
        """The person's answer in a running conversation; None when there is none for this session."""
        k = self.key(key)
        with self._lock:
            self._expire()
            held = self._held.get(k)
            if held is None:
                return None
            held.last = self.clock()
            self._held.move_to_end(k)
            conv = held.conv
            said = clean_transcript(text)
            if said is None:
                return self._reask(conv, self.words.unusable)
            try:
                events = conv.hear(said, spoken=True) if said else conv.silence()
            except Exception as e:  # noqa: BLE001 - a host must never see an exception
                log.error("answer not usable (%s); asking again", type(e).__name__)
                return self._reask(conv, self.content.line("not_understood"))
            return self._reply(k, conv, events)

    def handle(self, key: object, text: object) -> Reply | None:
        """An utterance: the answer in a running conversation, else a new one when it asks for us, else
        None (not ours)."""
        reply = self.answer(key, text)
        if reply is not None:
            return reply
        if isinstance(text, str) and len(text) <= MAX_TRANSCRIPT_CHARS and self.words.is_start(text):
            return self.start(key)
        return None

    def stop(self, key: object) -> Reply | None:
        """End now: the tier the answers so far call for (when they call for care), the safety net,
        goodbye. None when no conversation is running for this session."""
        k = self.key(key)
        with self._lock:
            held = self._held.pop(k, None)
        if held is None:
            return None
        try:
            stopped = render(held.conv.stop("user_stopped"))
        except Exception as e:  # noqa: BLE001
            log.error("stop failed (%s)", type(e).__name__)
            stopped = Reply((self.content.advice.safety_net,), ended=True)
        if not any(self.content.advice.safety_net in line for line in stopped.lines):
            stopped = Reply((self.content.advice.safety_net, *stopped.lines), ended=True)
        return Reply(stopped.lines, None, stopped.tier, True, stopped.result)

    def forget(self, key: object) -> None:
        with self._lock:
            self._held.pop(self.key(key), None)

    def clear(self) -> None:
        with self._lock:
            self._held.clear()

    def expire(self) -> int:
        with self._lock:
            return self._expire()

    # -- inside the lock ----------------------------------------------------------------------------
    def _expire(self) -> int:
        now = self.clock()
        old = [k for k, h in self._held.items() if now - h.last > self.idle_seconds]
        for k in old:
            del self._held[k]
        return len(old)

    def _reply(self, k: str, conv: Conversation, events: list[Event]) -> Reply:
        reply = render(events)
        if conv.finished or reply.ended:
            self._held.pop(k, None)  # the result (or a stop, with the tier so far) ends it: nothing is kept
            return Reply(reply.lines, None, reply.tier, True, reply.result)
        if reply.question is None and conv.pending is not None:
            return Reply(reply.lines, conv.pending.text, None, False)
        return reply

    def _reask(self, conv: Conversation, why: str) -> Reply:
        pending = conv.pending
        return Reply((why,), pending.text if pending is not None else None)
