"""The trust policy (prompts/en/policy.yaml) and the confirmation-reply classifier, as inline tables: a change
of policy is a row in the YAML, and its test a row here."""

from __future__ import annotations

import pytest

from voice_triage.content import load_content
from voice_triage.dialog import Conversation
from voice_triage.dialog.events import Ask
from voice_triage.dialog.belief import less_serious, rank
from voice_triage.triage.tiers import RANK
from voice_triage.dialog.policy import Case, Policy, load_policy
from voice_triage.understanding import Understander
from voice_triage.understanding.confirm_reply import Reply, classify

# channel, slot class, effect, agreement, loose, low confidence, rejected before -> action
DECISIONS = [
    ("typed", "emergency", "emergency", "single", False, False, False, "accept"),
    ("typed", "other", "none", "single", True, False, False, "confirm"),
    ("typed", "emergency", "emergency", "disagree", False, False, False, "confirm"),
    ("spoken", "emergency", "emergency", "agree", False, False, False, "confirm"),  # both readings can drop a "not"
    ("spoken", "emergency", "none", "agree", False, True, False, "implicit"),
    ("spoken", "emergency", "none", "single", False, False, False, "implicit"),
    ("spoken", "emergency", "none", "single", False, True, False, "confirm"),
    ("spoken", "emergency", "none", "single", True, False, False, "confirm"),
    ("spoken", "emergency", "none", "disagree", False, False, False, "confirm"),
    ("spoken", "emergency", "unknown", "single", False, False, False, "confirm"),  # "not sure" about pain
    ("spoken", "other", "unknown", "agree", False, False, False, "confirm"),
    ("spoken", "number", "none", "agree", False, True, False, "implicit"),
    ("spoken", "number", "raises", "single", False, False, False, "confirm"),
    ("spoken", "other", "raises", "agree", False, True, False, "implicit"),
    ("spoken", "other", "raises", "single", False, False, False, "implicit"),
    ("spoken", "other", "raises", "single", False, True, False, "confirm"),
    ("spoken", "other", "none", "single", False, False, False, "accept"),
    ("spoken", "other", "none", "single", False, True, False, "confirm"),
    ("spoken", "other", "none", "single", True, False, False, "confirm"),
    ("spoken", "other", "none", "fallback", False, False, False, "confirm"),
    ("spoken", "other", "none", "single", False, False, True, "confirm"),
]


@pytest.mark.parametrize("channel, slot_class, effect, agreement, loose, low, rejected, action", DECISIONS)
def test_policy_decisions(channel, slot_class, effect, agreement, loose, low, rejected, action):
    case = Case(channel, slot_class, effect, agreement, loose, low, rejected)
    assert load_policy("en").decide(case).action == action


# the same, when the tier so far already meets anything the slot could call for (settled)
SETTLED = [
    ("spoken", "other", "none", "single", False, True, False, "implicit"),  # unsure, but it cannot lower the tier
    ("spoken", "other", "raises", "single", False, True, False, "implicit"),
    ("spoken", "other", "unknown", "single", False, False, False, "implicit"),
    ("spoken", "number", "none", "single", False, True, False, "implicit"),
    # only the reason given is at stake: said back, and correctable at the next turn
    ("spoken", "other", "none", "single", True, False, False, "implicit"),  # loose words
    ("spoken", "other", "none", "disagree", False, False, False, "implicit"),  # two readings of it
    ("spoken", "other", "none", "fallback", False, True, False, "implicit"),
    ("spoken", "number", "raises", "disagree", False, True, False, "implicit"),
    ("spoken", "other", "none", "single", False, False, True, "confirm"),  # said to be wrong before: not said back
    ("spoken", "other", "none", "disagree", False, False, True, "confirm"),
    ("typed", "other", "none", "single", False, False, False, "accept"),
    ("typed", "other", "none", "disagree", False, False, False, "confirm"),  # typed: the words say two things
]


@pytest.mark.parametrize("channel, slot_class, effect, agreement, loose, low, rejected, action", SETTLED)
def test_policy_decisions_when_the_tier_is_settled(channel, slot_class, effect, agreement, loose, low, rejected, action):
    case = Case(channel, slot_class, effect, agreement, loose, low, rejected, settled=True)
    assert load_policy("en").decide(case).action == action


