"""What one answer is evidence of: the reading to go by, from the text and the recognizer's other readings.

Typed text is evidence too, with its own channel. The dialog's policy (dialog/policy.py) then decides how far
to trust it: ``agreement`` says whether the readings of the same audio agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

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
    #: the recognizer's words of ``text`` with their posteriors (empty when typed, or another reading was taken)
    words: tuple[tuple[str, float], ...] = ()

    def confidence_of(self, carrying: frozenset[str], tokens: Callable[[str], Sequence[str]]) -> float:
        """How sure the recognizer was of the words a value rests on (``carrying``, as
        Understander.carrying_words gives them): their smallest posterior, never below the whole answer's.
        A weak "um" or "like" then no longer makes a clearly heard "a few spots" doubtful. The whole answer's
        when none of them was heard as a word of its own (a loose match)."""
        got = [p for w, p in self.words if carrying.intersection(tokens(w))]
        return max(self.confidence, min(got)) if got else self.confidence


def values(reading: Reading) -> dict[str, SlotValue]:
    return {s: f.value for s, f in reading.fills.items()}


def only_unknown(reading: Reading) -> bool:
    return not reading.command and bool(reading.fills) and all(f.value == UNKNOWN for f in reading.fills.values())


def interpret(text: str, read: Callable[[str], Reading], *, channel: str = TYPED, confidence: float = 1.0,
              alternatives: Sequence[tuple[str, float]] = (), agreed: float = 0.8, fallback: float = 0.5,
              words: Sequence[tuple[str, float]] = ()) -> Evidence:
    """The evidence in an answer. ``read`` reads a text for the turn being answered; ``alternatives`` are
    other readings of the same audio, best first; ``agreed``/``fallback``: the confidence two agreeing
    readings get at least, and an alternative reading gets at most; ``words``: the recognizer's words of
    ``text`` with their posteriors (kept only when ``text`` is the reading taken)."""
    ev = _interpret(text, read, channel, confidence, alternatives, agreed, fallback)
    own = _posteriors(words) if ev.text == text and ev.agreement != "fallback" else ()
    return replace(ev, words=own) if own else ev


def _posteriors(words: Sequence[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    try:
        return tuple((str(w), min(1.0, max(0.0, float(p)))) for w, p in words)
    except (TypeError, ValueError):  # not (word, posterior) pairs: no word counts on its own
        return ()


def _interpret(text: str, read: Callable[[str], Reading], channel: str, confidence: float,
               alternatives: Sequence[tuple[str, float]], agreed: float, fallback: float) -> Evidence:
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
        if second is not None and values(second) == values(reading) and not reading.unplaced:
            # (a yes or no among words that could not be placed is a garble the grammar's one phrase cannot
            # vouch for: "the pain is really bad but nothing else" heard "um that is really not but nothing
            # you", the grammar "not really")
            return Evidence(text, reading, channel, max(confidence, agreed), "agree", text, second)
        if second is not None and only_unknown(reading) and second.understood and not only_unknown(second):
            # a "not sure" that the other reading contradicts is no evidence of it: take the other
            return Evidence(first, second, channel, min(confidence, fallback), "fallback", text, reading)
        # the other reading of the same audio gives other values, or is a plain yes where this one heard a yes
        # and then a no ("yes, I take warfarin but nothing else" heard "yes to all three but nothing of those"
        # and "yes exactly"), or the other way round
        opposite = reading.mixed and second is not None and not second.mixed \
            and None not in (reading.affirmed, second.affirmed) and reading.affirmed != second.affirmed
        disputed = opposite or second is not None and any(s in second.fills and second.fills[s].value != f.value
                                                          for s, f in reading.fills.items())
        return Evidence(text, reading, channel, confidence, "disagree" if disputed else "single", text, second)
    for i, (alt_text, alt_conf) in enumerate(alternatives if not reading.understood else ()):
        alt = second if i == 0 else other(alt_text)
        # a fallback reading that says only "not sure" is no evidence of it: ask again instead
        if alt is not None and alt.understood and not only_unknown(alt):
            return Evidence(str(alt_text), alt, channel, min(float(alt_conf), fallback), "fallback", text, reading)
    return Evidence(text, reading, channel, confidence, "single", text, second)
