"""Playing samples through sounddevice, and the half-duplex rule: never listen while speaking."""

from __future__ import annotations

import time

import numpy as np

from voice_triage.audio_in.errors import DeviceLost

GUARD_S = 0.4  # after playback ends, keep the microphone muted this long (room echo, device latency)


class PlaybackError(DeviceLost):
    """The output device could not be opened or vanished (one-line message)."""


def play(samples: np.ndarray, rate: int, device=None) -> None:
    """Play mono float32 samples and wait until they have been heard."""
    if samples.size == 0:
        return
    try:
        from voice_triage.audio_in.libnoise import sounddevice

        sd = sounddevice()

        try:
            sd.play(np.ascontiguousarray(samples, dtype=np.float32), rate, device=device, blocking=True)
        finally:
            sd.stop()  # close sounddevice's module-level stream: left open, it held the device
    except Exception as err:  # noqa: BLE001 - PortAudioError, OSError: no sound library
        msg = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise PlaybackError(f"The speakers could not be used ({msg[:100]}); answers are printed instead.") from None


class HalfDuplex:
    """Mutes a :class:`~voice_triage.audio_in.Microphone` while audio plays, plus a guard, then flushes it."""

    def __init__(self, mic=None, guard_s: float = GUARD_S):
        self.mic = mic
        self.guard_s = guard_s

    def __enter__(self):
        if self.mic is not None:
            self.mic.mute()
        return self

    def __exit__(self, *exc):
        if self.mic is not None:
            time.sleep(self.guard_s)
            self.mic.unmute(flush=True)
