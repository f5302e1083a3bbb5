"""Words that only lead into a yes or no ("well no", "so yes", "I'm on my break week, so no") or into an answer
("well, none of those"): found so that the yes or no starts a clause of its own, and an answer is read without
them. The words are prompts/<lang>/words.yaml ``leading_into``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class LeadIns:
    def __init__(self, phrases: Iterable[str], yesno_words: Iterable[str], kept: Sequence[str]):
        """``phrases``: the lead-in words (normalized); ``yesno_words``: one-word yes/no answers; ``kept``:
        listed phrases of several words, inside which nothing is cut ("i think so yes")."""
        self._phrases = sorted((tuple(p.split()) for p in phrases if p.split()), key=len, reverse=True)
        self._yesno = frozenset(yesno_words)
        self._kept = tuple(kept)

    def find(self, toks: list[str]) -> tuple[int, int] | None:
        """(start, end) of lead-in words right before a one-word yes or no, or opening the clause ("well I
        don't have any of those"), outside any kept phrase ("so much blood"); None when there are none."""
        for i in range(len(toks) - 1):
            for p in self._phrases:
                end = i + len(p)
                if (end < len(toks) and tuple(toks[i:end]) == p and (i == 0 or toks[end] in self._yesno)
                        and not self._in_kept(toks, i, end)):
                    return i, end
        return None

    def _in_kept(self, toks: list[str], start: int, end: int) -> bool:
        """Words ``start``..``end`` overlap a kept phrase found in ``toks``."""
        text = f" {' '.join(toks)} "
        for k in self._kept:
            at = text.find(f" {k} ")
            while at >= 0:
                first = text[:at + 1].count(" ") - 1
                if first < end and first + len(k.split()) > start:
                    return True
                at = text.find(f" {k} ", at + 1)
        return False
