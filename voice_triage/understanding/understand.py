"""Text -> Reading: slot filling with rapidfuzz, negation, numbers, "don't know", yes/no and commands."""

from __future__ import annotations

from collections.abc import Sequence

from voice_triage.content.model import Content, Question
from voice_triage.triage.slots import SLOTS, UNKNOWN
from voice_triage.triage.tiers import RANK
from voice_triage.understanding.commands import CommandMatcher
from voice_triage.understanding.normalize import clauses
from voice_triage.understanding.numbers import read_age
from voice_triage.understanding.reading import ACCEPT_SCORE, VOLUNTEER_SCORE, Fill, Reading, SlotValue
from voice_triage.understanding.spotting import Label, Match, PhraseIndex

NEGATION_WINDOW = 5  # a negation word this many words before a phrase negates it
# after a leading yes/no, these words start a new thought: "no I have a fever" = "no. I have a fever"
_NEW_THOUGHT = {"i", "it", "there", "that", "but", "we", "my", "the", "just", "only", "its", "this", "although",
                "though", "she", "he", "they", "actually", "not", "nothing", "a", "some"}


def _strongest_in_clause(slot: str, values: list[tuple[SlotValue, float, str]]) -> tuple[SlotValue, float, str]:
    """Within one clause, "the pain is severe" is one reading: the more severe value wins over the generic one.

    (Across clauses, different values stay ambiguous and are confirmed.) Choosing the higher value never lowers
    the tier.
    """
    spec = SLOTS[slot]
    if spec.numeric or len({v for v, _, _ in values}) == 1:
        return max(values, key=lambda v: v[1])
    order = {v: i for i, v in enumerate(spec.values)}
    return max(values, key=lambda v: (_tier_rank(slot, v[0]), order.get(str(v[0]), -1), v[1]))


def _tier_rank(slot: str, value: SlotValue) -> int:
    tier = SLOTS[slot].trigger(value)
    return RANK[tier] if tier else -1


