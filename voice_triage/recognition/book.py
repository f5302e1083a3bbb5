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
        """The grammar for an ``Ask`` (None: no ask, use the engine's open vocabulary)."""
        if ask is None:
            return None
        slots = tuple(ask.slots)
        if ask.confirm is not None:
            slots = ("_confirm",) + slots
        key = (slots, bool(ask.open))
        g = self._cache.get(key)
        if g is None:
            phrases = list(self.content.grammar_phrases(list(ask.slots))) if self.content is not None else []
            if ask.confirm is not None:
                # confirming a reading: yes/no always answer it
                phrases += list(self.content.grammar_phrases(["_yes_no"])) if _has_yes_no(self.content) else []
            g = self.build(phrases, open=bool(ask.open))
            self._cache[key] = g
        return g

    def prebuild(self, slot_sets: Sequence[Sequence[str]]) -> None:
        """Build every question's grammar now, so unknown words are reported once, at start-up."""
        for slots in slot_sets:
            key = (tuple(slots), False)
            if key not in self._cache:
                self._cache[key] = self.build(self.content.grammar_phrases(list(slots)))


def _has_yes_no(content) -> bool:
    try:
        return bool(content.grammar_phrases(["_yes_no"]))
    except Exception:  # noqa: BLE001 - older content without the pseudo-slot
        return False
