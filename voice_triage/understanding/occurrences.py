"""How many times it has happened ("the second time", "3 times now", "the fifth time this year") -> a frequency.

The words and the counts that make each value live in prompts/<lang>/phrases.yaml ``occurrences``; numbers
and ordinals are read with text2num, as for ages and pads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import alpha2digit

_COUNT = re.compile(r"^(\d+)(?:st|nd|rd|th)?$")


@dataclass(frozen=True)
class Occurrences:
    """What ``occurrences`` in phrases.yaml says: the words after a count, and the value each count makes."""

    slot: str
    times: frozenset[str]
    at_least: tuple[tuple[int, str], ...]  # (count, value), highest count first
    lang: str = "en"

    @classmethod
    def from_data(cls, raw: object, lang: str = "en") -> Occurrences | None:
        if not isinstance(raw, dict) or not raw.get("at_least"):
            return None
        at_least = sorted(((int(k), str(v)) for k, v in raw["at_least"].items()), reverse=True)
        return cls(str(raw.get("slot", "frequency")), frozenset(str(w) for w in raw.get("times") or ()),
                   tuple(at_least), lang)

    def value(self, toks: list[str], negations: frozenset[str] = frozenset()) -> tuple[str, str] | None:
        """(value, the words it came from) when the clause counts the times it happened."""
        try:
            toks = alpha2digit(" ".join(toks), self.lang, threshold=0).split()
        except Exception:  # text2num can choke on odd input; digits still count
            pass
        for i, t in enumerate(toks):
            if t not in self.times or i == 0 or not (m := _COUNT.match(toks[i - 1])):
                continue
            if any(w in negations for w in toks[max(0, i - 4):i - 1]):
                continue  # "not the second time"
            count = int(m.group(1))
            value = next((v for n, v in self.at_least if count >= n), None)
            if value is not None:
                return value, " ".join(toks[i - 1:i + 1])
        return None
