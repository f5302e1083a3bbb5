"""The hostile families of benchmarks/fuzz.py with a few inputs each (the benchmark run does 10^5 in all):
model ZIPs installed strictly inside models/ or refused with nothing touched, assess documents answered
or refused in one line, and no control sequence of a person's text reaching the terminal."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[2] / "benchmarks" / "fuzz.py"


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("vt_fuzz_hostile", FUZZ)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_model_zips_install_inside_models_or_change_nothing(fuzz, tmp_path):
    r = fuzz.run_property("zip", fuzz.zip_case(), lambda c: fuzz.check_zip(c, str(tmp_path / "sandbox")), 40)
    assert r["inputs"] >= 40


def test_assess_documents_give_a_result_or_one_line(fuzz):
    assert fuzz.run_property("assess", fuzz.assess_doc(), fuzz.check_assess, 150)["inputs"] >= 150


def test_control_sequences_never_reach_the_terminal(fuzz):
    assert fuzz.run_property("echo", fuzz.control_text, fuzz.check_echo, 150)["inputs"] >= 150
