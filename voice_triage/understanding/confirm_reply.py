"""A reply to "I understood: ... Is that right?", classified once: yes, no, no with a correction, unsure, unclear.

Recognizers drop and add short words, so a spoken yes or no counts only when the rest of the reply agrees with
it; typed replies are taken as written (a typed "yes no" is a change of mind: the last word counts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from voice_triage.triage.slots import SLOTS, UNKNOWN
from voice_triage.understanding.evidence import SPOKEN, only_unknown
from voice_triage.understanding.reading import Reading, SlotValue


class Reply(Enum):
    YES = "yes"
    NO = "no"
    NO_WITH_CORRECTION = "no_with_correction"
    UNSURE = "unsure"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class ConfirmReply:
    kind: Reply
    text: str = ""  # for a correction: the words it came from
    reading: Reading | None = None  # for a correction: their reading
    corrections: dict[str, SlotValue] = field(default_factory=dict)
    contested: bool = False  # a no that the other reading of the same audio hears as a yes: a doubt, not a refusal


def heard_as_no(other: Reading | None) -> bool:
    """The other reading of the same audio is a plain no (so a yes in the first is not to be trusted)."""
    return other is not None and other.affirmed is False and not other.mixed


def heard_as_yes(other: Reading | None) -> bool:
    """The other reading of the same audio is a plain yes."""
    return other is not None and other.affirmed is True and not other.mixed


def leans_yes(reading: Reading, other: Reading | None) -> bool:
    """A reply that one reading of the audio heard as a yes and neither heard as a no."""
    said = [r for r in (reading, other) if r is not None]
    return any(True in (r.affirmed, r.leading) for r in said) and not any(False in (r.affirmed, r.leading) for r in said)


def says_unsure(reading: Reading, other: Reading | None) -> bool:
    """A reply that one reading of the audio heard as "not sure" and neither heard as a yes."""
    said = [r for r in (reading, other) if r is not None]
    return any(only_unknown(r) for r in said) and not any(True in (r.affirmed, r.leading) for r in said)


def classify(text: str, reading: Reading, proposal: Mapping[str, SlotValue], *, channel: str,
             read: Callable[[str], Reading], weak: Callable[[Any], bool], misheard_yes: bool = False,
             other: Reading | None = None, yes_then_none: bool = False, only_none: bool = False,
             emergency: bool = False, unsure: bool = False, fallback: bool = False,
             lower: Callable[[str, SlotValue, SlotValue], bool] = lambda slot, value, than: False) -> ConfirmReply:
    """``reading``: the reply read for the slots being confirmed; ``read`` reads other words the same way;
    ``weak``: a fill too loosely matched to count as a correction; ``misheard_yes``: the whole reply is one
    that, heard, is more often a misheard yes ("not right" for "that's right"); ``other``: the other reading
    of the same audio, when the recognizer gave one; ``yes_then_none``: the reply is a yes followed only by
    "none" words ("yeah none"); ``only_none``: it is only "none" words ("none", "none of"), which are also a
    value of some slots (no birth control); ``emergency``: the proposal makes it an emergency (a spoken yes to
    it must be a yes, not its words again); ``unsure``: the reply was heard with a low confidence; ``lower``:
    whether a value of a slot is less serious than another; ``fallback``: the reply was read from another
    reading of the audio because the first meant nothing."""
    spoken = channel == SPOKEN
    if spoken and yes_then_none and heard_as_yes(other):
        return ConfirmReply(Reply.YES)  # the sentence model's trailing "none" after a yes the grammar heard plain
    if spoken and only_none and any(proposal.get(s) != f.value for s, f in reading.fills.items()):
        return ConfirmReply(Reply.NO)  # "no" and "none" sound alike: a no to the check, not a new value for it
    if spoken and reading.mixed and reading.leading is False and not reading.fills and not emergency \
            and heard_as_no(other):
        # a no, then a yes of a few words that the other reading of the same audio did not hear: the sentence
        # model adds one after a short no ("no" heard "no i do", the grammar "nope"), so it is a no
        return ConfirmReply(Reply.NO)
    if spoken and (misheard_yes or reading.mixed or reading.turned):
        return ConfirmReply(Reply.UNCLEAR)  # both a yes and a no heard: a garble more often than a change of mind
    if spoken and reading.affirmed is True and not reading.opens_yesno:
        return ConfirmReply(Reply.UNCLEAR)  # a yes only after words that meant nothing ("so not say also aye")
    if any(proposal.get(s) in values for s, values in reading.denied.items()):
        # the reply says a value said back is not so ("not like a spot" to "light spotting?"): a no; with a yes
        # heard too ("no, that's not what I said" heard "yes that's not like a spot"), a garble when spoken
        said_yes = reading.affirmed is True or reading.leading is True
        return ConfirmReply(Reply.UNCLEAR if spoken and said_yes else Reply.NO)
    if spoken and other is not None and not other.mixed:
        # the two readings of the same audio differ: the careful side is taken. Doubt heard by either is doubt
        # (it keeps the more serious reading). A yes the other hears as a no (the sentence model can hear a
        # quick "nope" as "okay" where the yes/no grammar hears "nope") is a contested no unless the proposal
        # makes it an emergency (then doubt): the value is not taken, nor ruled out, and the question is asked again
        news = any(proposal.get(s) != f.value for s, f in reading.fills.items())  # a correction is kept
        if only_unknown(other) and other.affirmed is None and not news:
            return ConfirmReply(Reply.UNSURE)
        # (the values said back said again, with no "no", are a yes too: "the first time" to "the first time?")
        said_again = bool(reading.fills) and set(proposal) <= set(reading.fills) and not news
        if (reading.affirmed is True or (said_again and reading.leading is not False)) and heard_as_no(other):
            return ConfirmReply(Reply.UNSURE) if emergency else ConfirmReply(Reply.NO, contested=True)
        if emergency and reading.affirmed is True and other.affirmed is not True \
                and not all(s in other.fills and other.fills[s].value == v for s, v in proposal.items()):
            # a yes that ends the conversation, which the other reading did not hear as a yes (nor as the value
            # again): doubt ("No, that's not right" heard "so yes i feel i have", the grammar "feel fine")
            return ConfirmReply(Reply.UNSURE)
        if reading.affirmed is False and heard_as_yes(other) and not news and (emergency or len(text.split()) > 1):
            # a no the other reading hears as a yes (a one-word "nope" led by the grammar, "okay" by the
            # sentence model) does not rule out an emergency: doubt. Nor anything else when the no is more
            # than one word ("that's right" heard "that's wrong it", the grammar "that's right"): a contested
            # no, as the other way round. (One word is the grammar's reading, put first by the recognizer
            # over the sentence model's reading of so short a burst, which follows its prior: "okay")
            return ConfirmReply(Reply.UNSURE) if emergency else ConfirmReply(Reply.NO, contested=True)
    if reading.affirmed is True:
        return ConfirmReply(Reply.YES)
    if only_unknown(reading) and reading.affirmed is None:
        return ConfirmReply(Reply.UNSURE)
    said = {s: f.value for s, f in reading.fills.items() if not weak(f)}
    same = [s for s, v in said.items() if proposal.get(s) == v]
    contrary = {s: v for s, v in said.items() if s in proposal and proposal[s] != v}
    corrections = {s: v for s, v in said.items() if proposal.get(s) != v}
    if spoken:
        if reading.leading is True:  # "yes, just spotting": a yes, unless the rest says otherwise
            return ConfirmReply(Reply.UNCLEAR if contrary else Reply.YES)
        if reading.leading is False and same and not contrary:
            # "no, I feel woozy": read without its "no" the rest corrects the reading; if the rest alone says
            # the same as all that was said back, a "not" was dropped ("not quite, I don't feel faint" heard
            # as "nope i feel faint"). "No" saying again only part of it ("not quite, I don't feel faint" to
            # "no dizziness and some pain") disputes the rest: what it says again is an answer like any other
            rest = text.split(maxsplit=1)[1] if len(text.split()) > 1 else ""
            if set(same) == set(proposal) and all(SLOTS[s].numeric for s in same):
                return ConfirmReply(Reply.NO)  # "no, I'm 34" heard "no i am fifty four" to "age 54?": no "not" to drop
            if not rest and set(same) == set(proposal):
                return ConfirmReply(Reply.YES)  # one word that is the value said back ("none": no birth control)
            # a value the whole reply says as it was said back keeps its "no" ("no fever" to "no fever and no
            # odd discharge?" is not "fever"): the rest read alone corrects only the others. Where the rest
            # alone says that value more seriously, the reply is as much "no, sores" as "no sores" ("no,
            # there's a sore spot" heard "no sores"): both readings stand, and the more serious is checked
            again = read(rest) if rest else None
            fixes = {s: f.value for s, f in (again.fills.items() if again else ()) if not weak(f)
                     and f.value not in (UNKNOWN, proposal.get(s)) and s not in same}
            if fixes:
                return ConfirmReply(Reply.NO_WITH_CORRECTION, rest, again, fixes)
            kept = {s: proposal[s] for s in same if again is not None and s in again.fills}
            if kept and set(kept) != set(proposal):
                assert again is not None
                both = {s: (v, again.fills[s].value) for s, v in kept.items() if lower(s, v, again.fills[s].value)}
                as_said = replace(again, fills={**{s: f for s, f in again.fills.items() if s not in both},
                                                **{s: reading.fills[s] for s in kept if s not in both}},
                                  ambiguous={**again.ambiguous, **both})
                return ConfirmReply(Reply.NO_WITH_CORRECTION, rest, as_said, kept)
            return ConfirmReply(Reply.UNCLEAR)
        if reading.affirmed is None and same and not contrary and not corrections and set(same) != set(proposal):
            # part of what was said back said again, with no yes ("few drops" to "light spotting and unusual
            # discharge"): the rest is disputed, and what was said again is an answer like any other
            return ConfirmReply(Reply.NO_WITH_CORRECTION, text, reading, {s: proposal[s] for s in same})
        if reading.affirmed is None and corrections and all(v == UNKNOWN for v in corrections.values()):
            return ConfirmReply(Reply.UNSURE)
        if reading.affirmed is None and corrections and not contrary:
            return ConfirmReply(Reply.UNCLEAR)  # words about something else, with no yes or no
        # the no may be heard by the other reading of the same audio alone ("not quite, no, I don't feel faint"
        # heard "not what i no i don't feel faint" and, by the grammar, "no not quite")
        said_no = reading.affirmed is False or reading.leading is False or (reading.affirmed is None and heard_as_no(other))
        if not said_no and (fallback and contrary or any(lower(s, v, proposal[s]) for s, v in contrary.items())):
            # another value with no "no": lowering needs an explicit correction ("right, yes" heard as "like a
            # period" at "it will not stop"), and a garble can sound like any phrase: the other reading of a
            # reply that meant nothing ("correct" heard "can meant", and "the mini pill" at "no birth control?")
            return ConfirmReply(Reply.UNCLEAR)
    else:
        corrections = said  # typed "it's heavy" at "heavy?" is taken as written, like "no, it's heavy"
    if corrections:
        return ConfirmReply(Reply.NO_WITH_CORRECTION, text, reading, corrections)
    if reading.affirmed is False:
        return ConfirmReply(Reply.NO)
    if same and set(same) == set(proposal) and not contrary:
        # every value said again ("the first time" to "Is this the first time?"); not an emergency when heard,
        # nor anything heard unsurely: a no is the word most often lost ("not quite, not light-headed at all"
        # heard "lightheaded", "no, no fever" heard "smells a fever is")
        return ConfirmReply(Reply.UNCLEAR if spoken and (emergency or unsure) else Reply.YES)
    return ConfirmReply(Reply.UNCLEAR)
