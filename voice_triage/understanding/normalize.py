"""Text normalisation shared by the phrase data and the answers: case, punctuation, contractions, fillers."""

from __future__ import annotations

import re
from functools import lru_cache
import unicodedata
from collections.abc import Iterable

MAX_ANSWER_CHARS = 600  # longer answers are cut (a spoken answer is never this long)

_CONTRACTIONS = {
    "won't": "will not", "can't": "can not", "cannot": "can not", "shan't": "shall not", "ain't": "am not",
    "i'm": "i am", "im": "i am", "it's": "it is", "that's": "that is", "there's": "there is", "what's": "what is",
    "let's": "let us", "he's": "he is", "she's": "she is", "who's": "who is", "here's": "here is",
    "dont": "do not", "didnt": "did not", "doesnt": "does not", "isnt": "is not", "wasnt": "was not",
    "havent": "have not", "hasnt": "has not", "cant": "can not", "wont": "will not", "arent": "are not",
    "couldnt": "could not", "wouldnt": "would not", "shouldnt": "should not", "ive": "i have", "idk": "i do not know",
    "y'know": "you know", "gonna": "going to", "wanna": "want to", "kinda": "kind of", "sorta": "sort of",
    "ya": "yeah", "yea": "yeah", "nah": "nah", "pee'ing": "peeing", "dunno": "do not know",
    "hadnt": "had not", "werent": "were not", "aint": "am not", "theres": "there is", "thats": "that is",
    "whats": "what is", "youre": "you are", "theyre": "they are", "wouldve": "would have", "couldve": "could have",
    "yrs": "years", "yr": "year", "u": "you", "pls": "please", "plz": "please", "tho": "though", "cuz": "because",
    "coz": "because", "cos": "because", "abt": "about", "prob": "probably", "def": "definitely", "ppl": "people",
    "imma": "i am going to", "lemme": "let me", "gotta": "got to", "hafta": "have to", "outta": "out of",
    "lotta": "lot of", "alot": "a lot", "alright": "all right", "doesn": "does not", "didn": "did not",
}
_SUFFIXES = (("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"), ("'d", " would"), ("'s", ""))
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _expand(token: str) -> str:
    if token in _CONTRACTIONS:
        return _CONTRACTIONS[token]
    for suffix, repl in _SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix):
            return token[: -len(suffix)] + repl
    return token


_ACRONYM = re.compile(r"\b((?:[a-z]\.){1,5}[a-z])\b\.?")  # "i.u.d." -> "iud", "s.t.i" -> "sti"
_SCALE = re.compile(r"\b(\d{1,2})\s*/\s*10\b")  # "8/10" -> "8 out of 10"


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'").replace("\u00b4", "'")
    text = _ACRONYM.sub(lambda m: m.group(1).replace(".", ""), text)
    text = _SCALE.sub(r"\1 out of 10", text)
    return re.sub(r"[\u2010-\u2015\-_/]", " ", text)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens with contractions expanded."""
    out: list[str] = []
    for word in _WORD.findall(_clean(text[:MAX_ANSWER_CHARS])):
        out.extend(_expand(word).split())
    return out


def normalize(text: str, *, drop_fillers: bool = True, fillers: Iterable[str] = ()) -> str:
    """'I DON'T know...' -> 'i do not know'. With ``fillers``, those words/phrases are dropped."""
    out = " ".join(tokens(text))
    if drop_fillers:
        for f in sorted(fillers, key=len, reverse=True):
            out = re.sub(rf"(?:^| ){re.escape(f)}(?= |$)", " ", out)
        out = " ".join(out.split())
    return out


_CLAUSE_BREAK = re.compile(r"[,.;:!?\u2026()\[\]{}\n]+")


def _inside_kept(toks: list[str], i: int, sep: list[str], keep: list[list[str]]) -> bool:
    for phrase in keep:
        for j in range(len(phrase) - len(sep) + 1):
            if phrase[j : j + len(sep)] == sep and i - j >= 0 and toks[i - j : i - j + len(phrase)] == phrase:
                return True
    return False


@lru_cache(maxsize=8)
def clause_rules(separators: tuple[str, ...], keep: tuple[str, ...]) -> tuple[list[list[str]], list[list[str]]]:
    """Separators longest first, and the kept phrases that contain one (worked out once per phrase set)."""
    seps = sorted((s.split() for s in separators), key=len, reverse=True)
    kept = [k.split() for k in keep if any(f" {s} " in f" {k} " for s in separators)]
    return seps, kept


def clauses(text: str, separators: Iterable[str], keep: Iterable[str] = ()) -> list[list[str]]:
    """Split an answer into clauses (lists of tokens) at punctuation and at separator words.

    A separator inside one of the ``keep`` phrases ("now and then") does not split.
    """
    seps, kept = clause_rules(tuple(separators), tuple(keep))
    out: list[list[str]] = []
    for chunk in _CLAUSE_BREAK.split(_clean(text[:MAX_ANSWER_CHARS])):
        toks = tokens(chunk)
        current: list[str] = []
        i = 0
        while i < len(toks):
            for sep in seps:
                if toks[i : i + len(sep)] == sep and not _inside_kept(toks, i, sep, kept):
                    if current:
                        out.append(current)
                    current = []
                    i += len(sep)
                    break
            else:
                current.append(toks[i])
                i += 1
        if current:
            out.append(current)
    return out
