"""The recognizer interface every engine implements, and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from .grammar import Grammar


@dataclass
class Transcript:
    """What an engine heard. ``confidence`` is 0..1 from the engine's own scores (word posteriors),
    lowered when the words are not one of the grammar's phrases. ``text`` is "" when nothing matched."""

    text: str
    confidence: float
    engine: str
    words: list[tuple[str, float]] = field(default_factory=list)
    audio_s: float = 0.0
    decode_s: float = 0.0
    in_grammar: bool = True
    #: other readings of the same audio, best first, as (text, confidence): e.g. the one-phrase grammar's
    #: when ``text`` came from a whole-sentence model. The dialog reads them when ``text`` gives nothing.
    alternatives: list[tuple[str, float]] = field(default_factory=list)

    @property
    def rtf(self) -> float:
        return self.decode_s / self.audio_s if self.audio_s else 0.0


@runtime_checkable
class Recognizer(Protocol):
    """An offline speech recognizer, loaded once per process."""

    name: str  # "vosk" or "pocketsphinx"
    description: str  # e.g. "vosk (model: models/vosk-model-small-en-us-0.15)"

    def knows(self, word: str) -> bool:
        """Whether the word is in the engine's vocabulary (grammar words it does not know are dropped)."""

    def transcribe(self, samples: np.ndarray, grammar: Grammar | None) -> Transcript:
        """Recognize one utterance (16 kHz mono int16). ``grammar`` None = the engine's open vocabulary."""

    def stream(self, grammar: Grammar | None) -> "RecognizerStream":
        """Incremental recognition of one utterance."""

    def new_speaker(self) -> None:
        """A new conversation begins: forget what was learned of the last speaker (WholeUtterance)."""


class WholeUtterance:
    """``transcribe`` for engines that stream: one utterance is a stream fed once."""

    def new_speaker(self) -> None:
        """A new conversation begins (at a kiosk, most often a new person): forget what the engine learned
        of the last speaker's voice and room. Engines that learn nothing across utterances do nothing."""

    def transcribe(self, samples: np.ndarray, grammar: Grammar | None) -> Transcript:
        s = self.stream(grammar)  # type: ignore[attr-defined]
        s.accept(samples)
        return s.finish()


class RecognizerStream(Protocol):
    def accept(self, samples: np.ndarray) -> None: ...

    def finish(self) -> Transcript: ...
