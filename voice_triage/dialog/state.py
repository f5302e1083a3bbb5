"""The conversation's memory: beliefs so far, what was asked, what is pending, voice settings."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from voice_triage.dialog.belief import Beliefs
from voice_triage.dialog.events import Ask, SlotValue

SETTING_LIMIT = 3  # slower/faster/louder/quieter go this many steps either way


@dataclass
class Pending:
    """The turn waiting for an answer."""

    kind: str  # "question", "clarify", "confirm"
    question_id: str
    slots: tuple[str, ...]  # the slots still open in this question
    ask: Ask  # what was said, for "repeat"
    reprompts: int = 0
    proposal: dict[str, SlotValue] = field(default_factory=dict)  # for confirm: the reading to confirm
    confirmed: dict[str, SlotValue] = field(default_factory=dict)  # for confirm: certain fills kept meanwhile
    resume: Pending | None = None  # for a command being confirmed: the turn to go back to
    options: bool = False  # for confirm: one of the question's values asked as a yes/no question (options.py)
    disputes: bool = False  # for confirm: the answer checked opened with a no, disputing what was taken before
    yes_leaning: int = 0  # for confirm: unsettled replies that a reading heard as a yes and none as a no
    unsure: int = 0  # for confirm: unsettled replies that a reading heard as "not sure" and none as a yes


@dataclass
class Settings:
    """Voice settings changed by commands; kept for the session (the speech layer reads them)."""

    rate: int = 0
    volume: int = 0


@dataclass
class State:
    beliefs: Beliefs = field(default_factory=Beliefs)
    asked: set[str] = field(default_factory=set)  # slots the person was asked about
    questions: int = 0
    turns: dict[str, int] = field(default_factory=dict)  # answers (of any kind) heard per question id
    pending: Pending | None = None
    finished: bool = False

    @property
    def facts(self) -> dict[str, SlotValue]:
        """The values taken so far (what the triage reads)."""
        return self.beliefs.facts

    @property
    def rejected(self) -> set[tuple[str, str]]:
        return self.beliefs.rejected

    def snapshot(self) -> State:
        return copy.deepcopy(self)
