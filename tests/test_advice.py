"""The spoken result: order, reasons, causes by facts, steps by tier, safety net, summary."""

from __future__ import annotations

import pytest

from tests.test_triage_engine import BENIGN
from voice_triage.content import load_content
from voice_triage.triage.advice import compose


@pytest.fixture(scope="module")
def content():
    return load_content("en")


def test_order_action_reasons_causes_steps_safety_summary(content):
    adv = compose({**BENIGN, "pain": "some", "contraception": "iud"}, content)
    text = adv.text
    idx = [text.index(part) for part in (adv.action, adv.reasons_sentence, adv.causes_sentence, adv.steps[0],
                                          adv.safety_net, adv.summary)]
    assert idx == sorted(idx)
    assert text.startswith("Please contact a clinician or urgent care today.")


def test_reasons_name_every_triggering_fact(content):
    adv = compose({**BENIGN, "frequency": "repeated", "sti_risk": "yes", "pain_peeing": "yes"}, content)
    assert [r.slot for r in adv.reasons] == ["pain_peeing", "frequency", "sti_risk"]
    assert "it hurts or burns when you pee" in adv.reasons_sentence


def test_self_care_has_no_reasons_and_gives_the_self_care_steps(content):
    adv = compose({**BENIGN, "dryness": "yes"}, content)
    assert adv.tier == "self_care" and adv.reasons == () and adv.reasons_sentence == ""
    assert "friction or dryness" in adv.causes_sentence
    assert any("lube" in s for s in adv.steps)


def test_causes_follow_the_facts(content):
    assert "hormonal" in compose({**BENIGN, "contraception": "hormonal"}, content).causes_sentence
    assert "IUD" in compose({**BENIGN, "contraception": "iud"}, content).causes_sentence
    assert "blood-thinning" in compose({**BENIGN, "blood_thinners": "yes"}, content).causes_sentence
    assert "infection" in compose({**BENIGN, "unusual_discharge": "yes"}, content).causes_sentence
    assert "not a diagnosis" in compose(BENIGN, content).causes_sentence


def test_unknown_reasons_say_what_was_not_known(content):
    adv = compose({**BENIGN, "pregnancy_possible": "unknown"}, content)
    assert adv.tier == "urgent"
    assert "you weren't sure whether you could be pregnant" in adv.reasons_sentence


def test_in_a_conversation_only_said_unknowns_are_reasons(content):
    adv = compose({"dizzy_or_faint": "yes"}, content, said_only=True)
    assert [r.slot for r in adv.reasons] == ["dizzy_or_faint"]


@pytest.mark.parametrize("facts", [{}, BENIGN, {"amount": "soaking"}, {**BENIGN, "age": 60}])
def test_safety_net_and_summary_always(content, facts):
    adv = compose(facts, content)
    assert adv.safety_net in adv.text
    assert "postcoital bleeding" in adv.summary


def test_summary_lists_the_facts(content):
    s = compose({**BENIGN, "age": 42, "amount": "heavy"}, content).summary
    assert "bleeding heavier than spotting" in s and "age 42" in s
