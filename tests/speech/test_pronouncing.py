"""Pronunciations looked up in the dictionary file agree with pocketsphinx's own loaded dictionary."""

import os
import random

import pytest

pocketsphinx = pytest.importorskip("pocketsphinx")

from voice_triage.recognition.pocketsphinx_engine import EXTRA_DICT, model_dir  # noqa: E402
from voice_triage.recognition.pronouncing import Pronouncing  # noqa: E402

DICT = os.path.join(model_dir(), "cmudict-en-us.dict")


def _loaded(dec, word):
    out = []
    for i in range(1, 10):
        p = dec.lookup_word(word if i == 1 else f"{word}({i})")
        if p is None:
            break
        out.append(p)
    return out


def test_the_same_pronunciations_as_the_loaded_dictionary():
    dec = pocketsphinx.Decoder(loglevel="FATAL", lm=None, samprate=16000)
    words = sorted({ln.split(None, 1)[0].split("(")[0] for ln in open(DICT, encoding="utf-8") if ln.strip()})
    sample = [words[0], words[-1], "read", "yes", "no", "period", *random.Random(5).sample(words, 400)]
    pron = Pronouncing(DICT)
    for w in sample:
        assert pron.lookup(w) == _loaded(dec, w), w


def test_extra_words_add_words_and_variants_and_nothing_else():
    pron = Pronouncing(DICT, EXTRA_DICT)
    assert pron.lookup("apixaban") == ["AH P IH K S AH B AE N"]  # a word cmudict lacks
    assert pron.lookup("correct")[-1] == "K AH R EH K T"  # a second way to say a word it has
    assert pron.added > 0
    for odd in ("", "qqqzzz", "two words", "yes\n", "\x00"):
        assert pron.lookup(odd) == [] and not pron.knows(odd)
