"""Per-question grammars: the phrases that can answer the question plus the global commands.

Phrases are normalised to the words a recognizer's dictionary holds (lower case, no punctuation,
numbers spelled out). A phrase with a word the engine does not know is dropped, and the word is
reported once per process (vosk silently ignores unknown grammar words, pocketsphinx fails).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

log = logging.getLogger("voice_triage.recognition")

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """0..999 as English words ("twenty five", "one hundred five")."""
    if n < 0 or n > 999:
        raise ValueError(n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        t, o = divmod(n, 10)
        return _TENS[t] + ("" if o == 0 else " " + _ONES[o])
    h, r = divmod(n, 100)
    return _ONES[h] + " hundred" + ("" if r == 0 else " " + number_words(r))


@lru_cache(maxsize=65536)  # (the same phrases are normalised for every question's grammar and model)
def normalize_phrase(text: str) -> str:
    """"Yes." -> "yes"; "I'm 25" -> "i'm twenty five"; "start-over" -> "start over"."""
    t = text.lower().replace("\u2019", "'")
    t = re.sub(r"\d+", lambda m: " " + number_words(int(m.group())) + " " if int(m.group()) < 1000 else " ", t)
    t = re.sub(r"[^a-z' \u00c0-\uffff]+", " ", t)  # keep letters (any script), apostrophes
    t = re.sub(r"(^|\s)'+|'+(\s|$)", " ", t)  # stray quotes
    return " ".join(t.split())


@dataclass(frozen=True)
class Grammar:
    """A list of phrases (normalised, deduplicated, only known words) for one question."""

    phrases: tuple[str, ...]
    dropped_words: tuple[str, ...] = ()
    open: bool = False
    key: str = field(default="", compare=False)
    #: glue words ("i", "it", "was" ...): with them an answer may be several phrases joined by glue
    #: ("no fever but it burns when i pee"); without, exactly one phrase
    glue: tuple[str, ...] = ()
    #: which phrases are voice commands (repeat, stop ...)
    commands: frozenset = field(default=frozenset(), compare=False)
    #: whole-sentence answers: the phrases, carriers and joiners a language model for this turn learns
    #: from (language_model.py); empty = the one-phrase grammar only
    free: tuple[str, ...] = ()
    carriers: tuple[str, ...] = ()
    joiners: tuple[str, ...] = ()
    #: phrases the language model learns with less weight: alone once and once after each of
    #: ``minor_carriers`` (at a confirmation, the corrections: "no, just spotting")
    free_minor: tuple[str, ...] = ()
    minor_carriers: tuple[str, ...] = ()
    #: the one-phrase grammar's identity (a question and its confirmation share one search) and the
    #: language model's (each has its own)
    search_key: str = field(default="", compare=False)
    free_key: str = field(default="", compare=False)

    def __post_init__(self):
        def digest(*parts: object) -> str:
            return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:12]

        if not self.search_key:
            object.__setattr__(self, "search_key", "g" + digest("\n".join(self.phrases), self.open, " ".join(self.glue)))
        if not self.free_key and self.free:
            object.__setattr__(self, "free_key", "f" + digest(*("\n".join(x) for x in (
                self.free, self.carriers, self.joiners, self.free_minor, self.minor_carriers))))
        if not self.key:
            object.__setattr__(self, "key", self.search_key + self.free_key)

    @property
    def words(self) -> set[str]:
        return {w for p in self.phrases for w in p.split()}

    def vosk_json(self, with_unk: bool = True) -> str:
        """The JSON string vosk's KaldiRecognizer takes (UTF-8, not escaped: vosk does not decode \\u)."""
        items = list(self.phrases) + (["[unk]"] if with_unk else [])
        return json.dumps(items, ensure_ascii=False)

    def jsgf(self, name: str = "answer") -> str:
        """JSGF for pocketsphinx: exactly one phrase of the list (sequences of phrases decode far too slowly)."""
        alts = " | ".join(f"( {p} )" for p in self.phrases) or "<VOID>"
        # with hundreds of phrases a sequence grammar made pocketsphinx's end of utterance take minutes;
        # the small spoken grammars (~70 phrases) allow a short run of phrases and glue words
        if self.glue and self.phrases:
            glue = " | ".join(self.glue)
            rule = f"<phrase> = {alts};\n<glue> = {glue};\npublic <{name}> = ( <phrase> | <glue> )+;\n"
        else:
            rule = f"<phrase> = {alts};\npublic <{name}> = <phrase>;\n"
        return f"#JSGF V1.0;\ngrammar {name};\n{rule}"

    def contains(self, text: str) -> bool:
        if text in self.phrases:
            return True
        if self.glue:
            return _covers(text.split(), set(self.phrases) | set(self.glue))
        return False


def _covers(words: list[str], phrases: set[str]) -> bool:
    n = len(words)
    ok = [True] + [False] * n
    for i in range(1, n + 1):
        ok[i] = any(ok[j] and " ".join(words[j:i]) in phrases for j in range(max(0, i - 8), i))
    return ok[n]


_reported: set[tuple[str, str]] = set()


def build_grammar(
    phrases: Iterable[str],
    knows: Callable[[str], bool],
    *,
    engine: str = "",
    open: bool = False,
    report: Callable[[str], None] | None = None,
    glue: Iterable[str] = (),
    commands: Iterable[str] = (),
    free: Iterable[str] = (),
    carriers: Iterable[str] = (),
    joiners: Iterable[str] = (),
    free_minor: Iterable[str] = (),
    minor_carriers: Iterable[str] = (),
) -> Grammar:
    """Normalise ``phrases``, drop those with words ``knows`` rejects, report each dropped word once."""
    kept: list[str] = []
    seen: set[str] = set()
    dropped: list[str] = []
    for raw in phrases:
        p = normalize_phrase(str(raw))
        if not p or p in seen:
            continue
        seen.add(p)
        unknown = [w for w in p.split() if not knows(w)]
        if unknown:
            for w in unknown:
                if w not in dropped:
                    dropped.append(w)
            continue
        kept.append(p)
    new = [w for w in dropped if (engine, w) not in _reported]
    if new:
        _reported.update((engine, w) for w in new)
        msg = f"{engine or 'recognizer'}: {len(new)} word(s) not in its vocabulary, phrases with them are left out: " + ", ".join(new)
        (report or log.warning)(msg)
    glue_words = tuple(dict.fromkeys(w for w in (normalize_phrase(str(g)) for g in glue) if w and knows(w)))
    cmds = frozenset(normalize_phrase(str(c)) for c in commands) & set(kept)
    def known(items: Iterable[str]) -> tuple[str, ...]:  # (words outside the vocabulary: left out quietly)
        norm = (normalize_phrase(str(x)) for x in items)
        return tuple(dict.fromkeys(p for p in norm if p and all(knows(w) for w in p.split())))

    free_kept = known(free)
    minor = tuple(p for p in known(free_minor) if p not in set(free_kept)) if free_kept else ()
    return Grammar(tuple(kept), tuple(dropped), open=open, glue=glue_words, commands=cmds, free=free_kept,
                   carriers=known(carriers) if free_kept else (), joiners=known(joiners) if free_kept else (),
                   free_minor=minor, minor_carriers=known(minor_carriers) if minor else ())
