"""End-of-speech detection: webrtcvad frames gated by a tracked noise floor.

webrtcvad alone calls any loud steady noise "speech", so a frame counts as speech only when the VAD
says so *and* it is clearly (``margin_db``) above the noise floor, tracked as the quietest recent
frames. Defaults follow Home Assistant and Rhasspy: 30 ms frames, aggressiveness 3, start after
0.3 s of speech, end after 0.7 s of silence (1.25 s "relaxed"), 0.5 s pre-roll, 15 s maximum, and
an 8 s no-input timeout.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, replace

import numpy as np
import webrtcvad

from .wav import SAMPLE_RATE

FRAME_MS = 30
FRAME = SAMPLE_RATE * FRAME_MS // 1000  # 480 samples
_TAIL_FRAMES = 250 // FRAME_MS  # trailing silence kept in an utterance (~0.25 s)


@dataclass(frozen=True)
class EndpointConfig:
    start_speech_s: float = 0.3  # speech needed (within a 0.45 s window) before an utterance starts
    end_silence_s: float = 0.7  # trailing silence that ends it
    preroll_s: float = 0.5  # audio kept from before the start, so first syllables are not lost
    max_utterance_s: float = 15.0
    no_input_timeout_s: float = 8.0
    aggressiveness: int = 3
    margin_db: float = 8.0  # how far above the noise floor a speech frame must be
    floor_window_s: float = 3.0
    min_level_db: float = 35.0  # frames quieter than this (int16 RMS, dB) are never speech

    @classmethod
    def relaxed(cls, **kw) -> "EndpointConfig":
        """For people who speak slowly or pause: 1.25 s of silence ends an answer."""
        return cls(end_silence_s=1.25, **kw)

    def with_(self, **kw) -> "EndpointConfig":
        return replace(self, **kw)


@dataclass
class Utterance:
    """One detected answer. ``reason``: "end" (silence after speech), "max" (too long), "timeout"
    (no speech within the no-input timeout; ``samples`` is then empty), "eof" (input ended)."""

    samples: np.ndarray
    reason: str
    speech_s: float = 0.0
    end_frame: int = 0  # index of the frame at which the end was decided


def frame_level_db(frame: np.ndarray) -> float:
    x = frame.astype(np.float32)
    return float(20.0 * np.log10(np.sqrt(np.mean(x * x)) + 1.0))


class Endpointer:
    """Feed 30 ms int16 frames with :meth:`push`; it returns an :class:`Utterance` when one is done."""

    def __init__(self, config: EndpointConfig | None = None, noise_floor_db: float | None = None, sink=None):
        """``sink``: called with the audio of the answer as it is heard (the pre-roll when speech starts,
        then every frame until the end), so a recognizer can decode while the person is still speaking."""
        self.config = config or EndpointConfig()
        self.sink = sink
        self._vad = webrtcvad.Vad(self.config.aggressiveness)
        self._fixed_floor = noise_floor_db
        self._levels: collections.deque[float] = collections.deque(
            maxlen=max(1, int(self.config.floor_window_s * 1000 / FRAME_MS))
        )
        self.reset()

    def reset(self) -> None:
        c = self.config
        self._pre: collections.deque[np.ndarray] = collections.deque(maxlen=max(1, int(c.preroll_s * 1000 / FRAME_MS)))
        self._window: collections.deque[bool] = collections.deque(maxlen=max(1, int(c.start_speech_s * 1.5 * 1000 / FRAME_MS)))
        self._frames: list[np.ndarray] = []
        self._held: list[np.ndarray] = []
        self._started = False
        self._silence = 0
        self._speech = 0
        self._waited = 0
        self._n = 0

    @property
    def started(self) -> bool:
        return self._started

    @property
    def noise_floor_db(self) -> float:
        if self._fixed_floor is not None:
            return self._fixed_floor
        return min(self._levels) if self._levels else 0.0

    def is_speech(self, frame: np.ndarray) -> bool:
        level = frame_level_db(frame)
        if self._fixed_floor is None:
            self._levels.append(level)
        if level < self.config.min_level_db or level < self.noise_floor_db + self.config.margin_db:
            return False
        return self._vad.is_speech(frame.tobytes(), SAMPLE_RATE)

    def push(self, frame: np.ndarray) -> Utterance | None:
        c = self.config
        self._n += 1
        speech = self.is_speech(frame)
        if not self._started:
            self._waited += 1
            self._pre.append(frame)
            self._window.append(speech)
            need = max(1, int(round(c.start_speech_s * 1000 / FRAME_MS)))
            if sum(self._window) >= need:
                self._started = True
                self._frames = list(self._pre)
                self._speech = sum(self._window)
                self._silence = 0
                if self.sink is not None:
                    self.sink(np.concatenate(self._frames))
            elif self._waited * FRAME_MS / 1000 >= c.no_input_timeout_s:
                return Utterance(np.zeros(0, np.int16), "timeout", 0.0, self._n)
            return None
        self._frames.append(frame)
        if speech:
            self._speech += 1
            self._silence = 0
        else:
            self._silence += 1
        if self.sink is not None:
            # the recognizer gets what the utterance will hold: silence beyond the kept tail is held back
            # and passed on only if speech resumes (a smaller lattice: a quicker end of the answer)
            if self._silence <= _TAIL_FRAMES:
                if self._held:
                    self.sink(np.concatenate(self._held))
                    self._held = []
                self.sink(frame)
            else:
                self._held.append(frame)
        if self._silence * FRAME_MS / 1000 >= c.end_silence_s:
            return self._done("end")
        if len(self._frames) * FRAME_MS / 1000 >= c.max_utterance_s:
            return self._done("max")
        return None

    def finish(self) -> Utterance:
        """Input ended (end of a file): what was heard, or an empty "timeout"."""
        if self._started:
            return self._done("eof")
        return Utterance(np.zeros(0, np.int16), "timeout", 0.0, self._n)

    def _done(self, reason: str) -> Utterance:
        # keep ~0.25 s of the trailing silence: recognizers want a little context, not all of it
        keep = len(self._frames) - max(0, self._silence - _TAIL_FRAMES)
        samples = np.concatenate(self._frames[:keep]) if keep > 0 else np.zeros(0, np.int16)
        utt = Utterance(samples, reason, self._speech * FRAME_MS / 1000, self._n)
        self.reset()
        return utt


def frames_of(samples: np.ndarray):
    """Split int16 samples into whole 30 ms frames (the last partial frame is zero-padded)."""
    n = len(samples)
    for i in range(0, n, FRAME):
        f = samples[i : i + FRAME]
        if len(f) < FRAME:
            f = np.concatenate([f, np.zeros(FRAME - len(f), np.int16)])
        yield f


def file_noise_floor_db(samples: np.ndarray) -> float:
    """Noise floor of a whole recording: its quiet (10th percentile) frames."""
    levels = [frame_level_db(f) for f in frames_of(samples)]
    return float(np.percentile(levels, 10)) if levels else 0.0


def find_speech(samples: np.ndarray, config: EndpointConfig | None = None) -> Utterance | None:
    """The first utterance in a whole recording, or None when it holds no speech.

    For files the start is more lenient (0.12 s of speech: a one-word "no" is short) and the floor is
    the recording's own quiet level, so a file of steady noise holds no speech.
    """
    cfg = config or EndpointConfig(start_speech_s=0.12, end_silence_s=1.5, no_input_timeout_s=1e9, max_utterance_s=30.0)
    floor = file_noise_floor_db(samples)
    # a clean recording with digital silence has a floor near 0 dB: the fixed minimum level rules then
    ep = Endpointer(cfg, noise_floor_db=floor)
    for frame in frames_of(samples):
        utt = ep.push(frame)
        if utt is not None:
            return utt if utt.reason != "timeout" else None
    for _ in range(int(cfg.end_silence_s * 1000 / FRAME_MS) + 1):
        if not ep.started:
            break
        utt = ep.push(np.zeros(FRAME, np.int16))
        if utt is not None:
            return utt
    utt = ep.finish()
    return utt if utt.reason != "timeout" else None
