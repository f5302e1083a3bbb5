"""Understanding: answer text -> slot values (rapidfuzz phrase spotting, negation, numbers, commands)."""

from voice_triage.understanding.reading import Fill, Reading
from voice_triage.understanding.understand import Understander

__all__ = ["Fill", "Reading", "Understander"]
