"""The kiosk's answers: typed lines from its terminal (:class:`KeyboardSource`), or spoken ones through the
microphone with the keyboard still taken (:class:`VoiceSource`). Used by :mod:`voice_triage.frontends.kiosk`."""

from __future__ import annotations

import os
import select
import sys
import termios
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

from voice_triage.dialog import Ask
from voice_triage.frontends.line_input import MAX_LINE_BYTES

if TYPE_CHECKING:
    from voice_triage.audio_in.frontend import FrontEnd


# -- input ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Input:
    kind: str  # "text", "timeout", "eof", "problem"
    text: str = ""
    confidence: float = 1.0
    spoken: bool = False  # from the recognizer (the dialog confirms spoken commands and reassuring answers)
    alternatives: tuple[tuple[str, float], ...] = ()  # other readings of the same audio (Conversation.hear)
    words: tuple[tuple[str, float], ...] = ()  # the recognizer's words, each with its posterior


class InputSource(Protocol):
    spoken: bool  # True when answers can be spoken (a spoken trigger, "say" in the hints)

    def read(self, timeout: float | None, ask: Ask | None = None) -> Input: ...
    def wipe(self) -> None: ...


class KeyboardSource:
    """Lines from a file descriptor (the kiosk's terminal), with a timeout and bounded size.

    Reads with ``os.read`` after ``select`` so a timeout never loses half a line, keeps at most
    ``MAX_LINE_BYTES`` of a line (a longer one is refused, not cut), and reports invalid UTF-8.
    """

    spoken = False

    def __init__(self, fd: int | None = None):
        self.fd = sys.stdin.fileno() if fd is None else fd
        self._buf = bytearray()
        self._discarding = False  # inside an over-long line: drop bytes until its end
        self._eof = False
        self._tty = os.isatty(self.fd)

    def _line(self) -> Input | None:
        i = self._buf.find(b"\n")
        if i < 0:
            if len(self._buf) > MAX_LINE_BYTES:
                self._buf.clear()
                self._discarding = True
            return None
        raw = bytes(self._buf[:i])
        del self._buf[: i + 1]
        if self._discarding:
            self._discarding = False
            return Input("problem", f"that answer is too long (at most {MAX_LINE_BYTES} bytes)")
        if len(raw) > MAX_LINE_BYTES:
            return Input("problem", f"that answer is too long (at most {MAX_LINE_BYTES} bytes)")
        try:
            return Input("text", raw.decode("utf-8").rstrip("\r"))
        except UnicodeDecodeError:
            return Input("problem", "I couldn't read those characters")

    def read(self, timeout: float | None, ask: Ask | None = None) -> Input:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            got = self._line()
            if got is not None:
                return got
            if self._eof:
                if self._buf and not self._discarding:
                    self._buf += b"\n"
                    continue
                self._buf.clear()
                return Input("eof")
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                ready, _, _ = select.select([self.fd], [], [], wait)
            except InterruptedError:  # pragma: no cover - PEP 475 retries; kept for clarity
                continue
            if not ready:
                return Input("timeout")
            # a terminal in canonical mode hands over at most one line per read; from a pipe we take one
            # byte at a time, so that nothing past the current line is ever held here (the next
            # person's input stays where it is, and typed-ahead terminal input is flushed by wipe())
            chunk = os.read(self.fd, 65536 if self._tty else 1)
            if not chunk:
                self._eof = True
            else:
                self._buf += chunk

    def wipe(self) -> None:
        """Drop anything typed ahead: our buffer, and the terminal's pending input."""
        self._buf = bytearray()
        self._discarding = False
        if self._tty:
            try:
                termios.tcflush(self.fd, termios.TCIFLUSH)
            except termios.error:  # pragma: no cover
                pass


class VoiceSource:
    """Spoken answers (microphone -> end of speech -> recognizer) and typed ones, whichever comes first.

    The keyboard is polled between audio frames, so a typed answer is taken at once even while the
    microphone listens. When the microphone is lost (``DeviceLost``), answers continue by keyboard and
    the conversation keeps everything already said. The speech layer's pieces are used as they are:
    :class:`~voice_triage.audio_in.Microphone`, :class:`~voice_triage.audio_in.Endpointer`, and a
    recognizer with :class:`~voice_triage.recognition.GrammarBook` (the question's grammar; the open
    vocabulary for the spoken start).
    """

    spoken = True
    POLL_FRAMES = 5  # look at the keyboard every 150 ms of audio

    def __init__(self, keyboard: KeyboardSource, mic, recognizer, grammars, endpoint=None,  # noqa: ANN001
                 notify: Callable[[str], None] | None = None):
        self.keyboard = keyboard
        self.mic = mic
        self.recognizer = recognizer
        self.grammars = grammars
        self.endpoint = endpoint
        self.notify = notify or (lambda m: None)
        self._keyboard_ended = False
        self.frontend: FrontEnd | None = None  # made with the first answer, kept for one person

    def read(self, timeout: float | None, ask: Ask | None = None) -> Input:
        import time

        from voice_triage.audio_in import DeviceLost, EndpointConfig, Endpointer

        if self.mic is None:
            return self.keyboard.read(timeout)
        got = self._key()
        if got is not None:
            return got
        deadline = None if timeout is None else time.monotonic() + timeout
        from voice_triage.audio_in.frontend import FrontEnd, expects_yes_no

        if self.frontend is None:
            self.frontend = FrontEnd()  # kept for the person: its filters and the speaker's level carry over
        cfg = (self.endpoint or EndpointConfig()).for_yes_no(expects_yes_no(ask, getattr(self.grammars, "content", None)))
        ep = Endpointer(cfg, frontend=self.frontend)
        n = 0
        try:
            self.mic.flush()
            for frame in self.mic.frames():
                utt = ep.push(frame)
                if utt is not None and utt.reason != "timeout":
                    tr = self.recognizer.transcribe(utt.samples, self.grammars.for_ask(ask))
                    return Input("text", tr.text, float(tr.confidence), spoken=True,
                                 alternatives=tuple(tr.alternatives), words=tuple(tr.words))
                if utt is not None:  # the endpointer's own no-input timeout: keep waiting until ours
                    ep.reset()
                n += 1
                if n % self.POLL_FRAMES == 0 or utt is not None:
                    got = self._key()
                    if got is not None:
                        return got
                    if deadline is not None and time.monotonic() >= deadline and not ep.started:
                        return Input("timeout")
        except DeviceLost as e:
            self.lost(str(e))
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        return self.keyboard.read(remaining)

    def _key(self) -> Input | None:
        """A typed line if one is ready; None otherwise (and from then on, once the keyboard has ended:
        a kiosk without a keyboard goes on by voice)."""
        if self._keyboard_ended:
            return None
        got = self.keyboard.read(0)
        if got.kind == "eof":
            self._keyboard_ended = True
            return None
        return None if got.kind == "timeout" else got

    def lost(self, message: str) -> None:
        self.notify(message)
        try:
            self.mic.close()
        except Exception:  # noqa: BLE001
            pass
        self.mic = None
        self.spoken = False

    def wipe(self) -> None:
        """Between people: pending input, and what the front-end and the recognizer learned of the last
        person's voice and level."""
        self.keyboard.wipe()
        if self.mic is not None:
            self.mic.flush()
        self.frontend = None
        new_speaker = getattr(self.recognizer, "new_speaker", None)  # (a stand-in recognizer may lack it)
        if new_speaker is not None:
            new_speaker()
