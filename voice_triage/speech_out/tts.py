"""pyttsx3 (espeak driver) speech, kept off the disk and played by us.

pyttsx3's espeak driver starts espeak-ng in its asynchronous mode, whose own thread hands the samples
back; that thread has crashed the whole process now and then (a segmentation fault inside
``espeak_Synth``) and ends some messages with no audio. So espeak-ng is started here first, in its
synchronous mode, through pyttsx3's own bindings: the samples of an utterance arrive in memory, on the
thread that asked for them, before ``espeak_Synth`` returns, and nothing is written to disk. pyttsx3's
engine still sets the voice, rate and volume. Where espeak was already started by someone else, each
utterance goes through the driver's ``save_to_file`` into a private directory (mode 0700, under
$XDG_RUNTIME_DIR when it exists), is read back and deleted at once. Either way the caller plays the
samples (see :mod:`voice_triage.speech_out.player`), and an utterance runs under a watchdog.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field

import numpy as np
import soundfile as sf

DEFAULT_RATE_WPM = 150  # espeak's own default (~175-200) is too fast for many listeners
DEFAULT_VOLUME = 0.9
DEFAULT_VOICE = "gmw/en-us"  # espeak-ng's US English: clearer to the en-us recognizer than the default "en"
RATE_STEP = 0.15  # each "slower"/"faster" step: 15 % of the default rate
VOLUME_STEP = 0.15
WATCHDOG_S = 20.0


def env_rate() -> int:
    """The speaking rate in words a minute: ``VOICE_TRIAGE_SPEECH_RATE`` (80-300) if set, else the default."""
    try:
        return max(80, min(300, int(os.environ.get("VOICE_TRIAGE_SPEECH_RATE", DEFAULT_RATE_WPM))))
    except ValueError:
        return DEFAULT_RATE_WPM


class TTSError(Exception):
    """Speech output is not available (one-line message); the front-end prints instead."""


@dataclass
class VoiceSettings:
    rate_step: int = 0
    volume_step: int = 0
    voice: str | None = None  # a pyttsx3 voice id or name fragment, e.g. "en-us"
    base_rate: int = field(default_factory=lambda: env_rate())
    base_volume: float = DEFAULT_VOLUME

    @property
    def rate(self) -> int:
        return int(round(max(80, min(300, self.base_rate * (1 + RATE_STEP * self.rate_step)))))

    @property
    def volume(self) -> float:
        return round(max(0.1, min(1.0, self.base_volume + VOLUME_STEP * self.volume_step)), 2)


def private_dir() -> str:
    """A fresh directory only this user can read (0700), preferably on tmpfs ($XDG_RUNTIME_DIR)."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if not base or not os.path.isdir(base) or not os.access(base, os.W_OK):
        base = None
    d = tempfile.mkdtemp(prefix="voice-triage-", dir=base)
    os.chmod(d, 0o700)
    return d


