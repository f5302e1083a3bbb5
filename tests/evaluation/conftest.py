"""Make the top-level ``evaluation`` package importable (it is not installed with voice_triage)."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
