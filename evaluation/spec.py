"""An independent, deliberately small implementation of ../shared/spec/triage-rules.md.

It labels the vignettes with their expected tier and reasons. It does NOT import the product's
triage engine: two implementations written from the same spec, compared by the evaluation.
"""

from __future__ import annotations

from typing import Mapping, Union

Value = Union[str, int]

TIERS = ("emergency", "urgent", "soon", "self_care")  # highest first
RANK = {"self_care": 0, "soon": 1, "urgent": 2, "emergency": 3}

# slot -> allowed values (besides "unknown"); age is an integer.
SLOTS: dict[str, tuple[str, ...] | None] = {
    "amount": ("spotting", "heavy", "soaking"),
    "dizzy_or_faint": ("yes", "no"),
    "pain": ("none", "some", "severe"),
    "pregnancy_possible": ("yes", "no"),
    "postmenopausal": ("yes", "no"),
    "fever_or_unwell": ("yes", "no"),
    "unusual_discharge": ("yes", "no"),
    "pain_peeing": ("yes", "no"),
    "pain_during_sex": ("yes", "no"),
    "frequency": ("first", "occasional", "repeated"),
    "age": None,
    "screening_up_to_date": ("yes", "no"),
    "sti_risk": ("yes", "no"),
    "contraception": ("none", "hormonal", "iud"),
    "blood_thinners": ("yes", "no"),
    "sores": ("yes", "no"),
    "dryness": ("yes", "no"),
    "worried": ("yes", "no"),
}
YES_NO_SLOTS = tuple(s for s, v in SLOTS.items() if v == ("yes", "no"))

# (slot, value) -> tier it triggers
TRIGGERS: dict[tuple[str, str], str] = {
    ("amount", "soaking"): "emergency",
    ("dizzy_or_faint", "yes"): "emergency",
    ("pain", "severe"): "emergency",
    ("amount", "heavy"): "urgent",
    ("pain", "some"): "urgent",
    ("pregnancy_possible", "yes"): "urgent",
    ("postmenopausal", "yes"): "urgent",
    ("fever_or_unwell", "yes"): "urgent",
    ("unusual_discharge", "yes"): "urgent",
    ("pain_peeing", "yes"): "urgent",
    ("pain_during_sex", "yes"): "urgent",
    ("frequency", "repeated"): "urgent",  # spec revision 2
    ("screening_up_to_date", "no"): "soon",
    ("sti_risk", "yes"): "soon",
    ("contraception", "iud"): "soon",
    ("blood_thinners", "yes"): "soon",
    ("sores", "yes"): "soon",
    ("worried", "yes"): "soon",
}
AGE_LIMIT = 35  # age > 35 triggers soon

# Unknown-answer rule: the cap for an unknown (or missing) slot.
UNKNOWN_TIER: dict[str, str | None] = {
    **{s: "urgent" for s in ("amount", "dizzy_or_faint", "pain", "pregnancy_possible", "postmenopausal",
                             "fever_or_unwell", "unusual_discharge", "pain_peeing", "pain_during_sex", "frequency")},
    **{s: "soon" for s in ("age", "screening_up_to_date", "sti_risk", "contraception",
                           "blood_thinners", "sores", "worried")},
    "dryness": None,
}


def is_unknown(value: Value | None) -> bool:
    return value is None or value == "unknown"


#: an age asked by its side of the limit (the product's slots.AGE_BANDS; "Are you older than 35?")
AGE_BANDS = ("over_35", "35_or_under")


def slot_tier(slot: str, value: Value | None) -> str | None:
    """The tier that one fact triggers, or None."""
    if is_unknown(value):
        return UNKNOWN_TIER[slot]
    if slot == "age":  # a number of years, or its band ("over_35": asked as "Are you older than 35?")
        over = value == "over_35" if value in AGE_BANDS else int(value) > AGE_LIMIT
        return "soon" if over else None
    return TRIGGERS.get((slot, str(value)))


def label(facts: Mapping[str, Value]) -> dict:
    """Expected tier and reasons for a complete persona (missing slot = unknown).

    Returns {"tier", "reasons": [{slot, value, tier}], "top_reasons": [slots that set the tier]}.
    """
    reasons = []
    for slot in SLOTS:
        value = facts.get(slot, "unknown")
        t = slot_tier(slot, value)
        if t is not None:
            reasons.append({"slot": slot, "value": value, "tier": t})
    tier = max((r["tier"] for r in reasons), key=RANK.__getitem__, default="self_care")
    return {
        "tier": tier,
        "reasons": reasons,
        "top_reasons": [r["slot"] for r in reasons if r["tier"] == tier],
    }


def tier_of(facts: Mapping[str, Value]) -> str:
    return label(facts)["tier"]


def value_matches(slot: str, persona_value: Value, reported: Value | None) -> bool:
    """Does a value the product reports agree with the persona's?"""
    if reported is None:
        return False
    if slot == "age" and not is_unknown(persona_value) and not is_unknown(reported):
        if reported in AGE_BANDS:  # "Are you 35 or younger?": the band the persona's age is in
            return slot_tier("age", reported) == slot_tier("age", persona_value)
        try:
            return int(reported) == int(persona_value)
        except (TypeError, ValueError):
            return False
    return str(reported) == str(persona_value)
