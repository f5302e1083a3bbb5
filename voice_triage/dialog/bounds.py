"""Bounded turns: no question, and no conversation, goes on for ever. An answer that means nothing is asked
again a bounded number of times. When a question has had its turns it is
given up cautiously (the more serious of what was heard and "not known"); when the conversation has, the
result comes from what is known. A part of :class:`~voice_triage.dialog.conversation.Conversation`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voice_triage.dialog.belief import cautious, rank
from voice_triage.dialog.events import Ask, Event, Say
from voice_triage.triage.slots import UNKNOWN

if TYPE_CHECKING:
    from voice_triage.dialog.conversation import Conversation


class TurnBounds:
    def _too_many_turns(self: Conversation) -> bool:
        """Count this turn for the pending question; True once it has had too many (no endless loops)."""
        pending = self.state.pending
        assert pending is not None
        qid = pending.resume.question_id if pending.resume is not None else pending.question_id
        self.state.turns[qid] = self.state.turns.get(qid, 0) + 1
        return self.state.turns[qid] > self.limit("max_turns_per_question") or self._too_long()

    def _too_long(self: Conversation) -> bool:
        return self._turns_set_aside + sum(self.state.turns.values()) > self.limit("max_turns_total")

    def _plain_yes_to_confirmation(self: Conversation, text: str) -> bool:
        """A bare yes ("yep") to a pending confirmation, with the conversation not yet too long."""
        pending = self.state.pending
        if pending is None or pending.kind != "confirm" or self._too_long():
            return False
        reading = self.understander.read(text, asked=pending.slots, commands=False)
        return reading.affirmed is True and not reading.mixed and not reading.fills and not reading.ambiguous

    def _give_up_question(self: Conversation, last: str = "") -> list[Event]:
        """Stop asking this question: its open slots become unknown (or the more cautious reading being
        confirmed). ``last``: the answer that came too late; what it says counts where it is more serious."""
        pending = self.state.pending
        assert pending is not None
        if pending.resume is not None:
            self.state.pending = pending = pending.resume
        if pending.kind.startswith("privacy"):
            return self._set_privacy("discreet", "privacy_default")
        safe = cautious(pending, self.state.beliefs.heard)
        q = self._question(pending.question_id)
        if q is not None:
            for slot in q.slots:
                if slot not in self.state.facts:
                    safe.setdefault(slot, UNKNOWN)
            heard = self.understander.read(last, asked=q.slots, question=q) if last.strip() else None
            for slot, fill in (heard.fills.items() if heard is not None else ()):
                if slot in safe and rank(slot, fill.value) > rank(slot, safe[slot]):
                    safe[slot] = fill.value
        if self._too_long():  # stop asking: the rest counts as not known (cautious), the advice now
            self._history.append(self._snapshot_for_undo())
            self.state.beliefs.take(safe)
            return [Say(self.content.line("gave_up_conversation")), *self._finish(partial=True)]
        return [Say(self.content.line("gave_up")), *self._apply("", safe)[1:]]

    def _reprompt_or_give_up(self: Conversation, prefix: list[Event] | None = None,
                             spoken: bool = False) -> list[Event]:
        """An answer that meant nothing: the question again in other words, its values one by one when
        spoken answers keep meaning nothing, or, after ``max_reprompts``, not known."""
        pending = self.state.pending
        assert pending is not None
        q = self._question(pending.question_id)
        assert q is not None
        pending.reprompts += 1
        if spoken and self._options_instead_of_reprompt(q):  # answers that keep meaning nothing
            return [*(prefix or []), *self._start_options(q, {})]
        if pending.reprompts > self.limit("max_reprompts"):
            self.state.beliefs.take_missing({s: UNKNOWN for s in pending.slots})
            return [*(prefix or []), Say(self.content.line("gave_up")), *self._advance()]
        words = self._words_for(q, pending.slots, q.reprompt)
        text = words if pending.reprompts == 1 else f"{self.content.line('reprompt_last')} {words}"
        ask = Ask(text, pending.slots, pending.ask.question_id, pending.ask.open, pending.ask.confirm, pending.reprompts)
        pending.ask = ask
        return [*(prefix or []), ask]
