"""One clause of an answer -> the facts it names: phrases spotted (spotting.py), negation, modifiers, a
leading yes/no, "only", pads per hour. Steps 2-5 and 8 of :mod:`voice_triage.understanding.understand`; the
word sets are data (prompts/<lang>/phrases.yaml ``extra`` and words.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from voice_triage.content.model import Content
from voice_triage.content.normalize import clauses, normalize
from voice_triage.triage.slots import SLOTS, UNKNOWN
from voice_triage.triage.tiers import RANK
from voice_triage.understanding.lead_ins import LeadIns
from voice_triage.understanding.negation import NegationReach
from voice_triage.understanding.occurrences import Occurrences
from voice_triage.understanding.pads import PadRate
from voice_triage.understanding.reading import VOLUNTEER_SCORE, SlotValue
from voice_triage.understanding.spotting import Label, Match, PhraseIndex



def norm_list(items: object) -> list[str]:
    if not isinstance(items, list):
        return []
    return [p for p in (normalize(str(x), drop_fillers=False) for x in items) if p]


def _tier_rank(slot: str, value: SlotValue) -> int:
    if value == UNKNOWN:
        floor = SLOTS[slot].unknown_floor
        return RANK[floor] if floor else -1
    tier = SLOTS[slot].trigger(value)
    return RANK[tier] if tier else -1


def severity(slot: str, value: SlotValue) -> tuple[int, int]:
    spec = SLOTS[slot]
    order = {v: i for i, v in enumerate(spec.values)}
    return (_tier_rank(slot, value), order.get(str(value), -1))


@dataclass
class Heard:
    value: SlotValue
    score: float
    phrase: str
    alternatives: tuple[SlotValue, ...] = ()  # other readings of the same words (ambiguous negation)
    words: str = ""  # the answer's own words, when they matched a phrase that means this value on its own
    negated: bool = False  # heard with a negation ("not anticoagulants", "no fever")


@dataclass
class Clause:
    toks: list[str]
    yesno: str | None = None  # "affirm"/"deny": the clause opens with (or is only) a yes/no
    lead: str | None = None  # "affirm"/"deny": the clause's first words are a yes/no, whatever follows
    unknown: bool = False  # a strong "I don't know"
    hedge: bool = False  # "maybe", "I think"
    rest_no: bool = False  # "nothing else", "that's all"
    only: bool = False  # "just the burning when I pee"
    mentioned: set[str] = field(default_factory=set)  # slots the clause names
    unsure: set[str] = field(default_factory=set)  # slots it asks about after a negation ("can't tell if ...")
    unplaced: bool = False  # words no phrase of the clause covers ("no plenty on yah")
    lone: set[str] = field(default_factory=set)  # "affirm"/"deny": words.yaml turning_words after its first word,
    # in no phrase of a slot ("no i think yes": {"affirm"})
    denied: dict[str, set[SlotValue]] = field(default_factory=dict)  # values said with a negation that gives no
    # other value ("not like a spot": amount is not spotting, but which amount is not said)
    heard: dict[str, list[Heard]] = field(default_factory=dict)


class ClauseReader:
    """Built once per content (the phrase index and the word sets); ``split`` cuts an answer into clauses
    and ``read`` reads one."""

    def __init__(self, content: Content, sets: Mapping[str, Any]):
        self.content = content
        ph = content.phrases
        extra = ph.extra or {}
        entries: list[tuple[str, Label]] = []
        for slot, sp in ph.slots.items():
            for value, phrases in sp.values.items():
                entries += [(p, Label("slot", slot, value)) for p in phrases]
        entries += [(p, Label("unknown")) for p in ph.unknown]
        entries += [(p, Label("affirm")) for p in ph.affirm]
        entries += [(p, Label("deny")) for p in ph.deny]
        entries += [(p, Label("hedge")) for p in norm_list(extra.get("hedges"))]
        entries += [(p, Label("rest_no")) for p in norm_list(extra.get("rest_no"))]
        self._modifiers: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {}
        for slot, by_value in (extra.get("modifiers") or {}).items():
            for value, phrases in (by_value or {}).items():
                self._modifiers.setdefault(slot, {})[str(value)] = tuple(
                    tuple(p.split()) for p in norm_list(phrases))
        self._asked_only: dict[str, set[str]] = {
            slot: set(norm_list(phrases)) for slot, phrases in (extra.get("asked_only") or {}).items()
        }
        self._only_words = set(norm_list(extra.get("only_words")))
        self._degree_words = set(norm_list(extra.get("degree_words")))
        self._pad_rate = PadRate.from_data(extra.get("pad_rate"))
        self._occurrences = Occurrences.from_data(extra.get("occurrences"), content.lang)
        # words.yaml: after a leading yes/no word these start a new thought ("no I have a fever" = "no. I
        # have a fever"); these add nothing beside a yes/no ("no to all of those")
        self._new_thought = frozenset(str(w) for w in sets.get("new_thought") or ())
        self._add_nothing = frozenset(str(w) for w in sets.get("add_nothing") or ())
        self._turning = frozenset(str(w) for w in sets.get("turning_words") or ())
        self._lone_no = frozenset(str(w) for w in sets.get("lone_no") or ())
        # a reply's "no" is not about a count of times ("no, the second time"): only the slot's own negations
        occ_slot = self._occurrences.slot if self._occurrences else ""
        self.yesno_words = {p for p in ph.affirm + ph.deny if " " not in p}
        self.negation = NegationReach(ph, sets, self.yesno_words)
        self.neg_words = self.negation.words
        self._occurrence_negations = frozenset(n[0] for n in self.negation.of(occ_slot) if len(n) == 1)
        self.affirm_words = {p for p in ph.affirm if " " not in p} - {p for p in ph.deny if " " not in p}
        # yes/no words that never start a phrase of their own: always a separate thought ("yes pain")
        split_no = [tuple(normalize(str(p), drop_fillers=False).split()) for p in sets.get("split_no") or ()]
        self._split_words = {p for p in ph.affirm if " " not in p} | {p[0] for p in split_no if len(p) == 1}
        # whole replies of several words that never negate what follows ("not quite, I have some pain"):
        # split from it even without a comma, as a recognizer writes them; longest first
        self._split_phrases = sorted((p for p in split_no if len(p) > 1), key=len, reverse=True)
        # a yes/no word that opens a longer yes/no phrase is not split from it ("definitely not", "no i do
        # not"), only when the whole phrase is there: "no i feel steady" is "no. i feel steady"
        self._yesno_openers: dict[str, list[tuple[str, ...]]] = {}
        for p in ph.affirm + ph.deny + ph.unknown:
            words = tuple(normalize(p, drop_fillers=False).split())
            if len(words) > 1:
                self._yesno_openers.setdefault(words[0], []).append(words)
        barriers = self.neg_words | set(ph.separators) | self.yesno_words | {"but"}
        commands = {normalize(p, drop_fillers=False) for ps in content.commands.values() for p in ps}
        self.index = PhraseIndex(entries, barriers=barriers, known={c for c in commands if " " not in c},
                                 negative_prefixes=[str(p) for p in sets.get("negative_prefixes") or ()])
        self._keep = tuple(dict.fromkeys(p for p, _ in entries if " " in p))
        self._lead_ins = LeadIns([normalize(str(p), drop_fillers=False) for p in sets.get("leading_into") or ()],
                                 self.yesno_words, self._keep)

    def split(self, text: str) -> list[list[str]]:
        fillers = self.content.phrases.fillers
        out: list[list[str]] = []
        for toks in clauses(self.negation.echo_answered(text), self.content.phrases.separators, self._keep):
            toks = normalize(" ".join(toks), fillers=fillers).split()
            while (cut := self._lead_ins.find(toks)) is not None:  # "my break week so no": "my break week". "no"
                if cut[0]:
                    out.append(toks[:cut[0]])
                toks = toks[cut[1]:]
            if not toks:
                continue
            while (n := self._opening_reply(toks)):
                out.append(toks[:n])
                toks = toks[n:]
            out.append(toks)
        return out

    def _opening_reply(self, toks: list[str]) -> int:
        """How many opening words are a yes or no of their own, to be split from what follows ("nope pain",
        "no I have a fever", "not quite I have some pain"); 0: none."""
        if len(toks) < 2:
            return 0
        for p in self._split_phrases:
            if len(toks) > len(p) and tuple(toks[:len(p)]) == p and not self._opens_yesno_phrase(toks, len(p)):
                return len(p)
        if (toks[0] in self.yesno_words and not self._opens_yesno_phrase(toks)
                and (toks[1] in self._new_thought or toks[0] in self._split_words)):
            return 1
        return 0

    def _opens_yesno_phrase(self, toks: list[str], longer_than: int = 1) -> bool:
        """The clause opens with a yes/no phrase of more than ``longer_than`` words ("no i do not", "definitely
        not", "not quite sure")."""
        return any(len(p) > longer_than and tuple(toks[:len(p)]) == p for p in self._yesno_openers.get(toks[0], ()))

    @staticmethod
    def _weak_yesno(phrase: str) -> bool:
        """ "i am", "it is", "there was": a yes only when it is the whole clause ("i am 40" is not a yes)."""
        words = phrase.split()
        return len(words) <= 3 and words[0] in ("i", "it", "there", "that", "we", "they", "she", "he")

    def _volunteer_ok(self, m: Match) -> bool:
        assert m.label.slot is not None
        if m.score < VOLUNTEER_SCORE or len(m.phrase) < 4:
            return False
        return m.phrase not in self._asked_only.get(m.label.slot, ()) and m.phrase not in self._asked_only.get("*", ())

    def _own_words(self, toks: list[str], m: Match) -> str:
        """The answer's words for a fact, when they are a listed phrase word for word that means the fact
        out of context (not an asked-only phrase): those can be said back as heard."""
        words = " ".join(toks[m.start:m.end])
        return words if not m.skipped and words == m.phrase and self._volunteer_ok(m) else ""

    @staticmethod
    def has(toks: list[str], phrase: tuple[str, ...]) -> int | None:
        n = len(phrase)
        for i in range(len(toks) - n + 1):
            if tuple(toks[i : i + n]) == phrase:
                return i
        return None

    def read(self, toks: list[str], asked: frozenset[str]) -> Clause:
        cl = Clause(toks)
        spans = self.index.spot(toks, prefer_slots=asked)
        kinds = {m.label.kind for m in spans}
        cl.unknown = "unknown" in kinds
        cl.hedge = "hedge" in kinds
        cl.rest_no = "rest_no" in kinds
        has_slot = any(m.label.kind == "slot" for m in spans) or any(t.isdigit() for t in toks)
        covered = {i for m in spans for i in range(m.start, m.end)}
        in_slot = {i for m in spans if m.label.kind == "slot" for i in range(m.start, m.end)}
        cl.lone = {"affirm" if t in self.affirm_words else "deny" for i, t in enumerate(toks)
                   if i > 0 and t in self._turning and i not in in_slot}
        cl.unplaced = any(i not in covered and not t.isdigit() and t not in self._add_nothing for i, t in enumerate(toks))
        # the longest yes/no phrase the clause opens with
        opening = max((m for m in spans if m.label.kind in ("affirm", "deny") and m.start == 0),
                      key=lambda m: m.end, default=None)
        if toks and toks[0] in self.yesno_words:  # a one-word yes or no first ("yes i am soaking ...")
            cl.lead = "affirm" if toks[0] in self.affirm_words else "deny"
            # unless it opens a longer yes/no phrase that says the other ("definitely not", "absolutely not")
            if opening is not None and opening.end > 1:
                cl.lead = opening.label.kind
        elif opening is not None and opening.end == len(toks):
            # a whole clause that is a reply of several words ("not quite", split from "I have some pain")
            cl.lead = opening.label.kind
        for m in spans:
            if m.label.kind in ("affirm", "deny") and m.start == 0 and (
                m.end == len(toks) or m.phrase in self.yesno_words
                # "none apply to me", "i think so yes": a clear yes/no, then words that add nothing
                or (not has_slot and not self._weak_yesno(m.phrase))
            ):
                cl.yesno = m.label.kind
                break
        if cl.yesno is None and len(toks) == 1 and toks[0] in self._lone_no:  # "not" alone: a quick "nah"
            cl.yesno = cl.lead = "deny"
        by_span: dict[tuple[int, int], list[Match]] = {}
        for m in spans:
            if m.label.kind == "slot":
                by_span.setdefault((m.start, m.end), []).append(m)
        first_slot_start = min((s for s, _ in by_span), default=None)
        if first_slot_start is not None and first_slot_start > 0:
            before = toks[max(0, first_slot_start - 3) : first_slot_start]
            cl.only = any(t in self._only_words for t in before)
        for group in by_span.values():
            in_ask = [m for m in group if m.label.slot in asked]
            if in_ask:
                group = in_ask
            elif len({m.label.slot for m in group}) > 1:
                continue  # the same words could mean several things, none asked about: ignore
            for m in group:
                slot, value = m.label.slot, m.label.value
                assert slot is not None and value is not None
                if (slot not in asked and not self._volunteer_ok(m)) or self.negation.describes_next(m, spans):
                    continue
                cl.mentioned.add(slot)
                if self.negation.about_knowing(toks, m, spans):
                    cl.unsure.add(slot)  # "I can't tell if I'm light-headed"
                    continue
                neg = self.negation.negator(toks, m, spans)
                answered = neg is None and (neg := self.negation.after(toks, m, spans)) is not None
                if neg is None and m.start >= 2 and toks[m.start - 1] in ("or", "nor"):
                    prev = [p for p in spans if p.label.kind == "slot" and p.end == m.start - 1]
                    if prev and (self.negation.negator(toks, prev[0], spans) is not None
                                 or set(prev[0].phrase.split()) & self.neg_words):
                        neg = m.start - 1  # "no fever or chills": the negation carries over the list
                if neg is not None and self.negation.reply_no(toks, neg) and _tier_rank(slot, value) < 0 \
                        and _tier_rank(slot, self.negation.negate(slot, value) or value) >= 0:
                    neg = None  # "no same partner": "no. same partner", not "not the same partner"
                alternatives: tuple[SlotValue, ...] = ()
                if neg is not None:
                    negated = self.negation.negate(slot, value)
                    if negated is None or (m.phrase.split()[0] in self._degree_words
                                           and not self.negation.reply_no(toks, neg)):
                        # (a degree negated says how much, not whether: "it's not mild" is no "no pain")
                        cl.denied.setdefault(slot, set()).add(value)
                        continue
                    # "no mild cramps": a "no" answering the question, then a fact? "Dizzy? No.", or "some
                    # pain, no" (the no about dizziness)? Both readings stand (the more serious is checked).
                    if answered or (toks[neg] == "no" and neg == 0 and neg + 1 == m.start and len(asked) > 1
                                    and m.phrase.split()[0] in self._degree_words):
                        alternatives = (value,)
                    value = negated
                cl.heard.setdefault(slot, []).append(Heard(value, m.score, m.phrase, alternatives,
                                                            self._own_words(toks, m) if neg is None else "",
                                                            neg is not None or bool(set(m.phrase.split()) & self.neg_words)))
        pads = self._pad_rate.amount(toks, frozenset(self.neg_words)) if self._pad_rate else None
        if pads is not None:  # "three pads in the last hour": the pads per hour say how much
            cl.mentioned.add("amount")
            cl.heard.setdefault("amount", []).append(Heard(pads[0], 100.0, pads[1]))
        occ = self._occurrences
        counted = occ.value(toks, self._occurrence_negations) if occ and occ.slot in asked else None
        if occ and counted and counted[0] not in {h.value for h in cl.heard.get(occ.slot, ())}:
            cl.mentioned.add(occ.slot)  # "the second time this month": the count says how often
            cl.heard.setdefault(occ.slot, []).append(Heard(counted[0], 100.0, counted[1]))
        # modifiers: "the pain is terrible" -> severe, when the clause names the slot
        for slot, by_value in self._modifiers.items():
            if slot not in cl.heard:
                continue
            for value, phrases in by_value.items():
                for p in phrases:
                    i = self.has(toks, p)
                    if i is None:
                        continue
                    lo = max(0, i - 3)
                    if any(t in self.neg_words for t in toks[lo:i]):
                        continue  # "not severe"
                    hs = cl.heard[slot]
                    # upgrade a milder reading ("pain" + "terrible"), never a denial ("no pain ... bad")
                    if all(SLOTS[slot].trigger(h.value) is not None and severity(slot, value) > severity(slot, h.value)
                           for h in hs):
                        hs.append(Heard(value, max(h.score for h in hs), " ".join(p)))
        return cl
