"""Logs hold no answers at any level; a summary is written only when asked, and says where it went."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

VT = [sys.executable, "-m", "voice_triage"]
# answers with words that appear nowhere in the assistant's own lines
ANSWERS = ["just a few drops, barely any", "nope nothing like that", "none of those at all", "no",
           "I'm twenty nine years old", "this is the very first time", "I take the pill every morning", "no",
           "yes it was a bit dry honestly", "no"]
DISTINCT = ["barely any", "nope nothing", "at all", "twenty nine", "very first", "every morning", "dry honestly"]


def test_no_answer_in_the_logs_at_debug(tmp_path):
    env = dict(os.environ, VOICE_TRIAGE_LOG="DEBUG")
    data = "".join(json.dumps({"text": a}) + "\n" for a in ANSWERS).encode()
    p = subprocess.run([*VT, "chat", "--jsonl"], input=data, capture_output=True, env=env, timeout=120, cwd=tmp_path)
    assert p.returncode == 0
    events = [json.loads(x) for x in p.stdout.decode().splitlines()]
    assert any(e["event"] == "result" for e in events)
    heard = " ".join(e["text"] for e in events if e["event"] == "heard")
    assert all(d in heard for d in DISTINCT)  # the answers were really given
    log = p.stderr.decode().lower()
    for d in DISTINCT:
        assert d not in log, d


def test_the_log_policy_redacts_whatever_code_logs(tmp_path):
    """Even code that logs an answer (as an argument, in an f-string, in an exception) leaks nothing."""
    code = r'''
import logging, warnings
from voice_triage.privacy import install, note_sensitive
install()
answer = "I bled quite a lot last night"
note_sensitive(answer)
log = logging.getLogger("voice_triage.example")
log.debug("heard %s", answer)
log.info(f"heard {answer}")
log.warning("heard %(a)s", {"a": answer})
logging.getLogger("some.library").debug("text=%r", answer.upper())
logging.getLogger("some.library").debug(f"TEXT={answer.upper()}")
try:
    raise ValueError(answer)
except ValueError:
    log.exception("failed")
warnings.warn(answer)
log.debug("a count: %d, a score: %.2f", 3, 0.5)
'''
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, env=dict(os.environ, VOICE_TRIAGE_LOG="DEBUG"),
                       timeout=60, cwd=tmp_path)
    err = p.stderr.decode()
    assert p.returncode == 0, err
    assert "bled" not in err.lower() and "last night" not in err.lower(), err
    assert "a count: 3, a score: 0.50" in err  # numbers are fine
    assert err.count("<redacted>") >= 5
    assert "[ValueError]" in err and "Traceback" not in err


BENIGN = ["a few drops", "no", "none of those", "no", "29", "first time", "the pill", "no", "yes a bit dry", "no"]


def test_no_summary_file_unless_asked(tmp_path):
    data = "".join(a + "\n" for a in BENIGN).encode()
    p = subprocess.run([*VT, "chat", "--jsonl"], input=data, capture_output=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 0
    assert list(tmp_path.iterdir()) == []


def test_save_summary_writes_only_there_and_says_where(tmp_path):
    target = tmp_path / "for-my-doctor.txt"
    data = "".join(a + "\n" for a in BENIGN).encode()
    p = subprocess.run([*VT, "chat", "--jsonl", "--save-summary", str(target)], input=data, capture_output=True,
                       timeout=120, cwd=tmp_path)
    assert p.returncode == 0, p.stderr.decode()
    text = target.read_text()
    assert "postcoital bleeding" in text and "I'm 29" in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert str(target) in p.stderr.decode()  # it says where it went (stderr: stdout is the protocol)
    assert json.loads(p.stdout.decode().splitlines()[-1])["event"] == "end"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["for-my-doctor.txt"]


def test_save_summary_text_chat_says_where(tmp_path):
    target = tmp_path / "s.txt"
    p = subprocess.run([*VT, "chat", "--text", "--save-summary", "s.txt"], input="".join(a + "\n" for a in BENIGN).encode(),
                       capture_output=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 0
    assert target.exists() and str(target) in p.stdout.decode()


def test_no_summary_when_the_conversation_ends_before_advice(tmp_path):
    target = tmp_path / "s.txt"
    p = subprocess.run([*VT, "chat", "--jsonl", "--save-summary", str(target)], input=b"a few drops\nstop\n",
                       capture_output=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 0
    assert not target.exists()
    assert "No summary was saved" in p.stderr.decode()
    assert list(tmp_path.iterdir()) == []


def test_save_summary_to_a_missing_folder_is_a_clear_message(tmp_path):
    p = subprocess.run([*VT, "chat", "--jsonl", "--save-summary", str(tmp_path / "nope" / "s.txt")],
                       input="".join(a + "\n" for a in BENIGN).encode(), capture_output=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 2  # refused before the conversation, so nobody answers everything for nothing
    assert "does not exist" in p.stderr.decode() and "Nothing was saved" in p.stderr.decode()
    assert "Traceback" not in p.stderr.decode() and p.stdout == b""
