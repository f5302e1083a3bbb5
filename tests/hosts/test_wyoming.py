"""The Wyoming handle service: framing and answers in-process (no sockets), then the real `voice-triage serve`
over loopback with a client playing Home Assistant (a separate process: this one may hold the network guard)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

wyoming = pytest.importorskip("wyoming", reason="the wyoming extra is not installed")

from voice_triage.content import load_content
from voice_triage.hosts import wyoming_service as ws
from voice_triage.hosts.sessions import Sessions
from voice_triage.hosts.words import host_words

CONTENT = load_content("en")
CLIENT = str(Path(__file__).with_name("ha_client.py"))
SAFETY = CONTENT.advice.safety_net


def frame(type_: str, data: dict | None = None, raw_data: bytes | None = None, payload: bytes = b"") -> bytes:
    body = raw_data if raw_data is not None else (json.dumps(data).encode() if data else b"")
    header = {"type": type_, "version": "1.10.2"}
    if body:
        header["data_length"] = len(body)
    if payload:
        header["payload_length"] = len(payload)
    return json.dumps(header).encode() + b"\n" + body + payload


def read_all(data: bytes) -> list:
    async def go() -> list:
        reader = asyncio.StreamReader(limit=ws.MAX_LINE)
        reader.feed_data(data)
        reader.feed_eof()
        out = []
        while True:
            try:
                e = await ws.read_event(reader)
            except ws.BadEvent as bad:
                out.append(bad)
                if bad.fatal:
                    return out
                continue
            if e is None:
                return out
            out.append(e)
    return asyncio.run(go())


def test_address_is_loopback_unless_asked():
    assert ws.parse_address("tcp://127.0.0.1:10700", allow_remote=False) == ("127.0.0.1", 10700)
    assert ws.parse_address("tcp://localhost:10700", allow_remote=False) == ("127.0.0.1", 10700)
    assert ws.parse_address("tcp://[::1]:10700", allow_remote=False) == ("::1", 10700)
    for bad in ("tcp://0.0.0.0:10700", "tcp://192.168.1.5:10700"):
        with pytest.raises(ws.AddressError, match="allow-remote"):
            ws.parse_address(bad, allow_remote=False)
    assert ws.parse_address("tcp://0.0.0.0:10700", allow_remote=True) == ("0.0.0.0", 10700)
    for bad in ("unix:///tmp/x", "tcp://127.0.0.1", "tcp://example.org:1", "tcp://127.0.0.1:99999"):
        with pytest.raises(ws.AddressError):
            ws.parse_address(bad, allow_remote=True)


def test_info_lists_one_english_handle_program():
    info = ws.info(host_words("en"))
    assert len(info.handle) == 1 and info.handle[0].installed
    assert info.handle[0].models[0].languages == ["en"]
    assert not info.asr and not info.tts


def test_framing_with_bounds():
    huge = frame("transcript", raw_data=b'{"text": "' + b"a" * (ws.MAX_DATA + 10) + b'"}')
    events = read_all(frame("describe") + b"not json\n" + huge + frame("transcript", {"text": "hi"}, payload=b"x" * 100)
                      + frame("transcript", raw_data=b'{"text": "\xff\xfeno"}'))
    assert events[0].type == "describe"
    assert isinstance(events[1], ws.BadEvent) and not events[1].fatal
    assert isinstance(events[2], ws.BadEvent) and "too large" in str(events[2])  # drained, not kept
    assert events[3].type == "transcript" and events[3].data["text"] == "hi"  # framing kept after all that
    assert events[4].data["text"] == "\ufffd\ufffdno"  # not UTF-8: replaced, still a transcript
    long_line = read_all(b"{" + b" " * (ws.MAX_LINE + 10) + b"\n")
    assert isinstance(long_line[0], ws.BadEvent) and long_line[0].fatal


def test_answers_keyed_by_conversation_id():
    s = Sessions(CONTENT, host_words("en"))

    def say(text, cid="01HC", **extra):
        return ws.answer_transcript(s, {"text": text, "context": {"conversation_id": cid}, **extra})

    assert say("turn on the light").type == "not-handled"
    assert say("bleeding after sex", language="de").type == "not-handled"
    first = say("I noticed some bleeding after sex", language="en-US")
    assert first.type == "handled" and first.data["context"] == {"conversation_id": "01HC"}
    assert CONTENT.question("amount").text in first.data["text"]
    assert say("what", cid="other").type == "not-handled"  # another conversation id: not this one
    assert say("").type == "handled"  # empty: a re-prompt
    assert say("x" * 5000).data["text"].startswith(host_words("en").unusable)
    assert ws.answer_transcript(s, {"context": {"conversation_id": "01HC"}}).type == "handled"  # no text at all
    assert ws.answer_transcript(s, {"text": ["no"], "context": "nonsense"}).type == "not-handled"
    assert "Is that right?" in say("soaking a pad every hour").data["text"]
    result = say("yes")
    assert CONTENT.advice.tier_action["emergency"] in result.data["text"]
    assert say("yes").type == "not-handled"  # the result ended it


# -- the real service over loopback ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "voice_triage", "serve", "--wyoming", "tcp://127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    if "tcp://" not in line:
        proc.kill()
        pytest.fail(f"serve did not start: {line!r} {proc.stderr.read()}")
    port = int(line.split("tcp://127.0.0.1:")[1].split()[0])
    yield port, proc
    proc.terminate()
    proc.wait(10)


def client(port: int, *args: str) -> list[dict]:
    p = subprocess.run([sys.executable, CLIENT, str(port), *args], capture_output=True, text=True, check=False, timeout=120)
    assert p.returncode == 0, p.stderr
    return [json.loads(x) for x in p.stdout.splitlines()]


# what a person with a minor case answers, by question id (a confirmation of what they meant gets a yes)
BENIGN = {"amount": "just a few drops", "acute": "no, I feel fine and nothing hurts", "symptoms": "none of those",
          "pregnancy_menopause": "no", "age": "I'm 29", "frequency": "it's the first time",
          "contraception": "the pill", "risks": "none of those", "dryness": "a bit dry", "worried": "no"}


def question_id(said: str) -> str | None:
    for q in CONTENT.questions:
        if q.text in said or q.short in said or q.reprompt in said:
            return q.id
    return None


def test_home_assistant_describe_then_a_whole_conversation(server):
    """Home Assistant's part: describe, then one connection per transcript under one conversation id."""
    port, _ = server
    ha = subprocess.Popen([sys.executable, CLIENT, str(port), "talk", "ha-1"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(ha.stdout.readline())
        assert info["type"] == "info" and info["data"]["handle"][0]["models"][0]["languages"] == ["en"]
        said, reply = "I noticed bleeding after sex", None
        for _turn in range(40):
            ha.stdin.write(said + "\n")
            ha.stdin.flush()
            reply = json.loads(ha.stdout.readline())
            assert reply["type"] == "handled" and reply["data"]["context"] == {"conversation_id": "ha-1"}, reply
            text = reply["data"]["text"]
            if SAFETY in text:
                break
            qid = question_id(text)
            said = "yes" if "Is that right?" in text else BENIGN.get(qid, "no")
        assert SAFETY in reply["data"]["text"], reply
        assert CONTENT.advice.tier_action["soon"] in reply["data"]["text"] or \
            CONTENT.advice.tier_action["self_care"] in reply["data"]["text"]
        ha.stdin.write("no\n")
        ha.stdin.flush()
        assert json.loads(ha.stdout.readline())["type"] == "not-handled"  # the result ended it
    finally:
        ha.stdin.close()
        ha.wait(30)


def test_home_assistant_emergency_and_not_ours(server):
    port, _ = server
    replies = client(port, "conversation", "ha-2", "what's the weather", "bleeding after sex",
                     "I'm soaking a pad every hour", "yes")[1:]
    assert replies[0]["type"] == "not-handled"
    assert [r["type"] for r in replies[1:]] == ["handled"] * 3
    assert CONTENT.advice.tier_action["emergency"] in replies[-1]["data"]["text"]


def test_a_dropped_connection_loses_nothing_and_bad_bytes_never_crash(server):
    port, proc = server
    client(port, "conversation", "ha-3", "bleeding after sex")
    half = frame("transcript", {"text": "just a few drops", "context": {"conversation_id": "ha-3"}})[:-10]
    assert client(port, "raw", half.hex()) == []  # the client went away mid-event
    garbage = (b"\xff\xfe\x00garbage\n" + frame("transcript", raw_data=b'{"text": "\xff\xff", "context": '
                                                b'{"conversation_id": "ha-3"}}'))
    replies = client(port, "raw", garbage.hex())
    assert [r["type"] for r in replies] == ["not-handled", "handled"]  # then a re-prompt
    assert CONTENT.question("amount").reprompt in replies[1]["data"]["text"] or "blood" in replies[1]["data"]["text"]
    goes_on = client(port, "conversation", "ha-3", "just a few drops")[1]
    assert goes_on["type"] == "handled" and CONTENT.question("amount").text not in goes_on["data"]["text"]
    assert proc.poll() is None


def test_a_hundred_conversations_at_once(server):
    port, proc = server
    pairs = client(port, "many", "100")
    assert len(pairs) == 100
    assert all(a["type"] == "handled" and b["type"] == "handled" for a, b in pairs)
    assert all(CONTENT.question("amount").text not in b["data"]["text"] for _, b in pairs)
    assert proc.poll() is None


def test_the_guard_allows_exactly_the_listening_socket():
    code = """
import socket
from voice_triage.privacy import install, netguard
install()
from voice_triage.hosts.wyoming_service import listening_socket
sock = listening_socket("127.0.0.1", 0)
print("listening", sock.getsockname()[1] > 0)
for what, f in [("other bind", lambda: socket.socket().bind(("127.0.0.1", 1))),
                ("second bind", lambda: socket.socket().bind(("127.0.0.1", 0))),
                ("connect", lambda: socket.create_connection(sock.getsockname())),
                ("udp sendto", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", 9))),
                ("lookup", lambda: socket.getaddrinfo("example.org", 80))]:
    try:
        f()
        print(what, "allowed")
    except PermissionError:
        print(what, "refused")
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert p.stdout.split("\n")[:6] == ["listening True", "other bind refused", "second bind refused",
                                        "connect refused", "udp sendto refused", "lookup refused"], p.stdout + p.stderr


def test_serve_refuses_a_remote_address_without_the_flag_and_warns_with_it():
    p = subprocess.run([sys.executable, "-m", "voice_triage", "serve", "--wyoming", "tcp://0.0.0.0:1"],
                       capture_output=True, text=True, check=False, timeout=60)
    assert p.returncode == 2 and "--allow-remote" in p.stderr and "Traceback" not in p.stderr
    # with the flag: the warning, then (192.0.2.1, a documentation address, is not on this machine: the bind
    # fails before anything is sent) one clear line, never a traceback
    p = subprocess.run([sys.executable, "-m", "voice_triage", "serve", "--wyoming", "tcp://192.0.2.1:10700",
                        "--allow-remote"], capture_output=True, text=True, check=False, timeout=60)
    assert p.returncode == 1 and "not encrypted" in p.stderr and "cannot listen" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr


def test_under_strace_one_listening_socket_no_connect_nothing_on_disk(tmp_path):
    """System calls of the real service through a conversation: the only internet socket is the listener
    (socket, bind to 127.0.0.1, listen, accept); no connect or sendto anywhere; no file written."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "privacy"))
    from systrace import STRACE, Trace, strace_cmd

    if STRACE is None:
        pytest.skip("strace is not installed (scripts/setup installs it)")
    log, work = str(tmp_path / "st.log"), tmp_path / "cwd"
    work.mkdir()
    proc = subprocess.Popen(strace_cmd(log, [sys.executable, "-m", "voice_triage", "serve", "--wyoming",
                                             "tcp://127.0.0.1:0"]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(work),
                            env=dict(os.environ, PYTHONUNBUFFERED="1"), start_new_session=True)
    try:
        line = proc.stdout.readline()
        port = int(line.split("tcp://127.0.0.1:")[1].split()[0])
        replies = client(port, "conversation", "traced", "bleeding after sex", "just a few drops")
        assert [r["type"] for r in replies] == ["info", "handled", "handled"]
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # strace and the service it runs (stopping strace alone detaches)
        proc.wait(30)
    with open(log, encoding="utf-8", errors="replace") as fh:
        t = Trace(str(work)).parse(fh.read())
    calls = [s.split("(", 1)[0].split()[-1] for s in t.sockets]
    assert calls.count("socket") == 1 and calls.count("bind") == 1, t.sockets
    assert "connect" not in calls and "sendto" not in calls, t.sockets
    assert any("127.0.0.1" in s for s in t.sockets if "bind(" in s)
    memory = [d for d in t.dirs if os.path.basename(d).startswith("voice-triage-tmp-")]  # privacy.memtmp's
    assert t.outside(memory) == [] and list(work.iterdir()) == []
