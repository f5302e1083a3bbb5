"""What one answer means for the question being asked: slot fills, "don't know", yes/no, or a command."""

from __future__ import annotations

from dataclasses import dataclass, field


SlotValue = str | int

ACCEPT_SCORE = 88.0  # a match at or above this fills a slot without confirming
VOLUNTEER_SCORE = 92.0  # a fact for a slot not asked about needs a clearer match


@dataclass(frozen=True)
class Fill:
    slot: str
    value: SlotValue
    score: float  # 0..100: how well the words matched
    phrase: str  # what was matched ("" for yes/no answers and numbers)
    asked: bool  # the slot was part of the question
    words: str = ""  # the person's own words for it, when they say this value on their own (said back as heard)


@dataclass
class Reading:
    text: str
    command: str | None = None
    fills: dict[str, Fill] = field(default_factory=dict)
    ambiguous: dict[str, tuple[SlotValue, ...]] = field(default_factory=dict)  # slot -> values heard
    clarify: bool = False  # a bare "yes" to a question about several things: ask which
    affirmed: bool | None = None  # bare yes (True) / no (False), when the answer was only that
    mixed: bool = False  # both a yes and a no were said ("no... yes"): ``affirmed`` is the last one
    leading: bool | None = None  # the answer opens with a yes (True) or a no (False): "yes, just spotting"
    unplaced: bool = False  # a bare yes or no came with words the reader could not place ("no plenty on yah")
    #: values the answer says are not so, without saying what is ("not like a spot": not spotting)
    denied: dict[str, set[SlotValue]] = field(default_factory=dict)
    #: it opens with a yes or a no, and a lone word of the other side follows (words.yaml ``turning_words``:
    #: "no i think yes" heard for "right, yes", "no only yes i do" for "no, only a tiny bit")
    turned: bool = False
    opens_yesno: bool = False  # its first words are a yes or no phrase ("that's right", "no"), not words before it
    #: slots whose value the words right after an opening yes say is not so ("yes not anticoagulants"): the yes
    #: and the not contradict each other
    contradicted: frozenset[str] = frozenset()
    age_out_of_range: tuple[int, ...] = ()

    @property
    def understood(self) -> bool:
        return bool(self.command or self.fills or self.ambiguous or self.clarify or self.affirmed is not None)
