"""How far to trust a heard value: take it, take it and say it back, or confirm it first, as the policy table
(prompts/<lang>/policy.yaml) says; news about a slot answered before counts only when more serious; a
correction of a value just said back. A part of :class:`~voice_triage.dialog.conversation.Conversation`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from voice_triage.content.model import Question
from voice_triage.content.normalize import tokens
from voice_triage.dialog.belief import cautious, less_serious, most_serious, rank, refuted, rules_out
from voice_triage.dialog.events import Ask, Event, Heard, Say, SlotValue
from voice_triage.dialog.planner import next_question, tier_so_far
from voice_triage.dialog.policy import Case
from voice_triage.triage.advice import describe_fact
from voice_triage.triage.slots import SLOTS, UNKNOWN
from voice_triage.triage.tiers import RANK
from voice_triage.understanding import Reading
from voice_triage.understanding.confirm_reply import ConfirmReply, Reply, classify
from voice_triage.understanding.evidence import SPOKEN, Evidence
from voice_triage.understanding.reading import Fill

if TYPE_CHECKING:
    from voice_triage.dialog.conversation import Conversation
    from voice_triage.dialog.state import Pending

EMERGENCY_SLOTS = tuple(s for s, spec in SLOTS.items() if "emergency" in spec.triggers.values())



def _news(slot: str, value: SlotValue, known: SlotValue) -> bool:
    """A value said for an answered slot counts when it is more serious than the answer, or than "not known"
    as serious ("I do have mild cramps" after "not sure" about pain: a fact for a doubt, the tier unchanged)."""
    if value == UNKNOWN:
        return False
    return rank(slot, value) >= rank(slot, known) if known == UNKNOWN else rank(slot, value) > rank(slot, known)

class Trust:
    def _correction(self: Conversation, ev: Evidence, implied: dict[str, SlotValue]) -> Evidence | None:
        """The answer read as a correction of the values just said back, if it names another value for one."""
        other = self.understander.read(ev.text, asked=tuple(implied))
        fills = {s: f for s, f in other.fills.items() if s in implied and f.value != implied[s]
                 and not self.understander.needs_confirmation(f)}
        return Evidence(ev.text, Reading(ev.text, fills=fills), ev.channel, ev.confidence, "single", ev.heard) \
            if fills else None

    def _not_corrected(self: Conversation, corrected: Evidence | None, implied: dict[str, SlotValue]) -> dict[str, SlotValue]:
        """A "no, ..." that corrects part of what was said back is a no to what was said back, and people name
        the first mistake they notice ("An odd discharge and painful sex, thanks." "No, no odd discharge"):
        the values it does not name, where their hearing can still change the tier, are in doubt."""
        if corrected is None or corrected.channel != SPOKEN:
            return {}
        fixed = {**self.state.facts, **{s: f.value for s, f in corrected.reading.fills.items()}}
        return {s: v for s, v in implied.items() if s not in corrected.reading.fills and not self._settled(s, fixed)}

    def _said_back_rejected(self: Conversation, implied: dict[str, SlotValue]) -> list[Event]:
        """"No, that's not right" after a value was said back: that value is ruled out and its question is
        asked again (the question just asked comes again after it)."""
        self.state.beliefs.reject(refuted(implied))
        self.state.beliefs.reopen(implied)
        q = self._question_of(implied)
        return [Say(self.content.line("confirm_rejected")), *self._put_again(q)]

    def _question_of(self: Conversation, values: dict[str, SlotValue]) -> Question:
        """The question that asks about ``values`` (values said back come from one answer, to one question)."""
        return next(x for x in self.content.questions if set(values) & set(x.slots))

    def _said_back_checked(self: Conversation, implied: dict[str, SlotValue]) -> list[Event]:
        """A no with words that could not be placed, after a value was said back: that value is checked ("I
        understood: age 39. Is that right?"). A yes keeps it and the question just asked comes again; a no
        asks its question again."""
        self.state.beliefs.reopen(implied)
        self.state.beliefs.propose(implied, "")
        q = self._question_of(implied)
        return self._put("confirm", q, tuple(implied), self.content.line("confirm", reading=self._said(implied, q=q)),
                         count=False, proposal=implied)

    def _still_in_doubt(self: Conversation, ev: Evidence, implied: dict[str, SlotValue], q: Question) -> dict[str, SlotValue]:
        """Values just said back that a spoken answer puts in doubt: they are checked again with the answer, in
        one check. A bare "no" may be the question's no, or a no to what was said back ("no, I'm soaking" heard
        "nope"): values that ruled out an emergency are in doubt. An answer opening with a no whose rest says
        something the question's no does not mean ("no and it happened in the past" at "Has this happened
        before?") is a no to what was said back, its correction unheard: those whose hearing can still change
        the tier are in doubt (not when the answers so far already call for all they could). Not when
        that something is an emergency: "no, I don't feel faint" heard "no ... feel faint" is the question's
        no with its "not" dropped (the readings are checked on their own)."""
        reading = ev.reading
        if ev.channel != SPOKEN or not implied:
            return {}
        if reading.affirmed is False and self.understander.bare_yesno(ev.text):
            return {s: v for s, v in implied.items() if s in EMERGENCY_SLOTS and rules_out(s, v)}
        not_its_no = [rank(s, f.value) for s, f in reading.fills.items() if s in q.no and f.value != q.no[s]]
        if reading.leading is False and not_its_no and max(not_its_no) < RANK["emergency"]:
            return {s: v for s, v in implied.items() if not self._settled(s)}  # where a mishearing could matter
        return {}

    def _goes_on(self: Conversation, q: Question, facts: dict[str, SlotValue]) -> bool:
        """Another question follows once ``facts`` are taken (so a said-back value can still be corrected)."""
        if tier_so_far(facts) == "emergency":
            return False
        return any(s not in facts for s in q.slots) or next_question(self.content, facts) is not None

    def _judge(self: Conversation, ev: Evidence) -> tuple[dict[str, SlotValue], dict[str, SlotValue], dict[str, SlotValue]]:
        """The values to take at once, those to confirm first, and those taken and said back, as the policy
        says. A value for a slot answered before (news) counts only when more serious than the answer."""
        certain: dict[str, SlotValue] = {}
        doubtful: dict[str, SlotValue] = {}
        said_back: dict[str, SlotValue] = {}
        facts = self.state.facts

        def put(slot: str, value: SlotValue, agreement: str, loose: bool, unsure: bool, bare: bool = False) -> None:
            action = self._decide(slot, value, ev.channel, agreement, loose, unsure, bare)
            (doubtful if action == "confirm" else certain)[slot] = value
            if action == "implicit":
                said_back[slot] = value
        implied = self.state.pending.ask.implied if self.state.pending is not None else None
        # a bare yes or no: the value is the question's meaning of it
        bare = ev.reading.affirmed is not None and self.state.pending is not None
        for slot, fill in ev.reading.fills.items():
            if slot in facts and not fill.asked and not _news(slot, fill.value, facts[slot]):
                if implied and slot in implied and fill.value not in (UNKNOWN, implied[slot]):
                    # another value for one just said back, at the turn that can correct it ("no funny smell"
                    # after "An odd discharge, thanks."), without "no, ..." before it: two hearings that differ
                    put(slot, fill.value, "disagree", False, False)
                continue  # lowering an answered slot needs an explicit correction
            alt = ev.other.fills.get(slot) if ev.agreement == "disagree" and ev.other is not None else None
            if (alt is not None and rank(slot, alt.value) == RANK["emergency"] > rank(slot, fill.value)
                    and alt.value in ev.reading.denied.get(slot, ())):
                # an emergency that this reading heard with a "not" and the other reading of the same audio
                # heard plainly ("it won't off it soaking through a little" beside "it won't stop"): a "not" is
                # the word most often misheard, so the emergency is what is checked
                put(slot, alt.value, "disagree", False, False)
                continue
            carrying = self.understander.carrying_words(fill, ev.reading)
            unsure = fill.value != UNKNOWN and ev.confidence_of(carrying, tokens) < self.limit("low_confidence")
            before = self.state.beliefs.contested(slot, fill.value)
            if before is not None and not self._settled(slot):
                # heard as more serious before, never ruled out: two hearings that disagree (the more serious is
                # asked; where no hearing can change the tier, the latest answer stands)
                put(slot, before, "disagree", False, False)
                continue
            # a yes, then that this is not so ("yes, I'm on anticoagulants" heard "yes not anticoagulants"):
            # the words give two values
            agreement = "disagree" if slot in ev.reading.contradicted else ev.agreement
            put(slot, fill.value, agreement if fill.value != UNKNOWN else "single",
                self.understander.needs_confirmation(fill), unsure,
                bare and not fill.phrase and fill.value != UNKNOWN and not SLOTS[slot].numeric)
        for slot, values in ev.reading.ambiguous.items():  # two readings of one slot: the more serious
            put(slot, max(values, key=lambda v: rank(slot, v)), "disagree", False, False)  # (of equals, the first)
        return certain, doubtful, said_back

    def _decide(self: Conversation, slot: str, value: SlotValue, channel: str, agreement: str, loose: bool,
                unsure: bool, bare: bool = False) -> str:
        """What the policy does with ``value``: accept, implicit (take it and say it back) or confirm."""
        serious = rank(slot, value)
        case = Case(channel, "number" if SLOTS[slot].numeric else "emergency" if slot in EMERGENCY_SLOTS else "other",
                    "emergency" if serious == RANK["emergency"] else "none" if serious < 0 else
                    "unknown" if value == UNKNOWN else "raises", agreement, loose, unsure,
                    self.state.beliefs.was_rejected(slot, value), self._settled(slot),
                    self.state.pending is not None and self.state.pending.kind == "clarify", bare,
                    self.state.pending is not None and bool(self.state.pending.ask.open))
        return self.policy.decide(case).action

    def _settled(self: Conversation, slot: str, facts: dict[str, SlotValue] | None = None) -> bool:
        """The other answers (``facts``, by default those taken) already call for at least anything ``slot``
        could: no hearing of it changes the tier."""
        others = {s: v for s, v in (self.state.facts if facts is None else facts).items() if s != slot}
        return RANK[tier_so_far(others)] >= most_serious(slot)

    def _said(self: Conversation, values: dict[str, SlotValue], reading: Reading | None = None,
              q: Question | None = None) -> str:
        """Readings in a few words, in the person's own words where they said the value on its own; "none of
        these" for a no to every one of three or more things just asked."""
        pending = self.state.pending
        asked = q.slots if q is not None else pending.slots if pending is not None else ()
        q = q or (self._question(pending.question_id) if pending is not None else None)
        if q is not None and len(values) > 2 and set(values) == set(asked) \
                and all(q.no.get(s) == v for s, v in values.items()):
            return self.content.line("none_of_these")
        fills = reading.fills if reading is not None else {}
        return self.content.join([describe_fact(s, v, self.content, refused=s in self._refused,
                                                words=fills[s].words if s in fills and fills[s].value == v else "")
                                  for s, v in values.items()])

    def _say_back(self: Conversation, events: list[Event], said_back: dict[str, SlotValue], text: str,
                  reading: Reading | None) -> list[Event]:
        """"Light spotting, thanks." before the next question, which carries the values so that a correction
        is honoured; where no question follows, before the result."""
        said = self._said(said_back, reading)
        line = Say(self.content.line("implicit_confirm", reading=said[:1].upper() + said[1:]))
        if isinstance(events[-1], Ask) and self.state.pending is not None:
            self.state.beliefs.take(said_back, text, status="implicit")
            self.state.pending.ask = replace(events[-1], implied=dict(said_back))
            return [*events[:-1], line, self.state.pending.ask]
        return [events[0], line, *events[1:]]

    # -- replies to a check -------------------------------------------------------------------------------
    def _classify_reply(self: Conversation, ev: Evidence, reading: Reading) -> ConfirmReply:
        """What a reply (``reading``, of ``ev``) says about the values being checked."""
        pending = self.state.pending
        assert pending is not None
        return classify(ev.text, reading, pending.proposal, channel=ev.channel,
                        read=lambda t: self.understander.read(t, asked=pending.slots),
                        weak=self.understander.needs_confirmation,
                        misheard_yes=ev.channel == SPOKEN and self.understander.misheard_yes(ev.heard),
                        other=ev.other,
                        yes_then_none=self.understander.yes_then_none(ev.heard),
                        only_none=self.understander.only_none(ev.heard),
                        emergency=tier_so_far({**self.state.facts, **pending.proposal}) == "emergency",
                        unsure=ev.confidence < self.limit("low_confidence"), lower=less_serious,
                        fallback=ev.agreement == "fallback")

    def _left_after_refusals(self: Conversation, proposal: dict[str, SlotValue]) -> dict[str, SlotValue]:
        """A value checked alone that the person has now refused ``rest_after_refusals`` times, where they have
        refused alone every other value of its slot but one: that one, to take and say back ("No pain,
        thanks."), rather than asking again for a hearing they keep refusing. Not where the refused value or
        the one left is an emergency (an emergency is neither dropped nor inferred from noes)."""
        if len(proposal) != 1:
            return {}
        beliefs = self.state.beliefs
        (slot, value), = proposal.items()
        left = [v for v in SLOTS[slot].values if not beliefs.was_refused_alone(slot, v)]
        if beliefs.refusals_alone(slot, value) < self.limit("rest_after_refusals") or len(left) != 1 \
                or RANK["emergency"] in (rank(slot, value), rank(slot, left[0])):
            return {}
        return {slot: left[0]}

    def _refute(self: Conversation, pending: Pending, reply: ConfirmReply) -> None:
        """A no to a check: what it rules out is rejected; a value taken before that it disputes (a correction,
        or a value checked again) is asked again, and so is every taken value in a check of an answer that
        opened with a no (the no may be about any of them). News heard beside another answer (more serious
        than the answer taken, with no "no" before it: "lightheaded" heard at the pain question after "no
        dizziness" was confirmed) disputes nothing the person said: ruled out, it leaves that answer as it was."""
        facts = self.state.facts
        news = {s for s, v in pending.proposal.items()
                if not pending.disputes and s in facts and rank(s, v) > rank(s, facts[s])}
        ruled_out = self.state.beliefs.said_no({s: v for s, v in pending.proposal.items() if reply.corrections.get(s) != v},
                                               named=[s for s in reply.corrections if s in pending.proposal],
                                               contested=reply.contested, alone=len(pending.proposal) == 1)
        kept = news & set(ruled_out)  # news the no ruled out (not news a no about another value left possible)
        self.state.beliefs.reopen(s for s, v in pending.proposal.items()
                                  if s not in kept and (s in ruled_out or facts.get(s, v) != v
                                                        or (pending.disputes and s in facts)))

    def _news_in_reply(self: Conversation, reading: Reading, pending: Pending) -> dict[str, Fill]:
        """The fills of a reply to a check that call for more than what is known or being checked of their slot
        (or, for a slot not answered yet, more than not knowing it): news, at any question."""
        known = {**self.state.facts, **pending.confirmed, **pending.proposal}
        # two values heard for one slot ("no, just a few drops, and actually I'm soaking now"): the more serious
        heard = {s: Fill(s, max(vs, key=lambda v: rank(s, v)), 100.0, "", True) for s, vs in reading.ambiguous.items()}
        return {s: f for s, f in {**heard, **reading.fills}.items()
                if f.value != UNKNOWN and rank(s, f.value) > rank(s, known.get(s, UNKNOWN))}

    def _reply_with_news(self: Conversation, ev: Evidence, news: dict[str, Fill]) -> list[Event]:
        """A reply to a check that also brings news ("yes, and actually I feel faint now"): the check is settled
        by what the rest of the reply says, then the news (and a correction in the rest) is heard as an answer
        to the checked question, trusted as the policy says. A walk through the question's values ends there."""
        pending = self.state.pending
        q = self._question(pending.question_id) if pending is not None else None
        assert pending is not None and q is not None
        fills = {s: f for s, f in ev.reading.fills.items() if s not in news}
        # without its news, a reply that opens with a yes or no and says nothing else is that yes or no
        bare = ev.reading.leading if ev.reading.affirmed is None and not fills else ev.reading.affirmed
        rest = replace(ev.reading, fills=fills, affirmed=bare,
                       ambiguous={s: vs for s, vs in ev.reading.ambiguous.items() if s not in news})
        reply = self._classify_reply(ev, rest)
        settled = dict(pending.confirmed)
        corrected: dict[str, Fill] = {}
        if reply.kind is Reply.YES:
            settled.update(pending.proposal)
        elif reply.kind in (Reply.NO, Reply.NO_WITH_CORRECTION):
            self._refute(pending, reply)
            said = reply.reading.fills if reply.reading is not None else {}
            corrected = {s: said[s] for s in reply.corrections if s in said}
        elif self.policy.on_reply(ev.channel, reply.kind.value) == "keep_serious":
            settled.update(cautious(pending, self.state.beliefs.heard))
        else:  # doubt: what the values checked called for is kept, and checked again with the news
            self.state.beliefs.propose(pending.proposal, ev.text)
            corrected = {s: Fill(s, v, 100.0, "", True) for s, v in pending.proposal.items() if not rules_out(s, v)}
        settled = {s: v for s, v in settled.items() if s not in news and s not in corrected}
        if settled:
            self._history.append(self._snapshot_for_undo())
            self.state.beliefs.take(settled, ev.text)
        self._put_again(q)
        two = {s: ev.reading.ambiguous[s] for s in news if s in ev.reading.ambiguous}  # still two hearings: checked
        heard = Reading(ev.text, fills={**corrected, **{s: f for s, f in news.items() if s not in two}}, ambiguous=two)
        events = self._answer(replace(ev, reading=heard))
        if settled and events and isinstance(events[0], Heard):  # one Heard for the reply, holding all it took
            return [replace(events[0], filled={**settled, **events[0].filled}), *events[1:]]
        return [Heard(ev.text, settled), *events] if settled else events