def split_sentences(text: str) -> list[str]:
    """Speak sentence by sentence: the first one starts playing sooner, and pauses fall naturally."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", " ".join(text.split()))
    return [p for p in parts if p.strip()]


_lock = threading.Lock()


class Synthesizer:
    """Text -> (float32 samples, rate) with pyttsx3's espeak driver."""

    def __init__(self, settings: VoiceSettings | None = None):
        self.settings = settings or VoiceSettings()
        try:
            import pyttsx3

            self._sync_rate = _start_synchronous()
            with contextlib.redirect_stdout(io.StringIO()):
                self._engine = pyttsx3.init("espeak")
        except Exception as err:  # noqa: BLE001 - espeak-ng missing or broken
            raise TTSError(f"Speech output is not available ({_short(err)}); answers are printed instead.") from None
        if not self._sync_rate:
            self._fix_last_chunk()
        self._dir = private_dir()
        self._n = 0
        self._applied: tuple | None = None
        self.voices = self._list_voices()
        self.apply()

    def _fix_last_chunk(self) -> None:
        """pyttsx3 2.99's espeak driver writes the WAV when the end-of-message event arrives and only
        then appends that callback's samples: an utterance delivered in a single callback comes out
        empty (seen as a flaky silent prompt). Append the samples first, then let the driver run."""
        try:
            import ctypes

            from pyttsx3.drivers import _espeak

            drv = self._engine.proxy._driver
            orig = drv._onSynth

            def on_synth(wav, numsamples, events):
                if numsamples > 0 and drv._speaking:
                    drv._data_buffer += ctypes.string_at(wav, numsamples * ctypes.sizeof(ctypes.c_short))
                return orig(wav, 0, events)

            _espeak.SetSynthCallback(on_synth)
            self._on_synth = on_synth  # keep it alive
        except Exception as err:  # noqa: BLE001 - a different pyttsx3: leave it as it is
            raise TTSError(f"Speech output could not be set up ({_short(err)}); answers are printed instead.") from None

    def _list_voices(self) -> list[tuple[str, str]]:
        try:
            return [(v.id, v.name) for v in self._engine.getProperty("voices")]
        except Exception:  # noqa: BLE001
            return []

    def apply(self) -> None:
        s = self.settings
        state = (s.rate, s.volume, s.voice)
        if state == self._applied:
            return
        # the engine queues a setting until its runAndWait; synchronous speech never runs it: set the driver's
        set_now = self._engine.proxy._driver.setProperty if self._sync_rate else self._engine.setProperty
        set_now("rate", s.rate)
        set_now("volume", s.volume)
        vid = self._find_voice(s.voice or DEFAULT_VOICE)
        if vid is None and s.voice:
            raise TTSError(f"No voice named {s.voice!r}; answers are printed instead.")
        if vid is not None:
            set_now("voice", vid)
        self._applied = state

    def _find_voice(self, want: str) -> str | None:
        w = want.lower()
        for vid, name in self.voices:
            if w == vid.lower() or w == str(name).lower():
                return vid
        for vid, name in self.voices:
            if w in vid.lower() or w in str(name).lower():
                return vid
        return None

    def _sync(self) -> None:
        with contextlib.suppress(Exception):
            from pyttsx3.drivers import _espeak

            _espeak.Synchronize()

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        """One utterance as (float32 samples, rate). espeak now and then ends a message at once with
        no audio (a race in its retrieval thread); that utterance is synthesized again."""
        if not text.strip():
            return np.zeros(0, np.float32), 22050
        for _ in range(3):
            samples, rate = self._synthesize_once(text)
            if samples.size:
                return samples, rate
        raise TTSError("Speech output produced no audio; answers are printed instead.")

    def _synthesize_once(self, text: str) -> tuple[np.ndarray, int]:
        with _lock:
            self.apply()
            if self._sync_rate < 0:
                raise TTSError("Speech output stopped responding; answers are printed instead.")
            if self._sync_rate:
                return self._synthesize_sync(text)
            return self._synthesize_file(text)

    def _synthesize_sync(self, text: str) -> tuple[np.ndarray, int]:
        """espeak-ng in its synchronous mode: every sample arrives before ``espeak_Synth`` returns."""
        import ctypes

        from pyttsx3.drivers import _espeak

        chunks: list[bytes] = []

        def on_synth(wav, numsamples, events):
            if numsamples > 0:
                chunks.append(ctypes.string_at(wav, numsamples * ctypes.sizeof(ctypes.c_short)))
            return 0

        done = threading.Event()
        err: list[BaseException] = []

        def run():
            try:
                _espeak.SetSynthCallback(on_synth)  # (its ctypes wrapper is kept by the bindings)
                if _espeak.Synth(text.encode("utf-8"), flags=_espeak.ENDPAUSE | _espeak.CHARS_UTF8) != 0:
                    raise RuntimeError("espeak could not speak this")
            except BaseException as e:  # noqa: BLE001
                err.append(e)
            finally:
                done.set()

        threading.Thread(target=run, daemon=True).start()
        if not done.wait(WATCHDOG_S):
            self._sync_rate = -1  # a stuck espeak is not asked again: each later line is printed only
            raise TTSError("Speech output stopped responding; answers are printed instead.")
        if err:
            raise TTSError(f"Speech output failed ({_short(err[0])}); answers are printed instead.")
        pcm = np.frombuffer(b"".join(chunks), dtype="<i2")
        return (pcm.astype(np.float32) / 32768.0), self._sync_rate

    def _synthesize_file(self, text: str) -> tuple[np.ndarray, int]:
        """The temp WAV exists only between espeak writing it and us reading it."""
        self._n += 1
        path = os.path.join(self._dir, f"u{self._n}.wav")
        done = threading.Event()
        err: list[BaseException] = []

        def run():
            try:
                with contextlib.redirect_stdout(io.StringIO()):  # the driver prints "Audio saved to ..."
                    self._engine.save_to_file(text, path)
                    self._engine.runAndWait()
                    self._sync()  # let espeak's thread finish this message before the next one
            except BaseException as e:  # noqa: BLE001
                err.append(e)
            finally:
                done.set()

        t = threading.Thread(target=run, daemon=True)
        t.start()
        if not done.wait(WATCHDOG_S):
            with contextlib.suppress(Exception):
                self._engine.stop()
            _remove(path)
            raise TTSError("Speech output stopped responding; answers are printed instead.")
        try:
            if err:
                raise TTSError(f"Speech output failed ({_short(err[0])}); answers are printed instead.")
            if not os.path.exists(path):
                raise TTSError("Speech output produced no audio; answers are printed instead.")
            with open(path, "rb") as fh:
                data = fh.read()
        finally:
            _remove(path)
        samples, rate = sf.read(io.BytesIO(data), dtype="float32")
        return samples, rate

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def __del__(self):  # best effort: the directory should not outlive the process
        with contextlib.suppress(Exception):
            self.close()


def _start_synchronous() -> int:
    """Start espeak-ng in its synchronous mode before pyttsx3's driver would start it asynchronously (it
    starts it once per process); the sample rate, or 0 when espeak was already started."""
    from pyttsx3.drivers import _espeak
    from pyttsx3.drivers import espeak as driver

    with _lock:
        if driver.EspeakDriver._moduleInitialized:
            return int(getattr(driver.EspeakDriver, "_vt_sync_rate", 0))
        rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 1000)
        if rate == -1:
            raise RuntimeError("could not initialize espeak")
        voice = _espeak.GetCurrentVoice()
        driver.EspeakDriver._defaultVoice = (voice.contents.name.decode("utf-8")
                                             if voice and voice.contents.name else "gmw/en")
        driver.EspeakDriver._moduleInitialized = True
        driver.EspeakDriver._vt_sync_rate = rate  # type: ignore[attr-defined]
        return int(rate)


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def _short(err: BaseException) -> str:
    s = str(err).strip().splitlines()
    return (s[0] if s else type(err).__name__)[:120]
