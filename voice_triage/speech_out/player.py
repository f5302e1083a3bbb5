"""Playing samples through sounddevice, and the half-duplex rule: never listen while speaking."""

from __future__ import annotations

import threading
import time

import numpy as np

from voice_triage.audio_in.errors import DeviceLost

GUARD_S = 0.4  # audio captured this long after playback ended is dropped (room echo); nothing waits for it


class PlaybackError(DeviceLost):
    """The output device could not be opened or vanished (one-line message)."""


def play(samples: np.ndarray, rate: int, device=None) -> float:
    """Play mono float32 samples and wait until they have been heard. Returns the ``time.perf_counter``
    time at which the last sample reached the speaker (PortAudio's DAC time of the last block)."""
    if samples.size == 0:
        return time.perf_counter()
    data = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
    try:
        from voice_triage.audio_in.libnoise import sounddevice

        sd = sounddevice()
        pos, end, done = [0], [0.0], threading.Event()

        def callback(outdata, frames, time_info, status) -> None:  # PortAudio's thread
            n = max(0, min(frames, len(data) - pos[0]))
            outdata[:n, 0] = data[pos[0] : pos[0] + n]
            outdata[n:, 0] = 0.0
            pos[0] += n
            if pos[0] >= len(data):
                now = time.perf_counter()
                ahead = time_info.outputBufferDacTime - time_info.currentTime  # until this block is heard
                end[0] = now + (ahead if 0.0 <= ahead < 2.0 else 0.0) + n / rate
                raise sd.CallbackStop

        with sd.OutputStream(samplerate=rate, channels=1, dtype="float32", device=device, callback=callback,
                             finished_callback=done.set):
            done.wait(timeout=len(data) / rate + 5.0)
        return end[0] or time.perf_counter()
    except Exception as err:  # noqa: BLE001 - PortAudioError, OSError: no sound library
        msg = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise PlaybackError(f"The speakers could not be used ({msg[:100]}); answers are printed instead.") from None


class HalfDuplex:
    """Mutes a :class:`~voice_triage.audio_in.Microphone` while audio plays. Afterwards the microphone
    takes audio again at once, keeping only what was captured from ``guard_s`` after the last sample was
    heard (room echo): nothing waits, and nothing said after that moment is dropped. Set ``played_until``
    (the time :func:`play` returns) inside the block."""

    def __init__(self, mic=None, guard_s: float = GUARD_S):
        self.mic = mic
        self.guard_s = guard_s
        self.played_until: float | None = None

    def __enter__(self):
        if self.mic is not None:
            self.mic.mute()
        return self

    def __exit__(self, *exc):
        if self.mic is not None:
            end = self.played_until if self.played_until is not None else time.perf_counter()
            try:
                self.mic.unmute(keep_from=end + self.guard_s)
            except TypeError:  # a microphone without capture times
                time.sleep(self.guard_s)
                self.mic.unmute(flush=True)
