"""The result in layers: action first, at most three reasons (the rest counted), the one cause most tied to
what was reported, one or two steps, the safety net, the offer; an emergency is the action and its reason.
The details hold everything; the summary is first person, short, and ends with what was not known."""

from __future__ import annotations

import re

import pytest

from tests.test_triage_engine import BENIGN
from voice_triage.content import load_content
from voice_triage.triage.advice import compose

OFFER = "Say 'more' for details, 'summary' for what to tell a clinician, or 'repeat'."


@pytest.fixture(scope="module")
def content():
    return load_content("en")


def _sentences(adv):
    return [t for t, _ in adv.parts]


def test_layers_in_order(content):
    adv = compose({**BENIGN, "pain": "some", "contraception": "iud"}, content)
    said = _sentences(adv)
    assert said[0] == "Please contact a clinician or urgent care today."
    assert said[1] == "This is because you have pain or cramping and you have an IUD."
    # one likely cause by ear (one idea per sentence); the details give the others
    assert said[2].startswith("It may be your IUD") and "infection" not in said[2] and "infection" in adv.details
    assert said[-2] == content.advice.safety_net and said[-1] == OFFER
    assert 1 <= len(said) - 5 <= 2  # one or two steps
    assert adv.spoken == " ".join(said)


def test_at_most_three_reasons_the_rest_counted(content):
    adv = compose({**BENIGN, "amount": "heavy", "pain": "some", "pregnancy_possible": "yes", "frequency": "repeated",
                   "sti_risk": "yes"}, content)
    reasons = _sentences(adv)[1]
    assert reasons.endswith(", and two more things.")
    assert reasons.count(",") <= 3
    assert "it keeps happening" in adv.details and "new partner" in adv.details
    adv = compose({**BENIGN, "pain": "unknown", "age": "unknown", "pregnancy_possible": "yes", "sti_risk": "unknown",
                   "screening_up_to_date": "unknown"}, content)
    assert _sentences(adv)[1].endswith("and two more things you weren't sure about.")


def test_emergency_is_the_action_and_its_one_reason(content):
    adv = compose({**BENIGN, "amount": "soaking", "contraception": "iud", "pain": "some", "age": 50}, content)
    assert _sentences(adv) == [content.advice.tier_action["emergency"],
                               "This is because you are soaking a pad in an hour or less, or the bleeding won't stop."]
    assert len(adv.spoken.split()) <= 45
    assert "IUD" not in adv.spoken and "IUD" in adv.details


def test_causes_tied_to_what_was_reported_come_first(content):
    adv = compose({**BENIGN, "contraception": "iud", "blood_thinners": "yes", "age": 50, "sti_risk": "yes"}, content)
    causes = _sentences(adv)[2]
    assert "IUD" in causes and "blood thinner" not in causes and "infection" not in causes
    assert "blood thinner" in adv.details and "infection" in adv.details and "cervix" in adv.details
    assert "birth control pills or hormones" in compose({**BENIGN, "contraception": "hormonal"}, content).spoken
    assert "dryness" in compose({**BENIGN, "dryness": "yes"}, content).spoken


@pytest.mark.parametrize("change", [{"pain_peeing": "yes"}, {"unusual_discharge": "yes"}, {"fever_or_unwell": "yes"},
                                    {"pain": "some"}])
def test_pain_burning_discharge_fever_point_to_infection_not_the_womb(content, change):
    adv = compose({**BENIGN, **change}, content)
    assert "infection" in adv.spoken and "womb" not in adv.spoken


@pytest.mark.parametrize("change", [{"sores": "yes"}, {"sti_risk": "yes"}])
def test_sores_or_sti_risk_avoid_sex_and_partners(content, change):
    adv = compose({**BENIGN, **change}, content)
    assert "Avoid sex until you are checked." in adv.spoken
    assert "lube" not in adv.spoken
    assert "protects your partners" in adv.details


def test_self_care_says_if_at_all_concerned(content):
    adv = compose({**BENIGN, "dryness": "yes"}, content)
    assert adv.tier == "self_care" and adv.reasons == ()
    assert "If you are at all concerned, contact a clinician." in adv.spoken
    assert "lube" in adv.spoken


