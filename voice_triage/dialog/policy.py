"""The dialog's trust policy, from prompts/<lang>/policy.yaml: limits, what to do with a heard value, and what
a reply to a confirmation does. The code asks; the table decides."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from voice_triage.paths import prompts_root

ACTIONS = ("accept", "confirm", "implicit")
REPLY_ACTIONS = ("keep_serious", "reask", "answer", "take")
FIELDS = ("channel", "slot_class", "effect", "agreement", "loose", "low_confidence", "rejected_before", "settled",
          "after_yes", "bare", "asks_which")


@dataclass(frozen=True)
class Case:
    """One heard value, described in the policy's terms (see policy.yaml for what each field means)."""

    channel: str  # typed | spoken
    slot_class: str  # emergency | number | other
    effect: str  # emergency | raises | unknown | none
    agreement: str  # agree | single | disagree | fallback
    loose: bool = False  # the words matched a phrase loosely
    low_confidence: bool = False  # the recognizer was not sure of the words
    rejected_before: bool = False
    settled: bool = False  # the tier so far already meets anything this slot could call for
    after_yes: bool = False  # heard at "which of these?", after a yes to the question about several
    bare: bool = False  # the question's meaning of a bare yes or no
    asks_which: bool = False  # the question asks which one (open: true in questions.yaml)


@dataclass(frozen=True)
class Rule:
    when: dict[str, object]
    action: str
    reason: str

    def matches(self, case: Case) -> bool:
        return all(getattr(case, k) == v for k, v in self.when.items())


class Policy:
    def __init__(self, data: dict):
        self.limits: dict[str, float] = {}
        for name, item in (data.get("limits") or {}).items():
            if not isinstance(item, dict) or "value" not in item or not item.get("reason"):
                raise ValueError(f"policy limit {name!r}: needs a value and a reason")
            self.limits[str(name)] = item["value"]
        self.rules: list[Rule] = []
        for row in data.get("decisions") or []:
            row = dict(row)
            action, reason = row.pop("action", None), row.pop("reason", "")
            if action not in ACTIONS or not reason or set(row) - set(FIELDS):
                raise ValueError(f"policy row {row!r}: needs an action of {ACTIONS}, a reason, and fields of {FIELDS}")
            self.rules.append(Rule(row, str(action), str(reason)))
        self.replies: dict[str, dict[str, str]] = {}
        for channel, table in (data.get("replies") or {}).items():
            if any(v not in REPLY_ACTIONS for v in table.values()):
                raise ValueError(f"policy replies for {channel!r}: actions are {REPLY_ACTIONS}")
            self.replies[str(channel)] = {str(k): str(v) for k, v in table.items()}

    def limit(self, name: str) -> float:
        return self.limits[name]

    def decide(self, case: Case) -> Rule:
        """The first row that matches (a table without a catch-all row confirms, to be careful)."""
        return next((r for r in self.rules if r.matches(case)), Rule({}, "confirm", "no row matched"))

    def on_reply(self, channel: str, kind: str) -> str:
        """What a reply of ``kind`` (unsure, unclear, no_with_correction) to a confirmation does."""
        return self.replies.get(channel, {}).get(kind, "reask")


@lru_cache(maxsize=4)
def load_policy(lang: str = "en") -> Policy:
    path = prompts_root() / lang / "policy.yaml"
    return Policy(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
