"""The result of a conversation that ended early ("stop", end of input): the tier its answers reached so far."""

from __future__ import annotations

from collections.abc import Mapping

from voice_triage.content.model import Content
from voice_triage.dialog.events import Event, Reason, Result, Say, SlotValue
from voice_triage.dialog.planner import NEUTRAL, tier_so_far
from voice_triage.triage.advice import describe_fact, summary
from voice_triage.triage.engine import assess


def partial_result(content: Content, facts: Mapping[str, SlotValue], questions: int,
                   discreet: bool = False) -> list[Event]:
    """What is said and shown when a conversation stops before its end: the action for the tier the answers
    so far call for (questions not put count for nothing), and a ``Result`` marked partial. With nothing
    answered yet there is no tier to give: advice.yaml ``before_any_answer`` (a step) is said instead, and is
    the result's text."""
    tier = tier_so_far(facts)
    triggers = [t for t in assess({**NEUTRAL, **facts}).triggers if t.slot in facts]
    reasons = tuple(Reason(t.slot, t.value, t.tier, describe_fact(t.slot, t.value, content)) for t in triggers)
    action = content.advice.tier_discreet[tier] if discreet else content.advice.tier_action[tier]
    if facts:
        said = Say(content.line("stopped_so_far", action=action), "advice")
    else:
        action = content.advice.step_named("before_any_answer") or action
        said = Say(action, "advice")
    result = Result(tier, reasons, dict(facts), questions, action, summary(facts, content), partial=True)
    return [said, result]
