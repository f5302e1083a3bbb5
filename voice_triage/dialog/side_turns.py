"""Turns beside the questions: global commands, confirming a spoken "stop"/"start over", the private-place
check, the follow-ups after the result. A part of :class:`~voice_triage.dialog.conversation.Conversation` (kept apart so each reads alone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voice_triage.dialog import result_step
from voice_triage.dialog.events import Ask, Event, PrivacyChoice, Result, Say, SettingChanged
from voice_triage.dialog.state import SETTING_LIMIT, Pending, State
from voice_triage.understanding import Reading
from voice_triage.understanding.choice import choose
from voice_triage.understanding.confirm_reply import heard_as_no

if TYPE_CHECKING:
    from voice_triage.dialog.conversation import Conversation

CONFIRMED_COMMANDS = {"stop": "confirm_stop", "restart": "confirm_restart"}
SETTING_COMMANDS = {"slower": ("rate", -1), "faster": ("rate", 1), "louder": ("volume", 1), "quieter": ("volume", -1)}


class SideTurns:
    # the conversation's state these turns change (set in Conversation.__init__)
    result: Result | None
    end_reason: str | None
    privacy_mode: str | None
    _follow_ups: int

    def after_result(self: Conversation, text: str) -> list[Event]:
        """An answer after the result: "more", "summary" or "repeat" are said (see result_step); [] else."""
        if self.result is None:
            return []
        command = self.understander.read(text).command if text.strip() else None
        events = result_step.follow_up(self.content, self.result, text, command, self._follow_ups,
                                       discreet=self.discreet)
        self._follow_ups += bool(events)
        return events

    # -- commands ---------------------------------------------------------------------------------
    def _snapshot_for_undo(self: Conversation) -> State:
        snap = self.state.snapshot()
        if snap.pending is not None and snap.pending.kind == "confirm":
            # going back re-asks the question itself, not the confirmation
            q = self._question(snap.pending.question_id)
            if q is not None:
                snap.pending = Pending("question", q.id, q.slots, Ask(q.text, q.slots, q.id, q.open))
        return snap

    def _command(self: Conversation, name: str) -> list[Event]:
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
            earlier = self._history.pop()
            self._turns_set_aside += sum(self.state.turns.values()) - sum(earlier.turns.values())
            self.state = earlier  # the turns it undoes still count: going back cannot make it endless
            return self._reask([Say(self.content.line("went_back"))])
        if name == "restart":  # a fresh conversation; voice settings and the privacy choice hold for the session
            self._turns_set_aside += sum(self.state.turns.values())  # the bound on length holds too
            self.state = State()
            self._history.clear()
            self.result = None
            self.end_reason = None
            self._refused.clear()
            if self.privacy_check and self.privacy_mode is None:
                return [Say(self.content.line("restarting")), *self._ask_privacy("privacy", "privacy_check")]
            return [Say(self.content.line("restarting")), *self._advance()]
        if name == "stop":
            return self.stop("user_stopped")
        if name in SETTING_COMMANDS:
            attr, step = SETTING_COMMANDS[name]
            value = getattr(self.settings, attr) + step
            if abs(value) > SETTING_LIMIT:
                return self._reask([Say(self.content.line("limit_reached"))], short=True)
            setattr(self.settings, attr, value)
            return self._reask([SettingChanged(attr, value), Say(self.content.line(name))], short=True)
        return self._reask()

    def _ask_command_confirmation(self: Conversation, name: str) -> list[Event]:
        previous = self.state.pending
        assert previous is not None
        ask = Ask(self.content.line(CONFIRMED_COMMANDS[name]), (), "confirm_command", confirm={"command": name})
        self.state.pending = Pending("confirm_command", previous.question_id, (), ask, resume=previous)
        return [ask]

    def _command_confirmation(self: Conversation, text: str, other: str = "") -> list[Event]:
        """The reply to "Do you want to stop now?" (or to start over). ``other``: the other reading of the
        same audio; a yes it hears as a no is not a yes (the conversation goes on)."""
        pending = self.state.pending
        assert pending is not None and pending.resume is not None and pending.ask.confirm
        name = str(pending.ask.confirm["command"])
        reading = self.understander.read(text) if text else None
        # a yes and a no ("no that's right"), wherever the no was heard ("okay like that no")
        mixed = reading is not None and (reading.mixed or (
            reading.affirmed is True and self.understander.says_no_anywhere(text)))
        if mixed and pending.reprompts < self.limit("max_reprompts"):
            pending.reprompts += 1  # "no that's right": a yes and a no, so neither is taken
            return [Say(self.content.line("confirm_again")), pending.ask]
        self.state.pending = pending.resume
        contradicted = heard_as_no(self.understander.read(other) if other.strip() else None)
        if reading is not None and not mixed and not contradicted and (
                reading.affirmed is True or reading.command == name):
            return self._command(name)
        return self._reask([Say(self.content.line("carry_on"))])

    # -- the private-place check ------------------------------------------------------------------
    def _ask_privacy(self: Conversation, kind: str, line: str) -> list[Event]:
        ask = Ask(self.content.line(line), (), kind)
        self.state.pending = Pending(kind, kind, (), ask)
        return [ask]

    def _privacy_answer(self: Conversation, text: str, reading: Reading | None) -> list[Event]:
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
            if pending.reprompts > self.limit("max_reprompts"):
                return self._set_privacy("discreet", "privacy_default")  # no clear answer: discreet is cautious
            key = "privacy_check_reprompt" if pending.kind == "privacy" else "privacy_options_reprompt"
            pending.ask = Ask(self.content.line(key), (), pending.kind, reprompt=pending.reprompts)
            return [pending.ask]
        return self._set_privacy(picked, f"privacy_{picked}")

    def _set_privacy(self: Conversation, mode: str, line: str) -> list[Event]:
        if mode == "discreet" and self.privacy_mode != "discreet":  # discreet words from now on, everywhere
            self.content = self.content.discreet_view()
        self.privacy_mode = mode
        events: list[Event] = [PrivacyChoice(mode)]
        if mode == "quieter":
            self.settings.volume = max(-SETTING_LIMIT, self.settings.volume - 2)
            events.append(SettingChanged("volume", self.settings.volume))
        events.append(Say(self.content.line(line)))
        return events + self._advance()
