"""`voice-triage kiosk`: conversations back to back on a shared machine, wiping every trace between them.

    idle screen ──(Enter, or a spoken word)──> conversation ──> result held on screen ──> WIPE ──> idle
                                                 │  no answer for ``inactivity_s``: "Are you still there?"
                                                 │  still none after ``still_there_s``: safety net, WIPE
                                                 │  any error: safety net, WIPE (the kiosk goes on)

The wipe (:meth:`Kiosk.wipe`) removes what the last person left:
  * the conversation object (facts, history, pending question) is dropped and garbage-collected;
  * the screen and the terminal's scrollback are cleared (``ESC[2J ESC[3J``, alternate and normal screen),
    and the terminal is reset (character set, attributes, modes, window title: ``kiosk_screen.TERMINAL_RESET``);
    what a person types is shown without control characters in the first place (``safe_text``);
  * input typed ahead is discarded (``tcflush`` on a terminal, and the reader's own buffer), and so is
    any queued microphone audio;
  * voice settings (slower/louder) and the private-place choice go back to the defaults;
  * the log scrubber's register of answers is cleared.
Python cannot promise that freed memory is overwritten; nothing of a conversation is ever written to
disk (see ``voice_triage/privacy``), so a power-off leaves nothing.

The dialog is the same :class:`~voice_triage.dialog.Conversation` every front-end drives; this module
only renders its events on the big-text mirror (:mod:`.kiosk_screen`), optionally speaks them, and
supplies answers from an :class:`InputSource`.
"""

from __future__ import annotations

import gc
import logging
import os
import select
import signal
import sys
import termios
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

from voice_triage.content.model import Content
from voice_triage.dialog import Ask, Conversation, End, Event, Heard, Result, Say, SettingChanged
from voice_triage.frontends.kiosk_screen import Block, Screen
from voice_triage.frontends.line_input import MAX_LINE_BYTES
from voice_triage.privacy import Safe, forget_sensitive, note_sensitive

if TYPE_CHECKING:
    from voice_triage.audio_in.frontend import FrontEnd

log = logging.getLogger("voice_triage.kiosk")

try:  # the private-place check (lead's dialog); older dialogs have no such event
    from voice_triage.dialog.events import PrivacyChoice
except ImportError:  # pragma: no cover
    PrivacyChoice = None  # type: ignore[assignment,misc]

STILL_THERE = "Are you still there? Answer the question, or press Enter. If nobody answers, I will clear the screen."
IDLE_TITLE = "Bleeding after sex? Get private advice here."
IDLE_BODY = ("This helper asks a few short questions and tells you how soon to get care. It is not a diagnosis: "
             "in an emergency, call your local emergency number. Nothing you say is stored, and everything is "
             "wiped when you finish.")
IDLE_HINT = "Press Enter to start"
IDLE_HINT_VOICE = "Press Enter, or say “start”, to begin"
ANSWER_HINT = "Type your answer and press Enter.  You can say: repeat, help, go back, start over, stop."
RESULT_HINT = "Press Enter when you have finished reading: the screen will be cleared."
RESULT_MORE_HINT = "Press Enter for the rest of the advice."
STOPPED_HINT = "Press Enter to clear the screen."
ERROR_LINE = "Sorry, something went wrong and this conversation has to end."

MAX_LOOP_FAILURES = 50  # the idle loop itself failing this often in a row (e.g. the terminal is gone): exit 1

TIER_BANNER = {"emergency": "EMERGENCY: GET HELP NOW", "urgent": "URGENT: BE SEEN TODAY",
               "soon": "SEE A CLINICIAN IN THE NEXT FEW DAYS", "self_care": "SELF-CARE, AND WATCH FOR CHANGES"}


# -- input ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Input:
    kind: str  # "text", "timeout", "eof", "problem"
    text: str = ""
    confidence: float = 1.0
    spoken: bool = False  # from the recognizer (the dialog confirms spoken commands and reassuring answers)
    alternatives: tuple[tuple[str, float], ...] = ()  # other readings of the same audio (Conversation.hear)


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
                                 alternatives=tuple(tr.alternatives))
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


# -- the kiosk -----------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """How one conversation ended (kept only as counts; nothing of its content)."""

    end: str  # "result", "inactive", "stopped", "error", "eof"
    tier: str | None = None


