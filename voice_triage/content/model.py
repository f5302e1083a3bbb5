"""Typed view of prompts/<lang>/*.yaml: every word the assistant says and every phrase it understands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from voice_triage.triage.slots import SLOTS


@dataclass(frozen=True)
class Source:
    file: str
    quote: str


@dataclass(frozen=True)
class Question:
    id: str
    slots: tuple[str, ...]
    text: str
    short: str
    reprompt: str
    help: str
    open: bool = False
    yes: dict[str, str] = field(default_factory=dict)  # bare "yes" fills these
    no: dict[str, str] = field(default_factory=dict)  # bare "no" fills these
    items: dict[str, str] = field(default_factory=dict)  # slot -> how to name it in "which of these?"
    item_yes: dict[str, str] = field(default_factory=dict)  # slot -> value when the item is named/affirmed
    ask_if: str | None = None  # only ask while the tier so far is at most this
    clarify: str | None = None  # after a bare "yes" that does not say which value
    discreet: str | None = None  # wording for when others may overhear
    discreet_words: dict = field(default_factory=dict)  # text/.../items/options/alone, when others may overhear
    #: value -> a yes/no question about it, most serious first: asked one by one when a spoken answer keeps
    #: being heard as a value the person said was wrong
    options: dict[str, str] = field(default_factory=dict)
    #: the same for a question about several slots: slot -> value -> a yes/no question
    slot_options: dict[str, dict[str, str]] = field(default_factory=dict)
    #: for a question about several slots: slot -> how to ask it when it is the one left (by ear, a whole
    #: question reads better than "And what about: <item>?")
    alone: dict[str, str] = field(default_factory=dict)

    def options_for(self, slot: str) -> dict[str, str]:
        """The values of ``slot`` that can be asked one by one (value -> yes/no question), most serious first."""
        return self.options if self.slots == (slot,) else self.slot_options.get(slot, {})


@dataclass(frozen=True)
class SlotPhrases:
    slot: str
    values: dict[str, tuple[str, ...]]  # value -> phrases (normalised)
    negated: str | dict[str, str | None] | None  # what a negated phrase means: "flip", a value, or value->value
    negated_by: tuple[str, ...] | None = None  # the negation words that reach these phrases (None: all of them)
    #: one-word phrases of other slots that, right before a phrase of this one, describe it ("painful blisters"):
    #: there they mean nothing of their own
    described_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Phrases:
    negations: tuple[str, ...]
    fillers: tuple[str, ...]
    separators: tuple[str, ...]
    affirm: tuple[str, ...]
    deny: tuple[str, ...]
    unknown: tuple[str, ...]
    slots: dict[str, SlotPhrases]
    age_cues: tuple[str, ...]
    extra: dict = field(default_factory=dict)  # other keys of phrases.yaml, read by understanding/


@dataclass(frozen=True)
class Cause:
    id: str
    text: str
    when: dict[str, tuple[str, ...]]
    tiers: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class Step:
    id: str
    text: str
    tiers: tuple[str, ...]
    source: Source
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)  # any one of these facts (empty: always)
    unless: dict[str, tuple[str, ...]] = field(default_factory=dict)  # none of these facts


@dataclass(frozen=True)
class Advice:
    tier_action: dict[str, str]
    tier_discreet: dict[str, str]  # discreet wording of an action, where the plain one is explicit
    tier_source: dict[str, Source]
    reasons_intro: str
    reasons: dict[str, dict[str, tuple[str, Source]]]  # slot -> value -> (text, source)
    reasons_me: dict[str, str]  # slot -> what was not known, in the first person (for the summary)
    causes_intro: str
    causes: tuple[Cause, ...]
    steps_intro: str
    steps: tuple[Step, ...]
    safety_net: str
    safety_net_discreet: str
    safety_net_source: Source
    summary_source: Source
    causes_none: tuple[str, Source]
    words: dict  # the other wording of advice.yaml: reasons_more, offer, summary parts, said_back, numbers ...

    @property
    def summary_opener(self) -> str:
        return str(self.words["summary"]["opener"])

    def step_named(self, key: str) -> str | None:
        """The text of the step that advice.yaml ``key`` names ("self_care_last: concerned"), if any."""
        return next((s.text for s in self.steps if s.id == self.words.get(key)), None)

    def sources(self) -> list[tuple[str, Source]]:
        """Every (item id, source) pair, for the traceability check."""
        out: list[tuple[str, Source]] = [(f"tier:{t}", s) for t, s in self.tier_source.items()]
        for slot, by_value in self.reasons.items():
            out += [(f"reason:{slot}={v}", src) for v, (_, src) in by_value.items()]
        out += [(f"cause:{c.id}", c.source) for c in self.causes]
        out += [("causes_none", self.causes_none[1])]
        out += [(f"step:{s.id}", s.source) for s in self.steps]
        out += [("safety_net", self.safety_net_source), ("summary", self.summary_source)]
        return out


@dataclass(frozen=True)
class Content:
    lang: str
    questions: tuple[Question, ...]
    phrases: Phrases
    commands: dict[str, tuple[str, ...]]
    advice: Advice
    lines: dict[str, object]  # dialog.yaml
    sources: dict[str, str]  # seed file name -> text

    def discreet_view(self) -> Content:
        """The same content worded for when others may overhear: every question's discreet wording, and
        advice.yaml's said_back_discreet for readings said back. Understanding is unchanged."""
        questions = tuple(replace(q, **{_field(q, k): (dict(v) if k in ("items", "options", "alone") else v)  # type: ignore[arg-type]
                                        for k, v in q.discreet_words.items()})
                          for q in self.questions)
        words = dict(self.advice.words)
        words["said_back"] = {**words["said_back"], **(words.get("said_back_discreet") or {})}
        return replace(self, questions=questions, advice=replace(self.advice, words=words))

    def section(self, key: str) -> dict[str, Any]:
        """A group of words in dialog.yaml (``kiosk:``, ``screen:``): what a front-end shows around the lines."""
        words = self.lines[key]
        if not isinstance(words, dict):
            raise TypeError(f"dialog.yaml {key}: expected a mapping")
        return words

    def line(self, key: str, **fields: object) -> str:
        text = str(self.lines[key])
        return text.format(**fields) if fields else text

    def join(self, items: Sequence[str], last: str = "last") -> str:
        """"a, b and c" (``last="last_or"``: "a, b or c"), with the words of dialog.yaml's list_join."""
        j = self.lines["list_join"]
        assert isinstance(j, dict)
        if len(items) <= 1:
            return "".join(items)
        return j["sep"].join(items[:-1]) + j[last] + items[-1]

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def grammar_phrases(self, slots: Sequence[str]) -> list[str]:
        """Every phrase that can answer a question about ``slots``: values, yes/no, "I don't know", ages."""
        out: list[str] = []
        for slot in slots:
            if SLOTS[slot].numeric:
                out += [str(n) for n in range(10, 111)]
                out += [c.replace("{n}", "").strip() for c in self.phrases.age_cues]
                continue
            for phrases in self.phrases.slots[slot].values.values():
                out += phrases
        out += self.phrases.affirm + self.phrases.deny + self.phrases.unknown
        return list(dict.fromkeys(p for p in out if p))

    def command_phrases(self) -> list[str]:
        return list(dict.fromkeys(p for phrases in self.commands.values() for p in phrases))

    def all_phrases(self) -> list[str]:
        return list(dict.fromkeys(self.grammar_phrases(list(SLOTS)) + self.command_phrases()))


def _field(q: Question, key: str) -> str:
    """The Question field a discreet wording replaces (``options`` of a question about several slots are its
    ``slot_options``)."""
    return "slot_options" if key == "options" and len(q.slots) > 1 else key
