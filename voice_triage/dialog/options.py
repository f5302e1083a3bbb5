"""Asking it another way: when a spoken answer is heard again as a value the person already said was wrong,
the question's values are asked one at a time as yes/no questions (``options`` in
prompts/<lang>/questions.yaml, most serious first), skipping those already ruled out. A yes or a no is heard
far more reliably than a phrase, so a misheard answer stops costing a check and a re-ask each time.

Each option is a check like any other (a yes takes it; doubt keeps the more serious reading); a no rules it
out and asks the next. When every value has been ruled out the slot is not known, cautiously. A part of
:class:`~voice_triage.dialog.conversation.Conversation`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voice_triage.content.model import Question
from voice_triage.dialog.events import Event, Say, SlotValue
from voice_triage.triage.slots import UNKNOWN

if TYPE_CHECKING:
    from voice_triage.dialog.conversation import Conversation


class AskOptions:
    def _options_due(self: Conversation, q: Question, doubtful: dict[str, SlotValue]) -> bool:
        """The question's one slot has options, and the value heard for it is one the person ruled out."""
        if not q.options or len(q.slots) != 1:
            return False
        slot = q.slots[0]
        return slot in doubtful and self.state.beliefs.was_rejected(slot, doubtful[slot])

    def _ask_option(self: Conversation, q: Question, confirmed: dict[str, SlotValue]) -> list[Event]:
        """The next value not ruled out, as a yes/no question; none left: not known."""
        slot = q.slots[0]
        left = [v for v in q.options if not self.state.beliefs.was_rejected(slot, v)]
        if not left:
            return [Say(self.content.line("gave_up")), *self._apply("", {**confirmed, slot: UNKNOWN})[1:]]
        events = self._put("confirm", q, (slot,), q.options[left[0]], count=False, proposal={slot: left[0]},
                           confirmed=confirmed)
        assert self.state.pending is not None
        self.state.pending.options = True
        return events

    def _start_options(self: Conversation, q: Question, confirmed: dict[str, SlotValue]) -> list[Event]:
        return [Say(self.content.line("ask_options")), *self._ask_option(q, confirmed)]
