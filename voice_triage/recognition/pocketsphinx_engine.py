"""pocketsphinx: the embedded recognizer (the en-us model inside the wheel, no download).

Each question's grammar becomes a JSGF search, added once and switched to per utterance. Without a
grammar (open questions) it uses the wheel's en-us language model. Confidence is the smallest word
posterior of the best path, capped when the path is not a whole phrase of the grammar (pocketsphinx
returns the best partial path when no final state was reached).
"""

from __future__ import annotations

import os
import time

import numpy as np

from .base import Transcript, WholeUtterance
from .grammar import Grammar

NAME = "pocketsphinx"
#: decoder settings (pocketsphinx's defaults: measured, tighter beams lost accuracy on the synthesized
#: answers; the end of an answer stays quick because the decoder runs while the person speaks)
DECODER_CONFIG: dict = {}
NBEST_LIMIT = 30  # hypotheses looked at for a whole phrase when the best path is a partial one
NBEST_CONFIDENCE = 0.5
_FILLER = ("<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]", "(NULL)")


#: pronunciations for words of the phrase lists that cmudict lacks (acronyms spelled out: "iud" = I U D;
#: medicine and brand names), in cmudict's format: word, then ARPAbet phones
EXTRA_DICT = os.path.join(os.path.dirname(__file__), "extra_words.dict")


def model_dir() -> str:
    import pocketsphinx

    return os.path.join(pocketsphinx.get_model_path(), "en-us")


class PocketsphinxRecognizer(WholeUtterance):
    name = NAME

    def __init__(self, loglevel: str = "FATAL", **config):
        try:
            from pocketsphinx import Decoder
        except ImportError as err:  # pragma: no cover - it is a dependency
            raise RuntimeError(f"pocketsphinx is not installed ({err})") from None
        # lm=None: no default search; grammars and the LM are added as named searches below
        self._dec = Decoder(samprate=16000, loglevel=loglevel, lm=None, **{**DECODER_CONFIG, **config})
        self._searches: set[str] = set()
        self._active: str | None = None
        self.added_words = self._add_words(EXTRA_DICT)
        self.description = f"pocketsphinx (embedded en-us model: {model_dir()})"

    def _add_words(self, path: str) -> int:
        """Add the missing words; a bad line is skipped (the word then stays unknown and is reported)."""
        try:
            lines = open(path, encoding="utf-8").read().splitlines()
        except OSError:
            return 0
        entries = [ln.split(None, 1) for ln in lines if ln.strip() and not ln.startswith("#")]
        n = 0
        for i, (word, phones) in enumerate(entries):
            if self.knows(word):
                continue
            try:
                self._dec.add_word(word, phones, update=(i == len(entries) - 1))
                n += 1
            except Exception:  # noqa: BLE001 - an unknown phone: leave the word out
                continue
        return n

    def knows(self, word: str) -> bool:
        try:
            return self._dec.lookup_word(word.lower()) is not None
        except Exception:  # noqa: BLE001
            return False

    def prepare(self, grammar: Grammar | None) -> str:
        """Compile the grammar's search now (at start-up), so the first answer does not wait for it."""
        if grammar is None or not grammar.phrases:
            key = "_lm"
            if key not in self._searches:
                self._dec.add_lm_file(key, os.path.join(model_dir(), "en-us.lm.bin"))
                self._searches.add(key)
        else:
            key = grammar.key
            if key not in self._searches:
                self._dec.add_jsgf_string(key, grammar.jsgf())
                self._searches.add(key)
        return key

    def _activate(self, grammar: Grammar | None) -> None:
        key = self.prepare(grammar)
        if self._active != key:  # (current_search() crashes before any search is active)
            self._dec.activate_search(key)
            self._active = key

    def stream(self, grammar: Grammar | None) -> "_Stream":
        return _Stream(self, grammar)


class _Stream:
    def __init__(self, rec: PocketsphinxRecognizer, grammar: Grammar | None):
        self.rec, self.grammar = rec, grammar
        rec._activate(grammar)
        self._dec = rec._dec
        self._dec.start_utt()
        self._n = 0
        self._t = 0.0

    def accept(self, samples: np.ndarray) -> None:
        t = time.perf_counter()
        pcm = np.asarray(samples, dtype=np.int16)
        self._n += len(pcm)
        self._dec.process_raw(pcm.tobytes(), no_search=False, full_utt=False)
        self._t += time.perf_counter() - t

    def finish(self) -> Transcript:
        t = time.perf_counter()
        dec = self._dec
        dec.end_utt()
        hyp = dec.hyp()
        text = " ".join(w for w in (hyp.hypstr if hyp else "").split()) if hyp else ""
        words: list[tuple[str, float]] = []
        for seg in dec.seg() or []:
            w = seg.word
            if w in _FILLER or w.startswith("[") or w.startswith("<"):
                continue
            words.append((w.split("(")[0], float(min(1.0, max(0.0, seg.prob)))))
        text = " ".join(w for w, _ in words) if words else text
        conf = min((p for _, p in words), default=0.0) if text else 0.0
        g = self.grammar
        in_g = True
        if g is not None and g.phrases and not g.contains(text):
            # pocketsphinx returns the best *partial* path when it is a hair better than every whole phrase
            # (measured: "yes" heard as "use", the start of "use discreet words"): take the best whole
            # phrase among the next hypotheses, with a middling confidence so that it is confirmed
            whole = self._best_whole(g)
            if whole:
                text, words, conf = whole, [(w, NBEST_CONFIDENCE) for w in whole.split()], NBEST_CONFIDENCE
            elif text:
                in_g = False
                conf = min(conf, 0.3)
        self._t += time.perf_counter() - t
        return Transcript(text, round(conf, 3), NAME, words, self._n / 16000.0, self._t, in_g)

    def _best_whole(self, g: Grammar, limit: int = NBEST_LIMIT, budget_s: float = 0.04) -> str | None:
        t = time.perf_counter()
        try:
            for i, h in enumerate(self._dec.nbest()):
                words = " ".join(w for w in (h.hypstr or "").split() if not w.startswith(("<", "[")))
                if words and g.contains(words) and words not in g.commands:
                    return words  # (a command is taken only when it is the best path itself)
                if i >= limit or time.perf_counter() - t > budget_s:
                    break
        except Exception:  # noqa: BLE001 - no lattice (nothing heard)
            return None
        return None
