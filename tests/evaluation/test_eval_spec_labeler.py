"""The evaluation's own reading of the spec (evaluation/spec.py), checked by hand cases and properties."""

import itertools

import pytest
from hypothesis import given, settings, strategies as st

from evaluation import spec

BENIGN = {"amount": "spotting", "dizzy_or_faint": "no", "pain": "none", "pregnancy_possible": "no",
          "postmenopausal": "no", "fever_or_unwell": "no", "unusual_discharge": "no", "pain_peeing": "no",
          "pain_during_sex": "no", "frequency": "first", "age": 28, "screening_up_to_date": "yes", "sti_risk": "no",
          "contraception": "none", "blood_thinners": "no", "sores": "no", "dryness": "no", "worried": "no"}


@pytest.mark.parametrize("change,tier", [
    ({}, "self_care"),
    ({"amount": "soaking"}, "emergency"),
    ({"dizzy_or_faint": "yes"}, "emergency"),
    ({"pain": "severe"}, "emergency"),
    ({"amount": "heavy"}, "urgent"),
    ({"pain": "some"}, "urgent"),
    ({"postmenopausal": "yes"}, "urgent"),
    ({"pain_during_sex": "yes"}, "urgent"),
    ({"frequency": "repeated"}, "urgent"),  # spec revision 2
    ({"frequency": "unknown"}, "urgent"),
    ({"frequency": "occasional"}, "self_care"),
    ({"age": 35}, "self_care"),
    ({"age": 36}, "soon"),
    ({"contraception": "iud"}, "soon"),
    ({"contraception": "hormonal"}, "self_care"),
    ({"dryness": "yes"}, "self_care"),
    ({"dryness": "unknown"}, "self_care"),
    ({"worried": "yes"}, "soon"),
    ({"amount": "unknown"}, "urgent"),
    ({"dizzy_or_faint": "unknown"}, "urgent"),
    ({"age": "unknown"}, "soon"),
    ({"sores": "unknown"}, "soon"),
    ({"amount": "heavy", "dizzy_or_faint": "yes"}, "emergency"),
    ({"sti_risk": "yes", "pain": "some"}, "urgent"),
])
def test_hand_cases(change, tier):
    assert spec.tier_of({**BENIGN, **change}) == tier


def test_missing_slot_is_unknown():
    facts = dict(BENIGN)
    del facts["pain"]
    assert spec.tier_of(facts) == "urgent"
    assert spec.tier_of({}) == "urgent"


def test_reasons_name_every_trigger():
    lab = spec.label({**BENIGN, "amount": "heavy", "sti_risk": "yes", "age": 40})
    assert {r["slot"] for r in lab["reasons"]} == {"amount", "sti_risk", "age"}
    assert lab["top_reasons"] == ["amount"]


def values(slot):
    return list(spec.SLOTS[slot] or [20, 35, 36, 60]) + ["unknown"]


persona = st.fixed_dictionaries({s: st.sampled_from(values(s)) for s in spec.SLOTS})


@settings(max_examples=300, deadline=None)
@given(persona, st.sampled_from(sorted(spec.TRIGGERS)))
def test_adding_a_trigger_never_lowers(p, trig):
    slot, value = trig
    before = spec.RANK[spec.tier_of(p)]
    after = spec.RANK[spec.tier_of({**p, slot: value})]
    assert after >= min(before, spec.RANK[spec.TRIGGERS[trig]]) or before <= after
    assert after >= spec.RANK[spec.TRIGGERS[trig]]


@settings(max_examples=300, deadline=None)
@given(persona)
def test_unknown_never_gives_emergency(p):
    known = {s: v for s, v in p.items() if v != "unknown"}
    if spec.tier_of(p) == "emergency":
        assert spec.tier_of(known | {s: "no" for s in ()}) == "emergency"
        assert any(spec.TRIGGERS.get((s, str(v))) == "emergency" for s, v in known.items())


def test_every_categorical_combination_of_emergency_slots():
    for amount, dizzy, pain in itertools.product(values("amount"), values("dizzy_or_faint"), values("pain")):
        t = spec.tier_of({**BENIGN, "amount": amount, "dizzy_or_faint": dizzy, "pain": pain})
        emergency = amount == "soaking" or dizzy == "yes" or pain == "severe"
        urgent = amount in ("heavy", "unknown") or dizzy == "unknown" or pain in ("some", "unknown")
        assert t == ("emergency" if emergency else "urgent" if urgent else "self_care")
