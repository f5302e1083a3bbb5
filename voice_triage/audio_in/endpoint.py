"""End-of-speech detection on the capture front-end's output (``frontend.py``: noise suppression, a
level-independent VAD, a gain that brings the speech to one level).

A frame counts as speech when the VAD says so *and* it is clearly (``margin_db``) above the noise floor,
tracked as the quietest recent frames (a relative rule: it holds for a soft voice as for a loud one);
digital silence is never speech. Defaults follow Home Assistant and Rhasspy: 30 ms frames, start after
0.3 s of speech, end after 0.7 s of silence (1.25 s "relaxed"), 0.5 s pre-roll, 15 s maximum, and an
8 s no-input timeout. At a question that takes a bare yes or no (``short_start_s``) a short burst of
speech is enough to start: a clipped "no" holds 0.15-0.3 s of speech.

The answer handed on (``Utterance.samples`` and the ``sink``) is the cleaned audio with the gain
applied; ``Utterance.level_dbfs`` is how loud the speech arrived (before any gain), for "please come
closer".
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, replace

import numpy as np
import webrtcvad

from .frontend import SILENCE_DB, FrontEnd, apply_gain, level_db, speech_level, to_dbfs
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
    aggressiveness: int = 3  # webrtcvad's, when the front-end's VAD is "webrtc"
    margin_db: float = 8.0  # how far above the noise floor a speech frame must be
    floor_window_s: float = 3.0
    min_level_db: float = SILENCE_DB  # frames quieter than this (int16 RMS, dB) are digital silence
    #: at a question that takes a bare yes/no: this much speech starts an answer (None: start_speech_s)
    short_start_s: float | None = None

    @classmethod
    def relaxed(cls, **kw) -> "EndpointConfig":
        """For people who speak slowly or pause: 1.25 s of silence ends an answer."""
        return cls(end_silence_s=1.25, **kw)

    def with_(self, **kw) -> "EndpointConfig":
        return replace(self, **kw)

    def for_yes_no(self, yes_no: bool = True) -> "EndpointConfig":
        """The same, with the short-answer start when the question takes a bare yes or no."""
        return replace(self, short_start_s=SHORT_START_S if yes_no else None)


#: speech that starts an answer at a yes/no question (4 frames of 30 ms): a quick bare "no" holds
#: less than the general start rule's 0.3 s
SHORT_START_S = 0.12


@dataclass
class Utterance:
    """One detected answer. ``reason``: "end" (silence after speech), "max" (too long), "timeout"
    (no speech within the no-input timeout; ``samples`` is then empty), "eof" (input ended)."""

    samples: np.ndarray
    reason: str
    speech_s: float = 0.0
    end_frame: int = 0  # index of the frame at which the end was decided
    level_dbfs: float | None = None  # the speech as it arrived (loud frames, before any gain)
    gain_db: float = 0.0  # the gain the front-end applied


def frame_level_db(frame: np.ndarray) -> float:
    return level_db(frame)


class Endpointer:
    """Feed 30 ms int16 frames with :meth:`push`; it returns an :class:`Utterance` when one is done."""

    def __init__(self, config: EndpointConfig | None = None, noise_floor_db: float | None = None, sink=None,
                 frontend: FrontEnd | None = None):
        """``sink``: called with the audio of the answer as it is heard (the pre-roll when speech starts,
        then every frame until the end), so a recognizer can decode while the person is still speaking.
        ``frontend``: the conversation's capture front-end (its filters and the level of earlier answers
        carry over); a new one by default."""
        self.config = config or EndpointConfig()
        self.sink = sink
        self.frontend = frontend or FrontEnd()
        self._vad = webrtcvad.Vad(self.config.aggressiveness) if self.frontend.config.vad == "webrtc" else None
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
        self._speech_levels: list[float] = []  # cleaned level of the speech frames (for the gain)
        self._raw_levels: list[float] = []  # their level as they arrived (how loud the person is)
        self._pre_speech: collections.deque[tuple[float, float]] = collections.deque(maxlen=self._pre.maxlen)

    @property
    def started(self) -> bool:
        return self._started

    @property
    def noise_floor_db(self) -> float:
        if self._fixed_floor is not None:
            return self._fixed_floor
        return min(self._levels) if self._levels else 0.0

    def is_speech(self, frame: np.ndarray) -> bool:
        """Whether a (cleaned) frame is speech; call it on every frame, in order (the VAD keeps state)."""
        level = frame_level_db(frame)
        prob = self.frontend.speech_prob(frame)
        if self._fixed_floor is None:
            self._levels.append(level)
        if level < self.config.min_level_db or level < self.noise_floor_db + self.config.margin_db:
            return False
        if self._vad is not None:
            return self._vad.is_speech(frame.tobytes(), SAMPLE_RATE)
        return bool(prob is not None and prob >= self.frontend.config.vad_threshold)

    def _gain(self) -> float:
        return self.frontend.gain_db(speech_level(self._speech_levels))

    def push(self, frame: np.ndarray) -> Utterance | None:
        c = self.config
        self._n += 1
        raw_level = frame_level_db(frame)
        fe = self.frontend
        cleaned = fe.clean(frame)
        who = fe.config.suppress_for
        for_vad = fe.pre_gain(cleaned if who in ("vad", "both") else frame)
        speech = self.is_speech(for_vad)
        frame = apply_gain(cleaned if who in ("recognizer", "both") else frame, fe.pre_gain_db)
        if not self._started:
            self._waited += 1
            self._pre.append(frame)
            self._window.append(speech)
            self._pre_speech.append((frame_level_db(frame), raw_level) if speech else (-1.0, -1.0))
            start_s = c.short_start_s if c.short_start_s is not None else c.start_speech_s
            need = max(1, int(round(start_s * 1000 / FRAME_MS)))
            if sum(self._window) >= need:
                self._started = True
                self._frames = list(self._pre)
                self._speech = sum(self._window)
                self._silence = 0
                self._speech_levels = [a for a, _ in self._pre_speech if a >= 0]
                self._raw_levels = [b for _, b in self._pre_speech if b >= 0]
                if self.sink is not None:
                    self.sink(apply_gain(np.concatenate(self._frames), self._gain()))
            elif self._waited * FRAME_MS / 1000 >= c.no_input_timeout_s:
                return Utterance(np.zeros(0, np.int16), "timeout", 0.0, self._n)
            return None
        self._frames.append(frame)
        if speech:
            self._speech += 1
            self._silence = 0
            self._speech_levels.append(frame_level_db(frame))
            self._raw_levels.append(raw_level)
        else:
            self._silence += 1
        if self.sink is not None:
            # the recognizer gets what the utterance will hold: silence beyond the kept tail is held back
            # and passed on only if speech resumes (a smaller lattice: a quicker end of the answer)
            if self._silence <= _TAIL_FRAMES:
                g = self._gain()
                if self._held:
                    self.sink(apply_gain(np.concatenate(self._held), g))
                    self._held = []
                self.sink(apply_gain(frame, g))
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
        gain = self._gain()
        samples = apply_gain(np.concatenate(self._frames[:keep]), gain) if keep > 0 else np.zeros(0, np.int16)
        level = speech_level(self._speech_levels)
        if level is not None:
            self.frontend.last_levels.append(level)
        raw = speech_level(self._raw_levels)
        utt = Utterance(samples, reason, self._speech * FRAME_MS / 1000, self._n,
                        to_dbfs(raw) if raw is not None else None, gain)
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


def find_speech(samples: np.ndarray, config: EndpointConfig | None = None,
                frontend: FrontEnd | None = None) -> Utterance | None:
    """The first utterance in a whole recording, or None when it holds no speech.

    For files the start is more lenient (0.12 s of speech: a one-word "no" is short) and the floor is
    the recording's own quiet level, so a file of steady noise holds no speech.
    """
    cfg = config or EndpointConfig(start_speech_s=0.12, end_silence_s=1.5, no_input_timeout_s=1e9, max_utterance_s=30.0)
    floor = file_noise_floor_db(samples)
    # a clean recording with digital silence has a floor near 0 dB: the fixed minimum level rules then
    ep = Endpointer(cfg, noise_floor_db=floor, frontend=frontend)
    ep.frontend.reset_vad()  # one recording, one answer: the VAD starts afresh
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
