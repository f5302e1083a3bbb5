"""The voice loop at the result: a spoken "summary" is answered, then silence ends (stand-in microphone
and recognizer: what is tested is the loop, not recognition)."""

from __future__ import annotations

import numpy as np
import pytest

from voice_triage.audio_in.endpoint import Utterance
from voice_triage.content import load_content
from voice_triage.recognition.base import Transcript

ANSWERS = {"privacy": "yes", "amount": "a few drops", "acute": "no", "symptoms": "no", "pregnancy_menopause": "no",
           "age": "thirty", "frequency": "first time", "contraception": "the pill", "risks": "no",
           "dryness": "no", "worried": "no"}


class Mic:
    def __init__(self, chat):
        self.chat = chat

    def flush(self):
        pass

    def listen(self, config=None, endpointer=None, on_start=None):
        conv = self.chat.conv
        if conv.finished and conv._follow_ups >= 1:  # after one follow-up: nobody speaks
            return Utterance(np.zeros(0, np.int16), "timeout", 0.0)
        return Utterance(np.zeros(1600, np.int16), "end", 1.0)

    def close(self):
        pass


class Rec:
    name = "stand-in"
    description = "stand-in recognizer"

    def __init__(self, chat):
        self.chat = chat

    def knows(self, word):
        return True

    def transcribe(self, samples, grammar):
        conv = self.chat.conv
        pending = conv.state.pending
        if conv.finished:
            return Transcript("summary", 0.9, self.name)
        if pending.kind == "confirm":
            return Transcript("yes", 0.9, self.name)
        key = "privacy" if pending.kind.startswith("privacy") else pending.question_id
        return Transcript(ANSWERS[key], 0.9, self.name)


def test_spoken_summary_at_the_result(monkeypatch):
    voice = pytest.importorskip("voice_triage.frontends.voice")
    content = load_content("en")
    out: list[str] = []
    chat = voice.VoiceChat(content, asr="pocketsphinx", no_voice=True, out=out.append, err=lambda m: None)
    chat.recognizer = Rec(chat)

    def open_microphone():
        chat.mic = Mic(chat)
        chat.speaker.mic = chat.mic
        return True

    monkeypatch.setattr(chat, "open_microphone", open_microphone)
    assert chat.run() == 0
    result = chat.conv.result
    assert result is not None and result.tier == "self_care" and chat.conv.end_reason == "result"
    after = out[next(i for i, line in enumerate(out) if line.startswith("Result:")):]
    assert any(line.endswith(result.summary) for line in after[1:]), after
