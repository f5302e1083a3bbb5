"""Asking it another way: when a spoken answer is heard again as a value the person already said was wrong,
or the person has already said two values of it were wrong (``options_after_rejections`` in policy.yaml), or
two answers to it meant nothing (``options_after_unclear``), the question's values are asked one at a time as yes/no questions (``options`` in
prompts/<lang>/questions.yaml, most serious first), skipping those already ruled out. A yes or a no is heard
far more reliably than a phrase, so a misheard answer stops costing a check and a re-ask each time.

Each option is a check like any other (a yes takes it; doubt keeps the more serious reading); a no rules it
out and asks the next. When every value has been ruled out the slot is not known, cautiously. A part of
:class:`~voice_triage.dialog.conversation.Conversation`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voice_triage.content.model import Question
from voice_triage.dialog.belief import less_serious
from voice_triage.dialog.events import Event, Say, SlotValue
from voice_triage.triage.slots import UNKNOWN
from voice_triage.understanding.confirm_reply import ConfirmReply, Reply

if TYPE_CHECKING:
    from voice_triage.dialog.conversation import Conversation


class AskOptions:
    def _options_due(self: Conversation, q: Question, doubtful: dict[str, SlotValue]) -> bool:
        """The question's one slot has options, and the value heard for it is one the person ruled out, or
        the person has ruled out enough values of it that another check is likely to be wrong again."""
        if not q.options or len(q.slots) != 1 or q.slots[0] not in doubtful:
            return False
        slot = q.slots[0]
        beliefs = self.state.beliefs
        if not self._options_left(q):
            return False  # every value already ruled out by a yes/no: what is heard now is checked as usual
        return beliefs.was_rejected(slot, doubtful[slot]) \
            or beliefs.rejections(slot) >= self.limit("options_after_rejections")

    def _options_left(self: Conversation, q: Question) -> list[str]:
        """The question's values not yet ruled out, most serious first."""
        return [v for v in q.options if not self.state.beliefs.was_rejected(q.slots[0], v)]

    def _options_instead_of_reprompt(self: Conversation, q: Question) -> bool:
        """Spoken answers to the question have meant nothing ``options_after_unclear`` times: its values are
        asked one by one rather than the whole question again (a phrase the recognizer keeps garbling)."""
        pending = self.state.pending
        assert pending is not None
        return bool(q.options) and len(q.slots) == 1 and pending.kind == "question" \
            and pending.reprompts >= self.limit("options_after_unclear") \
            and bool(self._options_left(q))

    def _option_refused(self: Conversation, reply: ConfirmReply) -> bool:
        """A reply to a value asked as a yes/no question that rules it out: a no, or a no naming nothing more
        serious than the value asked ("no, not eight" heard for "no, that's not right"): the next value is
        asked. A more serious value named is an answer like any other."""
        pending = self.state.pending
        assert pending is not None and pending.options
        if reply.kind is Reply.NO:
            return True
        return reply.kind is Reply.NO_WITH_CORRECTION and not any(
            less_serious(s, pending.proposal[s], v) for s, v in reply.corrections.items() if s in pending.proposal)

    def _ask_option(self: Conversation, q: Question, confirmed: dict[str, SlotValue]) -> list[Event]:
        """The next value not ruled out, as a yes/no question; none left: not known."""
        slot = q.slots[0]
        left = self._options_left(q)
        if not left:
            return [Say(self.content.line("gave_up")), *self._apply("", {**confirmed, slot: UNKNOWN})[1:]]
        events = self._put("confirm", q, (slot,), q.options[left[0]], count=False, proposal={slot: left[0]},
                           confirmed=confirmed)
        assert self.state.pending is not None
        self.state.pending.options = True
        return events

    def _start_options(self: Conversation, q: Question, confirmed: dict[str, SlotValue]) -> list[Event]:
        return [Say(self.content.line("ask_options")), *self._ask_option(q, confirmed)]
