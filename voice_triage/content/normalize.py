"""Text normalisation shared by the phrase data and the answers: case, punctuation, contractions, fillers."""

from __future__ import annotations

import re
from functools import lru_cache
import unicodedata
from collections.abc import Iterable

import yaml

from voice_triage.paths import prompts_root

MAX_ANSWER_CHARS = 600  # longer answers are cut (a spoken answer is never this long)

LANG = "en"  # the language whose words.yaml expands contractions (prompts/<lang>/words.yaml)


@lru_cache(maxsize=4)
def words(lang: str = LANG) -> dict:
    """prompts/<lang>/words.yaml: contractions, endings, and the reader's small word sets."""
    path = prompts_root() / lang / "words.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=4)
def _expansions(lang: str = LANG) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    data = words(lang)
    table = {str(k): str(v) for k, v in (data.get("contractions") or {}).items()}
    return table, tuple((str(a), str(b)) for a, b in data.get("suffixes") or ())


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _expand(token: str) -> str:
    contractions, suffixes = _expansions()
    if token in contractions:
        return contractions[token]
    for suffix, repl in suffixes:
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
