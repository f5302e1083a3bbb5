"""Helpers shared by the speech tests (imported by name: tests/speech is on sys.path under pytest)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import soundfile as sf

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SPEECH_COMMANDS = SHARED / "data" / "speech_commands_sample"

HAVE_ESPEAK = shutil.which("espeak-ng") is not None


def espeak(text: str, voice: str = "en-us", rate: int = 150) -> tuple[np.ndarray, int]:
    """espeak-ng speech as (float32 mono, rate)."""
    out = subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "--stdout", text],
                         capture_output=True, check=True).stdout
    x, sr = sf.read(io.BytesIO(out), dtype="float32")
    return x, sr


def trim(x: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    """Cut espeak's own leading/trailing silence."""
    idx = np.flatnonzero(np.abs(x) > threshold)
    return x[idx[0] : idx[-1] + 1] if idx.size else x


def add_noise(x: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = float(np.mean(x**2)) or 1e-9
    n = rng.normal(0, np.sqrt(p / 10 ** (snr_db / 10)), len(x)).astype(np.float32)
    return np.clip(x + n, -1, 1).astype(np.float32)


def pad(x: np.ndarray, sr: int, before: float = 0.3, after: float = 0.3, level: float = 0.0005, seed: int = 1) -> np.ndarray:
    """Quiet room noise around an answer, as a microphone would give."""
    rng = np.random.default_rng(seed)
    a = rng.normal(0, level, int(before * sr)).astype(np.float32)
    b = rng.normal(0, level, int(after * sr)).astype(np.float32)
    return np.concatenate([a, x + rng.normal(0, level, len(x)).astype(np.float32), b])


def write(path: Path, x: np.ndarray, sr: int, subtype: str = "PCM_16") -> Path:
    sf.write(str(path), x, sr, subtype=subtype)
    return path


def spoken_wav(tmp: Path, text: str, voice: str = "en-us", rate: int = 150, snr_db: float | None = None,
               name: str | None = None) -> Path:
    x, sr = espeak(text, voice, rate)
    x = pad(x, sr)
    if snr_db is not None:
        x = add_noise(x, snr_db, seed=abs(hash((text, voice, rate))) % 1000)
    name = name or f"{voice}-{rate}-{snr_db}-{text[:30].replace(' ', '_')}.wav".replace("/", "_")
    return write(tmp / name, x, sr)


class Pulse:
    """A PulseAudio server with a null sink ``vt_test`` whose monitor is the default source."""

    def __init__(self):
        self.started_here = False
        self.modules: list[str] = []

    def _ok(self) -> bool:
        return subprocess.run(["pulseaudio", "--check"], capture_output=True).returncode == 0

    def start(self) -> str | None:
        """None when ready, else the reason it could not start."""
        if not shutil.which("pulseaudio") or not shutil.which("pactl"):
            return "pulseaudio / pactl are not installed (scripts/setup installs them)"
        if not self._ok():
            r = subprocess.run(["pulseaudio", "--start", "--exit-idle-time=-1"], capture_output=True, text=True)
            for _ in range(50):
                if self._ok():
                    break
                time.sleep(0.1)
            if not self._ok():
                return f"pulseaudio would not start: {(r.stderr or r.stdout).strip()[-300:]}"
            self.started_here = True
        r = subprocess.run(["pactl", "load-module", "module-null-sink", "sink_name=vt_test",
                            "sink_properties=device.description=vt_test"], capture_output=True, text=True)
        if r.returncode != 0:
            return f"pactl load-module failed: {r.stderr.strip()}"
        self.modules.append(r.stdout.strip())
        subprocess.run(["pactl", "set-default-sink", "vt_test"], check=True)
        subprocess.run(["pactl", "set-default-source", "vt_test.monitor"], check=True)
        return None

    def play_file(self, path: Path, delay: float = 0.0) -> subprocess.Popen:
        """paplay the file into the null sink (in the background, after ``delay`` seconds)."""
        cmd = f"sleep {delay}; paplay --device=vt_test '{path}'"
        return subprocess.Popen(["bash", "-c", cmd])

    def stop(self) -> None:
        for m in self.modules:
            subprocess.run(["pactl", "unload-module", m], capture_output=True)
        if self.started_here:
            subprocess.run(["pulseaudio", "--kill"], capture_output=True)
