"""Synthesized speech for the simulated patient, and the channel: noise at an exact SNR, tempo, pitch.

- ``synthesize``: espeak-ng into a WAV (voice, rate in words/min, pitch 0-99).
- ``make_noise``: white, pink or babble-like noise from a seed (numpy only).
- ``mix_at_snr``: adds noise scaled so that 10*log10(P_speech / P_noise) is exactly the SNR asked, where
  P_speech is the mean power of the synthesized utterance (without the added lead/tail silence) and
  P_noise the mean power of the noise over the whole padded clip.
- ``sox_effect``: tempo, pitch and reverberation with sox.
- ``Channel``: a named condition applied to a clip: noise, tempo, pitch, a level change (``gain_db``: the
  whole clip, relative to the synthesized speech: a softer voice or a person further from the microphone),
  reverberation (a room).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

VOICES = ["en-us", "en", "en-gb-x-rp", "en+f3", "en-us+f2", "en-gb-scotland", "en+m3", "en-us+f4"]
RATES = (130, 190)   # words per minute (espeak-ng default 175)
PITCHES = (30, 70)   # espeak-ng default 50
PAD_S = 0.25


def have_espeak() -> bool:
    return shutil.which("espeak-ng") is not None


def have_sox() -> bool:
    return shutil.which("sox") is not None


def synthesize(text: str, path: Path | str, voice: str = "en-us", rate: int = 160, pitch: int = 50) -> Path:
    path = Path(path)
    subprocess.run(["espeak-ng", "-w", str(path), "-v", voice, "-s", str(int(rate)), "-p", str(int(pitch)),
                    "--", text], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=30)
    return path


def read(path: Path | str) -> tuple[np.ndarray, int]:
    x, sr = sf.read(str(path), dtype="float32", always_2d=False)
    if x.ndim > 1:
        x = x.mean(axis=1)
    return x.astype(np.float64), sr


def write(path: Path | str, x: np.ndarray, sr: int) -> Path:
    sf.write(str(path), np.asarray(x, dtype=np.float32), sr, subtype="PCM_16")
    return Path(path)


def power(x: np.ndarray) -> float:
    return float(np.mean(np.square(x, dtype=np.float64)))


def seed_of(*parts: object) -> int:
    h = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(h[:8], "little")


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    white = rng.standard_normal(n)
    spec = np.fft.rfft(white)
    f = np.arange(len(spec), dtype=np.float64)
    f[0] = 1.0
    spec /= np.sqrt(f)
    spec[0] = 0.0
    return np.fft.irfft(spec, n)


def _bandpass(x: np.ndarray, sr: int, lo: float, hi: float) -> np.ndarray:
    spec = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1.0 / sr)
    spec[(freqs < lo) | (freqs > hi)] = 0.0
    return np.fft.irfft(spec, len(x))


def make_noise(kind: str, n: int, sr: int, seed: int) -> np.ndarray:
    """Unit-power noise of ``n`` samples. kind: white, pink or babble (speech-shaped, syllable-modulated
    noise from several simulated talkers)."""
    rng = np.random.default_rng(seed)
    if kind == "white":
        x = rng.standard_normal(n)
    elif kind == "pink":
        x = _pink(n, rng)
    elif kind == "babble":
        t = np.arange(n) / sr
        x = np.zeros(n)
        for _ in range(6):  # six talkers
            voice = _bandpass(_pink(n, rng), sr, 150.0, min(4000.0, sr / 2 - 1))
            env = np.zeros(n)
            for _ in range(3):  # syllable-rate modulation, 2-7 Hz
                env += np.sin(2 * np.pi * rng.uniform(2, 7) * t + rng.uniform(0, 2 * np.pi))
            env = np.clip(env / 3 + 0.3, 0, None)
            x += voice * env
    else:
        raise ValueError(f"unknown noise kind {kind!r}")
    p = power(x)
    return x / np.sqrt(p) if p > 0 else x


def mix_at_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float, pad: int = 0) -> np.ndarray:
    """Pads speech with ``pad`` zeros each side, adds ``noise`` (len = len(speech)+2*pad) scaled to the SNR.

    The SNR is exact with respect to the powers defined in the module doc. If the mix would clip, both
    parts are scaled down together (the SNR does not change).
    """
    ps = power(speech)
    padded = np.concatenate([np.zeros(pad), speech, np.zeros(pad)])
    if len(noise) != len(padded):
        raise ValueError("noise length must equal padded speech length")
    pn = power(noise)
    if ps == 0 or pn == 0:
        return padded
    gain = np.sqrt(ps / (pn * 10 ** (snr_db / 10)))
    mix = padded + gain * noise
    peak = float(np.max(np.abs(mix)))
    if peak > 0.99:
        mix *= 0.99 / peak
    return mix


def snr_of(speech: np.ndarray, noise: np.ndarray, mixed: np.ndarray, pad: int = 0) -> float:
    """Measured SNR of a mix made by mix_at_snr, given its parts: solves mixed = a*speech + b*noise
    (least squares, exact up to float error) and returns 10*log10(a^2 P_speech / (b^2 P_noise))."""
    padded = np.concatenate([np.zeros(pad), speech, np.zeros(pad)])
    (a, b), *_ = np.linalg.lstsq(np.stack([padded, noise], axis=1), mixed, rcond=None)
    return float(10 * np.log10((a * a * power(speech)) / (b * b * power(noise))))


def sox_effect(src: Path | str, dst: Path | str, tempo: float | None = None, pitch_cents: int | None = None,
               reverb: int | None = None) -> Path:
    """``reverb``: sox's reverberance (0-100 %), a room of sox's default size, dry and wet mixed."""
    args = ["sox", str(src), str(dst)]
    if tempo:
        args += ["tempo", "-s", f"{tempo}"]
    if pitch_cents:
        args += ["pitch", f"{int(pitch_cents)}"]
    if reverb:
        args += ["reverb", f"{int(reverb)}"]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=30)
    return Path(dst)


@dataclass(frozen=True)
class Channel:
    """A listening condition. ``snr_db`` None = clean. ``noise``: kind, or "mixed" to rotate
    white/pink/babble per utterance."""

    name: str
    snr_db: float | None = None
    noise: str = "mixed"
    tempo: float | None = None
    pitch_cents: int | None = None
    gain_db: float = 0.0
    reverb: int | None = None
    curt: bool = False  # the patient answers in single words where one word can answer (and faster)

    def apply(self, wav: Path, out: Path, seed: int) -> Path:
        src = wav
        if self.tempo or self.pitch_cents or self.reverb:
            tmp = out.with_suffix(".fx.wav")
            sox_effect(src, tmp, self.tempo, self.pitch_cents, self.reverb)
            src = tmp
        x, sr = read(src)
        pad = int(PAD_S * sr)
        if self.snr_db is None:
            y = np.concatenate([np.zeros(pad), x, np.zeros(pad)])
        else:
            kind = self.noise
            if kind == "mixed":
                kind = ("white", "pink", "babble")[seed % 3]
            noise = make_noise(kind, len(x) + 2 * pad, sr, seed)
            y = mix_at_snr(x, noise, self.snr_db, pad)
        if self.gain_db:
            y = y * 10 ** (self.gain_db / 20)
        write(out, y, sr)
        if src != wav:
            Path(src).unlink(missing_ok=True)
        return out


CONDITIONS: dict[str, Channel] = {
    "clean": Channel("clean"),
    "snr20": Channel("snr20", snr_db=20),
    "snr10": Channel("snr10", snr_db=10),
    "snr5": Channel("snr5", snr_db=5),
    "fast": Channel("fast", tempo=1.25),
    "slow": Channel("slow", tempo=0.8),
    "pitch_up": Channel("pitch_up", pitch_cents=300),
    "pitch_down": Channel("pitch_down", pitch_cents=-300),
    # the same speech quieter (a soft voice, a step back from the microphone): dB relative to espeak-ng's
    # own level (about -22 dBFS RMS while it speaks); -25 dB is a soft voice at arm's length from a laptop
    "level0": Channel("level0"),
    "level-12": Channel("level-12", gain_db=-12),
    "level-18": Channel("level-18", gain_db=-18),
    "level-25": Channel("level-25", gain_db=-25),
    "level-30": Channel("level-30", gain_db=-30),
    "reverb": Channel("reverb", reverb=60),
    "curt": Channel("curt", curt=True),
}
LEVEL_CONDITIONS = ("level0", "level-12", "level-18", "level-25", "level-30")
#: espeak-ng words per minute for the curt condition (fast, clipped single words)
CURT_RATE = 230
SNR_OF_CONDITION = {"clean": None, "snr20": 20, "snr10": 10, "snr5": 5}


@dataclass(frozen=True)
class Voice:
    voice: str
    rate: int
    pitch: int

    @classmethod
    def for_seed(cls, seed: int) -> "Voice":
        rng = np.random.default_rng(seed)
        return cls(VOICES[int(rng.integers(len(VOICES)))], int(rng.integers(RATES[0], RATES[1] + 1)),
                   int(rng.integers(PITCHES[0], PITCHES[1] + 1)))

    def __str__(self) -> str:
        return f"{self.voice}/s{self.rate}/p{self.pitch}"
