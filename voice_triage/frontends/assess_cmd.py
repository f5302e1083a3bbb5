"""`voice-triage assess [FILE|-]`: facts in (JSON), result out (JSON). For scripts."""

from __future__ import annotations

import json
from typing import Any

from voice_triage.content.model import Content
from voice_triage.triage.advice import compose
from voice_triage.triage.slots import SLOT_NAMES, validate_value

MAX_INPUT_BYTES = 1_000_000


class AssessInputError(ValueError):
    """The input facts are not usable (the message names the problem)."""


def parse_facts(raw: bytes) -> dict[str, str | int]:
    if len(raw) > MAX_INPUT_BYTES:
        raise AssessInputError(f"input is too large ({len(raw)} bytes; at most {MAX_INPUT_BYTES})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssessInputError(f"input is not valid UTF-8 (byte {e.start})") from e
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise AssessInputError(f"input is not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") from e
    except RecursionError as e:
        raise AssessInputError("input JSON is nested too deeply") from e
    if not isinstance(obj, dict):
        raise AssessInputError(f"expected a JSON object mapping slot names to values, got {type(obj).__name__}")
    facts: dict[str, str | int] = {}
    for slot, value in obj.items():
        if slot not in SLOT_NAMES:
            raise AssessInputError(f"unknown slot {slot!r} (known slots: {', '.join(SLOT_NAMES)})")
        try:
            facts[slot] = validate_value(slot, value)
        except ValueError as e:
            raise AssessInputError(str(e)) from e
    return facts


def assess_json(facts: dict[str, str | int], content: Content) -> dict[str, Any]:
    advice = compose(facts, content)
    return {
        "tier": advice.tier,
        "reasons": [{"slot": r.slot, "value": r.value, "tier": r.tier, "text": r.text} for r in advice.reasons],
        "advice": advice.spoken,
        "details": advice.details,
        "summary": advice.summary,
        "facts": facts,
    }
