"""Microphone capture: sounddevice callback -> queue of 30 ms int16 frames at 16 kHz mono.

The callback only copies and enqueues (slow machines overflow otherwise), each block with the time its
first sample was captured (PortAudio's ADC time, on the ``time.perf_counter`` clock). The stream stays
open for the whole conversation; while the assistant speaks it is *muted* (blocks dropped in the
callback). It reopens with a cut-off time (:meth:`Microphone.unmute` ``keep_from``): audio captured
before it is dropped as it is read, audio captured after it is kept, however late it arrives and
whatever the program was doing meanwhile (half-duplex by capture time: the assistant never hears itself,
and nothing the person says after the cut-off is thrown away).
"""

from __future__ import annotations

from typing import Any

import os
import queue
import shutil
import subprocess
import threading
import time

import numpy as np

from .endpoint import FRAME, EndpointConfig, Endpointer, Utterance
from . import libnoise
from .errors import DeviceLost, NoMicrophone
from .wav import SAMPLE_RATE

#: seconds without any frame from a running stream before the device counts as lost
STALL_S = 2.5


def _sd():
    try:
        sd = libnoise.sounddevice()
    except OSError as err:  # PortAudio library missing
        raise NoMicrophone(f"Sound support is not installed ({err}); continuing by typing.") from None
    return sd


def pulse_source() -> str | None:
    """The PulseAudio source that capture through the "pulse"/"default" device reads from, if PulseAudio is there."""
    name = os.environ.get("PULSE_SOURCE")
    if name:
        return name
    if not shutil.which("pactl"):
        return None
    try:
        r = subprocess.run(["pactl", "get-default-source"], capture_output=True, text=True, timeout=3)
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout.strip() or None if r.returncode == 0 else None


def pulse_has_source(name: str) -> bool | None:
    """Whether PulseAudio still has that source (None when it cannot be asked)."""
    try:
        r = subprocess.run(["pactl", "list", "short", "sources"], capture_output=True, text=True, timeout=3)
    except (OSError, subprocess.SubprocessError):
        return None
    if r.returncode != 0:
        return None
    return any(len(cols) > 1 and cols[1] == name for cols in (ln.split("\t") for ln in r.stdout.splitlines()))


def list_devices() -> list[dict]:
    """All devices PortAudio sees, as dicts (name, index, max_input_channels, max_output_channels, default_samplerate)."""
    try:
        sd = _sd()
        return [dict(d, index=i) for i, d in enumerate(sd.query_devices())]
    except Exception:  # noqa: BLE001 - a broken sound stack is reported as "no devices"
        return []


def default_input_device() -> dict | None:
    try:
        sd = _sd()
        d = sd.query_devices(kind="input")
        return dict(d) if d and d.get("max_input_channels", 0) > 0 else None
    except Exception:  # noqa: BLE001
        return None


