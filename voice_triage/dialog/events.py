"""What a conversation says to a front-end. Front-ends (text, JSON Lines, voice, kiosk) only render these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

SlotValue = Union[str, int]


@dataclass(frozen=True)
class Say:
    """A line to speak or print. ``kind``: info, advice, safety_net, error, goodbye, or screen.

    ``screen`` lines are shown but never spoken (details kept off the air in discreet mode).
    """

    text: str
    kind: str = "info"


@dataclass(frozen=True)
class Ask:
    """A question; after it the front-end hears exactly one answer (or a silence).

    ``slots``: the slots a direct answer fills. ``open``: a free-form question (many phrasings).
    ``confirm``: when asking to confirm an understanding, the reading being confirmed.
    ``question_id``: the id in prompts/<lang>/questions.yaml ("confirm"/"clarify" for those turns).
    ``reprompt``: 0 for the first time the question is put, 1 and 2 for re-prompts.
    ``implied``: values taken from the last answer and said back just before this question ("Light
    spotting, thanks."); a correction in the answer to this question ("no, it's heavy") is honoured.
    """

    text: str
    slots: tuple[str, ...]
    question_id: str
    open: bool = False
    confirm: dict[str, SlotValue] | None = None
    reprompt: int = 0
    implied: dict[str, SlotValue] | None = None  # values just taken and said back: "no, ..." here corrects them


@dataclass(frozen=True)
class Heard:
    """What an answer was understood to mean."""

    text: str
    filled: dict[str, SlotValue] = field(default_factory=dict)
    command: str | None = None


@dataclass(frozen=True)
class SettingChanged:
    """A voice setting changed by a command (slower/faster/louder/quieter).

    ``name`` is "rate" or "volume"; ``value`` is the new step, 0 = default, negative = slower/quieter.
    """

    name: str
    value: int


@dataclass(frozen=True)
class PrivacyChoice:
    """How to talk for the rest of the session, chosen at the private-place check.

    ``mode``: "private" (as normal), "text" (show text only, say nothing aloud), "quieter", "discreet".
    """

    mode: str


@dataclass(frozen=True)
class Reason:
    slot: str
    value: SlotValue
    tier: str
    text: str


@dataclass(frozen=True)
class Result:
    """The end of a conversation. ``advice``: exactly what was spoken at the end; ``details``: the fuller
    explanation ("more"); ``summary``: the first-person sentence for a clinician ("summary"); ``text``:
    all three, for the screen. ``refused``: slots the person preferred not to say (their facts are unknown)."""

    tier: str
    reasons: tuple[Reason, ...]
    facts: dict[str, SlotValue]
    questions: int
    text: str
    summary: str
    advice: str = ""
    details: str = ""
    refused: tuple[str, ...] = ()
    partial: bool = False  # the conversation ended early (stop, end of input, the turn cap): the tier so far


@dataclass(frozen=True)
class End:
    reason: str


Event = Union[Say, Ask, Heard, SettingChanged, PrivacyChoice, Result, End]
