"""Tier + facts -> the words of the result, in layers a listener can take in by ear.

``spoken``: the action; a few reasons (the rest counted), likely causes (those tied to what the person
reported come first) and steps now, as many as advice.yaml ``spoken_limits`` says; the safety net; the offer of "more",
"summary" and "repeat". An emergency is the action and the one reason that made it an emergency.
``details``: every reason, cause and step. ``summary``: the first-person sentence for a clinician, ending
with what was not known. Every word comes from prompts/<lang>/advice.yaml.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from voice_triage.content.model import Content
from voice_triage.triage.engine import Assessment, Trigger, assess
from voice_triage.triage.slots import AGE_BANDS, SLOTS, UNKNOWN, age_band

MAX_SUMMARY_UNKNOWNS = 2  # named in the summary; the rest are counted
MAX_SUMMARY_WITH = 3  # what came with the bleeding, named in the summary
SUMMARY_WORDS = 42
MAX_SUMMARY_ABOUT = 3  # facts about the person, named in the summary (in advice.yaml's order)


@dataclass(frozen=True)
class SpokenReason:
    slot: str
    value: str | int
    tier: str
    text: str
    refused: bool = False


@dataclass(frozen=True)
class ComposedAdvice:
    tier: str
    action: str
    reasons: tuple[SpokenReason, ...]
    parts: tuple[tuple[str, str], ...]  # (sentence, kind) in the order spoken; kind: advice, safety_net, info
    details: str
    summary: str
    safety_net: str

    @property
    def spoken(self) -> str:
        """Exactly what is said at the end."""
        return " ".join(text for text, _ in self.parts)

    @property
    def text(self) -> str:
        """Everything: what is said, the details and the summary (for the screen and for files)."""
        return " ".join(p for p in (self.spoken, self.details, self.summary) if p)


def _value_key(t: Trigger) -> str:
    if t.unknown:
        return UNKNOWN
    if SLOTS[t.slot].numeric:
        return "over_35"
    return str(t.value)


def _fact_keys(facts: Mapping[str, str | int]) -> dict[str, str]:
    keys = {}
    for slot, value in facts.items():
        if SLOTS[slot].numeric and value != UNKNOWN:
            keys[slot] = age_band(value) or str(value)
        else:
            keys[slot] = str(value)
    return keys


def _holds(cond: Mapping[str, tuple[str, ...]], keys: Mapping[str, str]) -> bool:
    return any(keys.get(slot) in values for slot, values in cond.items())


def spoken_reasons(assessment: Assessment, content: Content, facts: Mapping[str, str | int],
                   said_only: bool, refused: Collection[str] = ()) -> list[SpokenReason]:
    """Every triggering fact, said back: known facts first (highest tier first), then what was not known.
    With ``said_only``, an unknown is a reason only when the person said they didn't know (or no answer
    could be understood), not for a question never put. ``refused``: slots the person would rather not say."""
    adv = content.advice
    known, unknown = [], []
    for t in assessment.triggers:
        if t.unknown and said_only and facts.get(t.slot) != UNKNOWN:
            continue
        what, _ = adv.reasons[t.slot][_value_key(t)]
        if not t.unknown:
            known.append(SpokenReason(t.slot, t.value, t.tier, what))
            continue
        no = t.slot in refused
        template = adv.words["refused_reason" if no else "unknown_reason"]
        unknown.append(SpokenReason(t.slot, t.value, t.tier, template.format(what=what), refused=no))
    return known + unknown


def _number(n: int, content: Content) -> str:
    return str(content.advice.words.get("numbers", {}).get(n, n))


def spoken_limit(content: Content, layer: str) -> int:
    """How many reasons, causes or steps the spoken result names (advice.yaml ``spoken_limits``)."""
    return int(content.advice.words["spoken_limits"][layer])


def reasons_sentence(reasons: list[SpokenReason], content: Content, *, every: bool = False) -> str:
    """The reasons named: as many as the spoken result names (the rest counted), or ``every`` one."""
    if not reasons:
        return ""
    adv = content.advice
    named = reasons if every else reasons[:spoken_limit(content, "reasons")]
    rest = reasons[len(named):]
    items = [r.text for r in named]
    if rest:
        kind = ("refused" if all(r.refused for r in rest)
                else "unknown" if all(r.value == UNKNOWN for r in rest) else "other")
        items.append(adv.words["reasons_more"][kind].format(n=_number(len(rest), content)))
    joined = content.join(items)
    if rest and len(items) > 2:
        joined = content.join(items[:-1]) + ", and " + items[-1]
    return f"{adv.reasons_intro} {joined}."


def likely_causes(tier: str, facts: Mapping[str, str | int], content: Content) -> list[str]:
    """Every cause worth mentioning, in the content's order (the ones tied to a reported fact first)."""
    keys = _fact_keys(facts)
    return [c.text for c in content.advice.causes
            if tier in c.tiers and (not c.when or _holds(c.when, keys))]


