"""Tier + facts -> the words of the result: action, reasons, likely causes, steps, safety net, summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from voice_triage.content.model import Content
from voice_triage.triage.engine import Assessment, Trigger, assess
from voice_triage.triage.slots import AGE_THRESHOLD, SLOTS, UNKNOWN

MAX_CAUSES = 3


@dataclass(frozen=True)
class SpokenReason:
    slot: str
    value: str | int
    tier: str
    text: str


@dataclass(frozen=True)
class ComposedAdvice:
    tier: str
    action: str
    reasons: tuple[SpokenReason, ...]
    reasons_sentence: str
    causes_sentence: str
    steps: tuple[str, ...]
    safety_net: str
    summary: str

    @property
    def text(self) -> str:
        parts = [self.action, self.reasons_sentence, self.causes_sentence]
        if self.steps:
            parts += list(self.steps)
        parts += [self.safety_net, self.summary]
        return " ".join(p for p in parts if p)


def _value_key(t: Trigger) -> str:
    if t.unknown:
        return UNKNOWN
    if SLOTS[t.slot].numeric:
        return "over_35"
    return str(t.value)


def spoken_reasons(assessment: Assessment, content: Content, facts: Mapping[str, str | int],
                   said_only: bool) -> list[SpokenReason]:
    """Every triggering fact, said back. With ``said_only``, an unknown is a reason only when the person said
    they didn't know (or no answer could be understood), not for a question never put."""
    out = []
    for t in assessment.triggers:
        if t.unknown and said_only and facts.get(t.slot) != UNKNOWN:
            continue
        text, _ = content.advice.reasons[t.slot][_value_key(t)]
        out.append(SpokenReason(t.slot, t.value, t.tier, text))
    return out


def _fact_keys(facts: Mapping[str, str | int]) -> dict[str, str]:
    keys = {}
    for slot, value in facts.items():
        if SLOTS[slot].numeric and value != UNKNOWN:
            keys[slot] = "over_35" if isinstance(value, int) and value > AGE_THRESHOLD else "35_or_under"
        else:
            keys[slot] = str(value)
    return keys


def likely_causes(tier: str, facts: Mapping[str, str | int], content: Content) -> list[str]:
    keys = _fact_keys(facts)
    out = []
    for cause in content.advice.causes:
        if tier not in cause.tiers:
            continue
        if not cause.when or any(keys.get(slot) in values for slot, values in cause.when.items()):
            out.append(cause.text)
    specific = [c for c in out if c != content.advice.causes[-1].text] if len(out) > 1 else out
    return specific[:MAX_CAUSES]


def describe_fact(slot: str, value: str | int, content: Content) -> str:
    """One fact in a few words: "some pain or cramping", "age 36", "not sure about whether you have pain"."""
    if value == UNKNOWN:
        what = content.advice.reasons[slot].get(UNKNOWN, (slot.replace("_", " "), None))[0]
        return content.advice.summary_unknown.format(what=what)
    table = content.advice.summary_facts[slot]
    return table["number"].format(n=value) if SLOTS[slot].numeric else table[str(value)]


def summary(facts: Mapping[str, str | int], content: Content) -> str:
    words = []
    for slot in SLOTS:
        if slot not in facts:
            continue
        words.append(describe_fact(slot, facts[slot], content))
    return content.advice.summary_text.format(facts=", ".join(words) if words else "no other details")


def compose(facts: Mapping[str, str | int], content: Content, *, said_only: bool = False) -> ComposedAdvice:
    """The advice for ``facts`` (missing slots are unknown, as the spec says).

    ``said_only``: in a conversation, only unknowns the person said are spoken as reasons (see spoken_reasons).
    """
    assessment = assess(facts)
    tier = assessment.tier
    adv = content.advice
    reasons = spoken_reasons(assessment, content, facts, said_only)
    known = [r.text for r in reasons if r.value != UNKNOWN]
    unknown = [r.text for r in reasons if r.value == UNKNOWN]
    reasons_sentence = ""
    if known:
        reasons_sentence = f"{adv.reasons_intro} {content.join(known)}"
        if unknown:
            reasons_sentence += f", {adv.reasons_unknown_intro} {content.join(unknown, 'last_or')}"
        reasons_sentence += "."
    elif unknown:
        reasons_sentence = f"{adv.reasons_intro} you weren't sure {content.join(unknown, 'last_or')}."
    causes = likely_causes(tier, facts, content)
    causes_sentence = f"{adv.causes_intro} {'; or '.join(causes)}." if causes else ""
    steps = tuple(s.text for s in adv.steps if tier in s.tiers)
    if steps:
        steps = (f"{adv.steps_intro} {steps[0]}", *steps[1:])
    return ComposedAdvice(
        tier=tier, action=adv.tier_action[tier], reasons=tuple(reasons), reasons_sentence=reasons_sentence,
        causes_sentence=causes_sentence, steps=steps, safety_net=adv.safety_net,
        summary=summary(facts, content),
    )
