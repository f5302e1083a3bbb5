"""The conversation as a state machine. Text in, events out; no I/O, so every front-end shares it."""

from __future__ import annotations

from collections.abc import Sequence

from voice_triage.content.model import Content, Question
from voice_triage.dialog.events import (
    Ask, End, Event, Heard, PrivacyChoice, Reason, Result, Say, SettingChanged, SlotValue,
)
from voice_triage.dialog.outcome import partial_result
from voice_triage.dialog.planner import next_question, tier_so_far
from voice_triage.dialog.state import SETTING_LIMIT, Pending, Settings, State
from voice_triage.triage.advice import compose, describe_fact
from voice_triage.triage.slots import SLOTS, UNKNOWN
from voice_triage.triage.tiers import RANK
from voice_triage.understanding import Reading, Understander
from voice_triage.understanding.choice import choose

MAX_REPROMPTS = 2  # after two re-prompts the slot becomes unknown
# however the turns go (help, repeat, confirmations), then the slots become unknown; spoken answers about an
# emergency slot, and every one that raises the tier, are confirmed, so 11 leaves room for five tries
# (measured: with 9, the acute question of a clean conversation gave pain up as not known on its 10th turn,
# with "no pain" confirmed on the 11th; on 96 clean conversations 93 -> 94 right, at 10 dB 28 -> 30 of 32)
MAX_TURNS_PER_QUESTION = 11
# answers heard in one conversation (restarts included); then the result from what is known (the rest
# unknown). Measured on 32 clean spoken conversations: up to 32 answers with every emergency slot confirmed
MAX_TURNS_TOTAL = 36
_CONFIRMED_COMMANDS = {"stop": "confirm_stop", "restart": "confirm_restart"}
_EMERGENCY_SLOTS = tuple(s for s, spec in SLOTS.items() if "emergency" in spec.triggers.values())
LOW_CONFIDENCE = 0.6  # recognizer confidence below this: confirm before a fill counts
AGREED_CONFIDENCE = 0.8  # both readings of the audio (sentence model, grammar) mean the same
FALLBACK_CONFIDENCE = 0.5  # an alternative reading of the audio (Conversation.hear) is always confirmed

_SETTING_COMMANDS = {"slower": ("rate", -1), "faster": ("rate", 1), "louder": ("volume", 1), "quieter": ("volume", -1)}


