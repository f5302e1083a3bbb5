"""Bounded reads and one clear line (issue 14, items 4-6 and 9): `assess` and `chat` on hostile input.
Children run with their address space capped (hostile_kit.MEMORY_CAP), so a regression fails here
instead of taking the machine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest
from hostile_kit import VT, answers, vt

from voice_triage.frontends.jsonl import parse_line
from voice_triage.safe_text import clean, cut


def _one_line(p: subprocess.CompletedProcess) -> str:
    err = p.stderr.decode("utf-8")
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and "something went wrong" not in err and "Usage:" not in err
    return err


# -- assess ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("source", ["/dev/zero", "/dev/urandom"])
def test_assess_reads_at_most_the_limit_from_an_endless_file(source):
    t = time.monotonic()
    p = vt("assess", source, timeout=60)
    assert p.returncode == 2 and "too large" in _one_line(p)
    assert time.monotonic() - t < 30


def test_assess_endless_stdin_is_refused_without_reading_it_all():
    yes = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        p = subprocess.run([*VT, "assess", "-"], stdin=yes.stdout, capture_output=True, timeout=60,
                           preexec_fn=lambda: __import__("resource").setrlimit(
                               __import__("resource").RLIMIT_AS, (1536 * 2**20, 1536 * 2**20)))
    finally:
        yes.kill()
        yes.wait()
    assert p.returncode == 2 and "too large" in _one_line(p)


def test_assess_a_folder_or_a_missing_file_is_one_line(tmp_path):
    for path, needle in [(str(tmp_path), "folder"), (str(tmp_path / "nope.json"), "No such file")]:
        p = vt("assess", path)
        assert p.returncode == 2 and needle in _one_line(p)


def test_assess_an_unreadable_file_is_one_line(tmp_path):
    f = tmp_path / "secret.json"
    f.write_text("{}")
    f.chmod(0)
    if os.access(f, os.R_OK):
        pytest.skip("running as root: permissions do not stop reading")
    p = vt("assess", str(f))
    assert p.returncode == 2 and "Permission denied" in _one_line(p)


def test_assess_accepts_a_utf8_bom():
    p = vt("assess", input=b"\xef\xbb\xbf" + json.dumps({"amount": "soaking"}).encode())
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["tier"] == "emergency"


@pytest.mark.parametrize("doc,needle", [
    ('{"amount": "soaking", "amount": "spotting"}', "'amount' is given twice"),
    ('{"age": "³⁶"}', "age: expected a whole number"),
    ('{"age": ' + "9" * 5000 + "}", "too long"),
    ('{"age": "' + "9" * 5000 + '"}', "age: expected a whole number"),
])
def test_assess_bad_values_name_the_slot(doc, needle):
    p = vt("assess", input=doc.encode())
    assert p.returncode == 2 and needle in _one_line(p)


def test_assess_a_huge_bad_value_is_cut_in_the_message():
    p = vt("assess", input=json.dumps({"amount": "x" * 900_000}).encode())
    err = _one_line(p)
    assert p.returncode == 2 and "amount" in err and len(err) < 1000


# -- chat --jsonl -------------------------------------------------------------------------------------
def _events(p: subprocess.CompletedProcess) -> list[dict]:
    text = p.stdout.decode("utf-8")  # raises if stdout is not valid UTF-8
    return [json.loads(x) for x in text.split("\n") if x]


@pytest.mark.parametrize("line", [b'{"text": "\\ud800"}', b'{"text": "spotting \\udc80"}',
                                  b'{"audio": "\\ud800.wav"}', b'{"text": "a", "text": "b"}'])
def test_jsonl_bad_lines_get_an_error_and_the_same_question(line):
    p = vt("chat", "--jsonl", input=answers([line, "I'm soaking a pad every hour", "yes"]))
    assert p.returncode == 0, p.stderr
    ev = _events(p)
    i = next(k for k, e in enumerate(ev) if e["event"] == "error")
    assert ev[i + 1]["event"] == "ask" and ev[i + 1]["question"] == ev[i - 1]["question"]
    assert any(e["event"] == "result" and e["tier"] == "emergency" for e in ev) and ev[-1]["event"] == "end"


def test_jsonl_in_an_ascii_locale_keeps_utf8_output():
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": ""}
    p = vt("chat", "--jsonl", input=answers(['{"text": "un peu, très peu é"}', "stop"]), env=env)
    assert p.returncode == 0, p.stderr
    ev = _events(p)
    assert any(e["event"] == "heard" and "très" in e["text"] for e in ev) and ev[-1]["event"] == "end"


def test_text_chat_in_an_ascii_locale_with_a_non_ascii_answer():
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": ""}
    p = vt("chat", "--text", input=answers(["ça saigne un peu — ☂", "stop"]), env=env)
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode("utf-8")
    assert "ça saigne" in out and "emergency" in out.lower()


def test_parse_line_refuses_lone_surrogates_and_accepts_a_bom():
    assert parse_line('{"text": "\\udc80"}').kind == "error"
    assert parse_line('\ufeff{"text": "a few drops"}').value == "a few drops"


# -- chat --text: echo and Ctrl-C ---------------------------------------------------------------------
def test_text_chat_echo_carries_no_terminal_control():
    hostile = "\x1b]0;PWNED\x07\x1b(0\x1b[2J\x9b31m a few drops \u202e"
    p = vt("chat", "--text", input=answers([hostile, "stop"]))
    out = p.stdout.decode("utf-8")
    assert "a few drops" in out
    for seq in ("\x1b]", "\x1b(", "\x1b[2J", "\x9b", "\x07", "\u202e"):
        assert seq not in out


def test_ctrl_c_in_text_chat_gives_the_safety_net_and_exit_130():
    proc = subprocess.Popen([*VT, "chat", "--text"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        buf = b""
        end = time.monotonic() + 60
        while b"You:" not in buf and time.monotonic() < end:
            buf += os.read(proc.stdout.fileno(), 4096)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert b"emergency help" in buf + out


def test_clean_removes_sequences_and_controls_but_keeps_text():
    assert clean("\x1b]0;title\x07hello\x1b(0 world\x1b[31m!\x00") == "hello world!"
    assert clean("caf\u00e9 \U0001F600 \u05e9\u05dc\u05d5\u05dd") == "caf\u00e9 \U0001F600 \u05e9\u05dc\u05d5\u05dd"
    assert cut("x" * 1000).startswith("x" * 80) and len(cut("x" * 1000)) < 120


def test_assess_still_reads_a_named_pipe(tmp_path):
    fifo = tmp_path / "facts"
    os.mkfifo(fifo)
    proc = subprocess.Popen([*VT, "assess", str(fifo)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with open(fifo, "wb") as fh:  # blocks until the reader has opened it
        fh.write(b'{"amount": "soaking"}')
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(out)["tier"] == "emergency"
