"""Ages from digits and number words ("thirty five", "I'm 35", "35 years old"), via text2num."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from text_to_num import alpha2digit

from voice_triage.triage.slots import AGE_RANGE

_NUMBER = re.compile(r"(?<![\w.])(-?\d+)(?:\.\d+)?(?![\w])")


_UNITS = ("weeks?|days?|months?|hours?|minutes?|mins?|times?|pads?|percent|kg|kilos?|pounds?|lbs?|stone|cm|"
          "feet|ft|inches|am|pm|o clock")


@dataclass(frozen=True)
class AgeReading:
    age: int | None  # a plausible age, or None
    out_of_range: tuple[int, ...] = ()  # numbers heard that cannot be an age (300, -1)


def numbers_in(text: str) -> list[int]:
    """All whole numbers in ``text``, number words included ("thirty five" -> 35)."""
    try:
        digits = alpha2digit(text, "en")
    except Exception:  # text2num can choke on odd input; digits alone still count
        digits = text
    digits = re.sub(r"\bminus (\d)", r"-\1", digits)
    return [int(n) for n in _NUMBER.findall(digits)]


def read_age(text: str, *, cues: Iterable[str] = (), require_cue: bool = False) -> AgeReading:
    """The age in an answer. With ``require_cue`` only a number marked as an age ("I'm 40") counts."""
    try:
        digits = alpha2digit(text, "en")
    except Exception:
        digits = text
    digits = re.sub(r"\bminus (\d)", r"-\1", digits)
    if require_cue:
        found = []
        for cue in cues:
            pattern = re.escape(cue).replace(r"\{n\}", r"(-?\d+)")
            # "i am 12 weeks pregnant", "i am 2 days late": a number with a unit is not an age
            found += [int(m) for m in re.findall(rf"(?:^| ){pattern}(?= |$)(?! (?:{_UNITS})\b)", digits)]
    else:
        found = [int(n) for n in _NUMBER.findall(digits)]
    lo, hi = AGE_RANGE
    good = [n for n in found if lo <= n <= hi]
    bad = tuple(n for n in found if not lo <= n <= hi)
    return AgeReading(good[0] if good else None, bad)