def causes_sentence(causes: list[str], tier: str, content: Content, outro: bool = True) -> str:
    """ "It may be a, or b." (``outro``: then "This is not a diagnosis.")"""
    adv = content.advice
    specific = [c for c in causes if c != adv.causes[-1].text] if len(causes) > 1 else causes
    if not specific:
        return adv.causes_none[0] if tier in ("soon", "urgent") else ""
    text = f"{adv.causes_intro} {', or '.join(specific)}."
    return f"{text} {adv.words['causes_outro']}" if outro else text


def steps_now(tier: str, facts: Mapping[str, str | int], content: Content) -> list[str]:
    keys = _fact_keys(facts)
    return [s.text for s in content.advice.steps
            if tier in s.tiers and (not s.when or _holds(s.when, keys)) and not _holds(s.unless, keys)]


def _spoken_steps(tier: str, steps: list[str], content: Content) -> list[str]:
    adv = content.advice
    last = adv.step_named("self_care_last")
    if tier == "self_care" and last in steps:
        return [s for s in steps if s != last][: spoken_limit(content, "steps") - 1] + [last]
    return steps[:spoken_limit(content, "steps")]


def describe_fact(slot: str, value: str | int, content: Content, refused: bool = False, words: str = "") -> str:
    """One fact in a few words, to check a reading: "some pain or cramping", "age 36",
    "you're not sure whether you have pain" (``refused``: "you'd rather not say how old you are").
    ``words``: the person's own words for it, said back as heard ("it will not stop", "you missed a period")
    where advice.yaml's said_back has ``own_words`` (not when others may overhear)."""
    said = content.advice.words["said_back"]
    own = said.get("own_words")
    if words and value != UNKNOWN and isinstance(own, dict) and len(words.split()) >= int(own.get("min_words", 1)):
        return str(own["as"]).format(words=_second_person(words, own.get("swap") or {}))
    if value == UNKNOWN:
        what = content.advice.reasons[slot].get(UNKNOWN, (slot.replace("_", " "), None))[0]
        line = str(said["refused" if refused and "refused" in said else "unknown"])
        return line.format(what=what) if "{what}" in line else line
    table = said[slot]
    if SLOTS[slot].numeric and str(value) not in AGE_BANDS:
        return table["number"].format(n=value)
    return table[str(value)]


def _second_person(words: str, swap: Mapping[str, str]) -> str:
    """"i missed my period" -> "you missed your period": the longest listed word run first."""
    toks, out, i = words.split(), [], 0
    runs = sorted(((tuple(k.split()), str(v)) for k, v in swap.items()), key=lambda kv: -len(kv[0]))
    while i < len(toks):
        hit = next(((k, v) for k, v in runs if tuple(toks[i:i + len(k)]) == k), None)
        out.append(hit[1] if hit else toks[i])
        i += len(hit[0]) if hit else 1
    return " ".join(out)


def summary(facts: Mapping[str, str | int], content: Content, refused: Collection[str] = (),
            said_only: bool = False) -> str:
    """The sentence for a clinician: first person, key facts, what was not known last (kept to about
    SUMMARY_WORDS words: fewer facts about the person when it runs long)."""
    text = ""
    for about_cap in range(MAX_SUMMARY_ABOUT, 0, -1):
        text = _summary(facts, content, refused, about_cap, said_only)
        if len(text.split()) <= SUMMARY_WORDS:
            break
    return text


