"""Dialog: the conversation state machine (next question, re-prompts, confirmations, commands, result)."""

from voice_triage.dialog.conversation import Conversation
from voice_triage.dialog.events import Ask, End, Event, Heard, Reason, Result, Say, SettingChanged

__all__ = ["Conversation", "Ask", "End", "Event", "Heard", "Reason", "Result", "Say", "SettingChanged"]
