"""Noise generation, exact-SNR mixing, espeak-ng synthesis and sox tempo/pitch."""

import numpy as np
import pytest

from evaluation import audio

needs_espeak = pytest.mark.skipif(not audio.have_espeak(), reason="espeak-ng not installed")
needs_sox = pytest.mark.skipif(not audio.have_sox(), reason="sox not installed")


def tone(n=16000, sr=16000):
    t = np.arange(n) / sr
    return 0.3 * np.sin(2 * np.pi * 220 * t) * np.hanning(n)


@pytest.mark.parametrize("kind", ["white", "pink", "babble"])
def test_noise_is_unit_power_and_seeded(kind):
    a = audio.make_noise(kind, 16000, 16000, 42)
    b = audio.make_noise(kind, 16000, 16000, 42)
    c = audio.make_noise(kind, 16000, 16000, 43)
    assert np.allclose(audio.power(a), 1.0)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_pink_has_more_low_than_high_energy():
    x = audio.make_noise("pink", 32000, 16000, 1)
    spec = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(len(x), 1 / 16000)
    assert spec[(f > 50) & (f < 500)].mean() > 5 * spec[(f > 4000) & (f < 7000)].mean()


@pytest.mark.parametrize("kind", ["white", "pink", "babble"])
@pytest.mark.parametrize("snr", [20, 10, 5, 0])
def test_mix_is_at_the_exact_snr(kind, snr):
    s = tone()
    pad = 800
    n = audio.make_noise(kind, len(s) + 2 * pad, 16000, 7)
    m = audio.mix_at_snr(s, n, snr, pad)
    assert len(m) == len(s) + 2 * pad
    assert audio.snr_of(s, n, m, pad) == pytest.approx(snr, abs=1e-6)
    # without clipping the noise part is exactly the scaled noise
    noise_part = m - np.concatenate([np.zeros(pad), s, np.zeros(pad)])
    assert 10 * np.log10(audio.power(s) / audio.power(noise_part)) == pytest.approx(snr, abs=1e-9)


def test_loud_mix_is_rescaled_not_clipped_and_keeps_snr():
    s = tone() * 3
    n = audio.make_noise("white", len(s), 16000, 3)
    m = audio.mix_at_snr(s, n, 0)
    assert np.max(np.abs(m)) <= 0.99 + 1e-12
    assert audio.snr_of(s, n, m) == pytest.approx(0, abs=1e-6)


def test_voice_choice_is_seeded():
    assert audio.Voice.for_seed(5) == audio.Voice.for_seed(5)
    vs = {audio.Voice.for_seed(i).voice for i in range(100)}
    assert len(vs) >= 5


@needs_espeak
def test_synthesize_and_channels(tmp_path):
    raw = audio.synthesize("yes I have a fever", tmp_path / "a.wav", "en-gb-x-rp", 150, 40)
    x, sr = audio.read(raw)
    assert sr > 8000 and len(x) / sr > 0.5 and audio.power(x) > 1e-5
    outs = {}
    for name, ch in audio.CONDITIONS.items():
        if (ch.tempo or ch.pitch_cents) and not audio.have_sox():
            continue
        out = ch.apply(raw, tmp_path / f"{name}.wav", seed=3)
        y, sr2 = audio.read(out)
        assert sr2 == sr
        outs[name] = y
    pad = int(audio.PAD_S * sr)
    assert len(outs["clean"]) == len(x) + 2 * pad
    # 16-bit files: the SNR of the noisy files stays within quantization error of the target
    for name, snr in (("snr20", 20), ("snr10", 10), ("snr5", 5)):
        y = outs[name]
        noise = y - outs["clean"] * (np.dot(y, outs["clean"]) / np.dot(outs["clean"], outs["clean"]))
        measured = 10 * np.log10(audio.power(x) / audio.power(noise))
        assert measured == pytest.approx(snr, abs=0.6)


@needs_espeak
@needs_sox
def test_tempo_changes_duration(tmp_path):
    raw = audio.synthesize("it has happened once or twice before", tmp_path / "a.wav")
    x, sr = audio.read(raw)
    fast, _ = audio.read(audio.sox_effect(raw, tmp_path / "f.wav", tempo=1.25))
    slow, _ = audio.read(audio.sox_effect(raw, tmp_path / "s.wav", tempo=0.8))
    assert len(fast) < 0.9 * len(x) < len(x) < 1.1 * len(x) < len(slow)