# heard at "which of these?" just after a yes to the question about several (after_yes)
AFTER_YES = [
    ("spoken", "emergency", "none", "agree", False, False, False, "confirm"),  # a member ruled out: contradicts the yes
    ("spoken", "other", "none", "single", False, False, False, "confirm"),
    ("spoken", "emergency", "emergency", "agree", False, False, False, "confirm"),
    ("spoken", "other", "raises", "single", False, False, False, "implicit"),  # which one: as any answer
    ("typed", "emergency", "none", "single", False, False, False, "accept"),  # typed words are what was meant
]


@pytest.mark.parametrize("channel, slot_class, effect, agreement, loose, low, rejected, action", AFTER_YES)
def test_policy_decisions_after_a_yes_to_several(channel, slot_class, effect, agreement, loose, low, rejected, action):
    case = Case(channel, slot_class, effect, agreement, loose, low, rejected, after_yes=True)
    assert load_policy("en").decide(case).action == action


def test_every_limit_and_row_has_a_reason():
    policy = load_policy("en")
    assert {"max_reprompts", "max_turns_per_question", "max_turns_total", "low_confidence"} <= set(policy.limits)
    assert all(r.reason for r in policy.rules)
    with pytest.raises(ValueError):
        Policy({"limits": {"max_reprompts": {"value": 2}}})  # no reason
    with pytest.raises(ValueError):
        Policy({"decisions": [{"channel": "typed", "action": "guess", "reason": "x"}]})


@pytest.mark.parametrize("channel, kind, action", [
    ("typed", "unsure", "keep_serious"), ("spoken", "unsure", "reask"), ("typed", "no_with_correction", "take"),
    ("spoken", "no_with_correction", "answer"), ("spoken", "unclear", "reask"),
])
def test_policy_replies(channel, kind, action):
    assert load_policy("en").on_reply(channel, kind) == action


@pytest.fixture(scope="module")
def reader():
    return Understander(load_content("en"))


