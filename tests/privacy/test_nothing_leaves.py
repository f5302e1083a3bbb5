"""Whole conversations, traced at the system-call level: no internet socket, nothing written to disk.

Each test runs the real `voice-triage` command under strace (-f: child processes too) and fails if any
AF_INET/AF_INET6/AF_PACKET socket is made or any file is opened for writing outside an allow-list.
The temporary files of speech output must live in the private in-memory directory and be deleted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from systrace import STRACE, run_traced, strace_cmd, Trace

from voice_triage.privacy.memtmp import on_ram

pytestmark = pytest.mark.skipif(STRACE is None, reason="strace is not installed (scripts/setup installs it)")

VT = [sys.executable, "-m", "voice_triage"]
BENIGN = ["a few drops", "no", "none of those", "no", "29", "first time", "the pill", "no", "yes a bit dry", "no"]


def memory_dirs(t: Trace) -> list[str]:
    """The program's private temp directories (made by voice_triage.privacy.memtmp)."""
    return [d for d in t.dirs if os.path.basename(d).startswith("voice-triage-tmp-")]


def assert_private(t: Trace, allowed: list[str]) -> None:
    assert t.lines, "strace recorded nothing"
    assert not t.sockets, "network sockets were opened:\n" + "\n".join(t.sockets)
    mem = memory_dirs(t)
    assert all(on_ram(os.path.dirname(d)) for d in mem), mem
    bad = t.outside(allowed + mem)
    assert not bad, f"files written outside the allow-list: {bad}"
    for d in mem:  # the private temp dir and everything in it is gone at exit
        assert d in t.removed, f"{d} was not removed"
        for f in t.created:
            if f.startswith(d + "/"):
                assert f in t.removed, f"temporary file {f} was left behind"


def test_the_tracer_sees_sockets_and_writes(tmp_path):
    """The detector itself works: an unguarded Python that opens a socket and writes a file is caught."""
    code = "import socket; s = socket.socket(); open('leak.txt', 'w').write('answer')"
    p, t = run_traced([sys.executable, "-c", code], str(tmp_path / "st.log"), cwd=str(tmp_path))
    assert p.returncode == 0
    assert any("AF_INET" in line for line in t.sockets)
    assert str(tmp_path / "leak.txt") in t.outside([])


def test_the_guard_stops_a_socket_before_the_system_call(tmp_path):
    code = ("from voice_triage.privacy import install; install()\n"
            "import socket\n"
            "try:\n    socket.create_connection(('127.0.0.1', 9))\nexcept PermissionError as e:\n    print('refused', e)\n"
            "try:\n    socket.socket(socket.AF_INET6)\nexcept PermissionError as e:\n    print('refused', e)\n")
    p, t = run_traced([sys.executable, "-c", code], str(tmp_path / "st.log"), cwd=str(tmp_path))
    assert p.stdout.decode().count("refused ") == 2, p.stderr.decode()
    assert not t.sockets


def test_typed_conversation_no_network_nothing_on_disk(tmp_path):
    work = tmp_path / "cwd"
    work.mkdir()
    data = "".join(json.dumps({"text": a}) + "\n" for a in BENIGN).encode()
    p, t = run_traced([*VT, "chat", "--jsonl"], str(tmp_path / "st.log"), cwd=str(work), input=data)
    assert p.returncode == 0, p.stderr.decode()
    events = [json.loads(x) for x in p.stdout.decode().splitlines()]
    assert any(e["event"] == "result" and e["tier"] == "self_care" for e in events)
    assert_private(t, allowed=[])
    assert memory_dirs(t), "the in-memory temp directory was not set up"
    assert list(work.iterdir()) == []


def _espeak(path, text):
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(path), text], check=True, capture_output=True)


