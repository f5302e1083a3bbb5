"""Find known phrases inside a clause: word by word, typo-tolerant (rapidfuzz per word), without overlaps.

A phrase matches a run of tokens when each of its words matches a token in order. Words are compared
exactly, except that two long words (5+ letters) may differ by a typo ("diziness" ~ "dizziness"): short
words must be exact, so "sore" never matches "sores" and "pee" never matches "per". Two small
allowances, each costing score: one extra token inside a phrase ("soaking *right* through") and one
skipped function word of the phrase ("burning when (i) pee"). A negation, separator or yes/no word is
never skipped over, so "hurts *not* a lot" is not "hurts a lot".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

MIN_SCORE = 80.0  # below this a phrase is not a match at all
FUZZY_MIN_LEN = 5  # both words at least this long to be compared fuzzily
WORD_SCORE = 82.0  # a typo'd word must be at least this similar
GAP_PENALTY = 6.0  # one extra token inside a phrase (only a word that adds no meaning of its own)
SKIP_PENALTY = 7.0  # one function word of the phrase missing from the answer
SKIPPABLE = frozenset({"a", "an", "the", "my", "i", "is", "it", "of", "to", "was", "am", "are", "that", "this",
                       "when", "in", "on", "for", "have", "has", "been", "do", "did"})
# words that may sit inside a phrase without changing it ("soaked *right* through", "did not *really* look")
GAP_WORDS = frozenset({"really", "just", "so", "right", "pretty", "actually", "even", "still", "also", "totally",
                       "completely", "fully", "literally", "definitely", "absolutely", "honestly", "quite", "very",
                       "the", "a", "an", "my", "me", "her", "his", "their", "our", "your", "this", "that", "all",
                       "now", "then", "been", "being", "got", "getting", "feel", "feeling", "kind", "sort", "of",
                       "like", "um", "uh", "kinda", "sorta", "too", "ever", "always", "usually", "generally"})


@dataclass(frozen=True)
class Label:
    """What a phrase means: kind is 'slot', 'unknown', 'affirm', 'deny' or another marker kind."""

    kind: str
    slot: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class Match:
    start: int  # token span [start, end) in the clause
    end: int
    score: float
    phrase: str
    label: Label
    skipped: int = 0  # words of the phrase not found in the answer

    @property
    def length(self) -> int:
        return len(self.phrase.split()) - self.skipped

    @property
    def weight(self) -> float:
        """Longer phrases win over shorter ones unless much worse matched."""
        return self.score + 8.0 * (self.length - 1)


class PhraseIndex:
    """All phrases with their labels; ``spot`` finds the best non-overlapping ones in a clause."""

    def __init__(self, entries: Iterable[tuple[str, Label]], barriers: Iterable[str] = (), known: Iterable[str] = (),
                 negative_prefixes: Iterable[str] = ()):
        """``known``: other words of the language's own (one-word voice commands): taken as they are, never
        as a slip for a phrase's word ("repeat" is not "repeated"). ``negative_prefixes``: a word is never a
        slip for itself with one of these in front ("likely" is not "unlikely")."""
        self._negative_prefixes = frozenset(negative_prefixes)
        self._labels: dict[str, list[Label]] = {}
        for phrase, label in entries:
            phrase = " ".join(phrase.split())
            if phrase:
                self._labels.setdefault(phrase, [])
                if label not in self._labels[phrase]:
                    self._labels[phrase].append(label)
        self._words: dict[str, tuple[str, ...]] = {p: tuple(p.split()) for p in self._labels}
        self._by_first: dict[str, list[str]] = {}
        self._by_second: dict[str, list[str]] = {}  # phrases whose first word may be skipped
        for p, words in self._words.items():
            self._by_first.setdefault(words[0], []).append(p)
            if len(words) > 2 and words[0] in SKIPPABLE:
                self._by_second.setdefault(words[1], []).append(p)
        vocab = {w for words in self._words.values() for w in words}
        self._vocab = vocab
        self._long_vocab = sorted(w for w in vocab if len(w) >= FUZZY_MIN_LEN)
        self._known = frozenset(known) - vocab
        self._barriers = frozenset(barriers)
        self._similar_cache: dict[str, tuple[tuple[str, float], ...]] = {}

    @property
    def phrases(self) -> list[str]:
        return list(self._labels)

    def labels(self, phrase: str) -> list[Label]:
        return self._labels.get(phrase, [])

    # -- word similarity ---------------------------------------------------------------------------
    def _similar(self, tok: str) -> tuple[tuple[str, float], ...]:
        """Vocabulary words this token may be (itself, or typo'd long words)."""
        hit = self._similar_cache.get(tok)
        if hit is not None:
            return hit
        out: list[tuple[str, float]] = [(tok, 100.0)] if tok in self._vocab else []
        # a word we know is taken as it is ("stings" is not a typo of "stinks")
        if not out and tok not in self._known and FUZZY_MIN_LEN <= len(tok) <= 30:
            for word, score, _ in process.extract(tok, self._long_vocab, scorer=fuzz.ratio, score_cutoff=WORD_SCORE,
                                                  limit=8):
                if word != tok and not self._opposites(tok, word):
                    out.append((word, float(score)))
        result = tuple(out)
        if len(self._similar_cache) < 50_000:
            self._similar_cache[tok] = result
        return result

    def _opposites(self, a: str, b: str) -> bool:
        """One word is the other with a negative prefix ("likely", "unlikely")."""
        short, long = sorted((a, b), key=len)
        return long.endswith(short) and long[: len(long) - len(short)] in self._negative_prefixes

    def _sim(self, tok: str, word: str) -> float:
        if tok == word:
            return 100.0
        if len(tok) < FUZZY_MIN_LEN or len(word) < FUZZY_MIN_LEN:
            return 0.0
        for w, s in self._similar(tok):
            if w == word:
                return s
        return 0.0

    # -- alignment ---------------------------------------------------------------------------------
    def _align(self, toks: list[str], start: int, words: tuple[str, ...], skip_first: bool) -> tuple[int, float, int] | None:
        """Match ``words`` at ``toks[start:]``: (end, score, words skipped) or None."""
        n = len(toks)
        j = start
        wi = 1 if skip_first else 0
        penalty = SKIP_PENALTY if skip_first else 0.0
        skipped_word = skip_first
        gapped = False
        total = 0.0
        got = 0.0
        matched = 0
        while wi < len(words):
            w = words[wi]
            s = self._sim(toks[j], w) if j < n else 0.0
            if s > 0:
                total += len(w)
                got += s * len(w)
                matched += 1
                j += 1
                wi += 1
                continue
            if (not gapped and matched > 0 and j + 1 < n and toks[j] in GAP_WORDS and toks[j] not in self._barriers
                    and self._sim(toks[j + 1], w) > 0):
                gapped = True
                penalty += GAP_PENALTY
                j += 1
                continue
            if not skipped_word and matched > 0 and w in SKIPPABLE and len(words) > 2:
                skipped_word = True
                penalty += SKIP_PENALTY
                total += len(w)  # a missing word counts as not matched at all
                wi += 1
                continue
            return None
        if matched == 0:
            return None
        score = got / total - penalty if total else 0.0
        return (j, score, int(skipped_word)) if score >= MIN_SCORE else None

    def candidates(self, toks: list[str]) -> list[Match]:
        out: list[Match] = []
        for start, tok in enumerate(toks):
            seen: set[tuple[str, bool]] = set()
            for word, _ in self._similar(tok):
                for skip, table in ((False, self._by_first), (True, self._by_second)):
                    for phrase in table.get(word, ()):
                        if (phrase, skip) in seen:
                            continue
                        seen.add((phrase, skip))
                        got = self._align(toks, start, self._words[phrase], skip)
                        if got is None:
                            continue
                        end, score, skipped = got
                        for label in self._labels[phrase]:
                            out.append(Match(start, end, score, phrase, label, skipped))
        return out

    def spot(self, toks: list[str], prefer_slots: frozenset[str] = frozenset()) -> list[Match]:
        """Best non-overlapping matches, strongest first then left to right in the result."""

        def key(m: Match) -> tuple[float, int, int]:
            bonus = 3.0 if m.label.slot in prefer_slots else 0.0
            kind_rank = {"slot": 2, "unknown": 1}.get(m.label.kind, 0)
            return (m.weight + bonus, kind_rank, -m.start)

        found = self.candidates(toks)
        chosen: list[Match] = []
        taken: set[int] = set()
        for m in sorted(found, key=key, reverse=True):
            span = set(range(m.start, m.end))
            if span & taken:
                # the same words may mean a value in another slot too ("sore": pain or sores): keep an
                # exact duplicate span only when it is the same phrase
                if not any(c.start == m.start and c.end == m.end and c.phrase == m.phrase for c in chosen):
                    continue
            chosen.append(m)
            taken |= span
        return sorted((m for m in chosen if not self._inside_same_meaning(m, found, chosen)), key=lambda m: m.start)

    @staticmethod
    def _inside_same_meaning(m: Match, found: list[Match], chosen: list[Match]) -> bool:
        """``m`` is part of a longer phrase, matched as well, that means another value of its slot and lost its
        words only to a phrase of that same meaning: "it has happened" inside "first time it has happened",
        beside "this is the first time". Those words mean what the longer phrase means, not a second value."""
        if m.label.kind != "slot":
            return False
        return any((lab := c.label).slot == m.label.slot and lab.value != m.label.value
                   and c.start <= m.start and m.end <= c.end and c.length > m.length and c.score >= m.score
                   and any(k.label == lab and k.start < c.end and c.start < k.end for k in chosen)
                   for c in found)
