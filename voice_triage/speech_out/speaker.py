"""The speaker a front-end uses: prints every line, speaks it (or writes it with --tts-out)."""

from __future__ import annotations

import os
import re
import time
from typing import Callable

import numpy as np

from voice_triage.audio_in.wav import write_wav

from .player import HalfDuplex, PlaybackError, play
from .tts import Synthesizer, TTSError, VoiceSettings, split_sentences


#: silence kept after a sentence (espeak-ng ends each with ~0.39 s; the pause between sentences and before
#: the listening tone needs less)
TAIL_S = 0.15


def trim_tail(samples: np.ndarray, rate: int, keep_s: float = TAIL_S, threshold: float = 0.01) -> np.ndarray:
    """Cut the trailing silence of a synthesized sentence down to ``keep_s``."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples
    return samples[: min(len(samples), int(loud[-1]) + 1 + int(keep_s * rate))]


class Speaker:
    """``say(text)``: synthesize sentence by sentence, play each with the microphone muted.

    ``mode``: "play" (sound device), "file" (write WAVs into ``tts_out``), or "print" (--no-voice).
    Any failure of speech output is reported once through ``notify`` and the speaker drops to print-only
    for the rest of the conversation: a line is never lost, because it is always printed first.
    """

    def __init__(self, mode: str = "play", *, tts_out: str | None = None, settings: VoiceSettings | None = None,
                 mic=None, device=None, notify: Callable[[str], None] = print, synthesizer: Synthesizer | None = None):
        self.mode = mode
        self.settings = settings or VoiceSettings()
        self.mic = mic
        self.device = device
        self.notify = notify
        self.tts_out = tts_out
        self._count = 0
        self.synth: Synthesizer | None = synthesizer
        self.last_first_audio: float | None = None  # perf_counter when the last say() had its first samples
        if mode in ("play", "file") and self.synth is None:
            try:
                self.synth = Synthesizer(self.settings)
            except TTSError as err:
                self._fail(str(err))
        if mode == "file":
            os.makedirs(tts_out or ".", exist_ok=True)

    def _fail(self, message: str) -> None:
        self.notify(message)
        self.mode = "print"

    def change(self, name: str, value: int) -> None:
        """Apply a SettingChanged: ``rate`` or ``volume`` step (0 = default)."""
        if name == "rate":
            self.settings.rate_step = value
        elif name == "volume":
            self.settings.volume_step = value

    def say(self, text: str, kind: str = "info") -> None:
        """Speak ``text`` (the caller has printed it already)."""
        self.last_first_audio = None
        if self.mode == "print" or self.synth is None or not text.strip():
            return
        try:
            if self.mode == "file":
                samples, rate = self.synth.synthesize(text)
                self.last_first_audio = time.perf_counter()
                self._count += 1
                slug = re.sub(r"[^a-z0-9]+", "-", text.lower())[:40].strip("-")
                write_wav(os.path.join(self.tts_out or ".", f"{self._count:03d}-{kind}-{slug}.wav"), samples, rate)
                return
            for sentence in split_sentences(text):
                samples, rate = self.synth.synthesize(sentence)
                samples = trim_tail(samples, rate)
                if self.last_first_audio is None:
                    self.last_first_audio = time.perf_counter()
                with HalfDuplex(self.mic) as hd:
                    hd.played_until = play(samples, rate, self.device)
        except (TTSError, PlaybackError) as err:
            self._fail(str(err))

    def play_samples(self, samples: np.ndarray, rate: int, guard_s: float = 0.05) -> float | None:
        """Earcons and the like: played only in "play" mode, failures ignored (the prompt is printed).
        The microphone keeps what it captures from ``guard_s`` after the last sample was heard; returns
        that time (None when nothing was played)."""
        if self.mode != "play":
            return None
        try:
            with HalfDuplex(self.mic, guard_s=guard_s) as hd:
                hd.played_until = play(samples, rate, self.device)
            return hd.played_until + guard_s
        except PlaybackError:
            return None

    def close(self) -> None:
        if self.synth is not None:
            self.synth.close()