# proposal, reply, channel -> kind (and corrections)
REPLIES = [
    ({"amount": "soaking"}, "yes", "spoken", Reply.YES, {}),
    # the reply says the value said back is not so, naming no other ("not like a spot"): a no; with a yes, a garble
    ({"amount": "spotting"}, "yes that's not like a spot", "spoken", Reply.UNCLEAR, {}),
    ({"amount": "spotting"}, "it is not spotting", "spoken", Reply.NO, {}),
    ({"amount": "spotting"}, "yes, not spotting", "typed", Reply.NO, {}),
    ({"amount": "spotting"}, "yes not much", "spoken", Reply.YES, {}),
    ({"amount": "heavy"}, "yes not soaking", "spoken", Reply.YES, {}),
    ({"amount": "soaking"}, "yes I'm soaking through pads", "spoken", Reply.YES, {}),
    ({"amount": "soaking"}, "I don't know", "typed", Reply.UNSURE, {}),
    ({"amount": "soaking"}, "maybe", "typed", Reply.UNSURE, {}),
    ({"amount": "soaking"}, "not sure", "spoken", Reply.UNSURE, {}),
    ({"amount": "soaking"}, "no", "typed", Reply.NO, {}),
    # a quick "nah" heard "not" (by both readings, fresh sets 4369-4573, one-word answers): a no
    ({"unusual_discharge": "yes"}, "not", "spoken", Reply.NO, {}),
    ({"amount": "soaking"}, "no, it's only spotting", "typed", Reply.NO_WITH_CORRECTION, {"amount": "spotting"}),
    ({"dizzy_or_faint": "no"}, "no i feel woozy", "spoken", Reply.NO_WITH_CORRECTION, {"dizzy_or_faint": "yes"}),
    ({"dizzy_or_faint": "yes"}, "nope i feel faint", "spoken", Reply.UNCLEAR, {}),
    ({"dizzy_or_faint": "yes"}, "not quite and i do", "spoken", Reply.UNCLEAR, {}),
    ({"dizzy_or_faint": "yes"}, "yes no", "typed", Reply.NO, {}),
    # a yes or no with a lone word of the other side later: heard, a garble as often as not ("no i think yes"
    # for "right, yes"; "no only yes i do" for "no, only a tiny bit"); typed, the words as written
    ({"frequency": "occasional"}, "no i think yes", "spoken", Reply.UNCLEAR, {}),
    ({"unusual_discharge": "no"}, "no only yes i do", "spoken", Reply.UNCLEAR, {}),
    ({"amount": "spotting"}, "yes it is no", "spoken", Reply.UNCLEAR, {}),
    ({"frequency": "occasional"}, "no i am yes", "typed", Reply.NO, {}),
    ({"unusual_discharge": "no"}, "no not to all right", "spoken", Reply.NO, {}),  # "right" ends many a no
    ({"pain": "none"}, "yes no pain", "spoken", Reply.YES, {}),  # a no inside a phrase of a slot
    ({"unusual_discharge": "no"}, "yes new discharge", "spoken", Reply.UNCLEAR, {}),
    # a less serious value with no "no" is no correction when heard ("right, yes" heard as "like a period");
    # with a "no", or more serious, or typed, it is
    ({"amount": "soaking"}, "like a period", "spoken", Reply.UNCLEAR, {}),
    ({"amount": "soaking"}, "no, like a period", "spoken", Reply.NO_WITH_CORRECTION, {"amount": "heavy"}),
    ({"amount": "spotting"}, "like a period", "spoken", Reply.NO_WITH_CORRECTION, {"amount": "heavy"}),
    ({"amount": "soaking"}, "like a period", "typed", Reply.NO_WITH_CORRECTION, {"amount": "heavy"}),
    # the value said again is a yes only when all of what was said back is said again
    ({"frequency": "first"}, "the first time", "spoken", Reply.YES, {}),
    # ...but not an emergency's words heard again with no yes ("not quite, not light-headed at all")
    ({"dizzy_or_faint": "yes"}, "lightheaded", "spoken", Reply.UNCLEAR, {}),
    ({"dizzy_or_faint": "yes"}, "yes lightheaded", "spoken", Reply.YES, {}),
    # part of it said again, with or without a "no", disputes the rest (not a yes to all of it)
    ({"dizzy_or_faint": "no", "pain": "some"}, "i don't feel faint", "spoken", Reply.NO_WITH_CORRECTION,
     {"dizzy_or_faint": "no"}),
    ({"amount": "spotting", "unusual_discharge": "yes"}, "few drops", "spoken", Reply.NO_WITH_CORRECTION,
     {"amount": "spotting"}),
    # "no" and the same number again: the number was misheard again, not a "not" dropped
    ({"age": 54}, "no i am fifty four years of them", "spoken", Reply.NO, {}),
    # "none" alone is a no to a check ("no" heard as "none"), not a new value for it, when spoken
    ({"contraception": "iud"}, "none", "spoken", Reply.NO, {}),
    ({"contraception": "iud"}, "none", "typed", Reply.NO_WITH_CORRECTION, {"contraception": "none"}),
    ({"contraception": "none"}, "none", "spoken", Reply.YES, {}),  # "Do you use condoms only, or no birth control?"
    # a spoken yes counts when the reply opens with it, not after words that meant nothing
    ({"amount": "spotting"}, "so not say also aye", "spoken", Reply.UNCLEAR, {}),
    ({"amount": "spotting"}, "that's right", "spoken", Reply.YES, {}),
    ({"amount": "spotting"}, "so not say also aye", "typed", Reply.YES, {}),
    # "no" saying again only part of what was said back disputes the rest; the part said again is an answer
    ({"dizzy_or_faint": "no", "pain": "some"}, "no no i don't feel faint all and really", "spoken",
     Reply.NO_WITH_CORRECTION, {"dizzy_or_faint": "no"}),
    ({"dizzy_or_faint": "no", "pain": "some"}, "no no dizziness", "spoken", Reply.NO_WITH_CORRECTION,
     {"dizzy_or_faint": "no"}),
    ({"dizzy_or_faint": "yes", "pain": "some"}, "nope i feel faint", "spoken", Reply.NO_WITH_CORRECTION,
     {"dizzy_or_faint": "yes"}),
    # a value said as it was said back keeps its "no": "no fever" is not "no" and then "fever"
    ({"fever_or_unwell": "no", "unusual_discharge": "no"}, "no fever", "spoken", Reply.NO_WITH_CORRECTION,
     {"fever_or_unwell": "no"}),
    ({"fever_or_unwell": "no"}, "no fever", "spoken", Reply.UNCLEAR, {}),
    ({"fever_or_unwell": "no", "unusual_discharge": "no"}, "no i have a fever", "spoken", Reply.NO_WITH_CORRECTION,
     {"fever_or_unwell": "yes"}),
]


