"""Global commands (repeat, help, go back, start over, stop, slower, faster, louder, quieter)."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from voice_triage.content.model import Content
from voice_triage.content.normalize import normalize, words

COMMAND_SCORE = 88.0


class CommandMatcher:
    """A command is understood only when it is the whole answer ("stop", not "it won't stop")."""

    def __init__(self, content: Content):
        self._fillers = content.phrases.fillers
        self._phrase_to_command: dict[str, str] = {}
        for name, phrases in content.commands.items():
            for p in phrases:
                self._phrase_to_command.setdefault(normalize(p, fillers=self._fillers), name)
        self._phrases = list(self._phrase_to_command)
        sets = words(content.lang)
        self._lead_ins = self._word_lists(sets.get("command_lead_ins"))
        self._tails = self._word_lists(sets.get("command_tails"))

    @staticmethod
    def _word_lists(raw: object) -> list[list[str]]:
        """words.yaml phrases as word lists, longest first."""
        phrases = [normalize(str(p), drop_fillers=False).split() for p in raw or ()] if isinstance(raw, list) else []
        return sorted((p for p in phrases if p), key=len, reverse=True)

    def _bare(self, said: str) -> str:
        """``said`` without the words.yaml ``command_lead_ins`` before it and ``command_tails`` after it."""
        toks = said.split()
        while (lead := next((p for p in self._lead_ins if toks[:len(p)] == p and len(toks) > len(p)), None)):
            toks = toks[len(lead):]
        while (tail := next((p for p in self._tails if toks[-len(p):] == p and len(toks) > len(p)), None)):
            toks = toks[:-len(tail)]
        return " ".join(toks)

    def match(self, text: str) -> str | None:
        said = normalize(text, fillers=self._fillers)
        if not said or len(said.split()) > 8:
            return None
        if said not in self._phrase_to_command:
            said = self._bare(said)
        if said in self._phrase_to_command:
            return self._phrase_to_command[said]
        best = process.extractOne(said, self._phrases, scorer=fuzz.ratio, score_cutoff=COMMAND_SCORE)
        if best is None:
            return None
        phrase = best[0]
        if len(phrase) <= 5 and phrase != said:  # "stop" must be "stop", "back" must be "back"
            return None
        return self._phrase_to_command[phrase]
