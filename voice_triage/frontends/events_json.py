"""Events as JSON objects (the JSON Lines protocol and `assess` share these shapes)."""

from __future__ import annotations

import json
from typing import Any

from voice_triage.dialog.events import Ask, End, Event, Heard, PrivacyChoice, Reason, Result, Say, SettingChanged


_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


def dumps_line(obj: Any) -> str:
    """One JSON object as one line of UTF-8 text. Characters that some line splitters treat as line breaks
    (U+2028, U+2029, U+0085) are escaped, so an answer containing them cannot break the framing."""
    text = json.dumps(obj, ensure_ascii=False)
    for ch, esc in _LINE_BREAKERS.items():
        text = text.replace(ch, esc)
    return text


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
               "facts": dict(e.facts), "questions": e.questions, "text": e.text, "summary": e.summary}
        if e.partial:
            out["partial"] = True
        return out
    if isinstance(e, End):
        return {"event": "end", "reason": e.reason}
    raise TypeError(f"not an event: {e!r}")
