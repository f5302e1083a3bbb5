"""`voice-triage chat --jsonl`: the conversation as JSON Lines (events on stdout, answers on stdin).

stdin lines: {"text": "..."}, a bare line of text, or {"audio": "path.wav"} (a spoken answer). An empty
line is no answer (silence). A bad line gets an `error` event and the same question again. The `heard` event
of a spoken answer also gives the recognizer's confidence, its other readings (`alternatives`) and its words, each with its posterior (`words`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, TextIO

from voice_triage import strict_json
from voice_triage.content.model import Content
from voice_triage.dialog import Ask, Conversation, Event
from voice_triage.dialog.events import Heard
from voice_triage.frontends.events_json import dumps_line, event_json
from voice_triage.frontends.line_input import read_line
from voice_triage.safe_text import cut


@dataclass(frozen=True)
class Answer:
    kind: str  # "text", "audio", "silence", "error"
    value: str = ""


def _surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def parse_line(line: str) -> Answer:
    stripped = line.strip().removeprefix("\ufeff")
    if not stripped:
        return Answer("silence")
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            obj = strict_json.loads(stripped)
        except json.JSONDecodeError as e:
            return Answer("error", f"not valid JSON ({e.msg} at column {e.colno})")
        except RecursionError:
            return Answer("error", "the JSON is nested too deeply")
        except ValueError as e:  # a key given twice, a number too long for Python
            return Answer("error", f"not usable JSON ({cut(str(e))})")
        if not isinstance(obj, dict):
            return Answer("error", 'expected a JSON object like {"text": "..."}')
        keys = set(obj) & {"text", "audio"}
        if len(keys) != 1:
            return Answer("error", 'expected exactly one of "text" or "audio"')
        key = keys.pop()
        value = obj[key]
        if not isinstance(value, str):
            return Answer("error", f'"{key}" must be a string')
        if _surrogate(value):  # a lone UTF-16 half (JSON "\\ud800"): not a character
            return Answer("error", f'"{key}" holds an invalid character (a lone surrogate)')
        if key == "text":
            return Answer("text", value) if value.strip() else Answer("silence")
        return Answer("audio", value)
    return Answer("text", stripped)


#: (path, ask) -> (text, confidence[, alternatives[, words]]): see Conversation.hear
AudioHandler = Callable[[str, Ask | None], tuple]


class JsonlSession:
    """Drives one Conversation over JSON Lines."""

    def __init__(self, content: Content, out: TextIO, inp: BinaryIO, audio: AudioHandler | None = None,
                 audio_error: str | None = None, privacy_check: bool = False):
        self.conv = Conversation(content, privacy_check=privacy_check)
        self.out = out
        self.inp = inp
        self.audio = audio
        self.audio_error = audio_error

    def emit(self, obj: dict[str, Any]) -> None:
        self.out.write(dumps_line(obj) + "\n")
        self.out.flush()

    def emit_events(self, events: list[Event]) -> None:
        for e in events:
            self.emit(event_json(e))

    def _error(self, message: str) -> None:
        self.emit({"event": "error", "message": message})
        pending = self.conv.pending
        if pending is not None:
            self.emit(event_json(pending))

    def run(self) -> int:
        self.emit_events(self.conv.start())
        while not self.conv.finished:
            line = read_line(self.inp)
            if line.text is None:
                self.emit_events(self.conv.stop("end_of_input"))
                break
            if line.problem:
                self._error(line.problem)
                continue
            answer = parse_line(line.text)
            if answer.kind == "error":
                self._error(answer.value)
            elif answer.kind == "silence":
                self.emit_events(self.conv.silence())
            elif answer.kind == "text":
                self.emit_events(self.conv.hear(answer.value))
            else:
                self._audio(answer.value)
        return 0

    def _audio(self, path: str) -> None:
        if self.audio is None:
            self._error(f"audio answers are not available: {self.audio_error or 'no recognizer'}")
            return
        try:
            got = self.audio(path, self.conv.pending)
            text, confidence = got[0], got[1]
            alternatives = got[2] if len(got) > 2 else ()
            words = got[3] if len(got) > 3 else ()
        except NoSpeechHeard:
            self.emit_events(self.conv.silence())  # silence or noise only: no answer, like an empty line
            return
        except AudioAnswerError as e:
            self._error(str(e))
            return
        if not text.strip():
            self.emit_events(self.conv.silence())
            return
        heard = {"recognized": text, "confidence": round(float(confidence), 3),
                 "alternatives": [[str(t), round(float(c), 3)] for t, c in alternatives],
                 "words": [[str(w), round(float(c), 3)] for w, c in words]}
        for ev in self.conv.hear(text, confidence, spoken=True, alternatives=alternatives, words=words):
            # (the recognizer's readings go with what the dialog made of them: the caller sees both)
            self.emit({**event_json(ev), **heard} if isinstance(ev, Heard) else event_json(ev))


class AudioAnswerError(Exception):
    """An audio answer could not be used (message is for the user)."""


class NoSpeechHeard(AudioAnswerError):
    """The audio held no speech: the same as no answer."""


def make_audio_handler(content: Content, asr: str | None, model: str | None) -> tuple[AudioHandler | None, str | None]:
    """The speech layer's file recognizer, loaded lazily on the first audio line."""
    state: dict[str, Any] = {}

    def handle(path: str, ask: Ask | None) -> tuple[str, float, list[tuple[str, float]], list[tuple[str, float]]]:
        try:
            from voice_triage.audio_in import AudioError, NoSpeech
            from voice_triage.frontends.audio_answer import AudioAnswerer
        except ImportError as e:  # the speech layer is not installed
            raise AudioAnswerError(f"audio answers are not available ({e})") from e
        try:
            if "answerer" not in state:
                state["answerer"] = AudioAnswerer(content, asr=asr, model=model)
            transcript = state["answerer"].transcribe_file(path, ask)
        except NoSpeech as e:
            raise NoSpeechHeard(str(e)) from e
        except AudioError as e:
            raise AudioAnswerError(str(e)) from e
        except Exception as e:  # noqa: BLE001 - a recognizer failure must not end the conversation
            raise AudioAnswerError(f"could not recognise that audio ({type(e).__name__}: {e})") from e
        return transcript.text, float(transcript.confidence), list(transcript.alternatives), list(transcript.words)

    return handle, None


def run_jsonl(content: Content, *, asr: str | None = None, model: str | None = None,
              out: TextIO | None = None, inp: BinaryIO | None = None, privacy_check: bool = False) -> int:
    handler, problem = make_audio_handler(content, asr, model)
    session = JsonlSession(content, out or sys.stdout, inp or sys.stdin.buffer, handler, problem, privacy_check)
    return session.run()
