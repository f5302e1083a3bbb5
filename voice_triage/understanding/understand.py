"""Text -> Reading: slot filling with rapidfuzz, negation, numbers, "don't know", yes/no and commands.

How an answer is read (each step is data-driven from prompts/<lang>/phrases.yaml):

1. A command counts only when it is the whole answer ("stop", not "it won't stop").
2. The answer is split into clauses at punctuation and separator words ("a few drops and it didn't hurt").
3. In each clause, known phrases are spotted word by word (typo-tolerant, see spotting.py).
4. A negation before a phrase in the same clause ("no fever", "I haven't been dizzy") gives the slot's
   negated value; a negation that may belong to a separate "no" ("no mild cramps") makes the reading
   ambiguous, and the dialog confirms the more serious one.
5. Modifiers upgrade a slot mentioned in the same clause ("the pain is terrible" -> severe).
6. "I don't know" in a clause makes the slots that clause names unknown; on its own, every asked slot.
   Hedges ("maybe", "I think") leave a named fact standing ("maybe a bit dizzy" is dizzy).
7. A leading yes/no, "only"/"just", or "nothing else" settle the asked slots the answer did not name.
8. A fact for a slot that was not asked ("volunteered") needs clear words: a close match of a phrase that
   is not generic ("first", "none" only count when asked).
Misreadings are resolved towards caution: within a clause the more serious value wins, and two readings
of one slot across clauses are confirmed (the more serious proposed first).
Steps 2-5 and 8, one clause at a time, are :mod:`voice_triage.understanding.clause`; this module puts the
clauses together (steps 6-7, ages) into one :class:`Reading`.
"""


from __future__ import annotations

from collections.abc import Sequence

from voice_triage.content.model import Content, Question
from voice_triage.content.normalize import normalize
from voice_triage.content.normalize import words as word_sets
from voice_triage.triage.slots import SLOTS, UNKNOWN
from voice_triage.understanding.clause import Clause, ClauseReader, Heard, norm_list, severity
from voice_triage.understanding.commands import CommandMatcher
from voice_triage.understanding.numbers import read_age
from voice_triage.understanding.reading import ACCEPT_SCORE, Fill, Reading
from voice_triage.understanding.reply_words import ReplyWords
from voice_triage.understanding.spotting import GAP_WORDS, SKIPPABLE

APPROX_AGE_SCORE = 80.0  # "mid thirties" -> 35, confirmed before it counts


