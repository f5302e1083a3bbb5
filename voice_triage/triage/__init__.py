"""Triage: the spec's rules as a pure function (no I/O, no content)."""

from voice_triage.triage.engine import Assessment, Trigger, assess
from voice_triage.triage.slots import SLOT_NAMES, SLOTS, UNKNOWN, SlotSpec, validate_value
from voice_triage.triage.tiers import RANK, TIERS

__all__ = ["Assessment", "Trigger", "assess", "SLOT_NAMES", "SLOTS", "UNKNOWN", "SlotSpec", "validate_value", "RANK", "TIERS"]
