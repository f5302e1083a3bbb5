"""The triage engine against ../shared/spec/triage-rules.md: a table written from the spec, property tests."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voice_triage.triage import RANK, SLOTS, UNKNOWN, assess

# ---- the spec's tables, transcribed independently of voice_triage/triage/slots.py -------------------------
SPEC_VALUES = {
    "amount": ["spotting", "heavy", "soaking"], "dizzy_or_faint": ["yes", "no"], "pain": ["none", "some", "severe"],
    "pregnancy_possible": ["yes", "no"], "postmenopausal": ["yes", "no"], "fever_or_unwell": ["yes", "no"],
    "unusual_discharge": ["yes", "no"], "pain_peeing": ["yes", "no"], "pain_during_sex": ["yes", "no"],
    "frequency": ["first", "occasional", "repeated"], "age": [18, 35, 36, 70],
    "screening_up_to_date": ["yes", "no"], "sti_risk": ["yes", "no"], "contraception": ["none", "hormonal", "iud"],
    "blood_thinners": ["yes", "no"], "sores": ["yes", "no"], "dryness": ["yes", "no"], "worried": ["yes", "no"],
}
EMERGENCY = {("amount", "soaking"), ("dizzy_or_faint", "yes"), ("pain", "severe")}
URGENT = {("amount", "heavy"), ("pain", "some"), ("pregnancy_possible", "yes"), ("postmenopausal", "yes"),
          ("fever_or_unwell", "yes"), ("unusual_discharge", "yes"), ("pain_peeing", "yes"), ("pain_during_sex", "yes"),
          ("frequency", "repeated")}  # spec revision 2
SOON = {("screening_up_to_date", "no"), ("sti_risk", "yes"), ("contraception", "iud"),
        ("blood_thinners", "yes"), ("sores", "yes"), ("worried", "yes")}
UNKNOWN_URGENT = {"amount", "dizzy_or_faint", "pain", "pregnancy_possible", "postmenopausal", "fever_or_unwell",
                  "unusual_discharge", "pain_peeing", "pain_during_sex", "frequency"}
UNKNOWN_SOON = {"age", "screening_up_to_date", "sti_risk", "contraception", "blood_thinners", "sores",
                "worried"}
BENIGN = {"amount": "spotting", "dizzy_or_faint": "no", "pain": "none", "pregnancy_possible": "no",
          "postmenopausal": "no", "fever_or_unwell": "no", "unusual_discharge": "no", "pain_peeing": "no",
          "pain_during_sex": "no", "frequency": "first", "age": 30, "screening_up_to_date": "yes", "sti_risk": "no",
          "contraception": "none", "blood_thinners": "no", "sores": "no", "dryness": "no", "worried": "no"}


def spec_tier(facts: dict) -> str:
    """The spec, as literally as possible."""
    tier = "self_care"

    def up(t: str) -> None:
        nonlocal tier
        if RANK[t] > RANK[tier]:
            tier = t

    for slot in SPEC_VALUES:
        v = facts.get(slot, UNKNOWN)
        if v == UNKNOWN:
            if slot in UNKNOWN_URGENT:
                up("urgent")
            elif slot in UNKNOWN_SOON:
                up("soon")
            continue
        if (slot, v) in EMERGENCY:
            up("emergency")
        if (slot, v) in URGENT:
            up("urgent")
        if (slot, v) in SOON or (slot == "age" and v > 35):
            up("soon")
    return tier


def test_slots_match_the_spec():
    assert list(SLOTS) == list(SPEC_VALUES)
    for name, values in SPEC_VALUES.items():
        if name != "age":
            assert SLOTS[name].values == tuple(values)


def test_all_benign_is_self_care_with_no_reasons():
    a = assess(BENIGN)
    assert a.tier == "self_care" and a.triggers == ()


def test_nothing_known_is_urgent_not_emergency():
    assert assess({}).tier == "urgent"


@pytest.mark.parametrize("age,tier", [(35, "self_care"), (36, "soon"), (10, "self_care"), (110, "soon")])
def test_age_edge(age, tier):
    assert assess({**BENIGN, "age": age}).tier == tier


@pytest.mark.parametrize("slot", ["contraception", "dryness"])
def test_explanation_only_facts_trigger_nothing(slot):
    value = "hormonal" if slot == "contraception" else "yes"
    assert assess({**BENIGN, slot: value}).tier == "self_care"


def test_dryness_unknown_triggers_nothing():
    assert assess({**BENIGN, "dryness": UNKNOWN}).tier == "self_care"


def _table_cases():
    """All combinations of the emergency slots (with unknown), crossed with every value of every other slot."""
    emerg = ["amount", "dizzy_or_faint", "pain"]
    for combo in itertools.product(*[SPEC_VALUES[s] + [UNKNOWN] for s in emerg]):
        base = {**BENIGN, **dict(zip(emerg, combo))}
        yield base
        for slot, values in SPEC_VALUES.items():
            if slot in emerg:
                continue
            for v in values + [UNKNOWN]:
                yield {**base, slot: v}


def test_agrees_with_the_spec_table_on_every_combination_that_matters():
    n = 0
    for facts in _table_cases():
        assert assess(facts).tier == spec_tier(facts), facts
        n += 1
    assert n > 2000


def test_every_pair_of_non_benign_facts():
    slots = list(SPEC_VALUES)
    for a, b in itertools.combinations(slots, 2):
        for va in SPEC_VALUES[a] + [UNKNOWN]:
            for vb in SPEC_VALUES[b] + [UNKNOWN]:
                facts = {**BENIGN, a: va, b: vb}
                assert assess(facts).tier == spec_tier(facts)


# ---- properties ------------------------------------------------------------------------------------------
value_of = {s: st.sampled_from(v + [UNKNOWN]) for s, v in SPEC_VALUES.items()}
value_of["age"] = st.one_of(st.integers(10, 110), st.just(UNKNOWN))
facts_st = st.fixed_dictionaries({}, optional=value_of)


@settings(max_examples=400, deadline=None)
@given(facts_st)
def test_random_facts_agree_with_the_spec(facts):
    assert assess(facts).tier == spec_tier(facts)


TRIGGERS = sorted(EMERGENCY | URGENT | SOON) + [("age", 50)]


@settings(max_examples=400, deadline=None)
@given(facts_st, st.sampled_from(TRIGGERS))
def test_monotonic_adding_a_triggering_fact_never_lowers_the_tier(facts, trigger):
    """Where a slot was unknown or benign, making it a triggering fact never lowers the tier."""
    slot, value = trigger
    current = facts.get(slot, UNKNOWN)
    if current != UNKNOWN and SLOTS[slot].trigger(current) is not None:
        return  # already triggering: replacing it is not "adding" a fact
    assert RANK[assess({**facts, slot: value}).tier] >= RANK[assess(facts).tier]


@settings(max_examples=400, deadline=None)
@given(facts_st)
def test_unknown_never_yields_emergency(facts):
    known_emergency = any((s, v) in EMERGENCY for s, v in facts.items())
    if not known_emergency:
        assert assess(facts).tier != "emergency"


@settings(max_examples=400, deadline=None)
@given(facts_st)
def test_every_reason_names_a_slot_that_triggered_above_self_care(facts):
    a = assess(facts)
    for t in a.triggers:
        assert t.slot in SLOTS
        assert RANK[t.tier] > RANK["self_care"]
        if t.unknown:
            assert facts.get(t.slot, UNKNOWN) == UNKNOWN
        else:
            assert SLOTS[t.slot].trigger(facts[t.slot]) == t.tier
    if a.tier != "self_care":
        assert a.triggers and a.triggers[0].tier == a.tier
