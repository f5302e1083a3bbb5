"""What the dialog believes about each slot: the value, the evidence for it, and its status.

Status: ``proposed`` (being confirmed), ``confirmed`` (taken: said clearly, or confirmed), ``implicit`` (taken
and said back; a correction at the next turn may still change it). A value the person rejected is kept
apart (``rejected``), so hearing it again is confirmed first. The most serious value heard for a slot and not
ruled out is kept too (``heard``; every value heard and not ruled out is in ``said``): what the person's own
words may have called for, so that a less serious hearing later is checked against it. ``facts`` are the
taken values, which the triage reads.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from voice_triage.dialog.events import SlotValue
from voice_triage.triage.slots import AGE_THRESHOLD, SLOTS, UNKNOWN
from voice_triage.triage.tiers import RANK

if TYPE_CHECKING:
    from voice_triage.dialog.state import Pending


@dataclass
class Belief:
    value: SlotValue
    status: str  # proposed | confirmed | implicit
    evidence: list[str] = field(default_factory=list)  # the answers it came from, in order


@dataclass
class Beliefs:
    slots: dict[str, Belief] = field(default_factory=dict)
    facts: dict[str, SlotValue] = field(default_factory=dict)  # slot -> taken value
    rejected: set[tuple[str, str]] = field(default_factory=set)  # (slot, value) the person said was wrong
    said: dict[str, list[SlotValue]] = field(default_factory=dict)  # slot -> the values heard and not ruled out
    kept_after_no: set[tuple[str, str]] = field(default_factory=set)  # serious values a "no" to several left possible
    refused_alone: dict[tuple[str, str], int] = field(default_factory=dict)  # times ruled out by a no to a check of it only

    def _set(self, slot: str, value: SlotValue, status: str, text: str) -> None:
        old = self.slots.get(slot)
        evidence = [*(old.evidence if old else []), *([text] if text else [])]
        self.slots[slot] = Belief(value, status, evidence)

    def propose(self, values: Mapping[str, SlotValue], text: str) -> None:
        for slot, value in values.items():
            if slot not in self.facts:
                self._set(slot, value, "proposed", text)
        self.note_heard(values)

    def note_heard(self, values: Mapping[str, SlotValue]) -> None:
        """``values`` were heard (again): among what the person may have said."""
        for slot, value in values.items():
            if value != UNKNOWN and value not in self.said.get(slot, []):
                self.said.setdefault(slot, []).append(value)

    @property
    def heard(self) -> dict[str, SlotValue]:
        """Slot -> the most serious value heard and not ruled out (of equals, the first heard)."""
        return {s: max(vs, key=lambda v: rank(s, v)) for s, vs in self.said.items() if vs}

    def contested(self, slot: str, value: SlotValue) -> SlotValue | None:
        """A more serious value heard before for ``slot`` and not ruled out (then ``value`` is checked against
        it), or None."""
        before = self.heard.get(slot)
        return before if before is not None and value != UNKNOWN and rank(slot, value) < rank(slot, before) else None

    def take(self, values: Mapping[str, SlotValue], text: str = "", status: str = "confirmed") -> None:
        for slot, value in values.items():
            self._set(slot, value, status, text)
            self.facts[slot] = value
            self.said.pop(slot, None)  # settled (a lower value is taken only once checked against it)

    def take_missing(self, values: Mapping[str, SlotValue]) -> None:
        self.take({s: v for s, v in values.items() if s not in self.facts})

    def reject(self, values: Mapping[str, SlotValue], still_heard: bool = False) -> None:
        """``values`` were said to be wrong: heard again, they are checked first. ``still_heard``: only doubted
        (a no also heard as a yes): they stay among what the person may have said, for the tier so far."""
        for slot, value in values.items():
            self.rejected.add((slot, str(value)))
            if not still_heard and value in self.said.get(slot, []):  # the next most serious heard stays possible
                self.said[slot].remove(value)
            if slot in self.slots and self.slots[slot].status == "proposed":
                del self.slots[slot]

    def said_no(self, proposal: Mapping[str, SlotValue], named: Collection[str] = (),
                contested: bool = False, alone: bool | None = None) -> dict[str, SlotValue]:
        """A "no" to a check of ``proposal``: what it refutes is rejected (and returned). A serious value it
        leaves possible (the no may be about another) is rejected at the second such no: doubted twice. A
        ``contested`` no (the same audio also heard as a yes) leaves every value possible, the first time; the
        second time it sets them aside (asked another way), still heard: a doubt never lowers the tier so far.
        ``alone``: the check asked about that value only (by default: ``proposal`` is one value)."""
        twice = [s for s, v in proposal.items() if (s, str(v)) in self.kept_after_no]
        out = {s: proposal[s] for s in twice} if contested else refuted(proposal, named=[*named, *twice])
        self.kept_after_no |= {(s, str(v)) for s, v in proposal.items() if s not in out}
        self.reject(out, still_heard=contested)
        if (len(proposal) == 1 if alone is None else alone) and not contested:
            for s, v in out.items():
                self.refused_alone[(s, str(v))] = self.refused_alone.get((s, str(v)), 0) + 1
        return out

    def reopen(self, slots: Iterable[str]) -> None:
        """Forget the taken values of ``slots``: the person disputed them, so they are asked again."""
        for slot in slots:
            self.facts.pop(slot, None)
            self.slots.pop(slot, None)

    def was_rejected(self, slot: str, value: SlotValue) -> bool:
        return (slot, str(value)) in self.rejected

    def was_refused_alone(self, slot: str, value: SlotValue) -> bool:
        """Still ruled out, by a no when ``value`` was asked about alone (a check of it only, or a walk's question)."""
        return self.was_rejected(slot, value) and self.refusals_alone(slot, value) > 0

    def refusals_alone(self, slot: str, value: SlotValue) -> int:
        """How many times the person said no to ``value`` asked about alone."""
        return self.refused_alone.get((slot, str(value)), 0)

    def unreject(self, slot: str, value: SlotValue) -> None:
        """``value`` may be asked about again (an emergency heard again)."""
        self.rejected.discard((slot, str(value)))

    def rejections(self, slot: str) -> int:
        """How many values of ``slot`` the person said were wrong."""
        return sum(1 for s, _ in self.rejected if s == slot)

    def implicit(self) -> dict[str, SlotValue]:
        """Values taken and said back, not yet past the turn that could correct them."""
        return {s: b.value for s, b in self.slots.items() if b.status == "implicit" and s in self.facts}

    def settle_implicit(self) -> None:
        for b in self.slots.values():
            if b.status == "implicit":
                b.status = "confirmed"


def cautious(pending: Pending, heard: Mapping[str, SlotValue]) -> dict[str, SlotValue]:
    """When a turn cannot be settled: the fills already certain, and for each slot being confirmed the
    more cautious of the reading and "unknown" (so giving up never lowers the tier). A value asked as one of
    its question's options is the dialog's words, not a reading: there the reading is what was ``heard`` of
    the person's own words (Beliefs.heard), if anything (an emergency is never inferred from not knowing),
    unless every reply to it was heard as a yes by a reading and as a no by none (a yes garbled each time), or
    every reply said the person does not know (their words at the question: not known)."""
    safe: dict[str, SlotValue] = dict(pending.confirmed)
    yes_each_time = 0 < pending.reprompts <= pending.yes_leaning
    unsure_each_time = 0 < pending.reprompts <= pending.unsure
    for slot in pending.slots:
        proposed = heard.get(slot) if pending.options and not yes_each_time else pending.proposal.get(slot)
        if pending.options and unsure_each_time:
            proposed = None
        keep = proposed is not None and not rules_out(slot, proposed)
        safe.setdefault(slot, proposed if keep else UNKNOWN)  # type: ignore[arg-type]
    return safe


def rank(slot: str, value: SlotValue) -> int:
    """How serious a value is for the triage: the tier it triggers (unknown: its floor), -1 for none."""
    spec = SLOTS[slot]
    if value == UNKNOWN:
        return RANK[spec.unknown_floor] if spec.unknown_floor else -1
    tier = spec.trigger(value)
    return RANK[tier] if tier else -1


def most_serious(slot: str) -> int:
    """The rank of the most serious thing ``slot`` can call for: any of its values, or not knowing it."""
    spec = SLOTS[slot]
    values: tuple[SlotValue, ...] = (AGE_THRESHOLD + 1, AGE_THRESHOLD) if spec.numeric else spec.values
    return max(rank(slot, v) for v in (*values, UNKNOWN))


def less_serious(slot: str, value: SlotValue, than: SlotValue) -> bool:
    return rank(slot, value) < rank(slot, than)


def rules_out(slot: str, value: SlotValue) -> bool:
    """Taking ``value`` calls for less care than not knowing the slot would."""
    return rank(slot, value) < rank(slot, UNKNOWN)


def refuted(proposal: Mapping[str, SlotValue], named: Collection[str] = ()) -> dict[str, SlotValue]:
    """What a "no" to ``proposal`` rules out: a value checked alone; of several, those it named (a correction)
    and those ruling something out. A serious one stays possible: the no may be about another."""
    return {s: v for s, v in proposal.items() if len(proposal) == 1 or s in named or rules_out(s, v)}


def said_so_far(facts: Mapping[str, SlotValue], pending: Pending | None,
                heard: Mapping[str, SlotValue] | None = None) -> dict[str, SlotValue]:
    """The facts, and what a pending confirmation proposes, or a value heard and not ruled out, where it is
    more serious (the person may have said it)."""
    out = dict(facts)

    def more_serious(values: Mapping[str, SlotValue]) -> None:
        out.update({s: v for s, v in values.items() if s not in out or rank(s, v) > rank(s, out[s])})
    more_serious(heard or {})
    pending = pending.resume if pending is not None and pending.resume is not None else pending
    if pending is not None and pending.kind == "confirm":
        out.update({s: v for s, v in pending.confirmed.items() if s not in out})
        more_serious(pending.proposal)
    return out
