"""Pads in a time ("three pads in the last hour", "changed my pad twice in forty minutes") -> an amount.

The words live in prompts/<lang>/phrases.yaml ``pad_rate``; numbers are read with text2num as for ages.
"""

from __future__ import annotations

from dataclasses import dataclass

from text_to_num import alpha2digit


@dataclass(frozen=True)
class PadRate:
    """What ``pad_rate`` in phrases.yaml says: the words, and the pads per hour that mean soaking."""

    soaking_per_hour: float
    below: str
    pads: frozenset[str]
    counts: dict[str, int]
    times: frozenset[str]
    repeats: dict[str, int]
    minutes: dict[str, float]
    one_unit: frozenset[str]
    half: frozenset[str]
    one_pad: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, raw: object) -> PadRate | None:
        if not isinstance(raw, dict):
            return None
        return cls(float(raw.get("soaking_per_hour", 1)), str(raw.get("below", "heavy")),
                   frozenset(str(w) for w in raw.get("pads") or ()),
                   {str(k): int(v) for k, v in (raw.get("counts") or {}).items()},
                   frozenset(str(w) for w in raw.get("times") or ()),
                   {str(k): int(v) for k, v in (raw.get("repeats") or {}).items()},
                   {str(k): float(v) for k, v in (raw.get("minutes") or {}).items()},
                   frozenset(str(w) for w in raw.get("one_unit") or ()), frozenset(str(w) for w in raw.get("half") or ()),
                   frozenset(str(w) for w in raw.get("one_pad") or ()))

    def _number(self, tok: str) -> float | None:
        if tok.isdigit():
            return float(tok)
        return float(self.counts[tok]) if tok in self.counts else None

    def amount(self, toks: list[str], negations: frozenset[str] = frozenset()) -> tuple[str, str] | None:
        """(amount value, the words it came from) when the clause gives a number of pads in a time."""
        try:
            toks = alpha2digit(" ".join(toks), "en").split()
        except Exception:  # text2num can choke on odd input; digits and count words still count
            pass
        at = next((i for i, t in enumerate(toks) if t in self.pads), None)
        if at is None or any(t in negations for t in toks[:at]):
            return None
        count = None
        for i, t in enumerate(toks):  # "twice", "4 times"
            if t in self.repeats:
                count = float(self.repeats[t])
            elif t in self.times and i > 0 and self._number(toks[i - 1]) is not None:
                count = self._number(toks[i - 1])
        if count is None:  # "3 pads", "a pad", "two whole pads"
            count = next((n for t in reversed(toks[max(0, at - 3):at]) if (n := self._number(t)) is not None), None)
        if count is None and at > 0 and toks[at - 1] in self.one_pad:  # "through my pad"
            count = 1.0
        minutes = None
        for i, t in enumerate(toks):
            if t not in self.minutes or i == 0:
                continue
            before = toks[i - 1]
            if before.isdigit():
                minutes = float(before) * self.minutes[t]
            elif before in self.one_unit:  # "the last hour", "half an hour"
                minutes = self.minutes[t] * (0.5 if i >= 2 and toks[i - 2] in self.half else 1.0)
            elif before in self.counts:
                minutes = self.counts[before] * self.minutes[t]
            break
        if not count or not minutes:
            return None
        per_hour = count * 60.0 / minutes
        return ("soaking" if per_hour >= self.soaking_per_hour else self.below), " ".join(toks)
