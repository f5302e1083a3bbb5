"""Grammars per question, built once at start-up (words checked, every search compiled before the first
question) from the spoken phrase lists (:mod:`voice_triage.recognition.spoken`)."""

from __future__ import annotations

from typing import Callable, Sequence

from .base import Recognizer
from .grammar import Grammar, build_grammar


class GrammarBook:
    """The grammar for each turn: the question's spoken phrases, the core answers and the commands.

    With the real content (``voice_triage.content.Content``) the grammars are the small spoken lists of
    prompts/<lang>/spoken.yaml: one per question (a part of a grouped question, or a clarification, uses
    its question's grammar), one per question for confirmations, one for the private-place check.
    Any other ``content`` needs only ``grammar_phrases(slots)`` and ``command_phrases()`` (tests).
    """

    def __init__(self, content, recognizer: Recognizer, report: Callable[[str], None] | None = None):
        self.content = content
        self.rec = recognizer
        self.report = report
        #: whole-sentence answers, for engines that take a language model per turn (pocketsphinx)
        self.free_speech = bool(getattr(recognizer, "free_speech", False))
        self._cache: dict[tuple, Grammar] = {}
        self._deferred = False  # prebuild: compile once every grammar is made
        self.spoken = None
        if content is not None and hasattr(content, "phrases") and hasattr(content, "questions"):
            from .spoken import SpokenPhrases

            self.spoken = SpokenPhrases(content, recognizer.knows)
        self._commands = list(content.command_phrases()) if content is not None and self.spoken is None else []
        self._command_set = (list(content.command_phrases()) if content is not None and hasattr(content, "command_phrases")
                             else []) + ([p for ps in self.spoken.spec.commands.values() for p in ps] if self.spoken else [])

    def build(self, phrases: Sequence[str], open: bool = False, glue: Sequence[str] = (),
              free: Sequence[str] = (), free_minor: Sequence[str] = (),
              carriers: Sequence[str] | None = None) -> Grammar:
        spec = self.spoken.spec if self.spoken is not None else None
        if carriers is None:
            carriers = spec.carriers if spec else ()
        return build_grammar(list(phrases) + self._commands, self.rec.knows, engine=self.rec.name,
                             open=open, report=self.report, glue=glue, commands=self._command_set,
                             free=free if self.free_speech else (),
                             carriers=carriers, joiners=spec.joiners if spec else (),
                             free_minor=free_minor, minor_carriers=spec.confirm_carriers if spec else ())

    def _get(self, key: tuple, make: Callable[[], Grammar]) -> Grammar:
        g = self._cache.get(key)
        if g is None:
            g = self._cache[key] = make()
            prepare = getattr(self.rec, "prepare", None)
            if prepare is not None and not self._deferred:
                prepare(g)  # compile the engine's search now, not when the person answers
        return g

    def for_ask(self, ask) -> Grammar | None:
        """The grammar for an ``Ask`` (None: no ask, use the engine's open vocabulary)."""
        if ask is None:
            return None
        if self.spoken is None:
            return self.for_slots(tuple(ask.slots), open=bool(ask.open))
        qid = ask.question_id
        if qid.startswith("privacy"):
            return self._privacy()
        if qid == "result":  # after the result: "more", "summary", "repeat" (spoken.yaml extra.result)
            return self._result()
        confirm = qid == "confirm"
        q = None
        if not confirm:
            try:
                q = self.content.question(qid)
            except KeyError:
                q = None
        if q is None:  # a confirmation names its slots; find their question so the grammar is shared
            q = next((x for x in self.content.questions if set(ask.slots) <= set(x.slots)), None)
        if q is None:
            return self.for_slots(tuple(ask.slots), open=bool(ask.open))
        return self.for_question(q, confirm=confirm)

    def for_question(self, q, confirm: bool = False) -> Grammar:
        from voice_triage.triage.slots import SLOTS

        spoken = self.spoken
        assert spoken is not None  # (for_ask answers without phrases before it comes here)
        seq = bool(q.open) or len(q.slots) > 1 or any(SLOTS[s].numeric for s in q.slots)
        if self.free_speech and confirm:
            # the sentence model does the listening; the question's grammar (yes, no, corrections and
            # all) is its fallback at a confirmation too: one search less per question (each JSGF search
            # held ~1.8 MB; the bench's peak went over 150 MB with both). The confirmation's own sentence
            # model puts yes and no first, the question's phrases after (corrections)
            main, minor = spoken.confirm_free(q.slots, q.id)
            return self._get(("q", q.id, True), lambda: self.build(
                spoken.for_slots(q.slots, q.id), open=seq, glue=spoken.glue(q), free=main,
                free_minor=minor))
        return self._get(("q", q.id, confirm), lambda: self.build(
            spoken.for_slots(q.slots, q.id, confirm=confirm), open=seq and not confirm,
            glue=() if confirm else spoken.glue(q), free=spoken.free_phrases(q.slots, q.id),
            carriers=spoken.carriers(q.id)))

    def for_slots(self, slots: Sequence[str], open: bool = False) -> Grammar:
        slots = tuple(slots)
        spoken = self.spoken
        if spoken is not None:
            return self._get(("slots", slots), lambda: self.build(spoken.for_slots(slots)))

        def make() -> Grammar:
            phrases = list(self.content.grammar_phrases(list(slots))) if self.content is not None else []
            seq = open or len(slots) > 1 or any(any(ch.isdigit() for ch in p) for p in phrases)
            return self.build(phrases, open=seq)

        return self._get(("old", slots, open), make)

    def prebuild(self) -> None:
        """Build and compile every grammar now: unknown words are reported once, at start-up, and no
        question waits for its search to be compiled."""
        if self.spoken is None:
            if self.content is not None:
                for q in getattr(self.content, "questions", ()):
                    self.for_slots(tuple(q.slots), open=bool(getattr(q, "open", False)))
                self.for_slots(())
            return
        self._deferred = True  # all grammars first, then the engine compiles them together
        try:
            for q in self.content.questions:
                self.for_question(q)
                self.for_question(q, confirm=True)
            self._privacy()
        finally:
            self._deferred = False
        grammars = list(dict.fromkeys(self._cache.values()))
        prepare_all = getattr(self.rec, "prepare_all", None)
        prepare = getattr(self.rec, "prepare", None)
        if prepare_all is not None:
            prepare_all(grammars)  # (pocketsphinx: every word before any sentence model, see prepare_all)
        elif prepare is not None:
            for g in grammars:
                prepare(g)

    def _privacy(self) -> Grammar:
        def make() -> Grammar:
            assert self.spoken is not None
            phrases = self.spoken.for_privacy()
            return self.build(phrases, free=self.spoken.free_phrases(()) + phrases)

        return self._get(("privacy",), make)

    def _result(self) -> Grammar:
        def make() -> Grammar:
            assert self.spoken is not None
            phrases = list(self.spoken.spec.extra.get("result", ()))
            return self.build(phrases, free=phrases)

        return self._get(("result",), make)

    def grammars(self) -> dict[tuple, Grammar]:
        return dict(self._cache)
