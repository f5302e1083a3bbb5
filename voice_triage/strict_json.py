"""JSON from people and programs, read strictly: a key given twice or an over-long number is an error
(``ValueError`` with a short message), never silently the last value or a huge integer."""

from __future__ import annotations

import json
from typing import Any

from voice_triage.limits import MAX_NUMBER_DIGITS
from voice_triage.safe_text import quote


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"{quote(key, 40)} is given twice; give it once")
        seen[key] = value
    return seen


def _checked_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > MAX_NUMBER_DIGITS:
        raise ValueError(f"a number is too long ({len(digits)} digits)")
    return int(text)


def loads(text: str) -> Any:
    """``json.loads`` that refuses duplicate keys and over-long integers (ValueError; JSONDecodeError and
    RecursionError pass through as json raises them)."""
    return json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_checked_int)