class Microphone:
    """An open capture stream. Use as a context manager, or call :meth:`open` / :meth:`close`."""

    def __init__(self, device: int | str | None = None, queue_frames: int = 2000, rate: int | None = None):
        """``rate``: capture at this rate instead of trying 16 kHz first (the audio is resampled to 16 kHz);
        by default 16 kHz is tried, then the device's own rate (some devices take nothing else)."""
        self.device = device
        self.capture_rate = rate
        self._q: queue.Queue[tuple[float, np.ndarray]] = queue.Queue(maxsize=queue_frames)
        self._keep_from = 0.0  # perf_counter time: audio captured before it is dropped when read
        self.started_at = 0.0
        self._muted = threading.Event()
        self._stream: Any = None
        self._rate = SAMPLE_RATE
        self._resampler = None
        self._carry = np.zeros(0, np.int16)
        self.overflows = 0
        self.source: str | None = None  # the PulseAudio source captured from, when known
        self.dropped = 0
        self.muted_drops = 0  # frames dropped in the callback while muted (the assistant was speaking)
        self.flushed = 0  # frames thrown away by flush()

    # -- lifecycle ---------------------------------------------------------------------------
    def open(self) -> "Microphone":
        sd = _sd()
        try:
            info = sd.query_devices(self.device, kind="input") if self.device is not None else sd.query_devices(kind="input")
        except Exception:  # noqa: BLE001
            raise NoMicrophone("No microphone was found; continuing by typing.") from None
        if not info or info.get("max_input_channels", 0) < 1:
            raise NoMicrophone("No microphone was found; continuing by typing.")
        last = None
        rates = (self.capture_rate,) if self.capture_rate else (SAMPLE_RATE, int(info.get("default_samplerate") or 0))
        for rate in rates:
            if rate <= 0:
                continue
            try:
                self._stream = sd.InputStream(
                    samplerate=rate, channels=1, dtype="int16", device=self.device,
                    blocksize=FRAME if rate == SAMPLE_RATE else 0, callback=self._callback,
                )
                self._stream.start()
                self._rate = rate
                break
            except Exception as err:  # noqa: BLE001
                last = err
                self._stream = None
        if self._stream is None:
            raise NoMicrophone(f"The microphone could not be opened ({_short(last)}); continuing by typing.")
        self._new_resampler()
        self.device_name = str(info.get("name"))
        # through PulseAudio, an unplugged microphone does not end the stream: PulseAudio moves it to another
        # source (often a silent one). Remember the source, to notice when it is gone.
        self.source = pulse_source() if self.device_name in ("pulse", "default") or self.device is None else None
        return self

    def _new_resampler(self) -> None:
        self._resampler = None
        if self._rate != SAMPLE_RATE:
            import soxr

            self._resampler = soxr.ResampleStream(self._rate, SAMPLE_RATE, 1, dtype="float32")

    def close(self) -> None:
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except Exception:  # noqa: BLE001
                pass
            self._stream = None

    def __enter__(self) -> "Microphone":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    # -- audio thread ------------------------------------------------------------------------
    def _callback(self, indata, frames, time_info, status) -> None:  # runs on PortAudio's thread
        if status and status.input_overflow:
            self.overflows += 1
        if self._muted.is_set():
            self.muted_drops += 1
            return
        now = time.perf_counter()
        lat = -1.0
        try:  # how long ago the block's first sample was captured (PortAudio's ADC time)
            if time_info.inputBufferAdcTime > 0:
                lat = time_info.currentTime - time_info.inputBufferAdcTime
        except Exception:  # noqa: BLE001
            pass
        if not 0.0 <= lat < 2.0:
            lat = frames / self._rate
        try:
            self._q.put_nowait((now - lat, indata[:, 0].copy()))
        except queue.Full:
            self.dropped += 1

    # -- half-duplex -------------------------------------------------------------------------
    def mute(self) -> None:
        """Stop taking audio (the assistant is about to speak)."""
        self._muted.set()

    def unmute(self, flush: bool = True, keep_from: float | None = None) -> None:
        """Take audio again. ``keep_from`` (a ``time.perf_counter`` time, e.g. when the assistant's last
        sound reached the speaker): audio captured before it is dropped, all audio after it is kept,
        without waiting. Without it, ``flush`` drops what is queued (the old rule, by arrival)."""
        if keep_from is not None:
            self._keep_from = keep_from
        elif flush:
            self.flush()
        self._muted.clear()

    def flush(self) -> None:
        while True:
            try:
                self._q.get_nowait()
                self.flushed += 1
            except queue.Empty:
                break
        self._carry = np.zeros(0, np.int16)
        if self._resampler is not None:  # its buffered tail is old audio too
            self._new_resampler()

    # -- reading -----------------------------------------------------------------------------
    def frames(self, stall_s: float = STALL_S):
        """Yield 30 ms int16 frames at 16 kHz; raises :class:`DeviceLost` when the stream stalls or dies."""
        while True:
            if self._stream is None:
                raise DeviceLost("The microphone was closed.")
            try:
                t_cap, block = self._q.get(timeout=stall_s)
            except queue.Empty:
                if self._muted.is_set():
                    continue
                active = False
                try:
                    active = bool(self._stream.active)
                except Exception:  # noqa: BLE001
                    pass
                raise DeviceLost(
                    "The microphone stopped working; continuing by typing." if not active
                    else "The microphone stopped sending sound; continuing by typing."
                ) from None
            if t_cap < self._keep_from:  # captured (partly) before the cut-off: keep only what follows it
                skip = int(round((self._keep_from - t_cap) * self._rate))
                if skip >= len(block):
                    self.flushed += 1
                    continue
                block = block[skip:]
            if self._resampler is not None:
                f = self._resampler.resample_chunk(block.astype(np.float32) / 32768.0)
                block = (np.clip(f, -1, 1) * 32767).astype(np.int16)
            buf = np.concatenate([self._carry, block]) if self._carry.size else block
            n = len(buf) // FRAME
            for i in range(n):
                yield buf[i * FRAME : (i + 1) * FRAME]
            self._carry = buf[n * FRAME :]

    def listen(self, config: EndpointConfig | None = None, endpointer: Endpointer | None = None,
               on_start=None) -> Utterance:
        """Capture one answer: waits for speech (no-input timeout), returns at the end of speech."""
        ep = endpointer or Endpointer(config)
        ep.reset()
        started = False
        for frame in self.frames():
            utt = ep.push(frame)
            if ep.started and not started:
                started = True
                self.started_at = time.perf_counter()
                if on_start:
                    on_start()
            if utt is not None:
                utt.detected_at = time.perf_counter()  # type: ignore[attr-defined]
                utt.started_at = self.started_at if started else utt.detected_at  # type: ignore[attr-defined]
                if utt.reason == "timeout" and self.source and pulse_has_source(self.source) is False:
                    raise DeviceLost("The microphone was disconnected; continuing by typing.")
                return utt
        raise DeviceLost("The microphone stopped.")  # pragma: no cover - frames() never ends by itself


def _short(err: BaseException | None) -> str:
    if err is None:
        return "unknown error"
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text[:120]
