"""Choosing the engine: vosk when an English vosk model is installed, else the embedded pocketsphinx.

Where a vosk model is looked for, first match wins: ``--model PATH``, the environment variable
``VOICE_TRIAGE_VOSK_MODEL``, then English model folders in ``models/`` (``VOICE_TRIAGE_MODELS_DIR``
overrides that folder). A model that is missing or corrupt gives a one-line message and pocketsphinx.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from voice_triage.paths import models_dir

from .base import Recognizer
from .vosk_engine import ModelError, check_model_dir

ENV_MODEL = "VOICE_TRIAGE_VOSK_MODEL"
ENGINES = ("vosk", "pocketsphinx")




def model_language(path: str | os.PathLike) -> str | None:
    """"en", "ko", ... from the folder name (vosk-model-small-en-us-0.15) or its README; None if unknown."""
    p = Path(path)
    m = re.search(r"vosk-model-(?:small-)?([a-z]{2})(?:[-_]|$)", p.name.lower())
    if m:
        return m.group(1)
    readme = p / "README"
    if readme.is_file():
        head = readme.read_text(errors="replace")[:400].lower()
        for word, lang in (("english", "en"), ("us english", "en"), ("korean", "ko")):
            if word in head:
                return lang
    return None


def installed_models(root: Path | None = None) -> list[Path]:
    """Model folders under ``models/`` that look complete (any language)."""
    root = root or models_dir()
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and not check_model_dir(str(p)))


def find_vosk_model(model: str | None = None) -> tuple[str | None, str]:
    """(path, how it was found) of the vosk model to use, or (None, why not)."""
    if model:
        return model, "given with --model"
    env = os.environ.get(ENV_MODEL)
    if env:
        return env, f"from {ENV_MODEL}"
    english = [p for p in installed_models() if model_language(p) == "en"]
    if english:
        return str(english[0]), f"installed in {models_dir()}"
    return None, f"no English vosk model in {models_dir()}"


@dataclass
class Choice:
    recognizer: Recognizer
    messages: list[str] = field(default_factory=list)  # what to tell the user (engine used, fallbacks)


def create_recognizer(asr: str | None = None, model: str | None = None) -> Choice:
    """Load the engine once. ``asr``: None/"auto", "vosk" or "pocketsphinx". Never raises for a bad
    model: it falls back to pocketsphinx and says why in ``messages``."""
    from .pocketsphinx_engine import PocketsphinxRecognizer
    from .vosk_engine import VoskRecognizer

    asr = (asr or "auto").lower()
    if asr not in ("auto", *ENGINES):
        raise ValueError(f"unknown recognizer {asr!r}: use vosk or pocketsphinx")
    msgs: list[str] = []
    if asr in ("auto", "vosk"):
        path, how = find_vosk_model(model)
        if path is None:
            if asr == "vosk":
                msgs.append(f"No vosk model found ({how}); using the embedded recognizer instead. "
                            "See models/README.md to install one.")
        else:
            try:
                rec: Recognizer = VoskRecognizer(path)
                lang = model_language(path)
                note = "" if lang in (None, "en") else f" (note: this model looks like language '{lang}', not English)"
                msgs.append(f"Speech recognition: vosk, model {path} ({how}){note}.")
                return Choice(rec, msgs)
            except ModelError as err:
                msgs.append(f"{err} Using the embedded recognizer instead.")
    rec = PocketsphinxRecognizer()  # type: ignore[no-redef]
    msgs.append("Speech recognition: pocketsphinx (embedded English model).")
    return Choice(rec, msgs)
