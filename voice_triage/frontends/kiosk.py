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
import signal
from dataclasses import dataclass
from typing import Callable

from voice_triage.content.model import Content
from voice_triage.dialog import Ask, Conversation, End, Event, Heard, Result, Say, SettingChanged
from voice_triage.frontends.kiosk_input import Input, InputSource, KeyboardSource, VoiceSource
from voice_triage.frontends.kiosk_screen import Block, Screen
from voice_triage.privacy import Safe, forget_sensitive, note_sensitive

__all__ = ["Input", "InputSource", "KeyboardSource", "Kiosk", "Outcome", "VoiceSource"]

log = logging.getLogger("voice_triage.kiosk")

try:  # the private-place check (lead's dialog); older dialogs have no such event
    from voice_triage.dialog.events import PrivacyChoice
except ImportError:  # pragma: no cover
    PrivacyChoice = None  # type: ignore[assignment,misc]

MAX_LOOP_FAILURES = 50  # the idle loop itself failing this often in a row (e.g. the terminal is gone): exit 1



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
        self.words = content.section("kiosk")  # the screen's words (dialog.yaml kiosk:)
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
                    blocks = [Block("you", self.words["you_said"].format(text=e.text))]
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
                blocks.insert(0, Block("banner", self.words["banners"].get(e.tier, e.tier.upper())))
            elif isinstance(e, End):
                pass
        if result:  # what to do, then the safety net, then the rest: the screen keeps the top
            head = [b for b in blocks if b.style == "banner"]
            rest = [b for b in blocks if b.style not in ("banner", "you")]
            first_say = next((i for i, b in enumerate(rest) if b.style == "say"), 0)
            safety = [b for b in rest if b.style == "safety"]
            others = [b for b in rest if b.style != "safety"]
            blocks = head + others[: first_say + 1] + safety + others[first_say + 1:]
        self.screen.show(blocks, self.words["answer_hint"] if self.conv is not None and not self.conv.finished else "",
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
        blocks = [Block("say", self.words["still_there"])] + ([Block("question", ask.text)] if ask else [])
        self.screen.show(blocks, self.words["answer_hint"])
        self._speak(self.words["still_there"], "info")
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
                    self.screen.show([Block("say", self.content.line("error_input", problem=got.text)),
                                      *([Block("question", conv.pending.text)] if conv.pending else [])], self.words["answer_hint"])
                    continue
                note_sensitive(got.text)
                if not got.text.strip():
                    self.render(conv.silence())
                elif got.spoken:
                    self.render(conv.hear(got.text, got.confidence, spoken=True, alternatives=got.alternatives,
                                          words=got.words))
                else:
                    self.render(conv.hear(got.text, got.confidence))
            if conv.result is not None:
                self.screen.show(self.screen.blocks, self.words["result_hint"], keep=self.screen.keep,
                                 hint_more=self.words["result_more_hint"])
                while self.screen.has_more():  # the advice is longer than the screen: Enter for the next page
                    got = self.source.read(self.result_hold_s, None)
                    if got.kind in ("eof", "timeout"):
                        self._eof = self._eof or got.kind == "eof"
                        break
                    self.screen.page_down()
                else:
                    self._hold(self.result_hold_s)
                return Outcome("result", conv.result.tier)
            self.screen.show(self.screen.blocks, self.words["stopped_hint"])  # the safety net stays up until Enter
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
            self.screen.show([Block("say", self.words["error"]) if reason == "error" else Block("say", "")]
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
        hint = self.words["idle_hint_voice" if getattr(self.source, "spoken", False) else "idle_hint"]
        self.screen.show([Block("banner", self.words["idle_title"]), Block("say", self.words["idle_body"])], hint)
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

