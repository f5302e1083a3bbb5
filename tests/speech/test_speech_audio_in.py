"""Audio in: reading any WAV into 16 kHz mono, bad files, and end-of-speech detection."""

import numpy as np
import pytest
from speech_testkit import SPEECH_COMMANDS, add_noise, espeak, pad, trim, write

from voice_triage.audio_in import (
    FRAME, AudioError, EndpointConfig, Endpointer, NoSpeech, find_speech, frames_of, read_audio,
)
from voice_triage.frontends.audio_answer import AudioAnswerer

pytestmark = pytest.mark.audio

YES_NO = ["yes", "no", "yeah", "nope", "not really", "i don't know", "repeat", "help", "stop"]


class _Content:
    """Just the two phrase lists AudioAnswerer needs (the real content is tested end to end elsewhere)."""

    def grammar_phrases(self, slots):
        return ["yes", "no", "yeah", "nope", "not really", "i don't know"]

    def command_phrases(self):
        return ["repeat", "help", "stop", "go back", "start over"]


@pytest.fixture(scope="module")
def answerer():
    return AudioAnswerer(_Content(), asr="pocketsphinx")


def test_reads_any_rate_and_channels(tmp_path):
    x, sr = espeak("yes")
    for rate, ch in [(8000, 1), (16000, 1), (22050, 1), (44100, 2), (48000, 2)]:
        import soxr

        y = soxr.resample(x, sr, rate)
        if ch == 2:
            y = np.stack([y, y * 0.5], axis=1)
        p = write(tmp_path / f"a{rate}_{ch}.wav", y, rate)
        s = read_audio(p)
        assert s.dtype == np.int16 and s.ndim == 1
        assert abs(len(s) / 16000 - len(x) / sr) < 0.02


