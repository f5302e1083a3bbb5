"""The conversation as a state machine. Text in, events out; no I/O, so every front-end shares it.

An answer becomes evidence (understanding/evidence.py). For each value heard, the policy table
(prompts/<lang>/policy.yaml, dialog/policy.py) says whether it is taken, said back, or confirmed first; a reply to a
confirmation is classified once (understanding/confirm_reply.py). Beliefs per slot (dialog/belief.py) keep
the values, their evidence and what the person rejected. Safety: no answer lowers the tier below what the
person's own words call for (doubt keeps the more serious reading; news is taken only when more serious).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from voice_triage.content.model import Content, Question
from voice_triage.dialog import result_step
from voice_triage.dialog.events import Ask, End, Event, Heard, Result, Say, SlotValue
from voice_triage.dialog.outcome import partial_result
from voice_triage.dialog.planner import next_question, tier_so_far
from voice_triage.dialog.belief import cautious as _cautious, less_serious, said_so_far
from voice_triage.dialog.bounds import TurnBounds
from voice_triage.dialog.options import AskOptions
from voice_triage.dialog.policy import load_policy
from voice_triage.dialog.side_turns import CONFIRMED_COMMANDS, SETTING_COMMANDS, SideTurns
from voice_triage.dialog.state import Pending, Settings, State
from voice_triage.dialog.trust import Trust
from voice_triage.understanding import Reading, Understander
from voice_triage.understanding.confirm_reply import Reply, leans_yes, says_unsure
from voice_triage.understanding.evidence import SPOKEN, TYPED, Evidence, interpret


class Conversation(SideTurns, TurnBounds, Trust, AskOptions):
    """One triage conversation. ``start()``, then ``hear(text)`` or ``silence()`` after each Ask."""

    def __init__(self, content: Content, *, understander: Understander | None = None,
                 settings: Settings | None = None, privacy_check: bool = False, privacy_mode: str | None = None):
        """``privacy_check``: ask first whether the person is somewhere private (voice and kiosk front-ends).
        ``privacy_mode``: a choice already made this session ("private", "text", "quieter", "discreet")."""
        self.content = content
        self.understander = understander or Understander(content)
        self.policy = load_policy(content.lang)
        self.settings = settings or Settings()
        self.privacy_check = privacy_check
        self.privacy_mode = privacy_mode
        if privacy_mode == "discreet":
            self.content = content.discreet_view()
        self.state = State()
        self._history: list[State] = []
        self._turns_set_aside = 0  # turns undone by a restart or going back: they still count to the bound
        self.result: Result | None = None
        self.end_reason: str | None = None
        self._refused: set[str] = set()  # slots asked when the person said they'd rather not say
        self._follow_ups = 0  # "more", "summary", "repeat" answered after the result

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

    def limit(self, name: str) -> float:
        return self.policy.limit(name)

    def start(self) -> list[Event]:
        if self.privacy_check and self.privacy_mode is None:
            return [Say(self.content.line("welcome")), *self._ask_privacy("privacy", "privacy_check")]
        return [Say(self.content.line("welcome")), *self._advance()]

    def hear(self, text: str, confidence: float = 1.0, *, spoken: bool = False,
             alternatives: Sequence[tuple[str, float]] = (), words: Sequence[tuple[str, float]] = ()) -> list[Event]:
        """An answer to the pending question. ``confidence``: the recognizer's 0..1 (1.0 for typed text).

        ``spoken``: the text came from a recognizer, so "stop" and "start over" are confirmed before they
        end or wipe the conversation (a misheard command must not).
        ``alternatives``: other readings of the same audio, best first, as (text, confidence).
        ``words``: the recognizer's words of ``text``, each with its posterior (how sure it was of each).
        """
        if self.finished and self.result is not None and isinstance(text, str):
            return self.after_result(text)
        pending = self.state.pending
        if self.finished or pending is None:
            return []
        if not isinstance(text, str) or not text.strip():
            return self.silence()
        if pending.slots and result_step.is_refusal(self.content, text):
            self._refused.update(pending.slots)
        if self._too_many_turns():
            if self._plain_yes_to_confirmation(text):  # the question's last turn settled it: not a loop
                return self._apply(text, {**pending.confirmed, **pending.proposal})
            return [Heard(text, {}), *self._give_up_question(text)]
        if pending.kind == "confirm_command":
            other = alternatives[0][0] if spoken and alternatives and isinstance(alternatives[0][0], str) else ""
            return [Heard(text, {}), *self._command_confirmation(text, other)]
        confirming = pending.kind == "confirm"
        ev = interpret(text, self._reader(pending, confirming), channel=SPOKEN if spoken else TYPED,
                       confidence=confidence, alternatives=alternatives,
                       agreed=self.limit("agreed_confidence"), fallback=self.limit("fallback_confidence"),
                       words=words if spoken else ())
        command = ev.reading.command
        privacy_turn = pending.kind.startswith("privacy")
        if command and not (privacy_turn and command in SETTING_COMMANDS):  # "quieter": a privacy choice there
            if spoken and command in CONFIRMED_COMMANDS:
                return [Heard(ev.text, {}, command), *self._ask_command_confirmation(command)]
            return [Heard(ev.text, {}, command), *self._command(command)]
        if privacy_turn:
            return [Heard(ev.text, {}), *self._privacy_answer(ev.text, ev.reading)]
        return self._confirm_reply(ev) if confirming else self._answer(ev)

    def _reader(self, pending: Pending, confirming: bool) -> Callable[[str], Reading]:
        question = None if confirming else self._question(pending.question_id)

        def read(text: str) -> Reading:
            reading = self.understander.read(text, asked=pending.slots, question=question)
            if confirming and reading.command == "back":  # "that's wrong" to "Is that right?" is a no
                words = self.understander.read(text, asked=pending.slots, commands=False)
                return words if words.affirmed is False else reading
            return reading
        return read

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
        """End now (stop command, end of input): the tier so far, then the safety net, before leaving."""
        if self.finished:
            return []
        said = said_so_far(self.state.facts, self.state.pending, self.state.beliefs.heard)
        so_far = partial_result(self.content, said, self.state.questions, self.discreet)
        self.state.finished = True
        self.end_reason = reason
        safety = self.content.advice.safety_net_discreet if self.discreet else self.content.advice.safety_net
        return [*so_far, Say(safety, "safety_net"), Say(self.content.line("goodbye"), "goodbye"), End(reason)]

    # -- asking -----------------------------------------------------------------------------------
    def _question(self, qid: str) -> Question | None:
        try:
            return self.content.question(qid)
        except KeyError:
            return None

    def _items(self, q: Question, slots: tuple[str, ...]) -> str:
        return self.content.join([q.items.get(s, s.replace("_", " ")) for s in slots], "last_or")

    def _words_for(self, q: Question, slots: tuple[str, ...], whole: str) -> str:
        """``whole`` (the question's text or its re-prompt) when asking all its slots; for part of a grouped
        question, only that part (its question asked alone, or "And what about: pain?"): what is answered is
        not asked again."""
        if len(slots) == 1 and slots[0] in q.alone:
            return q.alone[slots[0]]
        return self.content.line("and_also", items=self._items(q, slots)) if q.items and set(slots) < set(q.slots) \
            else whole

    def _put(self, kind: str, q: Question, slots: tuple[str, ...], text: str, *, count: bool,
             proposal: dict[str, SlotValue] | None = None, confirmed: dict[str, SlotValue] | None = None,
             disputes: bool = False) -> list[Event]:
        ask = Ask(text=text, slots=slots, question_id=q.id if kind != "confirm" else "confirm",
                  open=q.open and kind == "question", confirm=dict(proposal) if proposal else None)
        if count:
            self.state.questions += 1
        self.state.pending = Pending(kind, q.id, slots, ask, 0, dict(proposal or {}), dict(confirmed or {}),
                                     disputes=disputes)
        self.state.asked.update(slots)
        return [ask]

    def _put_again(self, q: Question) -> list[Event]:
        """``q`` asked again in its re-prompt's words, for its slots still open (all of them if none is)."""
        slots = tuple(s for s in q.slots if s not in self.state.facts) or q.slots
        return self._put("question", q, slots, self._words_for(q, slots, q.reprompt), count=False)

    def _advance(self) -> list[Event]:
        """Ask the next question, or give the result."""
        nxt = next_question(self.content, self.state.facts)
        if nxt is None:
            return self._finish()
        q, open_slots = nxt
        whole = q.discreet if self.discreet and q.discreet and open_slots == q.slots else q.text
        return self._put("question", q, open_slots, self._words_for(q, open_slots, whole), count=True)

    def _reask(self, prefix: list[Event] | None = None, short: bool = False) -> list[Event]:
        pending = self.state.pending
        assert pending is not None
        ask = pending.ask
        q = self._question(pending.question_id)
        if short and q is not None and pending.kind == "question" and ask.text == q.text:
            ask = replace(ask, text=q.short)  # what was said back before it can still be corrected
        return [*(prefix or []), ask]

    # -- answers ----------------------------------------------------------------------------------
    def _answer(self, ev: Evidence) -> list[Event]:
        pending = self.state.pending
        assert pending is not None
        q = self._question(pending.question_id)
        assert q is not None
        self.state.beliefs.settle_implicit()
        unnamed: dict[str, SlotValue] = {}  # said back, and not named by a correction of the rest of it
        if pending.ask.implied and self.understander.opens_correction(ev.text):
            corrected = self._correction(ev, pending.ask.implied)  # "no, I said it's heavy": about the last answer
            unnamed = self._not_corrected(corrected, pending.ask.implied)
            if corrected is None and self.understander.says_said_back_is_wrong(ev.text):  # "no, that's not right"
                if ev.agreement == "fallback" and not self.understander.opens_correction(ev.heard):
                    # only the other reading's guess ("not at all" heard "looked at all", the grammar "no that's
                    # wrong"): what was said back is checked, not dropped
                    return [Heard(ev.text, {}), *self._said_back_checked(pending.ask.implied)]
                return [Heard(ev.text, {}), *self._said_back_rejected(pending.ask.implied)]
            if corrected is None and (not ev.reading.understood or ev.reading.unplaced or not ev.reading.fills
                                      or ev.agreement == "fallback" and self.understander.opens_correction(ev.heard)):
                # words opening like a correction that name nothing clearly ("no, 29" heard "no plenty on yah
                # also"; "not quite, this is the first time" heard "not likely it is the and i am"), or only in
                # the other reading's guess: the no may be about what was said back, or the question's no;
                # what was said back is checked
                return [Heard(ev.text, {}), *self._said_back_checked(pending.ask.implied)]
            ev = corrected or ev
        reading = ev.reading
        if reading.age_out_of_range and not reading.fills:
            return [Heard(ev.text, {}), *self._reprompt_or_give_up([Say(self.content.line("age_out_of_range"))],
                                                                   ev.channel == SPOKEN)]
        if reading.clarify and not reading.fills:
            return [Heard(ev.text, {}), *self._clarify(q, pending.slots, ev.channel == SPOKEN)]
        certain, doubtful, said_back = self._judge(ev)
        if again := {**unnamed, **self._still_in_doubt(ev, pending.ask.implied or {}, q)}:  # checked with this answer
            certain, doubtful, said_back = {}, {**again, **certain, **said_back, **doubtful}, {}
        if not certain and not doubtful:
            return [Heard(ev.text, {}), *self._reprompt_or_give_up([Say(self.content.line("not_understood"))],
                                                                   ev.channel == SPOKEN)]
        if said_back and (doubtful or not self._goes_on(q, {**self.state.facts, **certain})):
            # said back only where the next turn can correct it; otherwise confirmed with the rest (where no
            # question follows, a value that cannot change the tier is still only said back, before the result)
            checked = {s: v for s, v in said_back.items() if doubtful or not self._settled(s)}
            doubtful.update(checked)
            certain = {s: v for s, v in certain.items() if s not in checked}
            said_back = {s: v for s, v in said_back.items() if s not in checked}
        if doubtful and ev.channel == SPOKEN and self._options_due(q, doubtful):  # heard again as ruled out
            # a value just said back that this answer disputes is asked in the walk too (kept as heard till then)
            disputed = {s: v for s, v in (pending.ask.implied or {}).items() if s in doubtful}
            self.state.beliefs.note_heard(disputed)
            self.state.beliefs.reopen(disputed)
            return [Heard(ev.text, {}), *self._start_options(q, certain, doubtful)]
        if doubtful:
            self.state.beliefs.propose(doubtful, ev.text)
            said = self._said(doubtful, reading)
            disputes = reading.leading is False or self.understander.opens_correction(ev.text)
            return [Heard(ev.text, {}), *self._put("confirm", q, tuple(doubtful), self.content.line("confirm", reading=said),
                                                   count=False, proposal=doubtful, confirmed=certain, disputes=disputes)]
        return self._apply(ev.text, certain, said_back, reading)

    def _apply(self, text: str, fills: dict[str, SlotValue], said_back: dict[str, SlotValue] | None = None,
               reading: Reading | None = None) -> list[Event]:
        """Record fills (undoable with "go back"), then ask what is still open, or move on. ``said_back``:
        fills said back before the next question, which carries them so that a correction is honoured."""
        self._history.append(self._snapshot_for_undo())
        self.state.beliefs.take(fills, text)
        events: list[Event] = [Heard(text, dict(fills))]
        pending = self.state.pending
        assert pending is not None
        q = self._question(pending.question_id)
        assert q is not None
        still_open = tuple(s for s in q.slots if s not in self.state.facts)
        if still_open and tier_so_far(self.state.facts) != "emergency":
            events += self._put("question", q, still_open, self._words_for(q, still_open, q.text), count=True)
        else:
            events += self._advance()
        return self._say_back(events, said_back, text, reading) if said_back else events

    def _clarify(self, q: Question, slots: tuple[str, ...], spoken: bool = False) -> list[Event]:
        if spoken and self._walk_instead_of_clarify(q, slots):  # a bare yes again to "which of these?"
            return self._start_options(q, {})
        text = q.clarify if q.clarify and slots == q.slots else (
            self.content.line("clarify_which", items=self._items(q, slots)) if q.items else q.clarify or q.reprompt)
        return self._put("clarify", q, slots, text, count=True)

    # -- confirmations ----------------------------------------------------------------------------
    def _confirm_reply(self, ev: Evidence) -> list[Event]:
        pending = self.state.pending
        assert pending is not None
        if news := self._news_in_reply(ev.reading, pending):  # "yes, and actually I feel faint now"
            return self._reply_with_news(ev, news)
        reply = self._classify_reply(ev, ev.reading)
        if reply.kind is Reply.YES:
            return self._checked(ev.text, {**pending.confirmed, **pending.proposal})
        action = self.policy.on_reply(ev.channel, reply.kind.value)
        if reply.kind in (Reply.UNSURE, Reply.UNCLEAR):
            pending.yes_leaning += leans_yes(ev.reading, ev.other)
            pending.unsure += says_unsure(ev.reading, ev.other)
            if action == "keep_serious":  # doubt keeps the more serious of the reading and "not known"
                return self._apply(ev.text, _cautious(pending, self.state.beliefs.heard))
            return [Heard(ev.text, {}), *self._confirm_failed(ev.channel == SPOKEN)]
        self._refute(pending, reply)
        if reply.kind is Reply.NO_WITH_CORRECTION and action == "take":  # typed "no, it's heavy"
            return self._apply(ev.text, {**pending.confirmed, **reply.corrections})
        q = self._question(pending.question_id)
        assert q is not None
        if pending.options and self._option_refused(reply) and not self._named_at_last_option(reply):
            # that value ruled out: the next one
            return self._next_option(ev.text, q, pending.confirmed)
        if reply.kind is Reply.NO and (rest := self._left_after_refusals(pending.proposal)):
            return self._apply(ev.text, {**pending.confirmed, **rest}, rest)
        if pending.confirmed:
            self._history.append(self._snapshot_for_undo())
            self.state.beliefs.take(pending.confirmed)
        self._put_again(q)
        if reply.kind is Reply.NO_WITH_CORRECTION and reply.reading is not None:  # an answer like any other
            # what was said back said again: two hearings that agree; a lower value than was heard before: two
            # hearings that disagree (lowering what the person's words called for is checked first)
            again = all(pending.proposal.get(s) == v for s, v in reply.corrections.items())
            lowers = any(s in pending.proposal and less_serious(s, v, pending.proposal[s])
                         for s, v in reply.corrections.items())
            conf = max(ev.confidence, self.limit("agreed_confidence")) if again else ev.confidence
            agreement = "agree" if again else "disagree" if lowers else "single"
            return self._answer(Evidence(reply.text, reply.reading, ev.channel, conf, agreement))
        return [Heard(ev.text, {}), Say(self.content.line("confirm_rejected")), self.state.pending.ask]  # type: ignore[union-attr]

    def _confirm_failed(self, spoken: bool = False) -> list[Event]:
        pending = self.state.pending
        assert pending is not None
        pending.reprompts += 1
        if spoken and (q := self._walk_after_unclear_check()) is not None:  # the check again may fail alike
            return self._start_options(q, dict(pending.confirmed))
        if pending.reprompts > self.limit("max_reprompts"):  # no clear yes or no: keep the more cautious
            return [Say(self.content.line("gave_up")), *self._apply("", _cautious(pending, self.state.beliefs.heard))[1:]]
        return self._reask([Say(self.content.line("confirm_again"))])

    # -- the end ----------------------------------------------------------------------------------
    def _finish(self, partial: bool = False) -> list[Event]:
        result, events = result_step.result_events(self.content, dict(self.state.facts), self.state.questions,
                                                   refused=self._refused, discreet=self.discreet, partial=partial)
        self.result = result
        self.state.finished = True
        self.state.pending = None
        self.end_reason = "result"
        self._follow_ups = 0
        return events
