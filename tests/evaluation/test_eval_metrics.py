"""Metrics and their intervals."""

import pytest

from evaluation import metrics
from evaluation.vignettes import benign
import random


@pytest.mark.parametrize("k,n,lo,hi", [(0, 60, 0.0, 0.0596), (5, 10, 0.1871, 0.8129), (60, 60, 0.9404, 1.0),
                                       (1, 100, 0.00025, 0.0545), (98, 100, 0.9296, 0.9976)])
def test_clopper_pearson_known_values(k, n, lo, hi):
    a, b = metrics.clopper_pearson(k, n)
    assert a == pytest.approx(lo, abs=2e-4) and b == pytest.approx(hi, abs=2e-4)


def test_rate_reports_rule_of_three_at_zero():
    r = metrics.rate(0, 30)
    assert r["rate"] == 0 and r["rule_of_three_upper"] == pytest.approx(0.1)
    assert metrics.rate(1, 30)["rule_of_three_upper"] is None
    assert metrics.rate(0, 2)["rule_of_three_upper"] is None  # meaningless for tiny n


def rec(i, expected, got, questions=5, facts=None, persona=None, reasons=()):
    p = persona or benign(random.Random(i))
    return {"id": f"x{i}", "expected_tier": expected, "tier": got, "persona": p, "facts": facts or {},
            "questions": questions, "turns": [], "reasons": [{"slot": s, "tier": got} for s in reasons]}


def test_summarize_counts_under_and_over_triage():
    recs = [rec(0, "emergency", "emergency"), rec(1, "emergency", "urgent"), rec(2, "soon", "urgent"),
            rec(3, "self_care", "self_care"), rec(4, "urgent", None)]
    s = metrics.summarize(recs)
    assert s["exact"]["k"] == 2 and s["n"] == 5
    assert s["under_triage"]["k"] == 2          # x1 and the conversation with no result
    assert s["over_triage"]["k"] == 1
    assert s["emergency_under_triage"]["k"] == 1 and s["emergency_under_triage"]["n"] == 2
    assert s["confusion"]["urgent"]["no_result"] == 1
    assert s["under_triaged_ids"] == ["x1", "x4"]


def test_slot_accuracy_over_reported_and_asked_slots():
    p = benign(random.Random(0))
    p["age"] = 36
    r = rec(0, "soon", "soon", persona=p, facts={"age": "36", "amount": "heavy"})
    r["turns"] = [{"ask": {"slots": ["pain"]}, "answer": "no", "heard": {}}]
    ok, n, wrong = metrics.slot_scores(r)
    assert (ok, n) == (1, 3)
    assert {w["slot"] for w in wrong} == {"amount", "pain"}


def test_reasons_agree():
    p = benign(random.Random(0))
    p["amount"] = "heavy"
    assert metrics.reason_ok(rec(0, "urgent", "urgent", persona=p, reasons=["amount"])) is True
    assert metrics.reason_ok(rec(0, "urgent", "urgent", persona=p, reasons=["pain"])) is False
    assert metrics.reason_ok(rec(0, "urgent", "soon", persona=p, reasons=["amount"])) is None


def test_wer_normalizes_numbers_and_punctuation():
    w = metrics.wer([("I'm 35, years-old.", "im thirty five years old"), ("Yes!", "yes")])
    assert w["wer"] == 0
    assert metrics.wer([("no fever", "no")])["wer"] == pytest.approx(0.5)
