"""The planner: most acute first, nothing already known, stop at an emergency, skip what cannot matter."""

from __future__ import annotations

import pytest

from tests.test_triage_engine import BENIGN
from voice_triage.content import load_content
from voice_triage.dialog.planner import next_question, tier_so_far


@pytest.fixture(scope="module")
def content():
    return load_content("en")


def test_first_question_is_the_amount(content):
    q, slots = next_question(content, {})
    assert q.id == "amount" and slots == ("amount",)


def test_emergency_slots_are_all_covered_by_the_first_two_questions(content):
    first = content.questions[0].slots + content.questions[1].slots
    assert {"amount", "dizzy_or_faint", "pain"} <= set(first)


def test_already_filled_slots_are_not_asked(content):
    q, slots = next_question(content, {"amount": "spotting", "pain": "none"})
    assert q.id == "acute" and slots == ("dizzy_or_faint",)


@pytest.mark.parametrize("fact", [{"amount": "soaking"}, {"dizzy_or_faint": "yes"}, {"pain": "severe"}])
def test_no_question_after_an_emergency(content, fact):
    assert next_question(content, fact) is None


def test_unasked_slots_do_not_count_as_unknown_while_planning(content):
    assert tier_so_far({"amount": "spotting"}) == "self_care"
    assert tier_so_far({"amount": "unknown"}) == "urgent"


def test_worried_is_asked_only_while_self_care(content):
    benign_but_worried = {k: v for k, v in BENIGN.items() if k != "worried"}
    q, _ = next_question(content, benign_but_worried)
    assert q.id == "worried"
    assert next_question(content, {**benign_but_worried, "age": 50}) is None  # soon already: it cannot matter


def test_all_benign_path_is_at_most_eleven_questions(content):
    # issue 12: screening is asked on its own (positively), so the grouped items are all "yes is the concern"
    facts: dict = {}
    asked = 0
    while (nxt := next_question(content, facts)) is not None:
        q, slots = nxt
        asked += 1
        facts.update({s: BENIGN[s] for s in slots})
    assert asked <= 10 and facts == BENIGN


# ---- bounded turns and confirmed spoken commands (voice: a misheard word must not loop or end the talk) ----
from voice_triage.dialog import Conversation  # noqa: E402


def _talk(content, answers, spoken=False):
    conv = Conversation(content)
    events = conv.start()
    for a in answers:
        events = conv.silence() if a == "" else conv.hear(a, 0.9 if spoken else 1.0, spoken=spoken)
    return conv, events


def test_endless_help_is_bounded_and_ends_unknown_never_lower(content):
    from voice_triage.dialog.policy import load_policy

    MAX_TURNS_PER_QUESTION = int(load_policy("en").limit("max_turns_per_question"))

    conv, events = _talk(content, ["what"] * MAX_TURNS_PER_QUESTION)
    assert conv.state.facts == {}  # (still asking)
    conv, events = _talk(content, ["what"] * (MAX_TURNS_PER_QUESTION + 1))
    assert conv.state.facts == {"amount": "unknown"}
    assert events[-1].slots == ("dizzy_or_faint", "pain")


def test_endless_confirm_rejections_are_bounded(content):
    conv, _ = _talk(content, ["hmm a lot maybe heavy-ish spotting", "no"] * 6)
    assert "amount" in conv.state.facts


def test_going_back_again_and_again_still_ends(content):
    # going back undoes answers, not the count of turns: an answer and "go back", over and over, reach the
    # conversation's cap and give the result so far, the bleeding as said
    from voice_triage.dialog.policy import load_policy

    cap = int(load_policy("en").limit("max_turns_total"))
    for spoken in (False, True):
        conv = Conversation(content)
        conv.start()
        answers = ["like a heavy period", "yes"][:1 + spoken] + ["no", "go back"] * cap
        heard = 0
        while not conv.finished:
            conv.hear(answers[heard], 0.9, spoken=spoken)
            heard += 1
        assert heard <= cap + 1 and conv.result.partial and conv.result.tier == "urgent"


def test_spoken_stop_is_confirmed_typed_stop_is_not(content):
    conv, events = _talk(content, ["stop"], spoken=True)
    assert not conv.finished and events[-1].question_id == "confirm_command"
    conv, events = _talk(content, ["stop", "no"], spoken=True)
    assert not conv.finished and events[-1].question_id == "amount"
    conv, events = _talk(content, ["stop", "yes"], spoken=True)
    assert conv.finished and any(getattr(e, "kind", "") == "safety_net" for e in events)
    conv, _ = _talk(content, ["stop"])
    assert conv.finished


def test_spoken_start_over_is_confirmed(content):
    conv, _ = _talk(content, ["just spotting", "yes", "start over"], spoken=True)
    assert conv.state.facts == {"amount": "spotting"}
    conv, _ = _talk(content, ["just spotting", "yes", "start over", "yes"], spoken=True)
    assert conv.state.facts == {}


def test_spoken_answers_about_an_emergency_slot_are_confirmed(content):
    # (issue 11) a clear spoken answer that rules out an emergency is said back before the next question
    # ("Light spotting, thanks."), and a correction there is honoured, confirmed in turn
    conv, events = _talk(content, ["just spotting"], spoken=True)
    assert conv.state.facts == {"amount": "spotting"} and events[-1].implied == {"amount": "spotting"}
    assert "thanks" in events[-2].text
    conv, events = _talk(content, ["just spotting", "no, I said it's heavier than that"], spoken=True)
    assert events[-1].confirm == {"amount": "heavy"}
    conv, events = _talk(content, ["just spotting", "no, I said it's heavier than that", "yes"], spoken=True)
    assert conv.state.facts["amount"] == "heavy" and events[-1].question_id == "acute"
    # raising it is confirmed too (a dropped "not"), and a confirmation that is not answered keeps it
    conv, events = _talk(content, ["soaking through pads"], spoken=True)
    assert conv.result is None and events[-1].confirm == {"amount": "soaking"}
    conv, events = _talk(content, ["soaking through pads", "yes"], spoken=True)
    assert conv.result is not None and conv.result.tier == "emergency"
    conv, events = _talk(content, ["soaking through pads", "mm", "blah", "hmm"], spoken=True)
    assert conv.result is not None and conv.result.tier == "emergency"
    conv, events = _talk(content, ["soaking through pads", "no"], spoken=True)  # heard "no": asked again
    assert conv.result is None and "amount" not in conv.state.facts and events[-1].slots == ("amount",)
    conv, _ = _talk(content, ["soaking through pads"])  # typed: taken at once
    assert conv.result is not None and conv.result.tier == "emergency"
    # a bare spoken "no" right after the amount was said back may be a no to it ("no, I'm soaking" heard
    # "nope"): the amount is checked again with the answer, in one check
    conv, events = _talk(content, ["just spotting", "no"], spoken=True)
    assert events[-1].confirm == {"amount": "spotting", "dizzy_or_faint": "no", "pain": "none"}
    conv, events = _talk(content, ["just spotting", "no", "yes"], spoken=True)
    assert conv.state.facts["pain"] == "none" and events[-1].question_id == "symptoms"
    conv, events = _talk(content, ["just spotting", "no, I feel fine"], spoken=True)  # words: an answer
    assert events[-1].implied == {"dizzy_or_faint": "no", "pain": "none"} and events[-1].question_id == "symptoms"
    conv, _ = _talk(content, ["just spotting", "no"])  # typed: taken as said
    assert conv.state.facts["pain"] == "none"