class Understander:
    """Built once per content; ``read`` is called for each answer."""

    def __init__(self, content: Content):
        self.content = content
        ph = content.phrases
        entries: list[tuple[str, Label]] = []
        for slot, sp in ph.slots.items():
            for value, phrases in sp.values.items():
                entries += [(p, Label("slot", slot, value)) for p in phrases]
        entries += [(p, Label("unknown")) for p in ph.unknown]
        entries += [(p, Label("affirm")) for p in ph.affirm]
        entries += [(p, Label("deny")) for p in ph.deny]
        self.index = PhraseIndex(entries)
        self.commands = CommandMatcher(content)
        self._negations = {tuple(n.split()) for n in ph.negations}
        self._yesno_words = {p for p in ph.affirm + ph.deny if " " not in p}
        self._keep = [p for p, _ in entries if " " in p]

    # -- pieces ------------------------------------------------------------------------------------
    def _clauses(self, text: str) -> list[list[str]]:
        out: list[list[str]] = []
        for toks in clauses(text, self.content.phrases.separators, self._keep):
            if len(toks) > 1 and toks[0] in self._yesno_words and toks[1] in _NEW_THOUGHT:
                out += [toks[:1], toks[1:]]
            else:
                out.append(toks)
        return out

    def _negated(self, toks: list[str], m: Match, spans: list[Match]) -> bool:
        if any(tuple(m.phrase.split()[: len(n)]) == n for n in self._negations):
            return False  # the phrase carries its own negation ("no pain", "not pregnant")
        other = {i for s in spans if s.label.kind == "unknown" for i in range(s.start, s.end)}
        lo = max(0, m.start - NEGATION_WINDOW)
        for i in range(lo, m.start):
            if i in other:
                continue
            for n in self._negations:
                if tuple(toks[i : i + len(n)]) == n and i + len(n) <= m.start:
                    return True
        return False

    def _negate(self, slot: str, value: str) -> str | None:
        rule = self.content.phrases.slots[slot].negated
        if isinstance(rule, dict):
            return rule.get(value)
        if rule == "flip":
            return {"yes": "no", "no": "yes"}[value]
        if rule and value != rule:
            return rule
        return None

    # -- the reading -------------------------------------------------------------------------------
    def read(self, text: str, *, asked: Sequence[str] = (), question: Question | None = None) -> Reading:
        reading = Reading(text=text)
        command = self.commands.match(text)
        if command:
            reading.command = command
            return reading
        asked_set = frozenset(asked)
        heard: dict[str, list[tuple[SlotValue, float, str]]] = {}
        unsure_slots: set[str] = set()
        unsure_all = False
        yesno: list[str] = []
        only_yesno = True

        for toks in self._clauses(text):
            spans = self.index.spot(toks, prefer_slots=asked_set)
            by_span: dict[tuple[int, int], list[Match]] = {}
            for m in spans:
                by_span.setdefault((m.start, m.end), []).append(m)
            clause_unknown = any(m.label.kind == "unknown" for m in spans)
            # a yes/no counts when it opens the clause and is the whole of it ("no", "not really"), or is a
            # plain yes/no word opening it ("nope nothing"); "i am" inside "i am 40" is not a yes
            clause_yesno = [
                m.label.kind for m in spans
                if m.label.kind in ("affirm", "deny") and m.start == 0
                and (m.end == len(toks) or m.phrase in self._yesno_words)
            ]
            clause_has_asked = any(m.label.kind == "slot" and m.label.slot in asked_set for m in spans)
            mentioned: list[str] = []
            clause_heard: dict[str, list[tuple[SlotValue, float, str]]] = {}
            for group in by_span.values():
                slot_matches = [m for m in group if m.label.kind == "slot"]
                if not slot_matches:
                    continue
                in_ask = [m for m in slot_matches if m.label.slot in asked_set]
                if in_ask:
                    slot_matches = in_ask
                elif len({m.label.slot for m in slot_matches}) > 1:
                    continue  # the same words could mean several things, none asked about: ignore
                for m in slot_matches:
                    slot, value = m.label.slot, m.label.value
                    assert slot is not None and value is not None
                    is_asked = slot in asked_set
                    if not is_asked and (m.score < VOLUNTEER_SCORE or len(m.phrase) < 5 or clause_has_asked):
                        continue  # volunteered facts need clear words of their own
                    mentioned.append(slot)
                    if clause_unknown:
                        continue
                    if self._negated(toks, m, spans):
                        negated = self._negate(slot, value)
                        if negated is None:
                            continue
                        value = negated
                    clause_heard.setdefault(slot, []).append((value, m.score, m.phrase))
            for slot, values in clause_heard.items():
                heard.setdefault(slot, []).append(_strongest_in_clause(slot, values))
            if mentioned or any(m.label.kind == "slot" for m in spans):
                only_yesno = False
            if clause_unknown:
                only_yesno = False
                if mentioned:
                    unsure_slots.update(s for s in mentioned if s in asked_set or s in heard)
                else:
                    unsure_all = True
            elif clause_yesno and not mentioned:
                yesno.append(clause_yesno[0])
            elif not spans:
                only_yesno = False

        # ages
        plain = " ".join(t for toks in self._clauses(text) for t in toks)
        if "age" in asked_set:
            age = read_age(plain)
            if age.age is not None:
                heard["age"] = [(age.age, 100.0, "")]
            elif age.out_of_range:
                reading.age_out_of_range = age.out_of_range
        else:
            age = read_age(plain, cues=self.content.phrases.age_cues, require_cue=True)
            if age.age is not None:
                heard["age"] = [(age.age, 100.0, "")]

        for slot, values in heard.items():
            if slot in unsure_slots:
                continue
            distinct = list(dict.fromkeys(v for v, _, _ in values))
            if len(distinct) > 1:
                reading.ambiguous[slot] = tuple(distinct)
                continue
            best = max(values, key=lambda v: v[1])
            reading.fills[slot] = Fill(slot, best[0], best[1], best[2], slot in asked_set)
        for slot in unsure_slots:
            reading.fills[slot] = Fill(slot, UNKNOWN, 100.0, "", slot in asked_set)

        remaining = [s for s in asked if s not in reading.fills and s not in reading.ambiguous]
        if yesno and not reading.age_out_of_range:
            answer = yesno[-1] if len(set(yesno)) > 1 and reading.fills else yesno[0]
            if only_yesno and not reading.fills and not unsure_all:
                reading.affirmed = answer == "affirm"
            if question is not None and remaining:
                mapping = question.no if answer == "deny" else question.yes
                if answer == "deny" or all(s in mapping for s in remaining):
                    for s in remaining:
                        if s in mapping:
                            reading.fills[s] = Fill(s, mapping[s], 100.0, "", True)
                elif len(remaining) == 1 and SLOTS[remaining[0]].values == ("yes", "no"):
                    s = remaining[0]
                    reading.fills[s] = Fill(s, question.item_yes.get(s, "yes"), 100.0, "", True)
                elif not any(f.asked for f in reading.fills.values()):
                    reading.clarify = True
        if unsure_all:
            for s in asked:
                if s not in reading.fills and s not in reading.ambiguous:
                    reading.fills[s] = Fill(s, UNKNOWN, 100.0, "", True)
        return reading

    @staticmethod
    def needs_confirmation(fill: Fill) -> bool:
        return fill.score < ACCEPT_SCORE
