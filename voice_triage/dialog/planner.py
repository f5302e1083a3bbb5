"""Which question comes next: most acute first, nothing already known, nothing that cannot matter."""

from __future__ import annotations

from collections.abc import Mapping

from voice_triage.content.model import Content, Question
from voice_triage.dialog.events import SlotValue
from voice_triage.triage.engine import assess
from voice_triage.triage.slots import SLOTS
from voice_triage.triage.tiers import RANK

# For each slot a value that triggers nothing: stands in for "not asked yet" when judging the tier so far.
NEUTRAL: dict[str, SlotValue] = {
    name: (20 if spec.numeric else next(v for v in spec.values if spec.trigger(v) is None))
    for name, spec in SLOTS.items()
}


def tier_so_far(facts: Mapping[str, SlotValue]) -> str:
    """The tier the answers given so far already call for (slots not yet asked are not counted as unknown)."""
    return assess({**NEUTRAL, **facts}).tier


def next_question(content: Content, facts: Mapping[str, SlotValue]) -> tuple[Question, tuple[str, ...]] | None:
    """The next question and its slots still open, or None when the conversation can end.

    None at once on an emergency. A question whose ``ask_if`` tier is already passed is skipped
    (its answer can change neither the tier nor the advice).
    """
    tier = tier_so_far(facts)
    if tier == "emergency":
        return None
    for q in content.questions:
        open_slots = tuple(s for s in q.slots if s not in facts)
        if not open_slots:
            continue
        if q.ask_if and RANK[tier] > RANK[q.ask_if]:
            continue
        return q, open_slots
    return None