@pytest.mark.parametrize("proposal, text, channel, kind, corrections", REPLIES)
def test_confirmation_replies(reader, proposal, text, channel, kind, corrections):
    slots = tuple(proposal)
    got = classify(text, reader.read(text, asked=slots), proposal, channel=channel,
                   read=lambda t: reader.read(t, asked=slots), weak=reader.needs_confirmation,
                   only_none=reader.only_none(text),
                   emergency=any(rank(s, v) == RANK["emergency"] for s, v in proposal.items()),
                   lower=less_serious)
    assert got.kind is kind
    assert got.corrections == corrections


# proposal, reply, the other reading of the same audio -> kind (and corrections)
TWO_READINGS = [
    # a less serious value needs an explicit no: the other reading's plain no is one
    ({"dizzy_or_faint": "yes"}, "not what i no i don't feel faint what do", "no not quite",
     Reply.NO_WITH_CORRECTION, {"dizzy_or_faint": "no"}),
    ({"dizzy_or_faint": "yes"}, "i don't feel faint", "no", Reply.NO_WITH_CORRECTION, {"dizzy_or_faint": "no"}),
    ({"dizzy_or_faint": "yes"}, "i don't feel faint", "yes", Reply.UNCLEAR, {}),
    ({"dizzy_or_faint": "yes"}, "i don't feel faint", None, Reply.UNCLEAR, {}),
    ({"amount": "soaking"}, "like a period", "no that's not right", Reply.NO_WITH_CORRECTION, {"amount": "heavy"}),
    ({"amount": "soaking"}, "like a period", "yes no", Reply.UNCLEAR, {}),  # the other is mixed: no plain no
    # a yes the other hears as a plain no: a contested no (nothing taken, nothing ruled out), doubt at an emergency
    ({"amount": "spotting"}, "yes", "no", Reply.NO, {}),
    ({"amount": "heavy"}, "okay", "nope", Reply.NO, {}),
    ({"amount": "soaking"}, "yes", "no", Reply.UNSURE, {}),
    # a no the other hears as a plain yes: a no (the reading that leads is the one trusted), doubt at an emergency
    ({"amount": "heavy"}, "nope", "okay", Reply.NO, {}),
    ({"amount": "soaking"}, "nope", "okay", Reply.UNSURE, {}),
    ({"dizzy_or_faint": "yes"}, "no", "yes", Reply.UNSURE, {}),
    # the value said again is a yes: the other reading's plain no makes it a contested no, doubt at an emergency
    # (fresh 4806 clean se047: "not quite, I'm not unwell" heard "looked want to all also unwell", the grammar
    # "not quite", at "Do you have a fever, or feel ill?": a fever was taken, self-care -> urgent)
    ({"fever_or_unwell": "yes"}, "looked want to all also unwell", "not quite", Reply.NO, {}),
    ({"frequency": "first"}, "the first time", "no", Reply.NO, {}),
    ({"frequency": "first"}, "the first time", "yes", Reply.YES, {}),
    ({"dizzy_or_faint": "yes"}, "yes lightheaded", "no", Reply.UNSURE, {}),
    # a yes to an emergency that the other reading does not hear as a yes (nor as the value again): doubt (fresh
    # 4827, 10 dB, ur047: "No, that's not right" heard "so yes i feel i have", the grammar "feel fine", at "it
    # hurts a lot?": an emergency, urgent -> emergency)
    ({"pain": "severe"}, "so yes i feel i have", "feel fine", Reply.UNSURE, {}),
    ({"pain": "severe"}, "yes", "it hurts a lot", Reply.YES, {}),
    ({"pain": "severe"}, "yes", "yes that's right", Reply.YES, {}),
    ({"pain": "some"}, "so yes i feel i have", "feel fine", Reply.YES, {}),
]


