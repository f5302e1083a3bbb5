"""The facts (slots) of ../shared/spec/triage-rules.md and what each value triggers. Data from the spec, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field

UNKNOWN = "unknown"
YES_NO = ("yes", "no")


@dataclass(frozen=True)
class SlotSpec:
    name: str
    values: tuple[str, ...]  # empty for the numeric slot `age`
    triggers: dict[str, str] = field(default_factory=dict)  # value -> tier it triggers
    unknown_floor: str | None = None  # tier an unknown answer sets at least (capped at urgent)
    numeric: bool = False

    def trigger(self, value: str | int) -> str | None:
        """The tier a known value triggers, or None."""
        if self.numeric:
            return "soon" if age_band(value) == OVER else None
        return self.triggers.get(str(value))


AGE_THRESHOLD = 35  # spec: `age > 35` triggers soon
#: all the rule needs to know of an age: which side of the threshold it is on. An age asked as "Are you older
#: than 35?" (when the number keeps being misheard) is known only as its band.
OVER, AT_MOST = "over_35", "35_or_under"
AGE_BANDS = (OVER, AT_MOST)


def age_band(value: object) -> str | None:
    """"over_35" / "35_or_under" for a number of years or a band; None for anything else."""
    if isinstance(value, str) and value in AGE_BANDS:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return OVER if value > AGE_THRESHOLD else AT_MOST
    return None
AGE_RANGE = (10, 110)  # an age outside this range is not understood as an age


def _yn(name: str, tier_on_yes: str | None, unknown_floor: str | None, trigger_on: str = "yes") -> SlotSpec:
    triggers = {trigger_on: tier_on_yes} if tier_on_yes else {}
    return SlotSpec(name, YES_NO, triggers, unknown_floor)


SLOTS: dict[str, SlotSpec] = {
    s.name: s
    for s in (
        SlotSpec("amount", ("spotting", "heavy", "soaking"), {"soaking": "emergency", "heavy": "urgent"}, "urgent"),
        _yn("dizzy_or_faint", "emergency", "urgent"),
        SlotSpec("pain", ("none", "some", "severe"), {"severe": "emergency", "some": "urgent"}, "urgent"),
        _yn("pregnancy_possible", "urgent", "urgent"),
        _yn("postmenopausal", "urgent", "urgent"),
        _yn("fever_or_unwell", "urgent", "urgent"),
        _yn("unusual_discharge", "urgent", "urgent"),
        _yn("pain_peeing", "urgent", "urgent"),
        _yn("pain_during_sex", "urgent", "urgent"),
        SlotSpec("frequency", ("first", "occasional", "repeated"), {"repeated": "urgent"}, "urgent"),
        SlotSpec("age", (), {}, "soon", numeric=True),
        _yn("screening_up_to_date", "soon", "soon", trigger_on="no"),
        _yn("sti_risk", "soon", "soon"),
        SlotSpec("contraception", ("none", "hormonal", "iud"), {"iud": "soon"}, "soon"),
        _yn("blood_thinners", "soon", "soon"),
        _yn("sores", "soon", "soon"),
        _yn("dryness", None, None),
        _yn("worried", "soon", "soon"),
    )
}

SLOT_NAMES: tuple[str, ...] = tuple(SLOTS)


def validate_value(slot: str, value: object) -> str | int:
    """Return the value in canonical form, or raise ValueError naming the problem."""
    if slot not in SLOTS:
        raise ValueError(f"unknown slot {slot!r}")
    spec = SLOTS[slot]
    if value == UNKNOWN:
        return UNKNOWN
    if spec.numeric:
        if isinstance(value, str) and value in AGE_BANDS:
            return value
        if isinstance(value, bool):
            raise ValueError(f"{slot}: expected a whole number of years, {OVER}, {AT_MOST} or \"unknown\", got {value!r}")
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int):
            raise ValueError(f"{slot}: expected a whole number of years, {OVER}, {AT_MOST} or \"unknown\", got {value!r}")
        lo, hi = AGE_RANGE
        if not lo <= value <= hi:
            raise ValueError(f"{slot}: {value} is out of range ({lo} to {hi})")
        return value
    if not isinstance(value, str) or value not in spec.values:
        allowed = ", ".join([*spec.values, UNKNOWN])
        raise ValueError(f"{slot}: expected one of {allowed}; got {value!r}")
    return value
