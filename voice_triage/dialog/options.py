"""Asking it another way: when a spoken answer is heard again as a value the person already said was wrong,
or the person has already said two values of it were wrong (``options_after_rejections`` in policy.yaml), or
two answers to a question meant nothing (``options_after_unclear``), its values are asked one at a time as
yes/no questions (``options`` in prompts/<lang>/questions.yaml, most serious first), skipping those the person
already refused when asked about alone. A yes or a no is heard far more reliably than a phrase, so a misheard answer stops costing a check and a
re-ask each time.

Each option is a check like any other (a yes takes it; doubt keeps the more serious reading); a no rules it
out and asks the next. A question about several slots ("dizzy, faint or any pain?") asks the values that matter
of each open slot in turn, and a no to every one of them means the value left unasked (no pain); when every
value of a slot has been ruled out it is not known, cautiously. A part of
:class:`~voice_triage.dialog.conversation.Conversation`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voice_triage.content.model import Question
from voice_triage.dialog.belief import less_serious, rules_out
from voice_triage.dialog.events import Event, Heard, Say, SlotValue
from voice_triage.dialog.planner import tier_so_far
from voice_triage.triage.slots import SLOTS, UNKNOWN
from voice_triage.understanding.confirm_reply import ConfirmReply, Reply

if TYPE_CHECKING:
    from voice_triage.dialog.conversation import Conversation


class AskOptions:
    def _options_due(self: Conversation, q: Question, doubtful: dict[str, SlotValue]) -> bool:
        """A slot of the question with values left to ask is heard as a value the person ruled out, or the
        person has ruled out enough values of it that another check is likely to be wrong again. Not while the
        answer also brings news about another question ("..., and actually I'm soaking a pad every hour now"):
        a walk asks only this question's values, so the answer is checked as heard."""
        if any(s not in q.slots for s in doubtful):
            return False
        beliefs = self.state.beliefs
        return any(self._options_left(q, s) and (beliefs.was_rejected(s, v)
                                                 or beliefs.rejections(s) >= self.limit("options_after_rejections"))
                   for s, v in doubtful.items())

    def _options_left(self: Conversation, q: Question, slot: str) -> list[str]:
        """The values of ``slot`` the question can ask one by one, not yet refused, most serious first. A value
        ruled out only by a no to a check of several (perhaps about another) is asked. (Every one already
        refused: what is heard now is checked as usual.)"""
        return [v for v in q.options_for(slot) if not self.state.beliefs.was_refused_alone(slot, v)]

    def _walk_slot(self: Conversation, q: Question, taken: dict[str, SlotValue]) -> str | None:
        """The question's first slot still open (not known, not in ``taken``) that has values to ask."""
        facts = {**self.state.facts, **taken}
        return next((s for s in q.slots if s not in facts and q.options_for(s)), None)

    def _options_instead_of_reprompt(self: Conversation, q: Question) -> bool:
        """Spoken answers to the question (or to "which of these?" after a bare yes) have meant nothing
        ``options_after_unclear`` times: its values are asked one by one rather than the whole question again (a
        phrase the recognizer keeps garbling)."""
        pending = self.state.pending
        assert pending is not None
        return pending.kind in ("question", "clarify") and pending.reprompts >= self.limit("options_after_unclear") \
            and self._can_walk(q, pending.slots)

    def _walk_instead_of_clarify(self: Conversation, q: Question, slots: tuple[str, ...]) -> bool:
        """A bare yes (or a yes with words that name nothing) again to "which of these?": the values of the
        question's open slots are asked one by one rather than "which?" a third time."""
        pending = self.state.pending
        assert pending is not None
        return pending.kind == "clarify" and self._can_walk(q, slots)

    def _can_walk(self: Conversation, q: Question, slots: tuple[str, ...]) -> bool:
        """Some of ``slots`` not yet known have values the question can still ask one by one."""
        return any(self._options_left(q, s) for s in slots if s not in self.state.facts)

    def _walk_after_unclear_check(self: Conversation) -> Question | None:
        """Spoken replies to a check of values that rule things out, or of a number, have been unclear
        ``options_after_unclear`` times ("yeah exactly" heard "yeah did not please", again and again; "no,
        nineteen" heard "no idea" at "age 80?"): the question whose values are asked one by one instead (the
        serious ones first; for a number, its side of the threshold), if they can be."""
        pending = self.state.pending
        assert pending is not None
        q = self._question(pending.question_id)
        if q is None or pending.kind != "confirm" or pending.options \
                or pending.reprompts < self.limit("options_after_unclear"):
            return None
        # only a check ruling things out (a serious reading in doubt is kept, cautiously, as it always is) or
        # of a number (asked by its side of the threshold; what was heard is still kept if that is in doubt
        # too), and of the question's own slots (a value volunteered for another is not dropped unasked)
        ruling_out = all(rules_out(s, v) or SLOTS[s].numeric for s, v in pending.proposal.items())
        return q if ruling_out and set(pending.proposal) <= set(q.slots) \
            and any(self._options_left(q, s) for s in pending.proposal) else None

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

    def _named_at_last_option(self: Conversation, reply: ConfirmReply) -> bool:
        """A no to the last value the walk can ask of a slot that names what it is instead ("no, once in a
        while" to "Does it keep happening?"): the value named is an answer like any other (checked as the
        policy says), rather than the slot not known."""
        pending = self.state.pending
        assert pending is not None
        q = self._question(pending.question_id)
        return reply.kind is Reply.NO_WITH_CORRECTION and q is not None and any(
            s in pending.proposal and not self._options_left(q, s) for s in reply.corrections)

    def _checked(self: Conversation, text: str, fills: dict[str, SlotValue]) -> list[Event]:
        """A yes to a check: taken; to a value asked as one of its question's options, the walk goes on."""
        pending = self.state.pending
        assert pending is not None
        q = self._question(pending.question_id)
        if pending.options and q is not None:
            return self._option_taken(q, text, fills)
        return self._apply(text, fills)

    def _option_taken(self: Conversation, q: Question, text: str, fills: dict[str, SlotValue]) -> list[Event]:
        """A value taken by a yes to it (or left by a no to every other): the question's next open slot with
        values to ask is asked the same way, unless it is an emergency already; else on as after any answer."""
        if self._walk_slot(q, fills) is None or tier_so_far({**self.state.facts, **fills}) == "emergency":
            return self._apply(text, fills)
        self._history.append(self._snapshot_for_undo())
        self.state.beliefs.take(fills, text)
        return _one_heard(text, fills, self._ask_option(q, {}))

    def _ask_option(self: Conversation, q: Question, confirmed: dict[str, SlotValue]) -> list[Event]:
        """The next value of the walked slot not ruled out, as a yes/no question. None left: the one value of
        the slot no option asks about, if only it is left (no pain), else not known."""
        slot = self._walk_slot(q, confirmed)
        if slot is None:
            return self._apply("", confirmed)
        left = self._options_left(q, slot)
        if not left:
            # a no to every value that matters, each asked about alone (here, or in a check of it alone): the
            # one value left (no pain), unless the person said no to it asked alone too ("No dizziness. Is that
            # right?" "No, I can't tell"); none or several left: not known, cautiously
            rest = [v for v in SLOTS[slot].values if v not in q.options_for(slot)
                    and not self.state.beliefs.was_refused_alone(slot, v)]
            if len(rest) == 1:
                return self._option_taken(q, "", {**confirmed, slot: rest[0]})
            return [Say(self.content.line("gave_up")), *self._option_taken(q, "", {**confirmed, slot: UNKNOWN})]
        events = self._put("confirm", q, (slot,), q.options_for(slot)[left[0]], count=False, proposal={slot: left[0]},
                           confirmed=confirmed)
        assert self.state.pending is not None
        self.state.pending.options = True
        return events

    def _start_options(self: Conversation, q: Question, confirmed: dict[str, SlotValue],
                       heard: dict[str, SlotValue] | None = None) -> list[Event]:
        """The walk begins. It has a bound of its own (each value is asked at most ``max_reprompts`` more times,
        and each answer rules one out or takes it), so the question's turns so far are set aside: they still
        count to the conversation's bound, but a walk through five slots does not run into the question's own
        and keep every value it was asking about (a no heard there was taken as a yes, cautiously)."""
        self._turns_set_aside += self.state.turns.pop(q.id, 0)
        self.state.beliefs.note_heard(heard or {})  # what they may have said counts until the walk settles it
        for slot, value in (heard or {}).items():
            # an emergency heard again is asked again, even if a no ruled it out before: an emergency reading
            # is never dropped unasked ("unbearable cramps" after two noes to checks of pain and dizziness)
            if tier_so_far({**self.state.facts, slot: value}) == "emergency":
                self.state.beliefs.unreject(slot, value)
        return [Say(self.content.line("ask_options")), *_one_heard("", {}, self._ask_option(q, confirmed))[1:]]

    def _next_option(self: Conversation, text: str, q: Question, confirmed: dict[str, SlotValue]) -> list[Event]:
        """After a no to a value: the next one. What a no to every value of a slot left (no pain) is heard with
        this answer."""
        return _one_heard(text, {}, self._ask_option(q, confirmed))


def _one_heard(text: str, fills: dict[str, SlotValue], events: list[Event]) -> list[Event]:
    """One Heard for the answer, holding ``fills`` and what the events after it took (a no to every value of
    a slot, the next slot's value left), then those events."""
    taken = {s: v for e in events if isinstance(e, Heard) for s, v in e.filled.items()}
    return [Heard(text, {**fills, **taken}), *(e for e in events if not isinstance(e, Heard))]
