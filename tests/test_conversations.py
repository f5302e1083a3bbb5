"""Scripted conversations through the real Conversation, and a few through `voice-triage chat --jsonl`.

The scripts are data: tests/conversations/scripts.yaml (answers in order, and what must hold at the end).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from voice_triage.content.loader import load_content
from voice_triage.dialog import Ask, Conversation, End, Result, Say, SettingChanged
from voice_triage.triage.engine import assess

HERE = Path(__file__).parent
SCRIPTS = yaml.safe_load((HERE / "conversations" / "scripts.yaml").read_text(encoding="utf-8"))
EMERGENCY_SLOTS = {"amount", "dizzy_or_faint", "pain"}


@pytest.fixture(scope="module")
def content():
    return load_content()


def _big_line(n: int = 100_000) -> str:
    rng = random.Random(7)
    words = ["lorem", "ipsum", "table", "window", "seven", "purple", "music", "river", "stone", "cloud"]
    out: list[str] = []
    size = 0
    while size < n:
        w = rng.choice(words)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)


def run_script(content, answers: list[str]):
    conv = Conversation(content)
    events = conv.start()
    log = list(events)
    used = 0
    for answer in answers:
        if conv.finished:
            break
        text = _big_line() if answer == "@100k" else answer
        events = conv.hear(text)
        log += events
        used += 1
    return conv, log, used


def _keys(v):
    return {str(k): v for k, v in v.items()} if isinstance(v, dict) else v


@pytest.mark.parametrize("script", SCRIPTS, ids=[s["name"] for s in SCRIPTS])
def test_scripted_conversation(content, script):
    conv, log, used = run_script(content, script["answers"])
    transcript = "\n".join(
        f"{type(e).__name__}: {getattr(e, 'text', '')} {getattr(e, 'filled', '')}" for e in log
    )
    ends = script.get("ends", "result")
    assert conv.finished, f"conversation did not end\n{transcript}"
    assert conv.end_reason == ends, transcript
    assert used == len(script["answers"]), f"ended after {used} of {len(script['answers'])} answers\n{transcript}"
    # the safety net is always said before the end (an emergency result's action is itself the emergency help)
    last_end = max(i for i, e in enumerate(log) if isinstance(e, End))
    emergency = conv.result is not None and conv.result.tier == "emergency"
    assert emergency or any(isinstance(e, Say) and e.kind == "safety_net" for e in log[:last_end]), transcript
    if ends != "result":
        assert conv.result is None
        return
    result = conv.result
    assert isinstance(result, Result)
    assert result.tier == script["tier"], transcript
    if "reasons" in script:
        assert sorted({r.slot for r in result.reasons}) == sorted(script["reasons"]), transcript
    if "questions" in script:
        assert result.questions == script["questions"], transcript
    if "max_questions" in script:
        assert result.questions <= script["max_questions"], transcript
    for slot, value in (script.get("facts") or {}).items():
        assert result.facts.get(slot) == value, f"{slot}: {result.facts.get(slot)!r} != {value!r}\n{transcript}"
    if "settings" in script:
        assert {"rate": conv.settings.rate, "volume": conv.settings.volume} == script["settings"]
        changes = [e for e in log if isinstance(e, SettingChanged)]
        assert changes, "setting commands must produce SettingChanged events"
    # the result agrees with the engine on its own facts, and emergencies come by question 2
    assert assess(result.facts).tier == result.tier
    if result.tier == "emergency" and {r.slot for r in result.reasons} & EMERGENCY_SLOTS:
        assert result.questions <= 2, transcript


def test_at_least_thirty_scripts_cover_every_tier():
    assert len(SCRIPTS) >= 30
    assert {s.get("tier") for s in SCRIPTS} >= {"emergency", "urgent", "soon", "self_care"}


EMERGENCY_PHRASINGS = {
    "amount": ["soaking a pad an hour", "it won't stop", "I've bled through two pads in an hour", "it's pouring out",
               "blood everywhere, I've soaked my jeans", "it's gushing", "really heavy with big clots",
               "I'm drenched and it hasn't stopped", "filled a pad in less than an hour", "nonstop bleeding"],
    "dizzy_or_faint": ["I feel dizzy", "yes, light headed", "I think I'm going to faint", "I passed out earlier",
                       "the room is spinning", "woozy", "I feel like I'm going to black out", "really faint",
                       "yeah dizzy", "dizzy when I stand up"],
    "pain": ["the pain is unbearable", "severe pain", "it's agony", "excruciating cramps", "10/10",
             "it hurts so much I can't walk", "the worst pain of my life", "yes it hurts really badly",
             "terrible stabbing pain", "I'm doubled over in pain"],
}


@pytest.mark.parametrize("slot,text", [(s, t) for s, ts in EMERGENCY_PHRASINGS.items() for t in ts])
def test_emergency_recognised_by_question_two(content, slot, text):
    """Each emergency trigger, phrased many ways: at the question that asks it (amount 1st, acute 2nd)."""
    answers = [text] if slot == "amount" else ["a few drops", text]
    conv, log, _ = run_script(content, answers)
    if not conv.finished:  # a confirmation of the serious reading: yes
        log += conv.hear("yes")
    assert conv.result is not None and conv.result.tier == "emergency", [getattr(e, "text", "") for e in log]
    assert conv.result.questions <= 2


def test_unknowns_never_give_emergency(content):
    answers = ["no idea", "I don't know", "not sure", "dunno", "I can't say", "no idea", "not sure", "don't know",
               "not sure", "not sure", "not sure"]
    conv, log, _ = run_script(content, answers)
    assert conv.result is not None
    assert conv.result.tier == "urgent"
    assert all(r.tier != "emergency" for r in conv.result.reasons)


# -- through the real CLI --------------------------------------------------------------------------

def _jsonl(lines: list[bytes], timeout: float = 60) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "voice_triage", "chat", "--jsonl"], input=b"\n".join(lines) + b"\n",
                          capture_output=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines() if line.strip()]


def test_jsonl_benign_conversation_with_bad_lines():
    lines = [b'{"text": "just a little spotting"}', b"\xff\xfe not utf-8", b'{"text": 5}', b"[1, 2]",
             b'{"nope": "x"}', b"no, I feel fine", b"none of those", b'{"text": "no to both"}', b"I'm 30",
             b"first time", b"none", b"none", b"no", b"no"]
    events = _jsonl(lines)
    kinds = [e["event"] for e in events]
    assert kinds.count("error") >= 4
    result = next(e for e in events if e["event"] == "result")
    assert result["tier"] == "self_care" and result["questions"] == 10
    assert kinds[-1] == "end"


def test_jsonl_emergency_by_second_question():
    events = _jsonl([b'{"text": "a few drops"}', b'{"text": "I feel like I am going to pass out"}'])
    result = next(e for e in events if e["event"] == "result")
    assert result["tier"] == "emergency" and result["questions"] == 2
    assert any(r["slot"] == "dizzy_or_faint" for r in result["reasons"])


def test_jsonl_stop_says_safety_net():
    events = _jsonl([b"a few drops", b"stop"])
    says = [e for e in events if e["event"] == "say"]
    assert any("emergency help immediately" in e["text"] for e in says)
    results = [e for e in events if e["event"] == "result"]
    # stopping gives the tier so far, marked partial (issue 11), before the safety net and the end
    assert events[-1]["event"] == "end" and len(results) == 1 and results[0]["partial"] is True
    assert results[0]["tier"] == "self_care" and events.index(results[0]) < events.index(says[-2])
