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


def test_all_benign_path_is_at_most_ten_questions(content):
    facts: dict = {}
    asked = 0
    while (nxt := next_question(content, facts)) is not None:
        q, slots = nxt
        asked += 1
        facts.update({s: BENIGN[s] for s in slots})
    assert asked <= 10 and facts == BENIGN
