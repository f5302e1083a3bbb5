"""What one answer is evidence of: the reading to go by, from the text and the recognizer's other readings.

Typed text is evidence too, with its own channel. The dialog's policy (dialog/policy.py) then decides how far
to trust it: ``agreement`` says whether the readings of the same audio agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from voice_triage.triage.slots import UNKNOWN
from voice_triage.understanding.reading import Reading, SlotValue

TYPED, SPOKEN = "typed", "spoken"


@dataclass(frozen=True)
class Evidence:
    text: str  # the words the reading came from (an alternative's, when that was taken)
    reading: Reading
    channel: str  # typed | spoken
    confidence: float  # 0..1 (1.0 typed)
    agreement: str  # agree | single | disagree | fallback (see prompts/<lang>/policy.yaml)
    heard: str = ""  # the recognizer's best text (or the typed line), whichever reading was taken
    other: Reading | None = None  # the other reading of the same audio (the first alternative's), if any


def values(reading: Reading) -> dict[str, SlotValue]:
    return {s: f.value for s, f in reading.fills.items()}


def only_unknown(reading: Reading) -> bool:
    return not reading.command and bool(reading.fills) and all(f.value == UNKNOWN for f in reading.fills.values())


def interpret(text: str, read: Callable[[str], Reading], *, channel: str = TYPED, confidence: float = 1.0,
              alternatives: Sequence[tuple[str, float]] = (), agreed: float = 0.8, fallback: float = 0.5) -> Evidence:
    """The evidence in an answer. ``read`` reads a text for the turn being answered; ``alternatives`` are
    other readings of the same audio, best first; ``agreed``/``fallback``: the confidence two agreeing
    readings get at least, and an alternative reading gets at most."""
    reading = read(text)

    def other(alt: object) -> Reading | None:
        return read(alt) if isinstance(alt, str) and alt.strip() else None

    second = other(alternatives[0][0]) if alternatives else None
    if reading.command and second is not None and second.command is None and second.understood \
            and not only_unknown(second):
        # a command the other reading of the same audio hears as an answer ("correct" heard as "repeat" by the
        # sentence model, as "correct" by the grammar): the answer is taken, as an alternative reading
        return Evidence(alternatives[0][0], second, channel, min(float(alternatives[0][1]), fallback), "fallback",
                        text, reading)
    if reading.fills and alternatives:
        first = alternatives[0][0]
        if second is not None and values(second) == values(reading):
            return Evidence(text, reading, channel, max(confidence, agreed), "agree", text, second)
        if second is not None and only_unknown(reading) and second.understood and not only_unknown(second):
            # a "not sure" that the other reading contradicts is no evidence of it: take the other
            return Evidence(first, second, channel, min(confidence, fallback), "fallback", text, reading)
        disputed = second is not None and any(s in second.fills and second.fills[s].value != f.value
                                              for s, f in reading.fills.items())
        return Evidence(text, reading, channel, confidence, "disagree" if disputed else "single", text, second)
    for i, (alt_text, alt_conf) in enumerate(alternatives if not reading.understood else ()):
        alt = second if i == 0 else other(alt_text)
        # a fallback reading that says only "not sure" is no evidence of it: ask again instead
        if alt is not None and alt.understood and not only_unknown(alt):
            return Evidence(str(alt_text), alt, channel, min(float(alt_conf), fallback), "fallback", text, reading)
    return Evidence(text, reading, channel, confidence, "single", text, second)
