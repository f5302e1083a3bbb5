"""Events as JSON objects (the JSON Lines protocol and `assess` share these shapes)."""

from __future__ import annotations

import json
import re
from typing import Any

from voice_triage.dialog.events import Ask, End, Event, Heard, PrivacyChoice, Reason, Result, Say, SettingChanged


# escaped even though JSON allows them raw: line breaks to some splitters (U+2028, U+2029, U+0085), the
# other C1 controls (a terminal showing the output would obey them), and lone surrogates (not UTF-8)
_ESCAPED = re.compile("[\u0080-\u009f\u2028\u2029\ud800-\udfff]")


def dumps_line(obj: Any) -> str:
    """One JSON object as one line of valid UTF-8 text: characters that could break the framing, drive a
    terminal or not encode are written as ``\\uXXXX`` escapes (the same string to a JSON reader)."""
    return _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(obj, ensure_ascii=False))


def reason_json(r: Reason) -> dict[str, Any]:
    return {"slot": r.slot, "value": r.value, "tier": r.tier, "text": r.text}


def event_json(e: Event) -> dict[str, Any]:
    if isinstance(e, Say):
        return {"event": "say", "text": e.text, "kind": e.kind}
    if isinstance(e, Ask):
        out: dict[str, Any] = {"event": "ask", "slots": list(e.slots), "text": e.text, "question": e.question_id}
        if e.open:
            out["open"] = True
        if e.confirm:
            out["confirm"] = dict(e.confirm)
        if e.reprompt:
            out["reprompt"] = e.reprompt
        if e.implied:
            out["implied"] = dict(e.implied)
        return out
    if isinstance(e, Heard):
        out = {"event": "heard", "text": e.text, "filled": dict(e.filled)}
        if e.command:
            out["command"] = e.command
        return out
    if isinstance(e, SettingChanged):
        return {"event": "setting", "name": e.name, "value": e.value}
    if isinstance(e, PrivacyChoice):
        return {"event": "privacy", "mode": e.mode}
    if isinstance(e, Result):
        out = {"event": "result", "tier": e.tier, "reasons": [reason_json(r) for r in e.reasons],
               "facts": dict(e.facts), "questions": e.questions, "advice": e.advice, "details": e.details,
               "summary": e.summary, "text": e.text, "refused": list(e.refused)}
        if e.partial:
            out["partial"] = True
        return out
    if isinstance(e, End):
        return {"event": "end", "reason": e.reason}
    raise TypeError(f"not an event: {e!r}")
