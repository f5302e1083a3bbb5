"""pocketsphinx: the embedded recognizer (the en-us model inside the wheel, no download).

Each question's grammar becomes a JSGF search, added once and switched to per utterance. Without a
grammar (open questions) it uses the wheel's en-us language model. Confidence is the smallest word
posterior of the best path, capped when the path is not a whole phrase of the grammar (pocketsphinx
returns the best partial path when no final state was reached).

Whole sentences: when the grammar carries ``free`` phrases, a second decoder follows the same audio
with a small language model of the question (language_model.py). Its words are the transcript; the
grammar's one phrase is kept as an alternative (the dialog reads it when the sentence gave nothing). A
one-word answer goes the other way: the grammar's word leads, the sentence model's reading is the alternative.
Measured on espeak-ng renderings of tests/understanding/phrasings.txt (424 answers, 8 voices): answers
understood as typed 187 with the grammar alone, 256 with the language model alone, 284 with both.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import time
from collections.abc import Iterable

from typing import Any

import numpy as np

from voice_triage.paths import package_file

from .base import Transcript, WholeUtterance
from .grammar import Grammar
from .language_model import Counts, arpa, count, training_sentences
from .noise_floor import DEFAULT_STD, NoiseFloor
from .pronouncing import Pronouncing

NAME = "pocketsphinx"
#: decoder settings: pocketsphinx's defaults (tighter beams lose accuracy; the end of an answer stays quick
#: because the decoder runs while the person speaks)
DECODER_CONFIG: dict = {}
NBEST_LIMIT = 30  # hypotheses looked at for a whole phrase when the best path is a partial one
NBEST_CONFIDENCE = 0.5
#: a sentence reading of at most this many words, against the grammar's one-word phrase, is a short burst:
#: the grammar's reading leads (see _Stream.finish)
BURST_WORDS = 2
_FILLER = ("<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]", "(NULL)")


#: pronunciations for words of the phrase lists that cmudict lacks (acronyms spelled out: "iud" = I U D;
#: medicine and brand names), in cmudict's format: word, then ARPAbet phones
EXTRA_DICT = str(package_file("recognition", "extra_words.dict"))


def model_dir() -> str:
    import pocketsphinx

    return os.path.join(pocketsphinx.get_model_path(), "en-us")


class PocketsphinxRecognizer(WholeUtterance):
    name = NAME
    free_speech = True  # takes a language model per turn (Grammar.free)

    def __init__(self, loglevel: str = "FATAL", noise_floor: float | None = None, **config):
        try:
            from pocketsphinx import Decoder
        except ImportError as err:  # pragma: no cover - it is a dependency
            raise RuntimeError(f"pocketsphinx is not installed ({err})") from None
        # lm=None: no default search; grammars and the LM are added as named searches below
        self._config = {"samprate": 16000, "loglevel": loglevel, "lm": None, **DECODER_CONFIG, **config}
        # the decoders know only the words of their searches (pronouncing.py: the whole dictionary, loaded,
        # is about 22 MB a decoder); the open-vocabulary decoder, with all of it, is made when first needed
        self._dict = Pronouncing(os.path.join(model_dir(), "cmudict-en-us.dict"), EXTRA_DICT)
        self._main_known: set[str] = set()
        self._dec = _decoder(Decoder, self._config, [])  # each grammar's words are added before its search
        self._cmn_start = self._dec.get_cmn()  # the model's channel mean, before any speech (new_speaker)
        self._open_dec: Any = None
        self._free_dec: Any = None  # the second decoder, for whole sentences (made with the first model)
        self._free_known: set[str] = set()
        self._free_searches: set[str] = set()
        self._free_active: str | None = None
        self._free_grammars: dict[str, Grammar] = {}  # each loaded model's grammar (to load it again)
        self.noise_floor = DEFAULT_STD if noise_floor is None else float(noise_floor)
        self._searches: set[str] = set()
        self._active: str | None = None
        self.added_words = self._dict.added
        self.description = f"pocketsphinx (embedded en-us model: {model_dir()})"

    def knows(self, word: str) -> bool:
        return isinstance(word, str) and self._dict.knows(word.lower())

    def new_speaker(self) -> None:
        """Each decoder's channel mean (live CMN) goes back to the model's own: it adapts to the voice and
        microphone over a conversation's answers, and carried to the next person it misleads the first ones."""
        for dec in (self._dec, self._open_dec, self._free_dec):
            if dec is not None:
                dec.set_cmn(self._cmn_start)

    def prepare(self, grammar: Grammar | None) -> str:
        """Compile the grammar's search now (at start-up), so the first answer does not wait for it."""
        if grammar is None or not grammar.phrases:
            key = "_lm"
            if self._open_dec is None:
                from pocketsphinx import Decoder

                self._open_dec = Decoder(**self._config)  # the whole dictionary
                self._open_dec.add_lm_file(key, os.path.join(model_dir(), "en-us.lm.bin"))
                self._open_dec.activate_search(key)
        else:
            key = grammar.search_key
            if key not in self._searches:
                self._main_words(_jsgf_words(grammar))
                self._dec.add_jsgf_string(key, grammar.jsgf())
                self._searches.add(key)
        if grammar is not None and grammar.free:
            self._prepare_free(grammar)
        return key

    def prepare_all(self, grammars: Iterable[Grammar]) -> None:
        """Compile many grammars at start-up: every word of their sentence models first, then the models.

        (pocketsphinx's add_word also adds the word, as a unigram, to every language model already
        loaded: words added for later questions would go into the earlier models, and the age question
        could hear "thirty five" as "so depo iud", words of the birth-control question.)"""
        grammars = [g for g in grammars if g is not None]
        self._main_words(set().union(*(_jsgf_words(g) for g in grammars)))
        self._learn_words(set().union(*(_lm_words(g) for g in grammars if g.free)))
        for g in grammars:
            self.prepare(g)

    def _prepare_free(self, grammar: Grammar) -> str:
        """The question's language model, in the second decoder (built from text, loaded once)."""
        key = grammar.free_key  # one model per distinct text
        if key in self._free_searches:
            return key
        self._learn_words(_lm_words(grammar))
        self._load_free(grammar)
        return key

    def _learn_words(self, words: set[str]) -> None:
        """The sentence decoder learns ``words``; once models are loaded, by a fresh decoder (adding them
        now would put them into every model loaded, see prepare_all)."""
        if self._free_searches and words - self._free_known:
            self._rebuild_free(words)
        else:
            self._free_words(words)

    def _rebuild_free(self, words: set[str]) -> None:
        """A fresh sentence decoder that knows ``words`` too, with every model loaded so far loaded again."""
        loaded = list(self._free_grammars.values())
        known = self._free_known | words
        self._free_dec, self._free_known, self._free_searches, self._free_active = None, set(), set(), None
        self._free_grammars = {}
        self._free_words(known)
        for g in loaded:
            self._load_free(g)

    def _load_free(self, grammar: Grammar) -> None:
        key = grammar.free_key
        # pocketsphinx reads a model from a file only: the model is made of the prompts (no answers);
        # the file lives for the moment it is read
        counts = _main_counts(grammar.free, grammar.carriers, grammar.joiners)
        if grammar.free_minor:
            counts = counts + count(training_sentences(grammar.free_minor, grammar.minor_carriers, alone=1, pairs=0))
        text = arpa(counts)
        with _temp_file(text, ".arpa") as path:
            self._free_dec.add_lm_file(key, path)
        self._free_searches.add(key)
        self._free_grammars[key] = grammar

    def _free_words(self, words: set[str]) -> None:
        """The second decoder knows only the words of its models: with the whole dictionary (134,000
        words) loading one model took 3.5 s, with its own words under 1 ms."""
        entries = [(w, p) for w in sorted(words - self._free_known) for p in self._dict.lookup(w)]
        self._free_known |= words
        if self._free_dec is None:
            from pocketsphinx import Decoder

            self._free_dec = _decoder(Decoder, self._config, _named(entries))
            return
        _add(self._free_dec, _named(entries))

    def _main_words(self, words: set[str]) -> None:
        """The grammar decoder learns ``words`` (an FSG search holds only its own words, so adding words
        changes no search already made)."""
        _add(self._dec, _named([(w, p) for w in sorted(words - self._main_known) for p in self._dict.lookup(w)]))
        self._main_known |= words

    def _activate(self, grammar: Grammar | None) -> None:
        key = self.prepare(grammar)
        if key == "_lm":
            return  # (the open-vocabulary decoder has that one search)
        if self._active != key:  # (current_search() crashes before any search is active)
            self._dec.activate_search(key)
            self._active = key
        if grammar is not None and grammar.free:
            fkey = grammar.free_key  # (made by prepare above)
            if self._free_active != fkey:
                self._free_dec.activate_search(fkey)
                self._free_active = fkey

    def stream(self, grammar: Grammar | None) -> "_Stream":
        return _Stream(self, grammar)


