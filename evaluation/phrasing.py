"""The simulated patient's words: turns an ``ask`` and a persona into one natural answer line.

Phrasings come from ``data/phrasing_bank.yaml`` (written independently of the product's phrase data).
Everything is deterministic given the ``random.Random`` passed in.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Mapping

import yaml

from . import spec

BANK_PATH = Path(__file__).resolve().parent / "data" / "phrasing_bank.yaml"

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int, hyphen: bool = False) -> str:
    """English words for 0..999 ("thirty five", or "thirty-five" with hyphen=True)."""
    if n < 0 or n > 999:
        raise ValueError(n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        t, o = divmod(n, 10)
        return _TENS[t] + ((("-" if hyphen else " ") + _ONES[o]) if o else "")
    h, r = divmod(n, 100)
    return _ONES[h] + " hundred" + ((" and " + number_words(r, hyphen)) if r else "")


def load_bank(path: Path | str = BANK_PATH) -> dict:
    with open(path, encoding="utf-8") as f:
        bank = yaml.safe_load(f)
    # YAML may parse bare yes/no keys as booleans: normalise keys to strings.
    def key(k: Any) -> str:
        return "yes" if k is True else "no" if k is False else str(k)

    bank["generic"] = {key(k): v for k, v in bank["generic"].items()}
    bank["slots"] = {slot: {key(k): v for k, v in values.items()} for slot, values in bank["slots"].items()}
    return bank


def _ask_slots(ask: Mapping[str, Any]) -> list[str]:
    return [s for s in (ask.get("slots") or []) if s in spec.SLOTS]


#: single words for the curt patient (a person answering in one clipped word)
CURT_WORDS = {"yes": ["yes", "yeah", "yep"], "no": ["no", "nope", "nah"]}


class Patient:
    """Answers asks from a persona. ``answer(ask)`` returns the line text."""

    def __init__(self, persona: Mapping[str, Any], bank: dict, rng: random.Random,
                 volunteer: list[str] | tuple[str, ...] = (), curt: bool = False):
        """``curt``: answer in one word wherever one word answers (yes, no, a confirmation, "none of
        those"), as many people do; other questions are answered as usual."""
        self.curt = curt
        self.persona = dict(persona)
        self.bank = bank
        self.rng = rng
        self.volunteer = [s for s in volunteer if s in spec.SLOTS]
        self.volunteered = False
        self.history: list[dict] = []

    # -- building blocks --------------------------------------------------------------------------
    def pick(self, items: list[str]) -> str:
        return self.rng.choice(items)

    def generic(self, key: str) -> str:
        return self.pick(self.bank["generic"][key])

    def age_phrase(self, value: Any) -> str:
        if spec.is_unknown(value):
            return self.pick(self.bank["age"]["unknown"] + self.bank["generic"]["unknown"][:4])
        n = int(value)
        tmpl = self.pick(self.bank["age"]["templates"])
        return tmpl.format(n=n, w=number_words(n, hyphen=self.rng.random() < 0.2))

    def clause(self, slot: str, value: Any) -> str:
        """A clause that states slot=value by itself (names the slot)."""
        if slot == "age":
            return self.age_phrase(value)
        key = "unknown" if spec.is_unknown(value) else str(value)
        return self.pick(self.bank["slots"][slot][key])

    def single(self, slot: str, value: Any) -> str:
        """Answer to a question about one slot."""
        if slot == "age":
            return self.age_phrase(value)
        if spec.is_unknown(value):
            return self.generic("unknown") if self.rng.random() < 0.6 else self.clause(slot, value)
        if spec.SLOTS[slot] == ("yes", "no") and slot != "screening_up_to_date":
            # (a bare yes/no is ambiguous for screening: questions put it as "up to date?" or "overdue?")
            r = self.rng.random()
            if r < 0.45:
                return self.generic(str(value))
            if r < 0.75:
                return self.clause(slot, value)
            return self.generic(str(value)).split(",")[0] + ", " + self.clause(slot, value)
        return self.clause(slot, value)

    def join(self, clauses: list[str]) -> str:
        if not clauses:
            return ""
        if len(clauses) == 1:
            return clauses[0]
        return ", ".join(clauses[:-1]) + self.generic("group_joiner") + clauses[-1]

    # -- the kinds of ask -------------------------------------------------------------------------
    def includes_worse(self, ask: Mapping[str, Any]) -> list[str]:
        """The slots of a yes/no question about a value ("Do you have any pain at all?", "Is it more than
        spotting?") whose words take in the persona's more serious value: the person means yes. A check of
        what was understood ("I understood: some pain. Is that right?") asks for the value itself."""
        confirm = ask.get("confirm") or {}
        if ask.get("question", ask.get("question_id")) == "confirm" or not any(cue in str(ask.get("text", "")).lower()
                                                          for cue in self.bank["at_least"]):
            return []
        return [s for s, v in confirm.items() if s in spec.SLOTS and not spec.is_unknown(self.persona.get(s))
                and spec.RANK[spec.slot_tier(s, self.persona[s]) or "self_care"]
                > spec.RANK[spec.slot_tier(s, v) or "self_care"]]

    def answer_confirm(self, confirm: Mapping[str, Any], worse: list[str] | None = None) -> str:
        if worse:  # "Do you have any pain at all?" "yes, it's really bad"
            return self.generic("confirm_yes").split(",")[0] + ", " + self.clause(worse[0], self.persona[worse[0]])
        ok = all(spec.value_matches(s, self.persona.get(s, "unknown"), v) for s, v in confirm.items())
        if ok:
            return self.generic("confirm_yes")
        text = self.generic("confirm_no")
        # a person unsure of a value says so: a bare "no, that's not right" to "Do you feel dizzy or faint right
        # now?" would say "not dizzy", which they do not mean
        unsure = [s for s in confirm if s in spec.SLOTS and spec.is_unknown(self.persona.get(s, "unknown"))]
        if self.rng.random() < 0.5 or unsure:
            slot = unsure[0] if unsure else next(iter(confirm))
            if slot in spec.SLOTS:
                text = text.split(",")[0] + ", " + self.clause(slot, self.persona.get(slot, "unknown"))
        return text

    def benign(self, slot: str) -> bool:
        v = self.persona.get(slot, "unknown")
        if slot == "dryness":  # triggers nothing but is worth naming
            return v == "no"
        return not spec.is_unknown(v) and spec.slot_tier(slot, v) is None

    def answer_group(self, slots: list[str]) -> str:
        """One sentence for a question about several slots ("Do you have any of these: ...?").

        The items of such a question are the facts that matter (the triggering values: a fever, overdue
        screening), so the patient names the ones that apply, says "not sure" for unknowns, and a varied
        "no" when none apply."""
        yes_no_only = all(spec.SLOTS[s] == ("yes", "no") for s in slots)
        pos = [s for s in slots if not self.benign(s) and not spec.is_unknown(self.persona.get(s, "unknown"))]
        unk = [s for s in slots if spec.is_unknown(self.persona.get(s, "unknown"))]
        if not pos and not unk:
            if yes_no_only or self.rng.random() < 0.5:
                return self.generic("none_of_those")
            return self.join([self.clause(s, self.persona[s]) for s in slots])
        parts: list[str] = []
        if pos:
            text = self.join([self.clause(s, self.persona[s]) for s in pos])
            if yes_no_only or self.rng.random() < 0.5:
                text = self.generic("group_yes_prefix") + text
            rest = [s for s in slots if s not in pos and s not in unk]
            if rest and not unk:
                if self.rng.random() < 0.3:
                    text += self.generic("group_joiner") + self.join([self.clause(s, self.persona[s]) for s in rest])
                else:
                    text += self.generic("group_rest_no")
            parts.append(text)
        else:
            rest = [s for s in slots if s not in unk]
            if rest:
                parts.append(self.generic("none_of_those").split(",")[0] if yes_no_only
                              else self.join([self.clause(s, self.persona[s]) for s in rest]))
        if unk:
            parts.append((self.generic("group_unknown_prefix") if parts else "")
                         + self.join([self.clause(s, "unknown") for s in unk]))
        return ", ".join(parts)

    def answer_open(self, slots: list[str]) -> str:
        want = list(slots) or ["amount"]
        if not self.volunteered:
            want += [s for s in self.volunteer if s not in want]
            self.volunteered = True
        clauses = [self.clause(s, self.persona.get(s, "unknown")) for s in want]
        return self.generic("open_prefix") + self.join(clauses)

    def curt_word(self, ask: Mapping[str, Any]) -> str | None:
        """The one-word answer to this ask, when one word answers it."""
        confirm = ask.get("confirm")
        slots = _ask_slots(ask)
        if confirm:
            ok = all(spec.value_matches(s, self.persona.get(s, "unknown"), v) for s, v in confirm.items())
            return self.pick(CURT_WORDS["yes" if ok or self.includes_worse(ask) else "no"])
        if ask.get("open") or not slots or not all(spec.SLOTS[s] == ("yes", "no") for s in slots):
            return None
        if "screening_up_to_date" in slots:
            return None
        values = [self.persona.get(s, "unknown") for s in slots]
        if any(spec.is_unknown(v) for v in values):
            return None
        if len(slots) == 1:
            return self.pick(CURT_WORDS[str(values[0])])
        return self.pick(CURT_WORDS["no"]) if all(self.benign(s) for s in slots) else None

    def correction(self, implied: Mapping[str, Any]) -> str | None:
        """ "no, <what I said>" when a value said back ("Light spotting, thanks.") is not the persona's."""
        wrong = [s for s, v in implied.items() if s in spec.SLOTS
                 and not spec.value_matches(s, self.persona.get(s, "unknown"), v)]
        if not wrong:
            return None
        return self.generic("confirm_no").split(",")[0] + ", " + self.clause(wrong[0], self.persona.get(wrong[0], "unknown"))

    def answer(self, ask: Mapping[str, Any]) -> str:
        confirm = ask.get("confirm")
        slots = _ask_slots(ask)
        fix = self.correction(ask["implied"]) if isinstance(ask.get("implied"), Mapping) else None
        word = self.curt_word(ask) if self.curt and not fix else None
        if word:
            self.history.append({"kind": "curt", "slots": slots, "text": word})
            return word
        if fix:
            kind, text = "correct", fix
        elif confirm:
            kind, text = "confirm", self.answer_confirm(confirm, self.includes_worse(ask))
        elif ask.get("open"):
            kind, text = "open", self.answer_open(slots)
        elif len(slots) == 1:
            kind, text = "single", self.single(slots[0], self.persona.get(slots[0], "unknown"))
        elif slots:
            kind, text = "group", self.answer_group(slots)
        else:
            kind, text = "none", self.generic("no")
        if self.rng.random() < 0.08 and kind not in ("confirm", "correct"):
            text = self.generic("fillers") + text
        text = text[0].upper() + text[1:] if self.rng.random() < 0.5 else text
        self.history.append({"kind": kind, "slots": slots, "text": text})
        return text


def all_phrasings(bank: dict | None = None) -> list[tuple[str, str, str]]:
    """(slot, value, text) for every bank clause, ages rendered for a few numbers (for WER tests)."""
    bank = bank or load_bank()
    out = []
    for slot, values in bank["slots"].items():
        for value, items in values.items():
            out.extend((slot, value, t) for t in items)
    for n in (19, 27, 35, 36, 44, 58):
        for t in bank["age"]["templates"]:
            out.append(("age", str(n), t.format(n=n, w=number_words(n))))
    for key in ("yes", "no", "unknown", "none_of_those"):
        out.extend(("generic", key, t) for t in bank["generic"][key])
    return out


def add_typos(text: str, rng: random.Random, rate: float = 0.15) -> str:
    """Typing slips: in each word of 4+ letters, with probability ``rate``, swap two neighbouring letters,
    drop one or double one (never in numbers)."""
    out = []
    for w in text.split(" "):
        letters = [i for i, ch in enumerate(w) if ch.isalpha()]
        if len(letters) >= 4 and not any(ch.isdigit() for ch in w) and rng.random() < rate:
            i = rng.choice(letters[1:-1])
            kind = rng.choice(("swap", "drop", "double"))
            if kind == "swap" and i + 1 < len(w) and w[i + 1].isalpha():
                w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
            elif kind == "drop":
                w = w[:i] + w[i + 1:]
            else:
                w = w[:i] + w[i] + w[i:]
        out.append(w)
    return " ".join(out)
