"""A small language model per question, for answers said as whole sentences.

A one-phrase grammar forces "well, I'm bleeding through a pad every hour" onto one listed phrase, often
a wrong one. A statistical model trained on the question's phrases, alone, wrapped the way people wrap
them ("um", "well", "i think") and joined the way people join them ("no fever but it burns when i pee"),
lets the recognizer follow a free sentence made of known words; the understander then spots the phrases
in it. (vosk does the same with a runtime grammar: it turns the phrase list into a bigram model.)

``training_sentences`` makes the text; ``arpa`` turns it into an ARPA back-off model (absolute
discounting), the format pocketsphinx loads.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

BOS, EOS = "<s>", "</s>"


def training_sentences(phrases: Sequence[str], carriers: Sequence[str] = (), joiners: Sequence[str] = (),
                       *, alone: int = 4, pairs: int = 3) -> Iterator[list[str]]:
    """The sentences a question's model learns from (words already normalised), one at a time.

    Each phrase ``alone`` times (an answer is most often just the phrase), once after each carrier
    ("well", "i think"), and joined to ``pairs`` other phrases (chosen by a fixed stride, so the text is
    the same every run) with a joiner ("and", "but").
    """
    ph = [p.split() for p in dict.fromkeys(phrases) if p.strip()]
    cr = [c.split() for c in carriers if c.strip()]
    jn = [j.split() for j in joiners if j.strip()]
    for i, p in enumerate(ph):
        for _ in range(alone):
            yield p
        for c in cr:
            yield c + p
        if jn and len(ph) > 1:
            for k in range(1, pairs + 1):
                q = ph[(i * 7 + k * 13) % len(ph)]
                if q is not p:
                    yield p + jn[(i + k) % len(jn)] + q


@dataclass
class Counts:
    """Unigram and bigram counts of some sentences (counts of two texts add up: ``a + b``)."""

    uni: Counter[str] = field(default_factory=Counter)
    bi: Counter[tuple[str, str]] = field(default_factory=Counter)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.uni + other.uni, self.bi + other.bi)


def count(sentences: Iterable[Sequence[str]]) -> Counts:
    c = Counts()
    toks: list[str] = []

    def flush() -> None:  # in chunks: fast (C counting), and the text is never held whole
        c.uni.update(toks)
        c.bi.update(zip(toks, toks[1:], strict=False))
        toks.clear()

    for s in sentences:
        toks += (BOS, *s, EOS)
        if len(toks) > 20000:
            flush()
    flush()
    c.bi.pop((EOS, BOS), None)  # (one sentence's end to the next one's start)
    return c


def arpa(sentences: Iterable[Sequence[str]] | Counts, *, discount: float = 0.5) -> str:
    """A bigram ARPA model: absolute discounting, back-off to unigrams. Empty input gives a model that
    knows only the sentence marks (the caller should not build one)."""
    counts = sentences if isinstance(sentences, Counts) else count(sentences)
    uni, bi = Counter(counts.uni), counts.bi
    uni[BOS] += 0
    uni[EOS] += 0
    total = sum(c for w, c in uni.items() if w != BOS) or 1
    vocab = sorted(uni)
    p_uni = {w: (uni[w] / total if w != BOS else 0.0) for w in vocab}
    followers: dict[str, list[tuple[str, int]]] = {}
    for (a, b), c in bi.items():
        followers.setdefault(a, []).append((b, c))
    lines_bi: list[str] = []
    backoff: dict[str, float] = {}
    for a in sorted(followers):
        fol = sorted(followers[a])
        ca = sum(c for _, c in fol)
        left = discount * len(fol) / ca  # probability mass left for the back-off
        seen_uni = sum(p_uni[b] for b, _ in fol)
        backoff[a] = left / max(1e-9, 1.0 - seen_uni)
        for b, c in fol:
            lines_bi.append(f"{math.log10((c - discount) / ca):.4f} {a} {b}")
    out = ["\\data\\", f"ngram 1={len(vocab)}", f"ngram 2={len(lines_bi)}", "", "\\1-grams:"]
    for w in vocab:
        lp = -99.0 if p_uni[w] == 0.0 else math.log10(p_uni[w])
        bo = backoff.get(w)
        out.append(f"{lp:.4f} {w}" + (f" {math.log10(bo):.4f}" if bo else ""))
    out += ["", "\\2-grams:", *lines_bi, "", "\\end\\", ""]
    return "\n".join(out)
