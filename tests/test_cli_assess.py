"""`voice-triage assess`: the contract of issue 2 item 7, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.test_triage_engine import BENIGN, spec_tier

CMD = [sys.executable, "-m", "voice_triage", "assess"]


def run(stdin: bytes, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(CMD + list(args), input=stdin, capture_output=True, timeout=60)


def test_benign_facts_give_self_care():
    p = run(json.dumps(BENIGN).encode())
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["tier"] == "self_care" and out["reasons"] == []
    assert "emergency help immediately" in out["advice"]
    assert out["summary"].startswith("I have postcoital bleeding")
    assert out["details"] and "Say 'more'" in out["advice"]


def test_reasons_have_slot_value_tier_text():
    p = run(json.dumps({**BENIGN, "pain": "some", "age": "40"}).encode())
    out = json.loads(p.stdout)
    assert out["tier"] == "urgent"
    assert [(r["slot"], r["value"], r["tier"]) for r in out["reasons"]] == [("pain", "some", "urgent"), ("age", 40, "soon")]
    assert all(r["text"] for r in out["reasons"])


def test_missing_slots_are_unknown():
    out = json.loads(run(b'{"amount": "spotting"}').stdout)
    assert out["tier"] == "urgent"
    assert {"slot": "pain", "value": "unknown", "tier": "urgent"}.items() <= out["reasons"][1].items() or any(
        r["slot"] == "pain" and r["value"] == "unknown" for r in out["reasons"])


def test_file_argument(tmp_path):
    f = tmp_path / "facts.json"
    f.write_text(json.dumps({**BENIGN, "amount": "soaking"}))
    out = json.loads(subprocess.run(CMD + [str(f)], capture_output=True, timeout=60).stdout)
    assert out["tier"] == "emergency"


@pytest.mark.parametrize("stdin,needle", [
    (b"not json", "not valid JSON"),
    (b"[1, 2]", "expected a JSON object"),
    (b'{"colour": "red"}', "unknown slot 'colour'"),
    (b'{"amount": "lots"}', "amount"),
    (b'{"age": 300}', "out of range"),
    (b'{"age": -1}', "out of range"),
    (b'{"age": "forty"}', "age"),
    (b'{"pain": 3}', "pain"),
    (b'{"dizzy_or_faint": true}', "dizzy_or_faint"),
    (b"\xff\xfe\x00", "UTF-8"),
    (b"", "not valid JSON"),
    (b"[" * 100000, "JSON"),
])
def test_bad_input_one_line_on_stderr_exit_2_no_traceback(stdin, needle):
    p = run(stdin)
    assert p.returncode == 2
    err = p.stderr.decode()
    assert needle in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert p.stdout == b""


def test_missing_file_is_exit_2(tmp_path):
    p = subprocess.run(CMD + [str(tmp_path / "nope.json")], capture_output=True, timeout=60)
    assert p.returncode == 2 and b"Traceback" not in p.stderr


def test_every_single_value_agrees_with_the_spec_through_the_command():
    """A batch through one process would be faster, but this is the contract: one call per facts object."""
    from tests.test_triage_engine import SPEC_VALUES

    cases = [{**BENIGN, s: v} for s, vals in SPEC_VALUES.items() for v in vals + ["unknown"]]
    for facts in cases[::3]:
        out = json.loads(run(json.dumps(facts).encode()).stdout)
        assert out["tier"] == spec_tier(facts), facts
