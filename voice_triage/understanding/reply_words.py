"""Tests on a whole reply, beside reading it for slots: whether it opens like a correction of what was just
said back, says that it was wrong, is only yes/no words or only "none" words, has a no anywhere, or is a reply more often a
misheard yes. The word sets are data (prompts/<lang>/words.yaml and phrases.yaml ``misheard_yes``). A part
of :class:`~voice_triage.understanding.understand.Understander`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from voice_triage.content.model import Content
from voice_triage.content.normalize import normalize


def _phrases(words: Iterable[Any]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(normalize(str(w), drop_fillers=False).split()) for w in words)


class ReplyWords:
    content: Content
    _affirm_words: set[str]
    _yesno_words: set[str]

    def _load_reply_words(self, sets: Mapping[str, Any], misheard_yes: Iterable[str]) -> None:
        self._misheard_yes = set(misheard_yes)
        self._correction_openers = _phrases(sets.get("correction_openers") or ())
        self._said_back_wrong = _phrases(sets.get("said_back_wrong") or ())
        self._no_anywhere = frozenset(normalize(str(w), drop_fillers=False) for w in sets.get("no_anywhere") or ())
        self._none_words = frozenset(_phrases(sets.get("none_words") or ()))
        self._yesno_phrases = frozenset(_phrases(sets.get("plain_replies") or ()))

    def _toks(self, text: str) -> list[str]:
        return normalize(text, fillers=self.content.phrases.fillers).split() if isinstance(text, str) else []

    def misheard_yes(self, text: str) -> bool:
        """A whole answer that, heard from a recognizer at a confirmation, is more often a yes than a no
        (phrases.yaml ``misheard_yes``: "that's right" heard as "not right")."""
        return isinstance(text, str) and normalize(text) in self._misheard_yes

    def opens_correction(self, text: str) -> bool:
        """The answer opens like a correction of what was just said back ("no, I said it's heavy")."""
        toks = tuple(self._toks(text))
        return any(p and toks[:len(p)] == p for p in self._correction_openers)

    def says_said_back_is_wrong(self, text: str) -> bool:
        """The answer says that what was just said back is wrong ("no, that's not right"). The phrase's words
        count in order with others between them: recognizers add short words ("no not to all right")."""
        toks = self._toks(text)

        def within(p: tuple[str, ...]) -> bool:
            it = iter(toks)
            return all(w in it for w in p)
        return any(p and within(p) for p in self._said_back_wrong)

    def bare_yesno(self, text: str) -> bool:
        """The answer is only yes or no words ("nope", "no no") or a reply of several words that says no more
        (words.yaml ``plain_replies``: "not really"), nothing else."""
        toks = self._toks(text)
        return bool(toks) and (all(t in self._yesno_words for t in toks) or tuple(toks) in self._yesno_phrases)

    def only_none(self, text: str) -> bool:
        """The answer is only "none" words (words.yaml ``none_words``)."""
        toks = self._toks(text)
        return tuple(toks) in self._none_words

    def says_no_anywhere(self, text: str) -> bool:
        """A no word anywhere in the answer (words.yaml ``no_anywhere``), whatever came before it."""
        return isinstance(text, str) and bool(set(normalize(text, drop_fillers=False).split()) & self._no_anywhere)

    def yes_then_none(self, text: str) -> bool:
        """A yes followed only by "none" words ("yeah none", "yes none of them")."""
        toks = self._toks(text)
        n = 0
        while n < len(toks) and toks[n] in self._affirm_words:
            n += 1
        return 0 < n < len(toks) and tuple(toks[n:]) in self._none_words