@pytest.mark.parametrize("proposal, text, other, kind, corrections", TWO_READINGS)
def test_confirmation_replies_with_two_readings(reader, proposal, text, other, kind, corrections):
    slots = tuple(proposal)
    read = lambda t: reader.read(t, asked=slots)  # noqa: E731
    got = classify(text, read(text), proposal, channel="spoken", read=read, weak=reader.needs_confirmation,
                   other=read(other) if other else None, lower=less_serious,
                   emergency=any(rank(s, v) == RANK["emergency"] for s, v in proposal.items()))
    assert (got.kind, got.corrections) == (kind, corrections)
    assert got.contested == (kind is Reply.NO and classify(text, read(text), proposal, channel="spoken", read=read,
                                                           weak=reader.needs_confirmation).kind is not Reply.NO)


# proposal, the other reading taken because the sentence meant nothing -> kind (and corrections)
FALLBACK_REPLIES = [
    # another value with no "no": a garble can sound like any phrase ("correct" heard "can meant", the
    # grammar "the mini pill", at "no birth control?": none was ruled out, and the birth control ended not known)
    ({"contraception": "none"}, "the mini pill", Reply.UNCLEAR, {}),
    ({"amount": "spotting"}, "like a period", Reply.UNCLEAR, {}),
    # with its "no", it is a correction; a yes is a yes
    ({"contraception": "none"}, "no the mini pill", Reply.NO_WITH_CORRECTION, {"contraception": "hormonal"}),
    ({"contraception": "none"}, "yes", Reply.YES, {}),
]


@pytest.mark.parametrize("proposal, text, kind, corrections", FALLBACK_REPLIES)
def test_confirmation_replies_read_from_a_fallback(reader, proposal, text, kind, corrections):
    slots = tuple(proposal)
    read = lambda t: reader.read(t, asked=slots)  # noqa: E731
    got = classify(text, read(text), proposal, channel="spoken", read=read, weak=reader.needs_confirmation,
                   lower=less_serious, fallback=True)
    assert (got.kind, got.corrections) == (kind, corrections)


def test_a_bare_yes_or_no_where_the_question_asks_which_one_is_checked():
    # fresh 4820 curt so058: "the copper coil" heard "nope" (0.79) was taken as no birth control, silently;
    # said back (4824), the correction was heard as a "none" answering the next question
    policy = load_policy("en")
    assert policy.decide(Case("spoken", "other", "none", "single", bare=True, asks_which=True)).action == "confirm"
    assert policy.decide(Case("spoken", "other", "none", "single", bare=True, asks_which=True, settled=True)).action == "implicit"
    assert policy.decide(Case("typed", "other", "none", "single", bare=True, asks_which=True)).action == "accept"
    assert policy.decide(Case("spoken", "other", "none", "single")).action == "accept"


def test_a_plain_yes_to_a_question_about_an_emergency_heard_clearly_by_both_readings_ends_it_at_once():
    policy = load_policy("en")
    clear = dict(bare=True, asks_which=False)
    assert policy.decide(Case("spoken", "emergency", "emergency", "agree", **clear)).action == "accept"
    # one reading, an unsure one, or words that name it (a "not" may have been dropped): checked
    assert policy.decide(Case("spoken", "emergency", "emergency", "single", **clear)).action == "confirm"
    assert policy.decide(Case("spoken", "emergency", "emergency", "agree", low_confidence=True, **clear)).action == "confirm"
    assert policy.decide(Case("spoken", "emergency", "emergency", "agree")).action == "confirm"