@functools.lru_cache(maxsize=4)
def _main_counts(free: tuple[str, ...], carriers: tuple[str, ...], joiners: tuple[str, ...]) -> Counts:
    """(Every confirmation's model has the same main part: counted once.)"""
    return count(training_sentences(free, carriers, joiners))


def _decoder(cls, config: dict, entries: list[tuple[str, str]]):
    """A decoder whose dictionary is ``entries`` (name, phones)."""
    with _temp_file("".join(f"{name} {p}\n" for name, p in entries), ".dict") as path:
        return cls(**{**config, "dict": path})


def _add(dec, named: list[tuple[str, str]]) -> None:
    for i, (name, p) in enumerate(named):
        try:
            dec.add_word(name, p, update=(i == len(named) - 1))
        except Exception:  # noqa: BLE001 - a bad pronunciation: the word stays out
            pass


def _jsgf_words(g: Grammar) -> set[str]:
    """Every word of a grammar's phrase search."""
    return {w for p in (*g.phrases, *g.glue) for w in p.split()}


def _lm_words(g: Grammar) -> set[str]:
    """Every word a grammar's sentence model can hear."""
    return {w for p in (*g.free, *g.carriers, *g.joiners, *g.free_minor, *g.minor_carriers) for w in p.split()}


def _named(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(word, phones) pairs as dictionary entries: a word's second pronunciation is "word(2)"."""
    seen: dict[str, int] = {}
    out = []
    for w, p in entries:
        seen[w] = seen.get(w, 0) + 1
        out.append((w if seen[w] == 1 else f"{w}({seen[w]})", p))
    return out


@contextlib.contextmanager
def _temp_file(text: str, suffix: str):
    """A private temporary file holding ``text`` (derived from the prompts, never an answer), removed
    as soon as pocketsphinx has read it."""
    fd, path = tempfile.mkstemp(prefix="vt-ps-", suffix=suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        yield path
    finally:
        os.unlink(path)


def _best_path(dec) -> tuple[str, list[tuple[str, float]], float]:
    """The best path's words (fillers left out), each with its posterior, and the smallest posterior."""
    hyp = dec.hyp()
    text = " ".join((hyp.hypstr or "").split()) if hyp else ""
    words: list[tuple[str, float]] = []
    for seg in dec.seg() or []:
        w = seg.word
        if w in _FILLER or w.startswith("[") or w.startswith("<"):
            continue
        words.append((w.split("(")[0], float(min(1.0, max(0.0, seg.prob)))))
    text = " ".join(w for w, _ in words) if words else text
    conf = min((p for _, p in words), default=0.0) if text else 0.0
    return text, words, conf


class _Stream:
    def __init__(self, rec: PocketsphinxRecognizer, grammar: Grammar | None):
        self.rec, self.grammar = rec, grammar
        rec._activate(grammar)
        self._dec = rec._open_dec if grammar is None or not grammar.phrases else rec._dec
        self._dec.start_utt()
        self._free = rec._free_dec if grammar is not None and grammar.free else None
        if self._free is not None:
            self._free.start_utt()
        self._n = 0
        self._t = 0.0
        self._floor = NoiseFloor(rec.noise_floor)

    def accept(self, samples: np.ndarray) -> None:
        t = time.perf_counter()
        pcm = self._floor(np.asarray(samples, dtype=np.int16))
        self._n += len(pcm)
        self._dec.process_raw(pcm.tobytes(), no_search=False, full_utt=False)
        if self._free is not None:
            self._free.process_raw(pcm.tobytes(), no_search=False, full_utt=False)
        self._t += time.perf_counter() - t

    def finish(self) -> Transcript:
        t = time.perf_counter()
        dec = self._dec
        dec.end_utt()
        text, words, conf = _best_path(dec)
        g = self.grammar
        in_g = True
        whole_best = g is not None and bool(g.phrases) and bool(text) and g.contains(text) and text not in g.commands
        if g is not None and g.phrases and not g.contains(text):
            # pocketsphinx returns the best *partial* path when it is a hair better than every whole phrase
            # ("yes" heard as "use", the start of "use discreet words"): take the best whole
            # phrase among the next hypotheses, with a middling confidence so that it is confirmed
            whole = self._best_whole(g)
            if whole:
                text, words, conf = whole, [(w, NBEST_CONFIDENCE) for w in whole.split()], NBEST_CONFIDENCE
            elif text:
                in_g = False
                conf = min(conf, 0.3)
                words = [(w, min(p, conf)) for w, p in words]
        tr = Transcript(text, round(conf, 3), NAME, words, self._n / 16000.0, 0.0, in_g)
        if self._free is not None:
            self._free.end_utt()
            f_text, f_words, f_conf = _best_path(self._free)
            if f_text and whole_best and len(text.split()) == 1 and f_text != text and len(f_text.split()) <= BURST_WORDS:
                # one word, by the grammar's best path: the sentence model, on a burst that short, follows
                # its prior to the words it learnt before every phrase ("nope" heard "okay", "no" heard
                # "not"), where the grammar weighs its phrases alike. The grammar's reading leads
                tr.alternatives = [(f_text, round(f_conf, 3))]
            elif f_text:  # the sentence as said; the grammar's phrase is the alternative (the same words
                # from both decoders are two readings that agree, not one reading)
                alts = [(text, tr.confidence)] if text else []
                tr = Transcript(f_text, round(f_conf, 3), NAME, f_words, tr.audio_s, 0.0,
                                g.contains(f_text) if g is not None else False,
                                alternatives=alts)
        self._t += time.perf_counter() - t
        tr.decode_s = self._t
        return tr

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
