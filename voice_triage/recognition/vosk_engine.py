"""vosk: the design's engine, with a model from models/, --model PATH or VOICE_TRIAGE_VOSK_MODEL.

The model is loaded once (never ``Model(lang=...)``: that downloads). Grammars need a dynamic-graph
model (graph/HCLr.fst + graph/Gr.fst); the phrase list is passed as a UTF-8 JSON string with "[unk]"
when the model knows it. One KaldiRecognizer is kept per grammar and reset between utterances (the
grammar is never changed mid-utterance). Confidence is the smallest word "conf", capped when the
words are not one of the grammar's phrases (a grammar is a bigram model, not a strict list).
"""

from __future__ import annotations

from typing import Any

import contextlib
import json
import os
import tempfile
import time

import numpy as np

from .base import Transcript, WholeUtterance
from .grammar import Grammar

NAME = "vosk"


class ModelError(Exception):
    """A vosk model folder is missing, incomplete or cannot be loaded (one-line message)."""


REQUIRED = ("am/final.mdl", "conf/model.conf")


def check_model_dir(path: str) -> list[str]:
    """Problems that make ``path`` unusable as a vosk model folder ([] when it looks complete)."""
    problems = []
    if not os.path.isdir(path):
        return [f"{path} is not a folder"]
    for rel in REQUIRED:
        if not os.path.isfile(os.path.join(path, rel)):
            problems.append(f"missing {rel}")
    g = os.path.join(path, "graph")
    if not os.path.isdir(g):
        problems.append("missing graph/")
    elif not (os.path.isfile(os.path.join(g, "HCLG.fst")) or (
        os.path.isfile(os.path.join(g, "HCLr.fst")) and os.path.isfile(os.path.join(g, "Gr.fst")))):
        problems.append("graph/ has neither HCLG.fst nor HCLr.fst + Gr.fst")
    else:
        for name in ("HCLG.fst", "HCLr.fst", "Gr.fst"):
            f = os.path.join(g, name)
            if os.path.isfile(f) and os.path.getsize(f) < 64:
                problems.append(f"graph/{name} is empty or cut short")
    mdl = os.path.join(path, "am/final.mdl")
    if os.path.isfile(mdl) and os.path.getsize(mdl) < 1024:
        problems.append("am/final.mdl is empty or cut short")
    return problems


@contextlib.contextmanager
def _quiet_stderr():
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def has_dynamic_graph(path: str) -> bool:
    g = os.path.join(path, "graph")
    return os.path.isfile(os.path.join(g, "HCLr.fst")) and os.path.isfile(os.path.join(g, "Gr.fst"))


class VoskRecognizer(WholeUtterance):
    name = NAME

    def __init__(self, model_path: str):
        problems = check_model_dir(model_path)
        if problems:
            raise ModelError(f"The vosk model at {model_path} is not usable: {'; '.join(problems)}.")
        try:
            import vosk
        except ImportError as err:  # pragma: no cover
            raise ModelError(f"vosk is not installed ({err}).") from None
        vosk.SetLogLevel(-1)
        self._vosk = vosk
        try:
            with _quiet_stderr():  # Kaldi prints its whole usage text to fd 2 on a bad config
                self.model = vosk.Model(model_path)
        except Exception:  # noqa: BLE001 - vosk raises a bare Exception on a bad model
            raise ModelError(f"The vosk model at {model_path} could not be loaded (corrupt or not a vosk model).") from None
        self.model_path = model_path
        self.dynamic = has_dynamic_graph(model_path)
        self._unk = self.knows("[unk]")
        self._recs: dict[str, Any] = {}
        self.description = f"vosk (model: {model_path})"

    def knows(self, word: str) -> bool:
        try:
            return self.model.vosk_model_find_word(word) >= 0
        except Exception:  # noqa: BLE001
            return False

    def _recognizer(self, grammar: Grammar | None):
        use = grammar if (grammar is not None and grammar.phrases and self.dynamic and not grammar.open) else None
        key = use.key if use is not None else "_open"
        rec = self._recs.get(key)
        if rec is None:
            if use is not None:
                rec = self._vosk.KaldiRecognizer(self.model, 16000, use.vosk_json(with_unk=self._unk))
            else:
                rec = self._vosk.KaldiRecognizer(self.model, 16000)
            rec.SetWords(True)
            if len(self._recs) > 64:
                self._recs.clear()
            self._recs[key] = rec
        else:
            rec.Reset()
        return rec

    def prepare(self, grammar: Grammar | None) -> None:
        """Create the grammar's recognizer now (at start-up)."""
        self._recognizer(grammar)

    def stream(self, grammar: Grammar | None) -> "_Stream":
        return _Stream(self, grammar)


class _Stream:
    """Feeds audio as it comes (in 0.2 s pieces), collecting vosk's intermediate results."""

    def __init__(self, rec: VoskRecognizer, grammar: Grammar | None):
        self.grammar = grammar
        self._rec = rec._recognizer(grammar)
        self._parts: list[dict] = []
        self._n = 0
        self._t = 0.0
        self.partials = 0

    def accept(self, samples: np.ndarray) -> None:
        t = time.perf_counter()
        pcm = np.asarray(samples, dtype=np.int16)
        self._n += len(pcm)
        for i in range(0, len(pcm), 3200):
            if self._rec.AcceptWaveform(pcm[i : i + 3200].tobytes()):
                self._parts.append(json.loads(self._rec.Result()))
            else:
                self.partials += 1
        self._t += time.perf_counter() - t

    def finish(self) -> Transcript:
        t = time.perf_counter()
        self._parts.append(json.loads(self._rec.FinalResult()))
        words = [(w["word"], float(w.get("conf", 0.0))) for p in self._parts for w in p.get("result", [])]
        words = [(w, c) for w, c in words if w != "[unk]"]
        text = " ".join(w for w, _ in words)
        conf = min((c for _, c in words), default=0.0) if text else 0.0
        in_g = True
        g = self.grammar
        if text and g is not None and g.phrases and not g.open and not g.contains(text):
            in_g = False
            conf = min(conf, 0.3)
        self._t += time.perf_counter() - t
        return Transcript(text, round(conf, 3), NAME, words, self._n / 16000.0, self._t, in_g)
