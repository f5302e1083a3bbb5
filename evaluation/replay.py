"""Replay recorded conversations through the dialog, without the recognizer: each spoken answer is fed as it
was heard (the recognizer's own text, confidence, other readings and word posteriors, as the JSONL `heard`
event gives them), each typed answer as typed. A record replays exactly when the dialog asks what it asked in
the run; after a change to the dialog, the first ask that differs is where the change acts on that person
(the answers after it were given to other questions, so the replay stops there)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Replay:
    id: str
    asks: list[str] = field(default_factory=list)  # what the dialog asks now, as far as the record goes
    recorded: list[str] = field(default_factory=list)  # what it asked in the run
    tier: str | None = None  # the tier reached now, when the replay got to the end

    @property
    def diverges_at(self) -> int | None:
        """The index of the first ask that differs from the run's, or None when it replays exactly."""
        for i, (now, then) in enumerate(zip(self.asks, self.recorded)):
            if now != then:
                return i
        return None if len(self.asks) >= len(self.recorded) else len(self.asks)


def replay(record: dict[str, Any], understander: Any = None) -> Replay:
    """``understander``: one to share between records (building it reads every phrase list)."""
    from voice_triage.content import load_content
    from voice_triage.dialog import Conversation
    from voice_triage.dialog.events import Ask

    conv = Conversation(load_content("en"), understander=understander)
    out = Replay(str(record.get("id")), recorded=[t["ask"]["text"] for t in record.get("turns", []) if t.get("ask")])
    events = conv.start()
    for turn in record.get("turns", []):
        out.asks += [e.text for e in events if isinstance(e, Ask)]
        if conv.finished or out.diverges_at is not None and out.diverges_at < len(out.asks):
            break
        heard = turn.get("heard")
        if not heard:
            # nothing heard of a spoken answer is a silence; a typed one is taken as typed
            spoken = record.get("mode") == "audio"
            events = conv.silence() if spoken or turn.get("answer") in (None, "") else conv.hear(str(turn["answer"]))
        elif "confidence" not in heard:  # typed, or no speech in the audio (heard as "")
            events = conv.hear(str(heard.get("text", "")))
        else:
            events = conv.hear(str(heard.get("recognized", heard.get("text", ""))), float(heard["confidence"]),
                               spoken=True, alternatives=[(str(t), float(c)) for t, c in heard.get("alternatives", [])],
                               words=[(str(w), float(c)) for w, c in heard.get("words", [])])
    else:
        out.asks += [e.text for e in events if isinstance(e, Ask)]
    out.tier = conv.result.tier if conv.result is not None else None
    return out


def summarize(records: Iterable[dict[str, Any]]) -> tuple[int, int, list[Replay]]:
    """(records replayed exactly, records, the replays that diverge)."""
    from voice_triage.content import load_content
    from voice_triage.understanding import Understander

    understander = Understander(load_content("en"))
    got = [replay(r, understander) for r in records]
    differ = [r for r in got if r.diverges_at is not None]
    return len(got) - len(differ), len(got), differ
