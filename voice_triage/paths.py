"""Where the assistant finds its data: the words in ``prompts/`` (shipped inside the package) and
speech models (a user folder, or ``models/`` in a checkout).

Both work the same from a checkout and from an installed wheel; an environment variable overrides each.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

ENV_PROMPTS = "VOICE_TRIAGE_PROMPTS"
ENV_MODELS_DIR = "VOICE_TRIAGE_MODELS_DIR"


def package_file(*parts: str) -> Path:
    """A data file shipped inside the ``voice_triage`` package (a real path: the wheel installs unzipped)."""
    return Path(str(resources.files("voice_triage").joinpath(*parts)))


def prompts_root() -> Path:
    """The folder that holds ``<lang>/*.yaml``: $VOICE_TRIAGE_PROMPTS, else the package's own."""
    env = os.environ.get(ENV_PROMPTS)
    if env:
        return Path(env)
    return package_file("prompts")


def _checkout_models() -> Path | None:
    """``models/`` beside the package when running from a source checkout (it holds models/README.md)."""
    here = Path(__file__).resolve().parent.parent / "models"
    return here if (here / "README.md").is_file() and (here.parent / "pyproject.toml").is_file() else None


def models_dir() -> Path:
    """Where installed vosk models live: $VOICE_TRIAGE_MODELS_DIR, a checkout's models/, else the
    user's data folder ($XDG_DATA_HOME/voice-triage/models, by default ~/.local/share/...)."""
    env = os.environ.get(ENV_MODELS_DIR)
    if env:
        return Path(env)
    checkout = _checkout_models()
    if checkout is not None:
        return checkout
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data) / "voice-triage" / "models"