def _summary(facts: Mapping[str, str | int], content: Content, refused: Collection[str], about_cap: int,
             said_only: bool) -> str:
    words = content.advice.words["summary"]
    head = [str(words[slot][str(facts[slot])]) for slot in ("amount", "frequency")
            if facts.get(slot, UNKNOWN) != UNKNOWN]
    with_slots = words["with"]
    present = [str(by[str(facts[s])]) for s, by in with_slots.items() if str(facts.get(s)) in by]
    sentences = [words["opener"] + (": " + ", ".join(head) if head else "") + "."]
    if present:  # what came with it, in a sentence of its own (short sentences read and sound easier)
        sentences.append("I have " + content.join(present[:MAX_SUMMARY_WITH]) + ".")
    elif all(facts.get(s, UNKNOWN) != UNKNOWN for s in with_slots):
        sentences.append("I have " + str(words["with_none"]) + ".")
    about = []
    for slot, by in words["about"].items():
        value = facts.get(slot, UNKNOWN)
        if value == UNKNOWN:
            continue
        if SLOTS[slot].numeric and str(value) not in AGE_BANDS:
            about.append(str(by["number"]).format(n=value))
        elif str(value) in by:
            about.append(str(by[str(value)]))
    if about:
        sentences.append(_capital(content.join(about[:about_cap])) + ".")
    missing = [s for s in SLOTS if facts.get(s, UNKNOWN) == UNKNOWN and SLOTS[s].unknown_floor
               and (s in facts or not said_only)]  # in a conversation: what the person said they didn't know
    for kind, slots in (("not_sure", [s for s in missing if s not in refused]),
                        ("refused", [s for s in missing if s in refused])):
        if not slots:
            continue
        what = content.join([content.advice.reasons_me[s] for s in slots[:MAX_SUMMARY_UNKNOWNS]], "last_or")
        if len(slots) > MAX_SUMMARY_UNKNOWNS:
            what += ", " + str(words["more"]).format(n=_number(len(slots) - MAX_SUMMARY_UNKNOWNS, content))
        sentences.append(str(words[kind]).format(what=what) + ".")
    return " ".join(sentences)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def compose(facts: Mapping[str, str | int], content: Content, *, said_only: bool = False,
            refused: Collection[str] = (), discreet: bool = False) -> ComposedAdvice:
    """The advice for ``facts`` (missing slots are unknown, as the spec says).

    ``said_only``: in a conversation, only unknowns the person said are spoken as reasons (see spoken_reasons).
    ``refused``: slots the person would rather not say (still unknown for the tier, said back as such).
    ``discreet``: others may hear: the spoken part keeps to the action, the safety net and the offer.
    """
    assessment = assess(facts)
    tier = assessment.tier
    adv = content.advice
    reasons = spoken_reasons(assessment, content, facts, said_only, refused)
    causes = likely_causes(tier, facts, content)
    steps = steps_now(tier, facts, content)
    action = adv.tier_action[tier]
    safety = adv.safety_net_discreet if discreet else adv.safety_net
    parts: list[tuple[str, str]]
    if tier == "emergency":
        first = [r for r in reasons if r.tier == "emergency"][:1]
        parts = [(action, "advice")] + [(reasons_sentence(first, content), "advice")]
        if discreet:
            parts = [(action, "advice"), (safety, "safety_net")]
    elif discreet:
        parts = [(adv.tier_discreet[tier], "advice"), (adv.words["discreet_screen"], "info"),
                 (safety, "safety_net"), (adv.words["offer"], "info")]
    else:
        parts = [(action, "advice"), (reasons_sentence(reasons, content), "advice"),
                 (causes_sentence(causes[:spoken_limit(content, "causes")], tier, content, outro=False), "advice"),
                 *((s, "advice") for s in _spoken_steps(tier, steps, content)),
                 (safety, "safety_net"), (adv.words["offer"], "info")]
    details = " ".join(p for p in (reasons_sentence(reasons, content, every=True),
                                   causes_sentence(causes, tier, content), *steps,
                                   safety if tier == "emergency" else "") if p)
    return ComposedAdvice(
        tier=tier, action=action, reasons=tuple(reasons), parts=tuple((t, k) for t, k in parts if t),
        details=details, summary=summary(facts, content, refused, said_only), safety_net=safety,
    )