SPOKEN = {"amount": "a few drops", "acute": "no", "symptoms": "i have a fever"}
MEANT = {"amount": "spotting", "dizzy_or_faint": "no", "pain": "none", "fever_or_unwell": "yes"}


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_spoken_conversation_no_network_nothing_on_disk(tmp_path):
    """Answers as WAV files ({"audio": path}): read, recognized, understood; nothing is written."""
    wavs = tmp_path / "answers"
    wavs.mkdir()
    files = {}
    for qid, text in {**SPOKEN, "confirm": "yes", "confirm_no": "no", "other": "i don't know"}.items():
        files[qid] = wavs / f"{qid}.wav"
        _espeak(files[qid], text)
    work = tmp_path / "cwd"
    work.mkdir()
    log = str(tmp_path / "st.log")
    err_path = tmp_path / "stderr.txt"
    with open(err_path, "w") as err_file:  # a file, not a pipe: stderr can never block the run
        proc = subprocess.Popen(strace_cmd(log, [*VT, "chat", "--jsonl", "--asr", "pocketsphinx"]), cwd=str(work),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err_file, text=True,
                                env=dict(os.environ, VOICE_TRIAGE_LOG="DEBUG"))
    tier, turns, heard = None, 0, []
    try:
        for line in proc.stdout:
            ev = json.loads(line)
            if ev["event"] == "result":
                tier = ev["tier"]
            elif ev["event"] == "heard":
                heard.append(ev["text"])
            elif ev["event"] == "end":
                break
            elif ev["event"] == "ask":
                turns += 1
                if turns > 24:  # 10 questions, each with its confirmation
                    break
                f = files.get(ev.get("question"), files["other"])
                if ev.get("confirm"):  # yes only to what the answer meant (a misheard one is corrected)
                    right = all(MEANT.get(k, "unknown") == v for k, v in ev["confirm"].items())
                    f = files["confirm" if right else "confirm_no"]
                proc.stdin.write(json.dumps({"audio": str(f)}) + "\n")
                proc.stdin.flush()
    finally:
        proc.stdin.close()
        proc.wait(timeout=120)
    assert tier == "urgent"
    # the logs (DEBUG, the recognizer's own included) hold no transcript
    err = err_path.read_text(errors="replace").lower()
    for text in heard:
        if len(text) > 3:
            assert text.lower() not in err, text
    with open(log, encoding="utf-8", errors="replace") as fh:
        t = Trace(str(work)).parse(fh.read())
    assert_private(t, allowed=[])
    assert list(work.iterdir()) == []


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_spoken_output_makes_no_files(tmp_path):
    """`chat --voice` with speech output: espeak hands every utterance back in memory (its synchronous
    mode), so no file is made for it at all; --tts-out (asked for, for tests) is the only place a file may
    be. No microphone here (PulseAudio unreachable): answers are typed."""
    out = tmp_path / "spoken"
    work = tmp_path / "cwd"
    work.mkdir()
    env = dict(os.environ, PULSE_SERVER="unix:/nonexistent/pulse", AUDIODEV="null")
    answers = ["soaking a pad"]
    p, t = run_traced([*VT, "chat", "--voice", "--no-privacy-check", "--asr", "pocketsphinx", "--tts-out", str(out)],
                      str(tmp_path / "st.log"), cwd=str(work), input=("\n".join(answers) + "\n").encode(), env=env)
    assert p.returncode == 0, p.stderr.decode()[-2000:]
    assert "Traceback" not in p.stderr.decode()
    wavs = sorted(out.glob("*.wav"))
    assert wavs, p.stdout.decode()[-2000:]
    temp_wavs = [f for f in t.created if f.endswith(".wav") and not f.startswith(str(out) + "/")]
    assert temp_wavs == []
    assert_private(t, allowed=[str(out)])
    assert list(work.iterdir()) == []


def _can_unshare() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="cannot make a network namespace here (needs root or user namespaces)")
def test_conversation_in_a_namespace_without_network(tmp_path):
    """With no network device at all (not even loopback up), a whole conversation still works."""
    data = "".join(a + "\n" for a in BENIGN).encode()
    p = subprocess.run(["unshare", "-n", *VT, "chat", "--jsonl"], input=data, capture_output=True, timeout=120,
                       cwd=str(tmp_path))
    assert p.returncode == 0, p.stderr.decode()
    assert any(json.loads(x).get("tier") == "self_care" for x in p.stdout.decode().splitlines())