def test_no_cycle_timing_after_menopause(content):
    assert "cycle" in compose({**BENIGN, "amount": "heavy"}, content).details
    adv = compose({**BENIGN, "postmenopausal": "yes", "age": 60}, content)
    assert "cycle" not in adv.text


def test_usually_where_the_source_says_it(content):
    assert "can usually find the cause" in compose({**BENIGN, "amount": "heavy"}, content).details


def test_unknown_and_refused_reasons(content):
    adv = compose({**BENIGN, "pregnancy_possible": "unknown"}, content)
    assert adv.tier == "urgent" and "you weren't sure whether you could be pregnant" in adv.spoken
    adv = compose({**BENIGN, "pregnancy_possible": "unknown"}, content, refused={"pregnancy_possible"})
    assert adv.tier == "urgent" and "you preferred not to say whether you could be pregnant" in adv.spoken
    assert "I'd rather not say whether I could be pregnant." in adv.summary


def test_in_a_conversation_only_said_unknowns_are_reasons(content):
    adv = compose({"dizzy_or_faint": "yes"}, content, said_only=True)
    assert [r.slot for r in adv.reasons] == ["dizzy_or_faint"]


@pytest.mark.parametrize("facts", [{}, BENIGN, {"amount": "soaking"}, {**BENIGN, "age": 60},
                                   {**BENIGN, "age": "unknown", "sti_risk": "unknown", "worried": "no"},
                                   {**BENIGN, "sti_risk": "no", "worried": "no"}])
def test_summary_reads_right(content, facts):
    s = compose(facts, content).summary
    assert s.startswith("I have postcoital bleeding")
    assert not re.search(r"\byou(r|'re|'d)?\b", s, re.I)
    words = re.findall(r"[a-z0-9']+", s.lower())
    assert not [a for a, b in zip(words, words[1:]) if a == b], s
    assert len(words) <= 45
    assert "worried" not in s and "no new partner and" not in s


def test_summary_lists_key_facts_and_ends_with_what_was_not_known(content):
    s = compose({**BENIGN, "age": 42, "amount": "heavy", "screening_up_to_date": "unknown"}, content).summary
    assert "heavier than spotting" in s and "I'm 42" in s
    assert s.endswith("I'm not sure whether I'm up to date with screening.")


def test_safety_net_always_but_an_emergency(content):
    for facts in ({}, BENIGN, {**BENIGN, "age": 60}, {**BENIGN, "amount": "heavy"}):
        assert content.advice.safety_net in compose(facts, content).spoken


def test_discreet_result_speaks_no_details(content):
    adv = compose({**BENIGN, "pain_during_sex": "yes", "unusual_discharge": "yes"}, content, discreet=True)
    assert "sex" not in adv.spoken and "discharge" not in adv.spoken
    assert "discharge" in adv.details


@pytest.mark.parametrize("change", [{}, {"amount": "heavy", "pain": "some", "pregnancy_possible": "yes",
                                         "frequency": "repeated", "sti_risk": "yes", "contraception": "iud",
                                         "blood_thinners": "yes", "age": 50},
                                    {"postmenopausal": "yes", "age": 60, "dryness": "yes"},
                                    {"contraception": "hormonal", "dryness": "yes"},
                                    {"age": "unknown", "screening_up_to_date": "unknown", "pain": "unknown"}])
def test_spoken_result_is_short_with_no_doubled_words(content, change):
    adv = compose({**BENIGN, **change}, content)
    for text in (adv.spoken, adv.details, adv.summary):
        words = re.findall(r"[a-z0-9']+", text.lower())
        assert not [a for a, b in zip(words, words[1:]) if a == b], text
    assert len(re.findall(r"[A-Za-z0-9']+", adv.spoken)) <= 130


def test_every_slot_can_be_said_back_as_not_known(content):
    # "You're not sure dryness, thanks." was said: dryness had no words for not knowing it
    from voice_triage.triage.advice import describe_fact
    from voice_triage.triage.slots import SLOTS, UNKNOWN

    for slot in SLOTS:
        assert UNKNOWN in content.advice.reasons.get(slot, {}), slot
        said = describe_fact(slot, UNKNOWN, content)
        assert said.split()[3] in ("whether", "how", "which"), said
