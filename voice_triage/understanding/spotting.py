"""Find known phrases inside a clause, fuzzily (rapidfuzz), word-aligned, without overlaps."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

MIN_SCORE = 80.0  # below this a window is not a match at all
EXACT_ONLY_CHARS = 4  # phrases this short must match exactly ("pee", "ring", "dry")


@dataclass(frozen=True)
class Label:
    """What a phrase means: kind is 'slot', 'unknown', 'affirm' or 'deny'."""

    kind: str
    slot: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class Match:
    start: int  # token span [start, end) in the clause
    end: int
    score: float
    phrase: str
    label: Label

    @property
    def length(self) -> int:
        return len(self.phrase.split())

    @property
    def weight(self) -> float:
        """Longer phrases win over shorter ones unless much worse matched."""
        return self.score + 8.0 * (self.length - 1)


class PhraseIndex:
    """All phrases with their labels; ``spot`` finds the best non-overlapping ones in a clause."""

    def __init__(self, entries: list[tuple[str, Label]]):
        self._labels: dict[str, list[Label]] = {}
        for phrase, label in entries:
            if phrase:
                self._labels.setdefault(phrase, [])
                if label not in self._labels[phrase]:
                    self._labels[phrase].append(label)
        self._phrases = list(self._labels)
        self._max_len = max((len(p.split()) for p in self._phrases), default=1)

    def labels(self, phrase: str) -> list[Label]:
        return self._labels.get(phrase, [])

    def candidates(self, toks: list[str]) -> list[Match]:
        out: list[Match] = []
        n = len(toks)
        for start in range(n):
            for size in range(1, min(self._max_len + 1, n - start) + 1):
                window = " ".join(toks[start : start + size])
                for phrase, score, _ in process.extract(
                    window, self._phrases, scorer=fuzz.ratio, score_cutoff=MIN_SCORE, limit=None
                ):
                    if len(phrase) <= EXACT_ONLY_CHARS and phrase != window:
                        continue
                    if abs(len(phrase.split()) - size) > 1:
                        continue
                    for label in self._labels[phrase]:
                        out.append(Match(start, start + size, float(score), phrase, label))
        return out

    def spot(self, toks: list[str], prefer_slots: frozenset[str] = frozenset()) -> list[Match]:
        """Best non-overlapping matches, strongest first then left to right in the result."""

        def key(m: Match) -> tuple[float, int, int]:
            bonus = 3.0 if m.label.slot in prefer_slots else 0.0
            kind_rank = {"slot": 2, "unknown": 1}.get(m.label.kind, 0)
            return (m.weight + bonus, kind_rank, -m.start)

        chosen: list[Match] = []
        taken: set[int] = set()
        for m in sorted(self.candidates(toks), key=key, reverse=True):
            span = set(range(m.start, m.end))
            if span & taken:
                # the same words may mean a value in another slot too ("sore": pain or sores): keep an
                # exact duplicate span only when it is the same phrase
                if not any(c.start == m.start and c.end == m.end and c.phrase == m.phrase for c in chosen):
                    continue
            chosen.append(m)
            taken |= span
        return sorted(chosen, key=lambda m: m.start)
