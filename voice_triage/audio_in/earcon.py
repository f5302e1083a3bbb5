"""Short earcons: a rising two-note chirp when listening starts, a falling one when it stops."""

from __future__ import annotations

import numpy as np

EARCON_RATE = 22050


def _tone(freq: float, dur: float, rate: int, volume: float) -> np.ndarray:
    t = np.arange(int(dur * rate)) / rate
    env = np.minimum(1.0, np.minimum(t, dur - t) / 0.01)  # 10 ms fades: no clicks
    return (volume * env * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def earcon(kind: str = "listen", rate: int = EARCON_RATE, volume: float = 0.3) -> np.ndarray:
    """``listen``: 660 Hz then 880 Hz (the assistant is listening); ``done``: 880 then 660."""
    a, b = (660.0, 880.0) if kind == "listen" else (880.0, 660.0)
    gap = np.zeros(int(0.02 * rate), np.float32)
    return np.concatenate([_tone(a, 0.08, rate, volume), gap, _tone(b, 0.1, rate, volume)])
