"""Spoken grammars: small and distinct phrase lists per question, from prompts/<lang>/spoken.yaml.

A typed answer is read against all of phrases.yaml, but a recognizer listening for 400-600 phrases at
once is slow (pocketsphinx took ~1 s per second of speech) and confuses similar phrases ("just
spotting" heard as "stop the"). What can be *heard* is therefore a small list per question:

* for each asked slot value, the first ``per_value`` phrases of phrases.yaml (the data lists the plainest
  first) that have at most ``max_words`` words, all known to the recognizer, deduplicated by their
  normal form (the understander's: "i don't know" and "i do not know" are one);
* the core yes / no / not-sure answers and a few ways of saying each command;
* the question's ``extra`` phrases (how people say it aloud);
* numbers for a numeric slot (age): "ten" ... "one hundred ten";
* for a confirmation, yes/no and a few phrases per value (corrections); for the private-place check,
  its choices (text only, quieter, discreet ...).

Every phrase still goes through the same understander as typed text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from voice_triage.paths import prompts_root

from .grammar import normalize_phrase, number_words

AGE_RANGE = range(10, 111)


@dataclass
class SpokenSpec:
    core: list[str]
    commands: dict[str, list[str]]
    extra: dict[str, list[str]] = field(default_factory=dict)
    max_words: int = 5
    per_value: int = 8
    per_value_many: int = 5
    per_value_confirm: int = 2
    privacy_per_choice: int = 6
    extra_serious: int = 12
    glue: list[str] = field(default_factory=list)
    glue_questions: str = "none"  # "none", "many" (questions about several slots) or "all"
    #: whole-sentence answers: a language model per question (see language_model.py)
    free_speech: bool = True
    carriers: list[str] = field(default_factory=list)
    #: a question's own carriers instead (age: no "so" or "i think", which "thirty" was heard as)
    question_carriers: dict[str, list[str]] = field(default_factory=dict)
    joiners: list[str] = field(default_factory=list)
    #: at a confirmation: what the corrections ("no, just spotting") may open with
    confirm_carriers: list[str] = field(default_factory=list)
    #: words understood when typed but never listened for (each sounds like a word of the other meaning)
    typed_only: frozenset[str] = frozenset()


def load_spec(lang: str = "en", root: Path | None = None) -> SpokenSpec:
    root = root or prompts_root()
    path = root / lang / "spoken.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    s = lambda xs: [str(x) for x in xs or []]  # noqa: E731 - yaml reads a bare yes as True
    spec = SpokenSpec(
        core=[("yes" if x is True else "no" if x is False else str(x)) for x in data.get("core", [])],
        commands={k: s(v) for k, v in (data.get("commands") or {}).items()},
        extra={k: s(v) for k, v in (data.get("extra") or {}).items()},
        glue=s(data.get("glue")),
        free_speech=bool(data.get("free_speech", True)),
        carriers=s(data.get("carriers")),
        question_carriers={str(k): [("yes" if x is True else "no" if x is False else str(x)) for x in v or []]
                           for k, v in (data.get("question_carriers") or {}).items()},
        joiners=s(data.get("joiners")),
        confirm_carriers=[("yes" if x is True else "no" if x is False else str(x))
                          for x in data.get("confirm_carriers") or []],
        typed_only=frozenset(normalize_phrase(str(x)) for x in data.get("typed_only") or []),
    )
    import os

    spec.glue_questions = os.environ.get("VOICE_TRIAGE_GLUE", str(data.get("glue_questions", "none")))
    if os.environ.get("VOICE_TRIAGE_FREE_SPEECH") in ("0", "1"):  # to measure with and without
        spec.free_speech = os.environ["VOICE_TRIAGE_FREE_SPEECH"] == "1"
    for key in ("max_words", "per_value", "per_value_many", "per_value_confirm", "privacy_per_choice", "extra_serious"):
        if key in data:
            setattr(spec, key, int(data[key]))
    return spec


class SpokenPhrases:
    """The phrases to listen for at each kind of turn (before the recognizer's own vocabulary check)."""

    def __init__(self, content, knows: Callable[[str], bool], spec: SpokenSpec | None = None):
        from voice_triage.triage.slots import SLOTS
        from voice_triage.content.normalize import normalize

        self.content = content
        self.knows = knows
        self.spec = spec or load_spec()
        self._slots = SLOTS
        self._norm = lambda p: normalize(p, drop_fillers=False)

    def _ok(self, phrase: str) -> bool:
        words = normalize_phrase(phrase).split()
        return 0 < len(words) <= self.spec.max_words and all(self.knows(w) for w in words) and self._heard(phrase)

    def _heard(self, phrase: str) -> bool:
        """Not a phrase with a word that is only typed (spoken.yaml ``typed_only``)."""
        return not set(normalize_phrase(phrase).split()) & self.spec.typed_only

    def _pick(self, phrases: Iterable[str], cap: int, seen: set[str]) -> list[str]:
        out: list[str] = []
        for p in phrases:
            if len(out) >= cap:
                break
            p = str(p)
            key = self._norm(p)
            if not key or key in seen or not self._ok(p):
                continue
            seen.add(key)
            out.append(p)
        return out

    def _numbers(self) -> list[str]:
        # bare numbers only: "i'm forty two" is heard as "forty two" (same meaning); "i am N" / "N years old"
        # for every N would make the end of an answer much slower, and no more accurate
        return [number_words(n) for n in AGE_RANGE]

    def common(self, seen: set[str]) -> list[str]:
        out = self._pick(self.spec.core, 999, seen)
        for phrases in self.spec.commands.values():
            out += self._pick(phrases, 999, seen)
        return out

    def for_slots(self, slots: Iterable[str], question_id: str | None = None, *, confirm: bool = False) -> list[str]:
        slots = tuple(slots)
        seen: set[str] = set()
        out = self.common(seen)
        if question_id and not confirm:
            out += self._pick(self.spec.extra.get(question_id, ()), 999, seen)
        if question_id or confirm:
            # replies to a value said back ("that's not what I said", "not quite"): at a check, and at the
            # question after a value was said back; without them the grammar's reading of such a reply is
            # whichever phrase is nearest ("no idea"), which would make a clear no sound like doubt
            out += self._pick(self.spec.extra.get("confirm", ()), 999, seen)
        cap = (self.spec.per_value_confirm if confirm
               else self.spec.per_value_many if len(slots) >= 3 else self.spec.per_value)
        for slot in slots:
            if self._slots[slot].numeric:
                out += [] if confirm else self._numbers()
                continue
            spec = self._slots[slot]
            for value, phrases in self.content.phrases.slots[slot].values.items():
                # a value that makes it an emergency gets more ways to be heard: in noise, a grammar
                # short of them let "soaking a pad" fall on a command or on nothing (asked again, then
                # unknown: a lower tier than the truth)
                serious = not confirm and spec.triggers.get(value) == "emergency"
                out += self._pick(phrases, cap + self.spec.extra_serious if serious else cap, seen)
        return out

    def free_phrases(self, slots: Iterable[str], question_id: str | None = None) -> list[str]:
        """Everything a whole-sentence answer to a question about ``slots`` is made of: all of the slots'
        phrases in phrases.yaml (not only the first few), the yes/no/not-sure words, the core answers,
        the spoken commands, the question's extra phrases and, for age, numbers with the age cues.
        Empty when free speech is off (spoken.yaml ``free_speech: false``)."""
        if not self.spec.free_speech:
            return []
        ph = self.content.phrases
        out: list[str] = list(self.spec.core)
        for phrases in self.spec.commands.values():
            out += phrases
        if question_id:
            out += self.spec.extra.get(question_id, [])
        for slot in slots:
            if self._slots[slot].numeric:
                cues = [c for c in ph.age_cues if "{n}" in c]
                for n in AGE_RANGE:
                    words = number_words(n)
                    out.append(words)
                    out += [c.replace("{n}", words) for c in cues]
                continue
            for phrases in ph.slots[slot].values.values():
                out += [str(p) for p in phrases]
        out += [str(p) for p in (*ph.affirm, *ph.deny, *ph.unknown)]
        return [p for p in dict.fromkeys(normalize_phrase(p) for p in out) if p and self._heard(p)]

    def confirm_free(self, slots: Iterable[str], question_id: str | None = None) -> tuple[list[str], list[str]]:
        """A confirmation's language model: (its main phrases, its minor ones). Main: yes, no, not sure in
        all their ways (phrases.yaml affirm/deny/unknown), the core answers, the commands and spoken.yaml's
        ``extra: confirm``. Minor (learnt with less weight): the question's own phrases, for corrections.
        Measured on tests/understanding/confirmations.txt (80 answers, 8 voices): with the question's
        model, "that's correct" was heard as "not really cut"."""
        if not self.spec.free_speech:
            return [], []
        ph = self.content.phrases
        main: list[str] = [*self.spec.core, *self.spec.extra.get("confirm", [])]
        for phrases in self.spec.commands.values():
            main += phrases
        main += [str(p) for p in (*ph.affirm, *ph.deny, *ph.unknown)]
        norm = [p for p in dict.fromkeys(normalize_phrase(p) for p in main) if p and self._heard(p)]
        taken = set(norm)
        minor = [p for p in self.free_phrases(slots, question_id) if p not in taken]
        return norm, minor

    def carriers(self, question_id: str | None) -> list[str]:
        """What a whole-sentence answer to this question may open with (spoken.yaml)."""
        return self.spec.question_carriers.get(question_id or "", self.spec.carriers)

    def glue(self, q) -> list[str]:
        """Glue words for a question's grammar (empty: one phrase per answer)."""
        mode = self.spec.glue_questions
        if mode == "all" or (mode == "many" and len(q.slots) > 1):
            return list(self.spec.glue)
        return []

    def for_privacy(self) -> list[str]:
        seen: set[str] = set()
        out = self.common(seen)
        out += self._pick(self.spec.extra.get("privacy", ()), 999, seen)
        choices = self.content.lines.get("privacy_choices") or {}
        for phrases in choices.values():
            out += self._pick([("yes" if p is True else "no" if p is False else p) for p in phrases],
                              self.spec.privacy_per_choice, seen)
        return out