def test_bad_files_give_one_line_errors(tmp_path):
    good = write(tmp_path / "good.wav", pad(*espeak("yes")), 22050)
    data = good.read_bytes()
    cases = {
        "missing": tmp_path / "nope.wav",
        "not a wav": tmp_path / "text.wav",
        "empty": tmp_path / "empty.wav",
        "truncated": tmp_path / "cut.wav",
        "header only": tmp_path / "header.wav",
        "folder": tmp_path,
    }
    cases["not a wav"].write_text("this is not audio\n" * 20)
    cases["empty"].write_bytes(b"")
    cases["truncated"].write_bytes(data[: len(data) // 2])
    cases["header only"].write_bytes(data[:44])
    for what, path in cases.items():
        with pytest.raises(AudioError) as e:
            read_audio(path)
        msg = str(e.value)
        assert msg and "\n" not in msg and "Traceback" not in msg, what


def test_silence_and_noise_hold_no_speech(tmp_path, answerer):
    rng = np.random.default_rng(3)
    cases = {
        "digital silence": np.zeros(32000, np.float32),
        "room hiss": rng.normal(0, 0.001, 48000).astype(np.float32),
        "loud white noise": rng.normal(0, 0.2, 48000).astype(np.float32),
        "loud hum": (0.3 * np.sin(2 * np.pi * 120 * np.arange(48000) / 16000)).astype(np.float32),
    }
    for what, x in cases.items():
        p = write(tmp_path / "n.wav", x, 16000)
        with pytest.raises(NoSpeech) as e:
            answerer.transcribe_file(str(p), None)
        assert isinstance(e.value, AudioError) and "\n" not in str(e.value), what


@pytest.mark.parametrize("form", ["clipped", "8k", "44k-stereo", "noisy-10dB"])
def test_degraded_audio_is_still_recognized(tmp_path, answerer, form):
    import soxr

    ok = 0
    for word in ["yes", "no", "not really"]:
        x, sr = espeak(word, "en-us", 140)
        x = pad(x, sr)
        rate = sr
        if form == "clipped":
            x = np.clip(x * 8, -0.3, 0.3)
        elif form == "8k":
            x, rate = soxr.resample(x, sr, 8000), 8000
        elif form == "44k-stereo":
            y = soxr.resample(x, sr, 44100)
            x, rate = np.stack([y, y], axis=1), 44100
        else:
            x = add_noise(x, 10)
        p = write(tmp_path / f"{word}.wav", x, rate)
        t = answerer.transcribe_file(str(p), _ask())
        right = SAME.get(t.text, t.text) == SAME.get(word, word)
        ok += right
        # a wrong reading must not be a confident one: the dialog confirms low-confidence answers
        assert right or t.confidence < 0.6, (form, word, t)
    if form == "8k":
        # telephone-band audio lacks what the 16 kHz model listens to above 4 kHz: resampled, it is
        # read, but worse (measured: "no" comes out as a partial, low-confidence "not")
        assert ok >= 1, form
    else:
        assert ok >= 2, form


SAME = {"yeah": "yes", "nope": "no"}


def _ask():
    from voice_triage.dialog.events import Ask

    return Ask(text="Is it?", slots=("x",), question_id="q")


def test_endpointer_start_end_and_preroll():
    x, sr = espeak("not really, I am fine", "en-us", 150)
    x = trim(x)
    import soxr

    speech = (soxr.resample(x, sr, 16000) * 32767).astype(np.int16)
    rng = np.random.default_rng(0)
    quiet = lambda s: (rng.normal(0, 30, int(s * 16000))).astype(np.int16)  # noqa: E731
    stream = np.concatenate([quiet(1.5), speech, quiet(2.0)])
    ep = Endpointer(EndpointConfig())
    got = None
    for i, f in enumerate(frames_of(stream)):
        got = ep.push(f)
        if got:
            break
    assert got is not None and got.reason == "end"
    # ended ~0.7 s after the speech, not at the end of the stream
    end_s = got.end_frame * FRAME / 16000
    speech_end = 1.5 + len(speech) / 16000
    assert speech_end + 0.5 < end_s < speech_end + 1.2
    # the pre-roll keeps the first syllable: the utterance covers the whole phrase
    assert len(got.samples) >= len(speech)


def test_endpointer_relaxed_waits_longer_and_timeout():
    rng = np.random.default_rng(0)
    tone = (3000 * np.sin(2 * np.pi * 200 * np.arange(8000) / 16000) * (1 + np.sin(2 * np.pi * 4 * np.arange(8000) / 16000))).astype(np.int16)
    x, sr = espeak("yes", "en-us", 150)
    x = trim(x)
    import soxr

    yes = (soxr.resample(x, sr, 16000) * 32767).astype(np.int16)
    gap = rng.normal(0, 30, int(1.0 * 16000)).astype(np.int16)  # a 1 s pause between two words
    stream = np.concatenate([rng.normal(0, 30, 16000).astype(np.int16), yes, gap, yes, rng.normal(0, 30, 48000).astype(np.int16)])
    normal = find_first(stream, EndpointConfig())
    relaxed = find_first(stream, EndpointConfig.relaxed())
    assert len(relaxed.samples) > len(normal.samples) + 8000  # relaxed kept the second word
    timeout = find_first(rng.normal(0, 30, 16000 * 10).astype(np.int16), EndpointConfig(no_input_timeout_s=8.0))
    assert timeout.reason == "timeout" and abs(timeout.end_frame * FRAME / 16000 - 8.0) < 0.1
    talk = np.tile(np.concatenate([yes, yes[:1000]]), 60)  # 30 s of talking without a pause
    long = find_first(np.concatenate([gap, talk]), EndpointConfig(max_utterance_s=5))
    assert long.reason == "max" and abs(len(long.samples) / 16000 - 5.0) < 0.1
    del tone


def find_first(stream, cfg):
    ep = Endpointer(cfg)
    for f in frames_of(stream):
        u = ep.push(f)
        if u:
            return u
    return ep.finish()


def test_find_speech_in_human_recordings():
    files = sorted(SPEECH_COMMANDS.glob("*/*.wav"))
    if not files:
        pytest.skip(f"{SPEECH_COMMANDS} is not there (CI has ../shared beside the clone)")
    found = sum(find_speech(read_audio(f)) is not None for f in files)
    print(f"speech found in {found}/{len(files)} one-word human recordings")
    assert found >= 0.95 * len(files)
