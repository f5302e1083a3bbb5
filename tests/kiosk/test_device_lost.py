"""Microphone lost mid-conversation: the conversation goes on by typing, and nothing answered is lost.

The speech layer's VoiceChat is driven with a stand-in microphone that hears one answer and then
raises DeviceLost (what Microphone.frames() raises when the stream dies or stalls). The recognizer
is replaced by a stand-in too: what is tested here is the front-end's fallback, not recognition.

PulseAudio note (found by hand, not yet a test): unloading the source a stream records from does *not*
make the stream die. PulseAudio moves the stream to another source (module-always-sink /
rescue of streams), which delivers digital silence, so Microphone.frames() never stalls, no DeviceLost
is raised, and the person gets "I didn't hear anything" re-prompts instead of the switch to typing.
To reproduce: `pactl load-module module-null-sink sink_name=vt_lost`, capture with
PULSE_SOURCE=vt_lost.monitor, `pactl unload-module N`: frames keep coming (all zeros).
"""

from __future__ import annotations

import numpy as np
import pytest

from voice_triage.content import load_content
from voice_triage.audio_in import DeviceLost
from voice_triage.audio_in.endpoint import Utterance
from voice_triage.recognition.base import Transcript

BENIGN_REST = ["no", "none of those", "no", "29", "first time", "the pill", "no", "yes a bit dry", "no"]


class FlakyMic:
    """Hears "a few drops" once, then the device is gone."""

    def __init__(self):
        self.listens = 0
        self.closed = False

    def flush(self):
        pass

    def mute(self):
        pass

    def unmute(self, flush=True):
        pass

    def listen(self, config=None, endpointer=None, on_start=None):
        self.listens += 1
        if self.listens <= 2:  # the private-place check (when asked), then the first question
            return Utterance(np.zeros(1600, np.int16), "end", 1.0)
        raise DeviceLost("The microphone stopped working; continuing by typing.")

    def close(self):
        self.closed = True


class OneAnswer:
    """Hears "yes" at the private-place check, then "a few drops"."""

    name = "stand-in"
    description = "stand-in recognizer"

    def __init__(self, conv_of):
        self.conv_of = conv_of

    def knows(self, word):
        return True

    def transcribe(self, samples, grammar):
        pending = self.conv_of().state.pending
        text = "yes" if pending is not None and pending.kind.startswith("privacy") else "a few drops"
        return Transcript(text, 0.95, self.name)


def test_device_lost_mid_conversation_continues_by_typing_nothing_lost(monkeypatch):
    voice = pytest.importorskip("voice_triage.frontends.voice")
    content = load_content("en")
    out: list[str] = []
    typed = iter(BENIGN_REST + ["stop"] * 5)

    def read_line(prompt):  # typed answers; a confirmation of what was heard gets "yes"
        pending = chat.conv.state.pending
        return "yes" if pending is not None and pending.kind == "confirm" else next(typed)

    chat = voice.VoiceChat(content, asr="pocketsphinx", no_voice=True, out=out.append,
                           read_line=read_line, err=lambda m: None)
    mic = FlakyMic()
    chat.recognizer = OneAnswer(lambda: chat.conv)

    def open_microphone():
        chat.mic = mic
        chat.speaker.mic = mic
        return True

    monkeypatch.setattr(chat, "open_microphone", open_microphone)
    assert chat.run() == 0
    said = "\n".join(out)
    assert "continuing by typing" in said
    assert mic.closed and chat.mic is None
    # the spoken answer, given before the device was lost, is still part of the result
    assert chat.conv.result is not None
    assert chat.conv.result.facts["amount"] == "spotting"
    assert chat.conv.result.tier == "self_care"
    # the question that was pending when the microphone went is put again, in text
    lost_at = next(i for i, line in enumerate(out) if "continuing by typing" in line)
    assert out[lost_at + 1] in out[:lost_at]
