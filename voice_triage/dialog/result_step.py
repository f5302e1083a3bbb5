"""The result step of a conversation: the layered spoken result, the full text on the screen, and the
commands that work once it is given ("more", "summary", "repeat").

Kept apart from conversation.py: the conversation calls ``result_events`` when it has no more to ask, and
``follow_up`` for an answer heard after the result. The words come from triage/advice.py (advice.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from voice_triage.content.model import Content
from voice_triage.dialog.events import End, Event, Heard, Reason, Result, Say, SlotValue
from voice_triage.triage.advice import ComposedAdvice, compose
from voice_triage.triage.slots import UNKNOWN
from voice_triage.content.normalize import normalize

MAX_FOLLOW_UPS = 4  # "more", "summary", "repeat" after the result; then they are no longer answered
RESULT_COMMANDS = ("more", "summary", "repeat")


def is_refusal(content: Content, text: str) -> bool:
    """Does the answer decline to say ("I'd rather not say")? Whole words, after normalising."""
    said = f" {normalize(text, drop_fillers=False)} "
    raw = content.lines.get("refusals") or ()
    phrases = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else []
    return any(f" {normalize(str(p), drop_fillers=False)} " in said for p in phrases)


def result_events(content: Content, facts: Mapping[str, SlotValue], questions: int, *,
                  refused: Collection[str] = (), discreet: bool = False, partial: bool = False,
                  ) -> tuple[Result, list[Event]]:
    """The Result and what is said and shown: the spoken layers, then (on screen only) the details and the
    summary, then the Result and End("result")."""
    refused = tuple(s for s in refused if facts.get(s) == UNKNOWN)
    adv = compose(facts, content, said_only=True, refused=refused, discreet=discreet)
    reasons = tuple(Reason(r.slot, r.value, r.tier, r.text) for r in adv.reasons)
    result = Result(adv.tier, reasons, dict(facts), questions, adv.text, adv.summary,
                    advice=adv.spoken, details=adv.details, refused=refused, partial=partial)
    events: list[Event] = [Say(text, kind) for text, kind in adv.parts]
    events += _screen(adv, content)
    return result, [*events, result, End("result")]


def _screen(adv: ComposedAdvice, content: Content) -> list[Event]:
    words = content.advice.words
    out: list[Event] = []
    if adv.details:
        out.append(Say(f"{words['details_intro']} {adv.details}", "screen"))
    out.append(Say(f"{words['summary_intro']} {adv.summary}", "screen"))
    return out


def follow_up(content: Content, result: Result, text: str, command: str | None, count: int, *,
              discreet: bool = False) -> list[Event]:
    """An answer heard after the result: "more" says the details, "summary" the sentence for a clinician,
    "repeat" the spoken result again. Anything else, or past MAX_FOLLOW_UPS, is not answered ([])."""
    if command not in RESULT_COMMANDS or count >= MAX_FOLLOW_UPS:
        return []
    words = content.advice.words
    kind = "screen" if discreet else "advice"
    if command == "more":
        said = [Say(f"{words['details_intro']} {result.details}", kind)]
    elif command == "summary":
        said = [Say(f"{words['summary_intro']} {result.summary}", kind)]
    else:
        said = [Say(s, "safety_net" if s == content.advice.safety_net else "advice") for s in _sentences(result.advice)]
    if discreet and command != "repeat":
        said.insert(0, Say(str(words["discreet_screen"]), "info"))
    return [Heard(text, {}, command), *said, Say(content.line("result_again"), "info")]


def _sentences(text: str) -> list[str]:
    return [text] if not text else [p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z'])", text) if p]
