"""Grammars per question, built from the content's phrase data and cached (words checked at start-up)."""

from __future__ import annotations

from typing import Callable, Sequence

from .base import Recognizer
from .grammar import Grammar, build_grammar


class GrammarBook:
    """Builds and caches the grammar for a question: its phrases plus the global commands.

    ``content`` needs ``grammar_phrases(slots)`` and ``command_phrases()`` (voice_triage.content).
    """

    def __init__(self, content, recognizer: Recognizer, report: Callable[[str], None] | None = None):
        self.content = content
        self.rec = recognizer
        self.report = report
        self._cache: dict[tuple, Grammar] = {}
        self._commands = list(content.command_phrases()) if content is not None else []

    def build(self, phrases: Sequence[str], open: bool = False) -> Grammar:
        return build_grammar(list(phrases) + self._commands, self.rec.knows, engine=self.rec.name,
                             open=open, report=self.report)

    def for_ask(self, ask) -> Grammar | None:
        """The grammar for an ``Ask`` (None: no ask, use the engine's open vocabulary).

        A question that is open, asks about several slots, or takes a number accepts a run of phrases
        ("no I feel fine", "i am twenty five"); a single-slot question takes one phrase.
        """
        if ask is None:
            return None
        return self.for_slots(tuple(ask.slots), open=bool(ask.open))

    def for_slots(self, slots: Sequence[str], open: bool = False) -> Grammar:
        slots = tuple(slots)
        key = (slots, open)
        g = self._cache.get(key)
        if g is None:
            phrases = list(self.content.grammar_phrases(list(slots))) if self.content is not None else []
            seq = open or len(slots) > 1 or any(any(ch.isdigit() for ch in p) for p in phrases)
            g = self.build(phrases, open=seq)
            self._cache[key] = g
        return g

    def prebuild(self) -> None:
        """Build every question's grammar now, so unknown words are reported once, at start-up."""
        for q in getattr(self.content, "questions", ()):
            self.for_slots(tuple(q.slots), open=bool(getattr(q, "open", False)))
        self.for_slots(())


