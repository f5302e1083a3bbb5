"""The real capture path: PulseAudio null sink -> monitor source -> sounddevice -> end of speech -> recognizer,
and pyttsx3's speech played through the same sink and recognized back."""

import os
import threading

import numpy as np
import pytest
from speech_testkit import espeak, pad, write

from voice_triage.audio_in import EndpointConfig, Microphone
from voice_triage.recognition import build_grammar
from voice_triage.speech_out import HalfDuplex, Synthesizer, play

pytestmark = pytest.mark.audio

PHRASES = ["yes", "no", "not really", "i don't know", "repeat", "help", "go back", "start over", "stop"]


@pytest.fixture(scope="module")
def grammar(pocketsphinx_rec):
    return build_grammar(PHRASES, pocketsphinx_rec.knows, engine="pocketsphinx")


def test_capture_end_of_speech_and_recognize(pulse, tmp_path, pocketsphinx_rec, grammar):
    heard = []
    with Microphone("pulse") as mic:
        for word in ["not really", "yes", "go back"]:
            x, sr = espeak(word, "en-us", 150)
            path = write(tmp_path / "w.wav", pad(x, sr, 0.0, 0.0), sr)
            mic.flush()
            player = pulse.play_file(path, delay=1.0)
            utt = mic.listen(EndpointConfig(no_input_timeout_s=8.0))
            player.wait()
            assert utt.reason == "end", word
            t = pocketsphinx_rec.transcribe(utt.samples, grammar)
            heard.append(t.text)
    print("captured through PulseAudio and recognized:", heard)
    # every answer is captured whole (reason "end" above); recognition of one capture can still slip, as on
    # any channel (the frames a capture starts on differ from run to run): two of the three must be exact
    assert sum(h == w for h, w in zip(heard, ["not really", "yes", "go back"])) >= 2, heard


def test_no_input_timeout_on_a_quiet_line(pulse):
    with Microphone("pulse") as mic:
        utt = mic.listen(EndpointConfig(no_input_timeout_s=1.5))
    assert utt.reason == "timeout" and utt.samples.size == 0


def test_pyttsx3_through_the_sink_recognized_back(pulse, pocketsphinx_rec, grammar):
    synth = Synthesizer()
    try:
        samples, rate = synth.synthesize("start over")
        assert os.listdir(synth._dir) == []  # nothing of the utterance left on disk
        with Microphone("pulse") as mic:
            got = {}

            def listen():
                got["utt"] = mic.listen(EndpointConfig(no_input_timeout_s=8.0))

            th = threading.Thread(target=listen)
            th.start()
            play(np.concatenate([np.zeros(int(0.5 * rate), np.float32), samples]), rate, device="pulse")
            th.join(15)
        utt = got["utt"]
        assert utt.reason == "end"
        assert pocketsphinx_rec.transcribe(utt.samples, grammar).text == "start over"
    finally:
        synth.close()
    assert not os.path.exists(synth._dir)


def test_half_duplex_never_hears_itself(pulse):
    """While the assistant speaks the microphone is muted; after the guard the queue is empty."""
    synth = Synthesizer()
    samples, rate = synth.synthesize("Is the bleeding heavy?")
    synth.close()
    with Microphone("pulse") as mic:
        with HalfDuplex(mic, guard_s=0.4):
            play(samples, rate, device="pulse")
            assert mic._q.qsize() == 0
        # right after: nothing of the prompt is waiting to be recognized
        utt = mic.listen(EndpointConfig(no_input_timeout_s=1.0))
    assert utt.reason == "timeout"


@pytest.mark.parametrize("rate", [48000, 44100])
def test_capture_at_the_device_rate_is_resampled(pulse, tmp_path, pocketsphinx_rec, grammar, rate):
    """A device that only takes its own rate: captured at 48 / 44.1 kHz, resampled to 16 kHz as it comes,
    then the same end-of-speech detection and recognition."""
    x, sr = espeak("go back", "en-us", 150)
    path = write(tmp_path / "g.wav", pad(x, sr, 0.0, 0.0), sr)
    with Microphone("pulse", rate=rate) as mic:
        assert mic._rate == rate and mic._resampler is not None
        warm = mic.frames()
        for _ in range(20):  # the stream is running and delivering audio before the answer is played
            next(warm)
        mic.flush()
        player = pulse.play_file(path, delay=1.0)
        utt = mic.listen(EndpointConfig(no_input_timeout_s=8.0))
        player.wait()
    assert utt.reason == "end"
    assert 0.5 < len(utt.samples) / 16000 < 3.0  # the duration survives resampling (16 kHz samples)
    assert pocketsphinx_rec.transcribe(utt.samples, grammar).text == "go back"