class Kiosk:
    def __init__(self, content: Content, source: InputSource, screen: Screen, *,
                 speaker=None, inactivity_s: float = 90.0, still_there_s: float = 30.0,  # noqa: ANN001
                 result_hold_s: float = 180.0, error_hold_s: float = 15.0, max_conversations: int | None = None,
                 privacy_check: bool | None = None, conversation_factory: Callable[..., Conversation] | None = None,
                 on_wipe: Callable[[], None] | None = None):
        self.content = content
        self.source = source
        self.screen = screen
        self.speaker = speaker  # voice_triage.speech_out.Speaker or None (text only)
        self.inactivity_s = inactivity_s
        self.still_there_s = still_there_s
        self.result_hold_s = result_hold_s
        self.error_hold_s = error_hold_s
        self.max_conversations = max_conversations
        self.privacy_check = (speaker is not None) if privacy_check is None else privacy_check
        self.make_conversation = conversation_factory or Conversation
        self.on_wipe = on_wipe
        self.conv: Conversation | None = None
        self.outcomes: dict[str, int] = {}
        self.conversations = 0
        self.errors = 0
        self._muted = False  # "text only" chosen at the private-place check
        self._stop = False
        self._eof = False

    # -- speaking and showing -------------------------------------------------------------------
    def _speak(self, text: str, kind: str) -> None:
        if self.speaker is None or self._muted or kind == "screen":
            return
        try:
            self.speaker.say(text, kind)
        except Exception as e:  # noqa: BLE001 - speech failing must not end the conversation
            log.warning("speech output failed (%s); showing text only", Safe(type(e).__name__))
            self.speaker = None

    def render(self, events: list[Event]) -> None:
        """Show (and speak) a turn: the screen holds what was said since the person's last answer."""
        blocks: list[Block] = []
        result = False
        for e in events:
            if isinstance(e, Heard):
                if e.text:
                    note_sensitive(e.text)
                    blocks = [Block("you", f"You: {e.text}")]
                else:
                    blocks = []
            elif isinstance(e, Ask):
                blocks.append(Block("question", e.text))
                self._speak(e.text, "question")
            elif isinstance(e, Say):
                blocks.append(Block("safety" if e.kind == "safety_net" else "say", e.text))
                self._speak(e.text, e.kind)
            elif isinstance(e, SettingChanged):
                if self.speaker is not None and hasattr(self.speaker, "change"):
                    self.speaker.change(e.name, e.value)
            elif PrivacyChoice is not None and isinstance(e, PrivacyChoice):
                self._privacy(e.mode)
            elif isinstance(e, Result):
                result = True
                blocks.insert(0, Block("banner", TIER_BANNER.get(e.tier, e.tier.upper())))
            elif isinstance(e, End):
                pass
        if result:  # what to do, then the safety net, then the rest: the screen keeps the top
            head = [b for b in blocks if b.style == "banner"]
            rest = [b for b in blocks if b.style not in ("banner", "you")]
            first_say = next((i for i, b in enumerate(rest) if b.style == "say"), 0)
            safety = [b for b in rest if b.style == "safety"]
            others = [b for b in rest if b.style != "safety"]
            blocks = head + others[: first_say + 1] + safety + others[first_say + 1:]
        self.screen.show(blocks, ANSWER_HINT if self.conv is not None and not self.conv.finished else "",
                         keep="head" if result else "tail")

    def _privacy(self, mode: str) -> None:
        if mode == "text":
            self._muted = True
        elif mode == "quieter" and self.speaker is not None and hasattr(self.speaker, "change"):
            self.speaker.change("volume", -2)

    # -- one conversation -----------------------------------------------------------------------
    def _read_answer(self) -> Input:
        """An answer, asking "are you still there?" once before giving up on an absent person."""
        ask = self.conv.pending if self.conv else None
        got = self.source.read(self.inactivity_s, ask)
        if got.kind != "timeout":
            return got
        blocks = [Block("say", STILL_THERE)] + ([Block("question", ask.text)] if ask else [])
        self.screen.show(blocks, ANSWER_HINT)
        self._speak(STILL_THERE, "info")
        return self.source.read(self.still_there_s, ask)

    def converse(self) -> Outcome:
        """One whole conversation. Never raises (but SystemExit and a second Ctrl-C)."""
        try:
            self.conv = self.make_conversation(self.content, privacy_check=self.privacy_check)
        except TypeError:  # a dialog without the private-place check
            self.conv = self.make_conversation(self.content)
        conv = self.conv
        try:
            self.render(conv.start())
            while not conv.finished:
                got = self._read_answer()
                if got.kind == "timeout":
                    self.render(conv.stop("inactive"))
                    self._hold(min(self.error_hold_s, 5.0))
                    return Outcome("inactive")
                if got.kind == "eof":
                    self._eof = True
                    self.render(conv.stop("end_of_input"))
                    return Outcome("eof")
                if got.kind == "problem":
                    self.screen.show([Block("say", f"Sorry, {got.text}."),
                                      *([Block("question", conv.pending.text)] if conv.pending else [])], ANSWER_HINT)
                    continue
                note_sensitive(got.text)
                if not got.text.strip():
                    self.render(conv.silence())
                elif got.spoken:
                    self.render(conv.hear(got.text, got.confidence, spoken=True, alternatives=got.alternatives))
                else:
                    self.render(conv.hear(got.text, got.confidence))
            if conv.result is not None:
                self.screen.show(self.screen.blocks, RESULT_HINT, keep=self.screen.keep, hint_more=RESULT_MORE_HINT)
                while self.screen.has_more():  # the advice is longer than the screen: Enter for the next page
                    got = self.source.read(self.result_hold_s, None)
                    if got.kind in ("eof", "timeout"):
                        self._eof = self._eof or got.kind == "eof"
                        break
                    self.screen.page_down()
                else:
                    self._hold(self.result_hold_s)
                return Outcome("result", conv.result.tier)
            self.screen.show(self.screen.blocks, STOPPED_HINT)  # the safety net stays up until Enter
            self._hold(self.error_hold_s)
            return Outcome("stopped")
        except KeyboardInterrupt:
            self._safe_stop("user_stopped")
            return Outcome("stopped")
        except Exception as e:  # noqa: BLE001 - the kiosk keeps running through any error
            self.errors += 1
            log.error("a conversation failed (%s); it was ended with the safety net", Safe(type(e).__name__))
            self._safe_stop("error")
            return Outcome("error")

    def _safe_stop(self, reason: str) -> None:
        """End with the safety net, whatever state the conversation (or the screen) is in."""
        try:
            events = self.conv.stop(reason) if self.conv is not None else []
        except Exception:  # noqa: BLE001
            events = []
        if not any(isinstance(e, Say) and e.kind == "safety_net" for e in events):
            events = [Say(self.content.advice.safety_net, "safety_net"), *events]
        try:
            self.screen.show([Block("say", ERROR_LINE) if reason == "error" else Block("say", "")]
                             + [Block("safety" if e.kind == "safety_net" else "say", e.text)
                                for e in events if isinstance(e, Say)], "")
            for e in events:
                if isinstance(e, Say):
                    self._speak(e.text, e.kind)
        except Exception:  # noqa: BLE001
            pass
        try:
            self._hold(self.error_hold_s)
        except Exception:  # noqa: BLE001
            pass

    def _hold(self, seconds: float) -> None:
        """Keep the screen until Enter or ``seconds``; end of input ends the hold too."""
        got = self.source.read(seconds, None)
        if got.kind == "eof":
            self._eof = True

    # -- wiping ---------------------------------------------------------------------------------
    def wipe(self) -> None:
        """Remove every trace of the last conversation (see the module's docstring)."""
        self.conv = None
        self._muted = False
        if self.speaker is not None:
            for name in ("rate", "volume"):
                try:
                    self.speaker.change(name, 0)
                except Exception:  # noqa: BLE001
                    pass
            mic = getattr(self.speaker, "mic", None)
            if mic is not None and hasattr(mic, "flush"):
                mic.flush()
        try:
            self.source.wipe()
        except Exception as e:  # noqa: BLE001
            log.warning("could not discard pending input (%s)", Safe(type(e).__name__))
        self.screen.wipe()
        forget_sensitive()
        if self.on_wipe is not None:
            self.on_wipe()
        gc.collect()

    # -- the loop -------------------------------------------------------------------------------
    def idle(self) -> bool:
        """The idle screen; True when someone starts a conversation, False at end of input."""
        hint = IDLE_HINT_VOICE if getattr(self.source, "spoken", False) else IDLE_HINT
        self.screen.show([Block("banner", IDLE_TITLE), Block("say", IDLE_BODY)], hint)
        while True:
            got = self.source.read(None, None)
            if got.kind == "eof":
                return False
            if got.kind in ("text", "problem"):
                return True

    def stop(self) -> None:
        self._stop = True

    def run(self) -> int:
        self.screen.enter()
        previous = signal.getsignal(signal.SIGTERM)
        try:
            signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(0)))
        except ValueError:  # not the main thread (tests)
            previous = None
        try:
            failures = 0
            while not self._stop and not self._eof:
                if self.max_conversations is not None and self.conversations >= self.max_conversations:
                    break
                try:
                    if not self.idle():
                        break
                    outcome = self.converse()
                    self.conversations += 1
                    self.outcomes[outcome.end] = self.outcomes.get(outcome.end, 0) + 1
                    self.wipe()
                    failures = 0
                except KeyboardInterrupt:
                    self.wipe()
                except Exception as e:  # noqa: BLE001 - idle screen or wipe failed: try again, within reason
                    failures += 1
                    log.error("the kiosk loop failed (%s); returning to the idle screen", Safe(type(e).__name__))
                    if failures >= MAX_LOOP_FAILURES:
                        return 1
                    try:
                        self.wipe()
                    except Exception:  # noqa: BLE001
                        pass
            return 0
        finally:
            self.wipe()
            self.screen.leave()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