# proposal, reply, the other reading of the same audio -> kind
NO_THEN_A_YES = [
    # a no heard with a yes after it, which the other reading hears as a plain no: the no (a short "no" heard
    # "no i do" by the sentence model and "nope" by the grammar)
    ({"pain": "some"}, "no i do", "nope", Reply.NO),
    ({"pain": "some"}, "no no i am", "no i feel fine", Reply.NO),
    ({"fever_or_unwell": "yes"}, "no i am", "no", Reply.NO),
    # not when the other reading is not a plain no, nor where a no would rule out an emergency
    ({"pain": "some"}, "no i do", None, Reply.UNCLEAR),
    ({"pain": "some"}, "no i am yes", "right", Reply.UNCLEAR),
    ({"pain": "some"}, "no i do", "yes no", Reply.UNCLEAR),
    ({"dizzy_or_faint": "yes"}, "no i do", "nope", Reply.UNCLEAR),
    # a yes first, then a no: not this
    ({"pain": "some"}, "yes i do no", "nope", Reply.UNCLEAR),
]


@pytest.mark.parametrize("proposal, text, other, kind", NO_THEN_A_YES)
def test_a_no_then_a_yes_the_other_reading_did_not_hear_is_a_no(reader, proposal, text, other, kind):
    read = lambda t: reader.read(t, asked=tuple(proposal))  # noqa: E731
    got = classify(text, read(text), proposal, channel="spoken", read=read, weak=reader.needs_confirmation,
                   other=read(other) if other else None, lower=less_serious,
                   emergency=any(rank(s, v) == RANK["emergency"] for s, v in proposal.items()))
    assert (got.kind, got.contested) == (kind, False)


def test_a_value_said_again_with_its_own_no_is_read_with_it(reader):
    proposal = {"fever_or_unwell": "no", "unusual_discharge": "no"}
    read = lambda t: reader.read(t, asked=tuple(proposal))  # noqa: E731
    got = classify("no fever", read("no fever"), proposal, channel="spoken", read=read, weak=reader.needs_confirmation)
    assert {s: f.value for s, f in got.reading.fills.items()} == {"fever_or_unwell": "no"}


def test_a_value_said_again_with_its_own_no_that_reads_more_serious_alone_is_read_both_ways(reader):
    content = load_content("en")
    # "I understood: no sores, unusual discharge, some pain or cramping and pain or burning when you pee. Is
    # that right?" - "no, there's a sore spot on my labia", heard "no sores": as much "no, sores" as "no sores",
    # so both readings stand and the more serious is checked (fresh clean set 4846 so060: "no sores" was taken
    # as said again: soon -> self care). Where the rest alone says nothing more serious, it keeps its no.
    proposal = {"sores": "no", "unusual_discharge": "yes", "pain_peeing": "yes"}
    read = lambda t: reader.read(t, asked=tuple(proposal))  # noqa: E731
    got = classify("no sores", read("no sores"), proposal, channel="spoken", read=read,
                   weak=reader.needs_confirmation, lower=less_serious)
    assert got.kind is Reply.NO_WITH_CORRECTION and got.corrections == {"sores": "no"}
    assert "sores" not in got.reading.fills and set(got.reading.ambiguous["sores"]) == {"no", "yes"}
    conv = Conversation(content)
    conv.start()
    q = content.question("symptoms")
    conv._put("confirm", q, tuple(proposal), "right?", count=False, proposal=proposal)
    events = conv.hear("no sores", 0.9, spoken=True)
    assert "sores" not in conv.state.facts and [e for e in events if isinstance(e, Ask)][-1].confirm == {"sores": "yes"}


@pytest.mark.parametrize("proposal, text, other, contested", [
    # "that's right" heard "that's wrong it", the grammar "that's right": a contested no (fresh clean set 4850
    # so005: taken as a refusal of "no pain", the walk later found no value left and counted pain as not known:
    # soon -> urgent)
    ({"pain": "none"}, "that's wrong it", "that's right", True),
    ({"dryness": "yes"}, "no that is not it", "yes", True),
    # one word is the grammar's, put first over the sentence model's "okay" for a burst that short: a no
    ({"pain": "some"}, "nope", "okay", False),
    ({"pain": "none"}, "that's wrong it", "that's wrong", False),
])
def test_a_no_of_several_words_the_other_reading_hears_as_a_yes_is_contested(reader, proposal, text, other, contested):
    read = lambda t: reader.read(t, asked=tuple(proposal))  # noqa: E731
    got = classify(text, read(text), proposal, channel="spoken", read=read, weak=reader.needs_confirmation,
                   other=read(other), lower=less_serious)
    assert (got.kind, got.contested) == (Reply.NO, contested)
