"""The fuzz properties of benchmarks/fuzz.py with a few hundred inputs (the benchmark run does 10^5):
no crash and no tier lowered in the slot filler, the protocol reader and the audio reader."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[2] / "benchmarks" / "fuzz.py"


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("vt_fuzz", FUZZ)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_slot_filler_never_crashes_nor_lowers_the_tier(fuzz):
    r = fuzz.run_property("slot filler", fuzz.dialog_case(), fuzz.check_dialog, 150)
    assert r["inputs"] >= 150


def test_protocol_reader_never_crashes(fuzz):
    from hypothesis import strategies as st

    r = fuzz.run_property("protocol", st.lists(fuzz.protocol_line, min_size=1, max_size=6), fuzz.check_protocol, 40)
    assert r["inputs"] >= 40


def test_audio_reader_reads_or_refuses_cleanly(fuzz, tmp_path):
    path = str(tmp_path / "a.wav")
    r = fuzz.run_property("audio", fuzz.audio_bytes, lambda d: fuzz.check_audio(d, path), 300)
    assert r["inputs"] >= 300
    r = fuzz.run_property("samples", fuzz.samples, fuzz.check_samples, 100)
    assert r["inputs"] >= 100
