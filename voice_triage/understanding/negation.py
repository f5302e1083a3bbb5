"""How far a negation reaches inside one clause: which negation word, if any, negates a spotted phrase
("not dizzy", "no fever or chills"), what the negated phrase then means (phrases.yaml ``negated``), and
when a negation is about knowing rather than about the thing ("I can't tell if I'm light-headed")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from voice_triage.content.normalize import normalize
from voice_triage.understanding.spotting import Match

NEGATION_WINDOW = 5  # a negation word this many words before a phrase negates it


class NegationReach:
    def __init__(self, phrases: Any, sets: Mapping[str, Any], yesno_words: set[str]):
        """``phrases``: the content's phrases (``negations``, each slot's ``negated``, ``negated_by`` and
        ``described_by``); ``sets``: words.yaml (``scope_break``, ``embedded_question``)."""
        self._slots = phrases.slots
        self.negations = {tuple(n.split()) for n in phrases.negations}
        self.words = {n for n in phrases.negations if " " not in n}
        self._by_slot = {name: {tuple(n.split()) for n in sp.negated_by}
                         for name, sp in phrases.slots.items() if sp.negated_by is not None}
        self._described_by = {name: frozenset(sp.described_by) for name, sp in phrases.slots.items() if sp.described_by}
        self._scope_break = frozenset(str(w) for w in sets.get("scope_break") or ())
        self._embedded = frozenset(str(w) for w in sets.get("embedded_question") or ())
        self._answers = sorted((tuple(normalize(str(p), drop_fillers=False).split())
                                for p in sets.get("answer_after") or ()), key=len, reverse=True)
        self._yesno = yesno_words
        replies = "|".join(r"\s+".join(map(re.escape, n)) for n in self._answers)
        self._echo = re.compile(rf"[?,]\s*(?=(?:{replies})\s*(?:[,.;:!?]|$))", re.IGNORECASE) if replies else None

    def of(self, slot: str | None) -> set[tuple[str, ...]]:
        """The negations that reach a phrase of ``slot`` (a reply's "no" does not reach "once in a while")."""
        return self._by_slot.get(slot or "", self.negations)

    def negator(self, toks: list[str], m: Match, spans: list[Match]) -> int | None:
        """Index of the negation word that negates ``m``, or None."""
        found = self._reach(toks, m, spans)
        return found[0] if found is not None and not found[1] else None

    def echo_answered(self, text: str) -> str:
        """``text`` with no clause break between a thing named and a reply to it that ends there ("Dizzy? No.",
        "light-headed, not at all" are read "dizzy no", "light headed not at all")."""
        return self._echo.sub(" ", text) if self._echo is not None else text

    def after(self, toks: list[str], m: Match, spans: list[Match]) -> int | None:
        """Index of a reply right after ``m`` that answers it and ends the clause ("dizzy? no", "light-headed
        not at all"; words.yaml ``answer_after``): the clause ends there, or a scope break or another fact
        follows. None when the phrase carries its own negation, the reply is part of another fact, or the
        slot has no value for the phrase negated."""
        if self._negated_itself(m):
            return None
        if m.label.slot is None or m.label.value is None or self.negate(m.label.slot, str(m.label.value)) is None:
            return None
        facts = [s for s in spans if s.label.kind == "slot"]
        for n in self._answers:
            end = m.end + len(n)
            # (a fact of the reply's words alone, "none" for no birth control, is the reply)
            taken = {i for s in facts if (s.start, s.end) not in ((m.start, m.end), (m.end, end))
                     for i in range(s.start, s.end)}
            if tuple(toks[m.end:end]) != n or taken & set(range(m.end, end)):
                continue
            if end == len(toks) or toks[end] in self._scope_break or any(s.start == end for s in facts):
                return m.end
        return None

    def about_knowing(self, toks: list[str], m: Match, spans: list[Match]) -> bool:
        """A negation before an embedded question holding ``m`` ("I can't tell if I'm light-headed", "don't
        know whether I have a fever"): the negation is about knowing, and the phrase is neither said nor
        denied (words.yaml ``embedded_question``)."""
        found = self._reach(toks, m, spans)
        return found is not None and found[1]

    def _negated_itself(self, m: Match) -> bool:
        """The phrase carries its own negation ("no pain", "it will not stop")."""
        words = m.phrase.split()
        return any(tuple(words[: len(n)]) == n for n in self.negations) or bool(set(words) & self.words)

    def _reach(self, toks: list[str], m: Match, spans: list[Match]) -> tuple[int, bool] | None:
        """(index of the negation that reaches ``m``, whether an embedded question lies between them)."""
        if self._negated_itself(m):
            return None
        other = {i for s in spans if s.label.kind in ("unknown", "hedge") for i in range(s.start, s.end)}
        facts = {i for s in spans if s.label.kind == "slot" and (s.start, s.end) != (m.start, m.end)
                 and not self.describes_next(s, spans) for i in range(s.start, s.end)}
        embedded = False
        for i in range(m.start - 1, max(0, m.start - NEGATION_WINDOW) - 1, -1):
            if toks[i] in self._scope_break or i in facts:
                return None  # "not pregnant, still have periods": a negation reaches the next fact only
            embedded = embedded or toks[i] in self._embedded
            if i in other:
                continue
            for n in self.of(m.label.slot):
                if tuple(toks[i : i + len(n)]) == n and i + len(n) <= m.start:
                    return i, embedded
        return None

    def reply_no(self, toks: list[str], i: int) -> bool:
        """The negation at ``i`` is a reply's no word opening the clause ("no", "no no"). Before words that say
        nothing is wrong ("same partner", "steady on my feet") it is that reply, not their negation: a
        recognizer writes "no, same partner" without its comma, and no one says "no same partner" for "not
        the same partner" ("not", which is no reply word, still negates them)."""
        return toks[i] in self._yesno and all(t in self._yesno for t in toks[:i])

    def describes_next(self, m: Match, spans: list[Match]) -> bool:
        """"painful blisters": a word that describes the phrase of another slot right after it (phrases.yaml
        ``described_by``), not a fact of its own."""
        return any(s.label.kind == "slot" and s.label.slot != m.label.slot and s.start == m.end
                   and m.phrase in self._described_by.get(s.label.slot or "", ()) for s in spans)

    def negate(self, slot: str, value: str) -> str | None:
        """What a negated phrase of ``slot`` saying ``value`` means, or None (it only denies ``value``)."""
        rule = self._slots[slot].negated
        if isinstance(rule, dict):
            got = rule.get(value)
            return None if got in (None, "null") else str(got)
        if rule == "flip":
            return {"yes": "no", "no": "yes"}[value]
        if rule and value != rule:
            return str(rule)
        return None
