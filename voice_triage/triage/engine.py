"""facts -> tier + reasons. A pure function implementing ../shared/spec/triage-rules.md exactly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from voice_triage.triage.slots import SLOTS, UNKNOWN
from voice_triage.triage.tiers import RANK

Facts = Mapping[str, "str | int"]


@dataclass(frozen=True)
class Trigger:
    """One fact that raised the tier: a known triggering value, or an unknown answer (``unknown=True``)."""

    slot: str
    value: str | int
    tier: str
    unknown: bool = False


@dataclass(frozen=True)
class Assessment:
    tier: str
    triggers: tuple[Trigger, ...]  # highest tier first, then in slot order

    @property
    def slots(self) -> tuple[str, ...]:
        return tuple(t.slot for t in self.triggers)


def assess(facts: Facts) -> Assessment:
    """The highest tier any fact triggers (``self_care`` when none does).

    A slot that is missing or ``unknown`` counts as caution, capped at ``urgent``: its ``unknown_floor``.
    """
    triggers: list[Trigger] = []
    for name, spec in SLOTS.items():
        value = facts.get(name, UNKNOWN)
        if value == UNKNOWN:
            if spec.unknown_floor:
                triggers.append(Trigger(name, UNKNOWN, spec.unknown_floor, unknown=True))
            continue
        tier = spec.trigger(value)
        if tier:
            triggers.append(Trigger(name, value, tier))
    triggers.sort(key=lambda t: -RANK[t.tier])  # stable: slot order within a tier
    tier = triggers[0].tier if triggers else "self_care"
    return Assessment(tier, tuple(triggers))
