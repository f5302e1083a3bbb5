"""Speech out: espeak-ng runs in its synchronous mode (its asynchronous thread has crashed the process inside
espeak_Synth), every sample comes back in memory, nothing is written to disk, and the voice settings
(rate, volume) take effect at once."""

import os

import numpy as np
import pytest

pytest.importorskip("pyttsx3")

from voice_triage.speech_out.tts import Synthesizer, TTSError  # noqa: E402

pytestmark = pytest.mark.audio

LINE = "If you soak a pad in an hour, feel dizzy or faint, or have severe pain, get emergency help immediately."


@pytest.fixture(scope="module")
def synth():
    try:
        return Synthesizer()
    except TTSError as e:  # espeak-ng not installed
        pytest.skip(str(e))


def test_speech_is_synthesized_in_memory_in_espeaks_synchronous_mode(synth):
    assert synth._sync_rate > 0
    for _ in range(20):  # one after another, as a conversation does
        samples, rate = synth.synthesize(LINE)
        assert rate == synth._sync_rate and samples.dtype == np.float32
        assert 3.0 < samples.size / rate < 15.0 and np.abs(samples).max() > 0.05
    assert os.listdir(synth._dir) == []  # nothing of what is said is written


def test_rate_and_volume_take_effect_on_the_next_line(synth):
    base, _ = synth.synthesize(LINE)
    synth.settings.rate_step = 2
    faster, _ = synth.synthesize(LINE)
    synth.settings.rate_step, synth.settings.volume_step = 0, -4
    quieter, _ = synth.synthesize(LINE)
    synth.settings.volume_step = 0
    assert faster.size < 0.85 * base.size
    assert np.abs(quieter).max() < 0.6 * np.abs(base).max()
