"""`voice-triage chat --jsonl`: the line protocol of issue 2 item 8, as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CMD = [sys.executable, "-m", "voice_triage", "chat", "--jsonl"]
BENIGN_ANSWERS = ["a few drops", "no", "none of those", "no", "29", "first time", "the pill", "no", "yes a bit dry", "no"]


def run(lines: list[bytes | str], *args: str) -> list[dict]:
    data = b"".join((l if isinstance(l, bytes) else l.encode()) + b"\n" for l in lines)
    p = subprocess.run(CMD + list(args), input=data, capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode()
    assert b"Traceback" not in p.stderr
    return [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]


def test_benign_conversation_reaches_self_care_in_at_most_10_questions():
    events = run([json.dumps({"text": a}) for a in BENIGN_ANSWERS])
    result = next(e for e in events if e["event"] == "result")
    assert result["tier"] == "self_care" and result["reasons"] == []
    assert result["questions"] <= 10
    assert result["facts"]["contraception"] == "hormonal" and result["facts"]["age"] == 29
    assert "postcoital bleeding" in result["text"]
    assert events[-1] == {"event": "end", "reason": "result"}


def test_each_ask_is_followed_by_exactly_one_read():
    """Answers are consumed one per ask: the number of heard events equals the answers given."""
    events = run(["a few drops", "no", "none of those"])
    asks = [e for e in events if e["event"] == "ask"]
    heard = [e for e in events if e["event"] == "heard"]
    assert len(heard) == 3 and len(asks) == 4
    assert asks[0]["slots"] == ["amount"] and asks[0].get("open") is True
    assert heard[0] == {"event": "heard", "text": "a few drops", "filled": {"amount": "spotting"}}


def test_bare_text_lines_work_like_text_objects():
    a = run(BENIGN_ANSWERS)
    b = run([json.dumps({"text": x}) for x in BENIGN_ANSWERS])
    assert a == b


def test_end_of_input_before_a_result_ends_with_a_reason_and_the_safety_net():
    events = run(["spotting"])
    assert events[-1] == {"event": "end", "reason": "end_of_input"}
    assert any(e["event"] == "say" and e.get("kind") == "safety_net" for e in events)
    results = [e for e in events if e["event"] == "result"]  # the tier so far, marked partial (issue 11)
    assert len(results) == 1 and results[0]["partial"] is True and results[0]["facts"] == {"amount": "spotting"}


def test_emergency_by_the_second_question():
    events = run(["just spotting", "I'm about to pass out"])
    result = next(e for e in events if e["event"] == "result")
    assert result["tier"] == "emergency" and result["questions"] == 2
    assert result["reasons"][0]["slot"] == "dizzy_or_faint"


@pytest.mark.parametrize("bad,needle", [
    (b'{"text": ', "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"text": 5}', "must be a string"),
    (b'{"answer": "yes"}', 'exactly one of "text" or "audio"'),
    (b"\xff\xfe\xfa", "UTF-8"),
    (b"x" * 100_000, "too long"),
])
def test_bad_lines_get_an_error_and_the_same_question_again(bad, needle):
    events = run(["a few drops", bad, "no"])
    errors = [e for e in events if e["event"] == "error"]
    assert len(errors) == 1 and needle in errors[0]["message"]
    i = events.index(errors[0])
    assert events[i + 1]["event"] == "ask" and events[i + 1]["slots"] == ["dizzy_or_faint", "pain"]
    heard = [e for e in events if e["event"] == "heard"]
    assert heard[-1]["filled"] == {"dizzy_or_faint": "no", "pain": "none"}


def test_empty_lines_are_silence_and_two_reprompts_make_unknown_never_lower():
    events = run(["", "", "", "no"])
    asks = [e for e in events if e["event"] == "ask"]
    assert [a.get("reprompt", 0) for a in asks[:3]] == [0, 1, 2]
    # amount is unknown -> at least urgent whatever follows
    events = run(["", "", ""] + BENIGN_ANSWERS[1:])
    result = next(e for e in events if e["event"] == "result")
    assert result["tier"] == "urgent"
    assert result["facts"]["amount"] == "unknown"
    assert any(r["slot"] == "amount" and r["value"] == "unknown" for r in result["reasons"])


def test_audio_line_for_a_missing_file_is_an_error_not_a_crash(tmp_path):
    events = run([json.dumps({"audio": str(tmp_path / "missing.wav")}), "spotting"])
    assert any(e["event"] == "error" for e in events)
    assert [e for e in events if e["event"] == "heard"][-1]["filled"] == {"amount": "spotting"}


def test_privacy_check_is_off_by_default_and_on_with_the_flag():
    assert run([])[1]["question"] == "amount"
    events = run(["no", "discreet"], "--privacy-check")
    assert events[1]["question"] == "privacy"
    assert {"event": "privacy", "mode": "discreet"} in events


def test_output_is_utf8_json_one_object_per_line():
    p = subprocess.run(CMD, input="ça saigne un peu 🙂\n".encode(), capture_output=True, timeout=60)
    for line in p.stdout.decode("utf-8").splitlines():
        assert isinstance(json.loads(line), dict)


def test_silent_audio_is_no_answer_not_an_error(tmp_path):
    import numpy as np
    import soundfile as sf

    wav = tmp_path / "silence.wav"
    sf.write(wav, np.zeros(16000, dtype="int16"), 16000)
    events = run(["spotting", json.dumps({"audio": str(wav)})])
    assert not any(e["event"] == "error" for e in events)
    asks = [e for e in events if e["event"] == "ask"]
    assert asks[-1].get("reprompt") == 1 and asks[-1]["slots"] == ["dizzy_or_faint", "pain"]


def test_unicode_line_separators_in_an_answer_do_not_break_the_framing():
    p = subprocess.run(CMD, input="a few drops\u2028\u2029\u0085 really\n".encode(), capture_output=True, timeout=60)
    out = p.stdout.decode("utf-8")
    assert "\u2028" not in out and "\u2029" not in out and "\u0085" not in out
    assert all(isinstance(json.loads(line), dict) for line in out.splitlines())
