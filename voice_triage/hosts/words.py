"""What a host needs to know about our words, from ``prompts/<lang>/hosts.yaml``: the start phrases (the
OVOS intent samples), the word sets that recognise a request for this assistant, and the host-only lines."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml
from rapidfuzz import fuzz

from voice_triage.content import ContentError
from voice_triage.paths import prompts_root
from voice_triage.content.normalize import normalize


@dataclass(frozen=True)
class HostWords:
    lang: str
    name: str
    description: str
    start: tuple[str, ...]  # whole phrases, normalised
    topic: tuple[str, ...]
    context: tuple[str, ...]
    word_match: int
    unusable: str

    def is_start(self, text: str) -> bool:
        """Does this utterance ask for the assistant? One of the start phrases, or a topic word ("bleeding")
        and a context word ("sex") in it; words are matched fuzzily (a recognizer's misspelling)."""
        said = normalize(text, drop_fillers=False) if isinstance(text, str) else ""
        if not said:
            return False
        if said in self.start:
            return True
        return self._has(said, self.topic) and self._has(said, self.context)

    def _has(self, said: str, words: tuple[str, ...]) -> bool:
        toks = said.split()
        for w in words:
            n = len(w.split())
            grams = {" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)}
            if w in grams or any(fuzz.ratio(w, g) >= self.word_match for g in grams if len(g) >= 4):
                return True
        return False


def _strings(raw: object, key: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise ContentError(f"hosts.yaml: {key} must be a list of phrases")
    return tuple(dict.fromkeys(normalize(x, drop_fillers=False) for x in raw))


@lru_cache(maxsize=8)
def host_words(lang: str = "en") -> HostWords:
    path = prompts_root() / lang / "hosts.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ContentError(f"missing content file {path}") from e
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise ContentError(f"hosts.yaml: not valid YAML ({e})") from e
    if not isinstance(data, dict):
        raise ContentError("hosts.yaml: expected a mapping at the top")
    try:
        return HostWords(lang=lang, name=str(data["name"]), description=str(data["description"]),
                         start=_strings(data["start"], "start"), topic=_strings(data["topic"], "topic"),
                         context=_strings(data["context"], "context"), word_match=int(data["word_match"]), unusable=str(data["unusable"]))
    except (KeyError, TypeError, ValueError) as e:
        raise ContentError(f"hosts.yaml: malformed ({e!r})") from e


def start_samples(lang: str = "en") -> list[str]:
    """The start phrases as written (for a host's intent engine: it normalises them itself)."""
    data = yaml.safe_load((prompts_root() / lang / "hosts.yaml").read_text(encoding="utf-8"))
    return [str(x) for x in data["start"]]