class Conversation:
    """One triage conversation. ``start()``, then ``hear(text)`` or ``silence()`` after each Ask."""

    def __init__(self, content: Content, *, understander: Understander | None = None,
                 settings: Settings | None = None, privacy_check: bool = False, privacy_mode: str | None = None):
        """``privacy_check``: ask first whether the person is somewhere private (voice and kiosk front-ends).
        ``privacy_mode``: a choice already made this session ("private", "text", "quieter", "discreet")."""
        self.content = content
        self.understander = understander or Understander(content)
        self.settings = settings or Settings()
        self.privacy_check = privacy_check
        self.privacy_mode = privacy_mode
        self.state = State()
        self._history: list[State] = []
        self._turns_before_restart = 0  # a restart starts the facts afresh, not the bound on its length
        self.result: Result | None = None
        self.end_reason: str | None = None

    # -- public -----------------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.state.finished

    @property
    def pending(self) -> Ask | None:
        return self.state.pending.ask if self.state.pending else None

    @property
    def discreet(self) -> bool:
        return self.privacy_mode == "discreet"

    def start(self) -> list[Event]:
        if self.privacy_check and self.privacy_mode is None:
            return [Say(self.content.line("welcome")), *self._ask_privacy("privacy", "privacy_check")]
        return [Say(self.content.line("welcome")), *self._advance()]

    def hear(self, text: str, confidence: float = 1.0, *, spoken: bool = False,
             alternatives: Sequence[tuple[str, float]] = ()) -> list[Event]:
        """An answer to the pending question. ``confidence``: the recognizer's 0..1 (1.0 for typed text).

        ``spoken``: the text came from a recognizer, so "stop" and "start over" are confirmed before they
        end or wipe the conversation (a misheard command must not).
        ``alternatives``: other readings of the same audio, best first, as (text, confidence); the first
        that means something is taken when ``text`` means nothing.
        """
        if self.finished or self.state.pending is None:
            return []
        if not isinstance(text, str) or not text.strip():
            return self.silence()
        if self._too_many_turns():
            if self._plain_yes_to_confirmation(text):
                # the question's last turn settled it: a clear yes to "Is that right?" is not a loop
                # (measured: "no pain, right?" - "yep", on the acute question's tenth turn, was dropped
                # and pain counted as not known)
                pending = self.state.pending
                return self._apply(text, {**pending.confirmed, **pending.proposal})
            return [Heard(text, {}), *self._give_up_question(text)]
        if self.state.pending.kind == "confirm_command":
            return [Heard(text, {}), *self._command_confirmation(text)]
        confirming = self.state.pending.kind == "confirm"  # a bare "no" to a confirmation is not a "no" answer
        if confirming and spoken and self.understander.misheard_yes(text):
            # "not right" alone: measured, more often "that's right" misheard than a no (the recognizer
            # hears "that's" as "not", and the grammar then "not really"); taken as a no, it re-asked the
            # whole question
            return [Heard(text, {}), *self._confirm_failed()]
        question = None if confirming else self._question(self.state.pending.question_id)
        reading = self.understander.read(text, asked=self.state.pending.slots, question=question)
        if confirming and reading.command == "back":
            # "that's wrong" to "Is that right?" is a no, not "go back" ("that was wrong")
            words = self.understander.read(text, asked=self.state.pending.slots, commands=False)
            reading = words if words.affirmed is False else reading
        text, reading, confidence, sure = self._weigh(text, reading, confidence, alternatives, question)
        privacy_turn = self.state.pending.kind.startswith("privacy")
        if reading.command and not (privacy_turn and reading.command in _SETTING_COMMANDS):
            if spoken and reading.command in _CONFIRMED_COMMANDS:
                return [Heard(text, {}, reading.command), *self._ask_command_confirmation(reading.command)]
            return [Heard(text, {}, reading.command), *self._command(reading.command)]
        if privacy_turn:  # "quieter" here is the privacy choice, not the volume command
            return [Heard(text, {}), *self._privacy_answer(text, reading)]
        if self.state.pending.kind == "confirm":
            return self._confirm_answer(text, reading, spoken, confidence)
        return self._answer(text, reading, confidence, spoken, sure)

    def _weigh(self, text: str, reading: Reading, confidence: float, alternatives: Sequence[tuple[str, float]],
               question: Question | None) -> tuple[str, Reading, float, bool]:
        """The reading to go by, given the other readings of the same audio, and whether it is ``sure``
        (False: it is confirmed whatever it says, see _split)."""
        def read(alt: object) -> Reading | None:
            return self.understander.read(alt, asked=self.state.pending.slots, question=question) \
                if isinstance(alt, str) and alt.strip() else None

        if reading.fills and alternatives:
            # two readings of the same audio that mean the same: more trustworthy than either one's
            # own score (measured: 90% right when the sentence model and the grammar agreed); when they
            # differ on a slot, that reading is confirmed
            first = alternatives[0][0]
            other = read(first)
            if other is not None and _values(other) == _values(reading):
                return text, reading, max(confidence, AGREED_CONFIDENCE), True
            if other is not None and _only_unknown(reading) and other.understood and not _only_unknown(other):
                # a "not sure" that the other reading contradicts is no evidence of it (measured: "nothing
                # like that, no" heard by the sentence model as "nothing like not know"): take the other,
                # confirmed first
                return first, other, min(confidence, FALLBACK_CONFIDENCE), False
            disputed = other is not None and any(s in other.fills and other.fills[s].value != f.value
                                                 for s, f in reading.fills.items())
            return text, reading, confidence, not disputed
        for alt_text, alt_conf in alternatives if not reading.understood else ():
            alt = read(alt_text)
            # a fallback reading that says only "not sure" is no evidence of it: ask again instead
            # (measured: garbled "no, I'm fine on all of those" fell back on the grammar's "no idea");
            # what it says is confirmed first (the sentence itself did not support it)
            if alt is not None and alt.understood and not _only_unknown(alt):
                return str(alt_text), alt, min(float(alt_conf), FALLBACK_CONFIDENCE), False
        return text, reading, confidence, True

    def silence(self) -> list[Event]:
        """No answer came (timeout, or an empty line)."""
        pending = self.state.pending
        if self.finished or pending is None:
            return []
        if self._too_many_turns():
            return [Heard("", {}), *self._give_up_question()]
        if pending.kind == "confirm_command":
            return [Heard("", {}), *self._command_confirmation("")]
        if pending.kind == "confirm":
            return [Heard("", {}), *self._confirm_failed()]
        if pending.kind.startswith("privacy"):
            return [Say(self.content.line("no_input")), *self._privacy_answer("", None)]
        return [Say(self.content.line("no_input")), *self._reprompt_or_give_up()]

    def stop(self, reason: str) -> list[Event]:
        """End now (stop command, end of input): the safety net is always said before leaving."""
        if self.finished:
            return []
        so_far = partial_result(self.content, self._facts_so_far(), self.state.questions, self.discreet)
        self.state.finished = True
        self.end_reason = reason
        safety = self.content.advice.safety_net_discreet if self.discreet else self.content.advice.safety_net
        return [*so_far, Say(safety, "safety_net"), Say(self.content.line("goodbye"), "goodbye"), End(reason)]

    def _facts_so_far(self) -> dict[str, SlotValue]:
        """The facts, and what a pending confirmation proposes where it is more serious (the person said it)."""
        facts = dict(self.state.facts)
        pending = self.state.pending
        pending = pending.resume if pending is not None and pending.resume is not None else pending
        if pending is not None and pending.kind == "confirm":
            facts.update({s: v for s, v in pending.confirmed.items() if s not in facts})
            for slot, value in pending.proposal.items():
                if slot not in facts or _rank(slot, value) > _rank(slot, facts[slot]):
                    facts[slot] = value
        return facts

    # -- asking -----------------------------------------------------------------------------------
    def _question(self, qid: str) -> Question | None:
        try:
            return self.content.question(qid)
        except KeyError:
            return None

    def _items(self, q: Question, slots: tuple[str, ...]) -> str:
        return self.content.join([q.items.get(s, s.replace("_", " ")) for s in slots], "last_or")

    def _put(self, kind: str, q: Question, slots: tuple[str, ...], text: str, *, count: bool,
             proposal: dict[str, SlotValue] | None = None, confirmed: dict[str, SlotValue] | None = None) -> list[Event]:
        ask = Ask(text=text, slots=slots, question_id=q.id if kind != "confirm" else "confirm", open=q.open and kind == "question",
                  confirm=dict(proposal) if proposal else None)
        if count:
            self.state.questions += 1
        self.state.pending = Pending(kind, q.id, slots, ask, 0, dict(proposal or {}), dict(confirmed or {}))
        self.state.asked.update(slots)
        return [ask]

    def _advance(self) -> list[Event]:
        """Ask the next question, or give the result."""
        nxt = next_question(self.content, self.state.facts)
        if nxt is None:
            return self._finish()
        q, open_slots = nxt
        if open_slots == q.slots:
            text = q.discreet if self.discreet and q.discreet else q.text
        else:  # part of a grouped question was answered already
            text = self.content.line("and_also", items=self._items(q, open_slots)) if q.items else q.text
        return self._put("question", q, open_slots, text, count=True)

    def _reask(self, prefix: list[Event] | None = None, short: bool = False) -> list[Event]:
        pending = self.state.pending
        assert pending is not None
        ask = pending.ask
        q = self._question(pending.question_id)
        if short and q is not None and pending.kind == "question" and ask.text == q.text:
            ask = Ask(q.short, ask.slots, ask.question_id, ask.open, ask.confirm, ask.reprompt)
        return [*(prefix or []), ask]

    def _reprompt_or_give_up(self, prefix: list[Event] | None = None) -> list[Event]:
        pending = self.state.pending
        assert pending is not None
        q = self._question(pending.question_id)
        assert q is not None
        pending.reprompts += 1
        if pending.reprompts > MAX_REPROMPTS:
            for s in pending.slots:
                self.state.facts.setdefault(s, UNKNOWN)
            return [*(prefix or []), Say(self.content.line("gave_up")), *self._advance()]
        text = q.reprompt if pending.reprompts == 1 else f"{self.content.line('reprompt_last')} {q.reprompt}"
        ask = Ask(text, pending.slots, pending.ask.question_id, pending.ask.open, pending.ask.confirm, pending.reprompts)
        pending.ask = ask
        return [*(prefix or []), ask]

    # -- bounded turns, confirmed commands ---------------------------------------------------------
    def _too_many_turns(self) -> bool:
        """Count this turn for the pending question; True once it has had too many (no endless loops)."""
        pending = self.state.pending
        assert pending is not None
        qid = pending.resume.question_id if pending.resume is not None else pending.question_id
        self.state.turns[qid] = self.state.turns.get(qid, 0) + 1
        return self.state.turns[qid] > MAX_TURNS_PER_QUESTION or self._too_long()

    def _too_long(self) -> bool:
        """The whole conversation has had too many turns (measured: in loud noise some went past 40)."""
        return self._turns_before_restart + sum(self.state.turns.values()) > MAX_TURNS_TOTAL

    def _plain_yes_to_confirmation(self, text: str) -> bool:
        """A bare yes ("yep", "yes you got it") to a pending confirmation, with the conversation not yet
        too long."""
        pending = self.state.pending
        if pending is None or pending.kind != "confirm" or self._too_long():
            return False
        reading = self.understander.read(text, asked=pending.slots, commands=False)
        return reading.affirmed is True and not reading.mixed and not reading.fills and not reading.ambiguous

    def _give_up_question(self, last: str = "") -> list[Event]:
        """Stop asking this question: its open slots become unknown (or the more cautious reading being
        confirmed). ``last``: the answer that came too late; what it says counts where it is more serious
        (measured at 10 dB: "no, I've soaked through a pad", the 10th answer to the amount question, was
        dropped and "heavy", being confirmed, was kept)."""
        pending = self.state.pending
        assert pending is not None
        if pending.resume is not None:
            self.state.pending = pending = pending.resume
        if pending.kind.startswith("privacy"):
            return self._set_privacy("discreet", "privacy_default")
        safe = _cautious(pending)
        q = self._question(pending.question_id)
        if q is not None:
            for slot in q.slots:
                if slot not in self.state.facts:
                    safe.setdefault(slot, UNKNOWN)
            heard = self.understander.read(last, asked=q.slots, question=q) if last.strip() else None
            for slot, fill in (heard.fills.items() if heard is not None else ()):
                if slot in safe and _rank(slot, fill.value) > _rank(slot, safe[slot]):
                    safe[slot] = fill.value
        if self._too_long():  # stop asking: the rest counts as not known (cautious), the advice now
            self._history.append(self._snapshot_for_undo())
            self.state.facts.update(safe)
            return [Say(self.content.line("gave_up_conversation")), *self._finish(partial=True)]
        return [Say(self.content.line("gave_up")), *self._apply("", safe)[1:]]

    def _ask_command_confirmation(self, name: str) -> list[Event]:
        previous = self.state.pending
        assert previous is not None
        ask = Ask(self.content.line(_CONFIRMED_COMMANDS[name]), (), "confirm_command", confirm={"command": name})
        self.state.pending = Pending("confirm_command", previous.question_id, (), ask, resume=previous)
        return [ask]

    def _command_confirmation(self, text: str) -> list[Event]:
        pending = self.state.pending
        assert pending is not None and pending.resume is not None and pending.ask.confirm
        name = str(pending.ask.confirm["command"])
        reading = self.understander.read(text) if text else None
        if reading is not None and reading.mixed and pending.reprompts < MAX_REPROMPTS:
            pending.reprompts += 1  # "no that's right": a yes and a no, so neither is taken
            return [Say(self.content.line("confirm_again")), pending.ask]
        if reading is not None and not reading.mixed and (reading.affirmed is True or reading.command == name):
            self.state.pending = pending.resume
            return self._command(name)
        self.state.pending = pending.resume
        return self._reask([Say(self.content.line("carry_on"))])

    # -- the private-place check ------------------------------------------------------------------
    def _ask_privacy(self, kind: str, line: str) -> list[Event]:
        ask = Ask(self.content.line(line), (), kind)
        self.state.pending = Pending(kind, kind, (), ask)
        return [ask]

    def _privacy_answer(self, text: str, reading: Reading | None) -> list[Event]:
        pending = self.state.pending
        assert pending is not None
        choices = self.content.lines["privacy_choices"]
        assert isinstance(choices, dict)
        picked = choose(text, choices) if text else None
        if pending.kind == "privacy" and picked is None and reading is not None and reading.affirmed is not None:
            picked = "private" if reading.affirmed else "not_private"
        if picked == "not_private":
            if pending.kind == "privacy":
                return self._ask_privacy("privacy_options", "privacy_options")
            picked = None
        if picked is None:
            pending.reprompts += 1
            if pending.reprompts > MAX_REPROMPTS:
                # no clear answer: the cautious choice is discreet wording
                return self._set_privacy("discreet", "privacy_default")
            key = "privacy_check_reprompt" if pending.kind == "privacy" else "privacy_options_reprompt"
            pending.ask = Ask(self.content.line(key), (), pending.kind, reprompt=pending.reprompts)
            return [pending.ask]
        return self._set_privacy(picked, f"privacy_{picked}")

    def _set_privacy(self, mode: str, line: str) -> list[Event]:
        self.privacy_mode = mode
        events: list[Event] = [PrivacyChoice(mode)]
        if mode == "quieter":
            self.settings.volume = max(-SETTING_LIMIT, self.settings.volume - 2)
            events.append(SettingChanged("volume", self.settings.volume))
        events.append(Say(self.content.line(line)))
        return events + self._advance()

    # -- answers ----------------------------------------------------------------------------------
    def _answer(self, text: str, reading: Reading, confidence: float, spoken: bool = False,
                sure: bool = True) -> list[Event]:
        pending = self.state.pending
        assert pending is not None
        q = self._question(pending.question_id)
        assert q is not None
        if reading.age_out_of_range and not reading.fills:
            return [Heard(text, {}), *self._reprompt_or_give_up([Say(self.content.line("age_out_of_range"))])]
        if reading.clarify and not reading.fills:
            return [Heard(text, {}), *self._clarify(q, pending.slots)]
        certain, doubtful = self._split(reading, confidence, spoken, sure)
        if not certain and not doubtful:
            return [Heard(text, {}), *self._reprompt_or_give_up([Say(self.content.line("not_understood"))])]
        if doubtful:
            reading_text = self._describe(doubtful)
            return [Heard(text, {}), *self._put("confirm", q, tuple(doubtful), self.content.line("confirm", reading=reading_text),
                                              count=False, proposal=doubtful, confirmed=certain)]
        return self._apply(text, certain)

    def _split(self, reading: Reading, confidence: float, spoken: bool = False,
               sure: bool = True) -> tuple[dict[str, SlotValue], dict[str, SlotValue]]:
        """Fills to take at once, and fills to confirm first (weak match, low confidence, two close readings).

        A spoken answer that raises the tier, or that says "not sure", is confirmed (a misheard one is
        over-triage). A spoken answer about an emergency slot (amount, dizziness, pain) is always confirmed: recognizers
        can be confidently wrong. One that rules out an emergency would lower the tier; one that makes it
        an emergency ends the conversation on a dropped "not" (measured: "not light-headed at all" heard as
        "light headed at all", in 4 of 32 clean spoken conversations). A confirmation that gets no clear
        answer keeps the emergency (_cautious), so only a heard "no" sets it aside, and then the question is
        asked again.
        A reading that is not ``sure`` (a fallback reading, or the two readings of the audio disagree on
        a slot) is confirmed whatever it says.
        """
        certain: dict[str, SlotValue] = {}
        doubtful: dict[str, SlotValue] = {}
        for slot, fill in reading.fills.items():
            if slot in self.state.facts and not fill.asked and (
                    fill.value == UNKNOWN or _rank(slot, fill.value) <= _rank(slot, self.state.facts[slot])):
                continue  # news at a later question is taken only when more serious (lowering needs a correction)
            weak = self.understander.needs_confirmation(fill) or (confidence < LOW_CONFIDENCE and fill.value != UNKNOWN)
            weak = weak or (not sure and fill.value != UNKNOWN)
            if spoken and slot in _EMERGENCY_SLOTS and fill.value != UNKNOWN:
                weak = True
            if spoken and _rank(slot, fill.value) >= 0:
                # any heard answer that raises the tier, a "not sure" included: a misheard one is over-triage,
                # and a confirmation that fails keeps it (_cautious). Measured: "this is new for me" heard as
                # "it is usually" (keeps happening), "well no" as "well who knows", "none of them" as "not
                # know of them"; on 96 clean spoken conversations, 92 -> 93 right
                weak = True
            if spoken and SLOTS[slot].numeric:
                weak = True  # an age: thirty, fifty and eighty sound alike (measured: "thirty-five" taken as 55)
            if spoken and (slot, str(fill.value)) in self.state.rejected:
                weak = True  # heard again after the person said it was wrong ("eighteen" heard as "eighty")
            (doubtful if weak else certain)[slot] = fill.value
        for slot, values in reading.ambiguous.items():
            # two readings of one slot: confirm the more serious one (never lowers the tier)
            doubtful[slot] = max(values, key=lambda v: (_rank(slot, v), str(v)))
        return certain, doubtful

    def _describe(self, fills: dict[str, SlotValue]) -> str:
        return self.content.join([describe_fact(slot, value, self.content) for slot, value in fills.items()])

    def _apply(self, text: str, fills: dict[str, SlotValue]) -> list[Event]:
        """Record fills (undoable with "go back"), then ask what is still open, or move on."""
        self._history.append(self._snapshot_for_undo())
        self.state.facts.update(fills)
        events: list[Event] = [Heard(text, dict(fills))]
        pending = self.state.pending
        assert pending is not None
        q = self._question(pending.question_id)
        assert q is not None
        still_open = tuple(s for s in q.slots if s not in self.state.facts)
        if still_open and tier_so_far(self.state.facts) != "emergency":
            return events + self._put("question", q, still_open,
                                      self.content.line("and_also", items=self._items(q, still_open)) if q.items else q.text,
                                      count=True)
        return events + self._advance()

    def _snapshot_for_undo(self) -> State:
        snap = self.state.snapshot()
        if snap.pending is not None and snap.pending.kind == "confirm":
            # going back re-asks the question itself, not the confirmation
            q = self._question(snap.pending.question_id)
            if q is not None:
                snap.pending = Pending("question", q.id, q.slots, Ask(q.text, q.slots, q.id, q.open))
        return snap

    def _clarify(self, q: Question, slots: tuple[str, ...]) -> list[Event]:
        if q.clarify and slots == q.slots:
            text = q.clarify
        elif q.items:
            text = self.content.line("clarify_which", items=self._items(q, slots))
        else:
            text = q.clarify or q.reprompt
        return self._put("clarify", q, slots, text, count=True)

    # -- confirmations ----------------------------------------------------------------------------
    def _confirm_answer(self, text: str, reading: Reading, spoken: bool = False,
                        confidence: float = 1.0) -> list[Event]:
        pending = self.state.pending
        assert pending is not None
        if spoken and reading.mixed:
            # both a yes and a no heard: a recognizer's garble more often than a change of mind (measured:
            # "not quite, no" heard as "not quite and i do"), so ask again
            return [Heard(text, {}), *self._confirm_failed()]
        if reading.affirmed is True:
            return self._apply(text, {**pending.confirmed, **pending.proposal})
        if not spoken and _only_unknown(reading):
            # doubt ("I don't know", "maybe") keeps the more serious of the reading and "not known"
            return self._apply(text, _cautious(pending))
        corrections = {s: f.value for s, f in reading.fills.items()
                       if not self.understander.needs_confirmation(f)}
        if spoken:
            heard = self._heard_confirmation(text, reading, corrections)
            if heard is None:
                return [Heard(text, {}), *self._confirm_failed()]
            if heard is True:
                return self._apply(text, {**pending.confirmed, **pending.proposal})
            text, reading, corrections = heard
        if reading.affirmed is False or corrections:
            q = self._question(pending.question_id)
            assert q is not None
            self.state.rejected.update((s, str(v)) for s, v in pending.proposal.items())
            if corrections and spoken:  # heard, not typed: the correction is an answer like any other
                # (one that rules out an emergency is confirmed in turn: measured, "it just keeps coming"
                # heard as "like a light period" turned soaking into heavy)
                if pending.confirmed:
                    self._history.append(self._snapshot_for_undo())
                    self.state.facts.update(pending.confirmed)
                open_slots = tuple(s for s in q.slots if s not in self.state.facts)
                self._put("question", q, open_slots or q.slots, q.reprompt, count=False)
                return self._answer(text, reading, confidence, spoken)
            if corrections:  # "no, it's heavy": take the correction as the answer
                return self._apply(text, {**pending.confirmed, **corrections})
            if pending.confirmed:
                self._history.append(self._snapshot_for_undo())
                self.state.facts.update(pending.confirmed)
            open_slots = tuple(s for s in q.slots if s not in self.state.facts)
            self._put("question", q, open_slots or q.slots, q.reprompt, count=False)
            return [Heard(text, {}), Say(self.content.line("confirm_rejected")), self.state.pending.ask]  # type: ignore[union-attr]
        return [Heard(text, {}), *self._confirm_failed()]

    def _heard_confirmation(self, text: str, reading: Reading, said: dict[str, SlotValue]
                            ) -> bool | None | tuple[str, Reading, dict[str, SlotValue]]:
        """A spoken answer to "I understood: ... Is that right?" (not a bare yes, which is taken at once):
        True (a yes), None (no clear answer: ask again) or the (text, reading, corrections) to go on with.
        ``said``: the slots the answer names clearly. Recognizers drop and add short words, so a yes or a
        no is only taken when the rest of the answer agrees with it."""
        pending = self.state.pending
        assert pending is not None
        proposal = pending.proposal
        same = [s for s, v in said.items() if proposal.get(s) == v]
        contrary = {s: v for s, v in said.items() if s in proposal and proposal[s] != v}
        if reading.leading is True:
            # "yes, just spotting" (the reading said again), "yes, it hurt" heard as "yes it hurts" (another
            # slot): a yes. "yes, no discharge" heard as "yes new discharge": no clear answer
            return None if contrary else True
        if reading.leading is False and same and not contrary:
            # "no, I feel woozy": the "no" answers the question and the rest corrects it (read with the no,
            # it says the reading again); if the rest alone says the same, the recognizer dropped a "not"
            # ("not quite, I don't feel faint" heard as "nope i feel faint"): no clear answer
            rest = text.split(maxsplit=1)[1] if len(text.split()) > 1 else ""
            if not rest:
                return None
            again = self.understander.read(rest, asked=pending.slots)
            fixes = {s: f.value for s, f in again.fills.items()
                     if not self.understander.needs_confirmation(f) and f.value not in (UNKNOWN, proposal.get(s))}
            return (rest, again, fixes) if fixes else None
        corrections = {s: v for s, v in said.items() if proposal.get(s) != v}
        if reading.affirmed is None and reading.fills and all(v == UNKNOWN for v in corrections.values()):
            # only a heard "not sure": ask again (then keep the more cautious); a misheard confirmation
            # cannot turn "soaking a pad" into "not known" (measured: "no, that's not right" as "no idea")
            return None
        if reading.affirmed is None and corrections and not contrary:
            # neither yes nor no, and nothing about what is being confirmed (measured: "that's right, I'm
            # fine" heard as "it is recurrent burning"): no clear answer
            return None
        return text, reading, corrections

    def _confirm_failed(self) -> list[Event]:
        pending = self.state.pending
        assert pending is not None
        pending.reprompts += 1
        if pending.reprompts > MAX_REPROMPTS:
            # no clear yes or no: keep whichever is more cautious, the reading or "unknown"
            return [Say(self.content.line("gave_up")), *self._apply("", _cautious(pending))[1:]]
        return self._reask([Say(self.content.line("confirm_again"))])

    # -- commands ---------------------------------------------------------------------------------
    def _command(self, name: str) -> list[Event]:
        pending = self.state.pending
        assert pending is not None
        if name == "repeat":
            return self._reask()
        if name == "help":
            q = self._question(pending.question_id) if not pending.kind.startswith("privacy") else None
            help_text = q.help if q is not None else self.content.line("help_general")
            return self._reask([Say(help_text), Say(self.content.line("help_general"))], short=True)
        if name == "back":
            if not self._history:
                return self._reask([Say(self.content.line("nothing_to_undo"))])
            self.state = self._history.pop()
            return self._reask([Say(self.content.line("went_back"))])
        if name == "restart":  # a fresh conversation; voice settings and the privacy choice hold for the session
            # (measured: a misheard "start over", confirmed by a misheard yes, ran one past 40 answers)
            self._turns_before_restart += sum(self.state.turns.values())
            self.state = State()
            self._history.clear()
            self.result = None
            self.end_reason = None
            if self.privacy_check and self.privacy_mode is None:
                return [Say(self.content.line("restarting")), *self._ask_privacy("privacy", "privacy_check")]
            return [Say(self.content.line("restarting")), *self._advance()]
        if name == "stop":
            return self.stop("user_stopped")
        if name in _SETTING_COMMANDS:
            attr, step = _SETTING_COMMANDS[name]
            value = getattr(self.settings, attr) + step
            if abs(value) > SETTING_LIMIT:
                return self._reask([Say(self.content.line("limit_reached"))], short=True)
            setattr(self.settings, attr, value)
            return self._reask([SettingChanged(attr, value), Say(self.content.line(name))], short=True)
        return self._reask()

    # -- the end ----------------------------------------------------------------------------------
    def _finish(self, partial: bool = False) -> list[Event]:
        facts = dict(self.state.facts)
        advice = compose(facts, self.content, said_only=True)
        reasons = tuple(Reason(r.slot, r.value, r.tier, r.text) for r in advice.reasons)
        result = Result(advice.tier, reasons, facts, self.state.questions, advice.text, advice.summary, partial)
        self.result = result
        self.state.finished = True
        self.state.pending = None
        self.end_reason = "result"
        events: list[Event] = []
        if advice.tier == "emergency":
            events.append(Say(self.content.line("emergency_now"), "advice"))
        if self.discreet:
            # others may hear: the action and the safety net aloud in plain words, the details on the screen only
            events += [Say(self.content.advice.tier_discreet[advice.tier], "advice"),
                       Say(self.content.line("discreet_details"), "info")]
            details_kind = "screen"
        else:
            events += [Say(advice.action, "advice")]
            details_kind = "advice"
        for part in (advice.reasons_sentence, advice.causes_sentence, *advice.steps):
            if part:
                events.append(Say(part, details_kind))
        safety = self.content.advice.safety_net_discreet if self.discreet else advice.safety_net
        events += [Say(safety, "safety_net"), Say(advice.summary, details_kind), result, End("result")]
        return events


def _cautious(pending: Pending) -> dict[str, SlotValue]:
    """When a turn cannot be settled: the fills already certain, and for each slot being confirmed the
    more cautious of the reading and "unknown" (so giving up never lowers the tier)."""
    safe: dict[str, SlotValue] = dict(pending.confirmed)
    for slot in pending.slots:
        proposed = pending.proposal.get(slot)
        keep = proposed is not None and _rank(slot, proposed) >= _rank(slot, UNKNOWN)
        safe.setdefault(slot, proposed if keep else UNKNOWN)  # type: ignore[arg-type]
    return safe


def _values(reading: Reading) -> dict[str, SlotValue]:
    return {s: f.value for s, f in reading.fills.items()}


def _only_unknown(reading: Reading) -> bool:
    return not reading.command and bool(reading.fills) and all(f.value == UNKNOWN for f in reading.fills.values())


def _rank(slot: str, value: SlotValue) -> int:
    """How serious a value is for the triage: the tier it triggers (unknown: its floor), -1 for none."""
    spec = SLOTS[slot]
    if value == UNKNOWN:
        return RANK[spec.unknown_floor] if spec.unknown_floor else -1
    tier = spec.trigger(value)
    return RANK[tier] if tier else -1
