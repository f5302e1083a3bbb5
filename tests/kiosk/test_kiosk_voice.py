"""The kiosk's spoken input: answers from the microphone, typed answers at any time, the microphone lost."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile

import numpy as np

import pytest

from voice_triage.audio_in import DeviceLost, read_audio
from voice_triage.content import load_content
from voice_triage.frontends.kiosk import Input, KeyboardSource, Kiosk, VoiceSource
from voice_triage.frontends.kiosk_screen import Screen
from voice_triage.recognition.base import Transcript

FRAME = 480
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


_SPEECH: dict = {}


def speechlike(seconds: float = 1.0, seed: int = 0) -> np.ndarray:
    """Real synthetic speech (espeak-ng), 16 kHz int16, as the microphone would deliver it."""
    text = ["a few drops", "hello there"][seed % 2]
    if text not in _SPEECH:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "s.wav")
            subprocess.run(["espeak-ng", "-v", "en-us", "-w", path, text], check=True, capture_output=True)
            _SPEECH[text] = read_audio(path)
    return _SPEECH[text]


def quiet(seconds: float, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 30, int(16000 * seconds)).astype(np.int16)


class FakeMic:
    """Frames from a list of sample arrays; then the device is lost (or silence forever)."""

    def __init__(self, *chunks: np.ndarray, lose_after: bool = True):
        self.samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        self.pos = 0
        self.lose_after = lose_after
        self.closed = False
        self.flushes = 0
        self.on_lost = None

    def flush(self):
        self.flushes += 1

    def close(self):
        self.closed = True

    def frames(self):
        while self.pos + FRAME <= len(self.samples):
            f = self.samples[self.pos:self.pos + FRAME]
            self.pos += FRAME
            yield f
        if self.lose_after:
            if self.on_lost:
                self.on_lost()
            raise DeviceLost("The microphone stopped working; continuing by typing.")
        while True:
            yield quiet(0.03)[:FRAME]


class Rec:
    name = "stand-in"

    def __init__(self, *texts: str):
        self.texts = list(texts)
        self.heard: list[int] = []

    def transcribe(self, samples, grammar):
        self.heard.append(len(samples))
        return Transcript(self.texts.pop(0), 0.9, self.name)


class Book:
    def for_ask(self, ask):
        return None


def keyboard(data: bytes = b"") -> KeyboardSource:
    r, w = os.pipe()
    os.write(w, data)
    os.close(w)
    return KeyboardSource(r)


@needs_espeak
def test_a_spoken_answer_is_recognized():
    mic = FakeMic(quiet(0.5), speechlike(1.0), quiet(1.2))
    src = VoiceSource(keyboard(), mic, Rec("a few drops"), Book())
    got = src.read(None)
    assert got == Input("text", "a few drops", 0.9, spoken=True)


def test_a_typed_answer_is_taken_while_listening():
    mic = FakeMic(quiet(3.0), lose_after=False)
    src = VoiceSource(keyboard(b"typed it\n"), mic, Rec(), Book())
    assert src.read(None) == Input("text", "typed it")


def test_silence_until_the_inactivity_limit_is_a_timeout():
    mic = FakeMic(lose_after=False)
    src = VoiceSource(keyboard(), mic, Rec(), Book())
    assert src.read(0.0).kind == "timeout"


def test_microphone_lost_goes_on_by_keyboard():
    notes = []
    mic = FakeMic(quiet(0.3))
    r, w = os.pipe()
    mic.on_lost = lambda: (os.write(w, b"no\n"), os.close(w))  # typed once the microphone is gone
    src = VoiceSource(KeyboardSource(r), mic, Rec(), Book(), notify=notes.append)
    assert src.read(None) == Input("text", "no")
    assert mic.closed and src.mic is None and not src.spoken
    assert notes and "continuing by typing" in notes[0]


@needs_espeak
def test_kiosk_spoken_start_and_answer_then_device_lost_nothing_lost():
    content = load_content("en")
    # spoken: the start, then "a few drops"; then the microphone dies and the rest is typed
    mic = FakeMic(quiet(0.5), speechlike(0.8, 1), quiet(1.2), speechlike(1.0, 2), quiet(1.2), quiet(0.3))
    rest = b"".join(a.encode() + b"\n" for a in
                    ["yes",  # the dialog confirms a spoken answer that rules out an emergency ("light spotting?")
                     "no", "none of those", "no", "29", "first time", "the pill", "no", "yes a bit dry", "no", ""])
    out = io.StringIO()
    r, w = os.pipe()
    mic.on_lost = lambda: (os.write(w, rest), os.close(w))  # the person types once the microphone is gone
    src = VoiceSource(KeyboardSource(r), mic, Rec("hello", "a few drops"), Book())
    screen = Screen(out, plain=True)
    src.notify = lambda m: out.write(f"[note] {m}\n")
    facts = []
    k = Kiosk(content, src, screen, on_wipe=None)
    orig = k.wipe

    def wipe():
        if k.conv is not None and k.conv.result is not None:
            facts.append(dict(k.conv.result.facts))
        orig()
    k.wipe = wipe
    assert k.run() == 0
    assert k.outcomes.get("result") == 1
    assert facts and facts[0]["amount"] == "spotting" and facts[0]["age"] == 29
    assert "continuing by typing" in out.getvalue()


@needs_espeak
def test_between_people_the_voice_learned_is_forgotten():
    """The kiosk's wipe after a conversation also resets the capture front-end (filters, the last speaker's
    level) and the recognizer's adaptation to the voice, so the next person starts afresh."""
    resets = []

    class Adapting(Rec):
        def new_speaker(self):
            resets.append(True)

    mic = FakeMic(quiet(0.5), speechlike(1.0), quiet(1.2), lose_after=False)
    src = VoiceSource(keyboard(), mic, Adapting("a few drops"), Book())
    assert src.read(None).text == "a few drops"
    assert src.frontend is not None and src.frontend.last_levels
    src.wipe()
    assert resets == [True] and src.frontend is None and mic.flushes >= 1