class Understander(ReplyWords):
    """Built once per content; ``read`` is called for each answer."""

    def __init__(self, content: Content):
        self.content = content
        extra = content.phrases.extra or {}
        sets = word_sets(content.lang)
        self.clauses = ClauseReader(content, sets)
        self.index = self.clauses.index
        self._affirm_words = self.clauses.affirm_words
        self._yesno_words = self.clauses.yesno_words
        # words.yaml: these point at the other asked things ("not sure about the rest")
        self._rest = frozenset(str(w) for w in sets.get("rest") or ())
        raw_ages = extra.get("approximate_ages")
        self._approx_ages = [(tuple(normalize(str(k), drop_fillers=False).split()), int(v))
                             for k, v in (raw_ages.items() if isinstance(raw_ages, dict) else ())]
        self._load_reply_words(sets, norm_list(extra.get("misheard_yes")))
        self.commands = CommandMatcher(content)

    # -- the reading -------------------------------------------------------------------------------
    def read(self, text: str, *, asked: Sequence[str] = (), question: Question | None = None,
             commands: bool = True) -> Reading:
        """What ``text`` says about the ``asked`` slots (``commands=False``: a command phrase is read as words)."""
        reading = Reading(text=text)
        if not isinstance(text, str):
            return reading
        command = self.commands.match(text) if commands else None
        if command:
            reading.command = command
            return reading
        asked_set = frozenset(asked)
        cls = [self.clauses.read(toks, asked_set) for toks in self.clauses.split(text)]

        heard: dict[str, list[Heard]] = {}
        unsure_slots: set[str] = set()
        unsure_all = False
        # a "not sure" that names nothing is about the question, unless an asked item is named elsewhere
        anything = any(slot in asked_set for cl in cls for slot in cl.mentioned)
        for cl in cls:
            unsure_slots.update(cl.unsure)
            if cl.unknown:
                if cl.mentioned:
                    unsure_slots.update(cl.mentioned)
                elif not anything or any(t in self._rest for t in cl.toks):
                    unsure_all = True  # "not sure", or "no fever, not sure about the rest"
                continue
            for slot, hs in cl.heard.items():
                best = max(hs, key=lambda h: (severity(slot, h.value), h.score))
                alts = tuple(dict.fromkeys(a for h in hs for a in h.alternatives if a != best.value))
                heard.setdefault(slot, []).append(Heard(best.value, best.score, best.phrase, alts, best.words))
            if cl.hedge and not cl.mentioned and not cl.yesno and not anything:
                unsure_all = True

        # ages
        plain = " ".join(t for cl in cls for t in cl.toks)
        if "age" in asked_set:
            age = read_age(plain)
            if age.age is not None:
                heard["age"] = [Heard(age.age, 100.0, "")]
            elif age.out_of_range:
                reading.age_out_of_range = age.out_of_range
            else:
                for phrase, years in self._approx_ages:
                    if self.clauses.has(plain.split(), phrase) is not None:
                        heard["age"] = [Heard(years, APPROX_AGE_SCORE, " ".join(phrase))]
                        break
        else:
            age = read_age(plain, cues=self.content.phrases.age_cues, require_cue=True)
            if age.age is not None:
                heard["age"] = [Heard(age.age, 100.0, "")]

        for slot, hs in heard.items():
            if slot in unsure_slots:
                continue
            distinct: list[str | int] = list(dict.fromkeys(h.value for h in hs))
            others = [a for h in hs for a in h.alternatives if a not in distinct]
            if len(distinct) > 1 or others:
                reading.ambiguous[slot] = tuple(dict.fromkeys([*distinct, *others]))
                continue
            best = max(hs, key=lambda h: h.score)
            reading.fills[slot] = Fill(slot, best.value, best.score, best.phrase, slot in asked_set, best.words)
        for slot in sorted(unsure_slots, key=list(SLOTS).index):  # (in one order: a set's changes run to run)
            reading.fills[slot] = Fill(slot, UNKNOWN, 100.0, "", slot in asked_set)

        self._settle_rest(reading, cls, asked, question, unsure_all)
        return reading

    def _settle_rest(self, reading: Reading, cls: list[Clause], asked: Sequence[str], question: Question | None,
                     unsure_all: bool) -> None:
        """What a yes/no, "only ...", "nothing else" or "I don't know" says about the asked slots not named."""
        if cls and cls[0].lead:
            reading.leading = cls[0].lead == "affirm"
        reading.opens_yesno = bool(cls and (cls[0].lead or cls[0].yesno))
        if cls and cls[0].lead == "affirm":
            # a yes, then that the question's thing is not so, in the next clause or in its own ("yes, it hurt
            # during sex" heard "yes a bit not during sex"): the words give two values (a no to the question's
            # thing: "not often" is no no to "Has this happened before?")
            no = question.no if question is not None else {}
            said = cls[1] if len(cls) > 1 and not cls[0].heard else cls[0]
            reading.contradicted = frozenset(s for s, hs in said.heard.items()
                                             if any(h.negated and no.get(s, h.value) == h.value for h in hs))
        opening = cls[0].lead if cls else None
        reading.turned = bool(opening) and any(set(cl.lone) - {opening} for cl in cls)
        for cl in cls:
            for slot, values in cl.denied.items():
                reading.denied.setdefault(slot, set()).update(values)
        if reading.age_out_of_range:
            return
        named = set(reading.fills) | set(reading.ambiguous)
        content = any(f.asked for f in reading.fills.values()) or any(s in asked for s in reading.ambiguous)
        remaining = [s for s in asked if s not in named]
        yesno = [cl.yesno for cl in cls if cl.yesno and not cl.heard and not cl.unknown]
        heard_any = bool(named) or any(cl.heard for cl in cls)
        # what was heard is only about other things than the question ("yes please, and I have a fever" at
        # "Would you like to be checked?"): news beside a plain yes or no, which still answers the question
        # (not "no wait, ...": words beside the no make it a correction as often as an answer)
        heard_asked = any(s in asked for s in named) or any(s in asked for cl in cls for s in cl.heard)
        bare = not heard_any or (not heard_asked and not any(cl.unplaced for cl in cls if cl.yesno and not cl.heard))
        if unsure_all:
            for s in remaining:
                reading.fills[s] = Fill(s, UNKNOWN, 100.0, "", True)
            return
        if yesno and bare:
            # a bare yes or no (perhaps with words we could not place: "yes, that one")
            answer = yesno[-1] if len(set(yesno)) > 1 else yesno[0]
            reading.affirmed = answer == "affirm"
            reading.mixed = len(set(yesno)) > 1
            reading.unplaced = any(cl.unplaced for cl in cls)
            if question is None or not remaining:
                return
            if answer == "deny":
                for s in remaining:
                    if s in question.no:
                        reading.fills[s] = Fill(s, question.no[s], 100.0, "", True)
            elif all(s in question.yes for s in remaining):
                for s in remaining:
                    reading.fills[s] = Fill(s, question.yes[s], 100.0, "", True)
            elif len(remaining) == 1 and SLOTS[remaining[0]].values == ("yes", "no"):
                s = remaining[0]
                reading.fills[s] = Fill(s, question.item_yes.get(s, "yes"), 100.0, "", True)
            else:
                reading.clarify = True
            return
        if question is None or not remaining or not content:
            return
        lead = cls[0].yesno if cls else None
        rest_no = any(cl.rest_no for cl in cls) or any(cl.only for cl in cls if cl.heard)
        if "affirm" in yesno and not rest_no:
            return  # "yeah, also no, it doesn't hurt": a yes we cannot place, so nothing else is taken as a no
        if lead == "deny" or rest_no or "deny" in yesno:
            for s in remaining:
                if s in question.no:
                    reading.fills[s] = Fill(s, question.no[s], 100.0, "", True)

    def carrying_words(self, fill: Fill, reading: Reading) -> frozenset[str]:
        """The words a value rests on: its phrase's own words (not "a", "like", "so"), or for a yes or no the
        yes and no words; and any negation. Empty (every word counts) for a number, for a yes or no among
        words that could not be placed (``reading.unplaced``: a garble), and for a value no word of its own
        gave that no opening "no" gave either ("that's all" after a fever: the rest is ruled out by the whole
        answer, not by its "yes")."""
        given_by_whole = reading.unplaced or (reading.affirmed is None and reading.leading is not False)
        if SLOTS[fill.slot].numeric or (given_by_whole and not fill.phrase):
            return frozenset()
        own = set(fill.phrase.split())
        own = (own - GAP_WORDS - SKIPPABLE or own) if own else set(self._yesno_words)
        return frozenset(own | self.clauses.neg_words)

    @staticmethod
    def needs_confirmation(fill: Fill) -> bool:
        return fill.score < ACCEPT_SCORE
