"""The kiosk: conversations back to back, nothing carried over, still-there then reset, errors survived."""

from __future__ import annotations

import gc
import io
import os
import pty
import select
import subprocess
import sys
import weakref

import pytest

from voice_triage.content import load_content
from voice_triage.paths import prompts_root
from voice_triage.dialog import Conversation
from voice_triage.frontends.kiosk_scripted import ScriptedSource
from voice_triage.frontends.kiosk import Input, KeyboardSource, Kiosk
from voice_triage.frontends.kiosk_screen import CLEAR_ALL, Screen
from voice_triage.privacy import logpolicy

T = ScriptedSource.TIMEOUT
STILL_THERE = load_content("en").lines["kiosk"]["still_there"]  # (dialog.yaml kiosk:)
BENIGN = ["a few drops", "no", "none of those", "no", "29", "first time", "the pill", "no", "yes a bit dry", "no"]
# answers only this person gave (distinct words, so we can look for them after the wipe)
URGENT = ["more like a period, quite heavy", "no", "I have a fever and feel unwell", "no", "no", "forty one",
          "it keeps happening", "a copper coil", "no", "no"]


@pytest.fixture(scope="module")
def content():
    return load_content("en")


def kiosk(content, items, plain=True, **kw):
    """A kiosk on scripted input; ``plain``: the screen writes text only (easy to search)."""
    out = io.StringIO()
    src = ScriptedSource(items)
    k = Kiosk(content, src, Screen(out, columns=100, rows=40, plain=plain), **kw)
    return k, src, out


def test_two_conversations_back_to_back_nothing_carried_over(content):
    refs: list[weakref.ref] = []
    facts: list[dict] = []

    def factory(c, **kw):
        conv = Conversation(c, **kw)
        refs.append(weakref.ref(conv))
        return conv

    k, src, out = kiosk(content, ["", *URGENT, "", "", *BENIGN, ""], plain=False, conversation_factory=factory,
                        on_wipe=lambda: facts.append(dict(k.conv.state.facts) if k.conv else {}))
    seen_at_wipe = []
    orig_wipe = k.screen.wipe

    def wipe():
        seen_at_wipe.append(logpolicy.sensitive_count())
        orig_wipe()
    k.screen.wipe = wipe
    assert k.run() == 0
    assert k.conversations == 2 and k.outcomes == {"result": 2}
    # the object of the first conversation is gone: nothing holds its facts
    gc.collect()
    assert len(refs) == 2 and all(r() is None for r in refs)
    assert k.conv is None and facts[0] == {}
    # the second person's screen shows nothing of the first one's answers
    text = out.getvalue()
    first_wipe = text.index("\033[?1049l", text.index("I'm 41"))  # Screen.wipe() leaves and re-enters the alternate screen
    after = text[first_wipe:]
    traces = [f"You: {a}" for a in URGENT if len(a) > 3] + ["I'm 41"]
    for trace in traces:
        assert trace in text[:first_wipe], trace
        assert trace not in after, trace
    assert "URGENT" in text[:first_wipe] and "SELF-CARE" in after
    # the log scrubber's register was filled during a conversation and emptied by the wipe
    assert logpolicy.sensitive_count() == 0
    assert src.wipes >= 2


def test_wipe_clears_screen_and_scrollback(content):
    k, _, out = kiosk(content, ["", "a few drops", "stop", ""], plain=False)
    k.run()
    text = out.getvalue()
    assert CLEAR_ALL in text and "\033[2J" in text and "\033[3J" in text
    # the kiosk leaves the terminal's alternate screen cleared, then returns to the normal one cleared
    assert text.rstrip().endswith(CLEAR_ALL)


def test_still_there_then_reset_after_inactivity(content):
    k, src, out = kiosk(content, ["", "a few drops", T, T, "", "", "a few drops"])
    k.run()
    text = out.getvalue()
    assert STILL_THERE in text
    assert k.outcomes.get("inactive") == 1
    # the safety net is given before the reset, and the next person starts from the first question
    inactive_part = text[text.index(STILL_THERE):]
    assert content.advice.safety_net in inactive_part
    assert k.conversations == 2


def test_still_there_and_an_answer_carries_on(content):
    k, _, out = kiosk(content, ["", "a few drops", T, "no", *BENIGN[2:], ""])
    k.run()
    assert STILL_THERE in out.getvalue()
    assert k.outcomes == {"result": 1}


def test_a_failed_conversation_ends_with_the_safety_net_and_the_kiosk_goes_on(content):
    class Boom(Conversation):
        calls = 0

        def hear(self, text, confidence=1.0):
            Boom.calls += 1
            if Boom.calls == 2:
                raise ValueError("the dialog broke on: my private answer")
            return super().hear(text, confidence)

    k, _, out = kiosk(content, ["", "a few drops", "no", "", "", *BENIGN, ""], conversation_factory=Boom)
    assert k.run() == 0
    assert k.errors == 1 and k.outcomes == {"error": 1, "result": 1}
    text = out.getvalue()
    err_part = text[text.index("something went wrong"):]
    assert content.advice.safety_net in err_part
    assert "my private answer" not in text


def test_a_failing_input_device_is_survived(content):
    k, _, out = kiosk(content, ["", "a few drops", ScriptedSource.RAISE, "", "", *BENIGN, ""])
    assert k.run() == 0
    assert k.outcomes == {"error": 1, "result": 1}


def test_bad_input_lines_keep_the_conversation(content):
    k, _, out = kiosk(content, ["", Input("problem", "that answer is too long"), *BENIGN, ""])
    k.run()
    assert k.outcomes == {"result": 1}
    assert "too long" in out.getvalue()


def test_every_tier_and_stop_give_the_safety_net(content):
    k, _, out = kiosk(content, ["", "I'm soaking a pad every hour", "", "", "stop", ""])
    k.run()
    assert k.outcomes["result"] == 1 and k.outcomes["stopped"] == 1
    assert "EMERGENCY" in out.getvalue()
    assert out.getvalue().count(content.advice.safety_net) >= 2


# -- the keyboard reader -------------------------------------------------------------------------------
def _pipe_with(data: bytes) -> int:
    r, w = os.pipe()
    os.write(w, data)
    os.close(w)
    return r


def test_keyboard_source_lines_problems_and_eof():
    fd = _pipe_with(b"hello\n" + b"x" * 20000 + b"\nok\n\xff\xfe\n\nlast")
    src = KeyboardSource(fd)
    assert src.read(None) == Input("text", "hello")
    got = src.read(None)
    assert got.kind == "problem" and "too long" in got.text
    assert src.read(None) == Input("text", "ok")
    assert src.read(None).kind == "problem"
    assert src.read(None) == Input("text", "")
    assert src.read(None) == Input("text", "last")
    assert src.read(None).kind == "eof"
    os.close(fd)


def test_keyboard_source_never_reads_past_the_line_from_a_pipe():
    fd = _pipe_with(b"first\nsecond\n")
    src = KeyboardSource(fd)
    assert src.read(None).text == "first"
    src.wipe()  # a pipe's unread data belongs to the next reader
    assert src.read(None).text == "second"
    os.close(fd)


def test_wipe_discards_typed_ahead_terminal_input():
    master, slave = pty.openpty()
    try:
        src = KeyboardSource(slave)
        os.write(master, b"typed for the last person\nand more\n")
        ready, _, _ = select.select([slave], [], [], 5)
        assert ready  # the terminal has the input
        src.wipe()
        assert src.read(0).kind == "timeout"  # nothing left to read
        os.write(master, b"next person\n")
        assert src.read(5).text == "next person"
    finally:
        os.close(master)
        os.close(slave)


def test_kiosk_command_runs_conversations_from_its_input():
    data = "\n".join(["", *BENIGN, "", "", "stop", ""]) + "\n"
    p = subprocess.run([sys.executable, "-m", "voice_triage", "kiosk", "--voice", "off", "--listen", "off", "--plain"],
                       input=data.encode(), capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode()
    assert b"Traceback" not in p.stderr
    # a result, then a "stop" (its safety net held until Enter), then the end of input at the idle screen
    assert "2 conversations" in p.stderr.decode()
    assert "'result': 1" in p.stderr.decode() and "'stopped': 1" in p.stderr.decode()


def test_sigterm_stops_the_kiosk_and_wipes_the_screen():
    import signal

    p = subprocess.Popen([sys.executable, "-m", "voice_triage", "kiosk", "--voice", "off", "--listen", "off"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        p.stdin.write(b"\na few drops\n")
        p.stdin.flush()
        seen = b""
        while b"dizzy" not in seen:  # the second question is on screen
            chunk = p.stdout.read1(65536)
            assert chunk, p.stderr.read().decode()
            seen += chunk
        p.send_signal(signal.SIGTERM)
        rest, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err.decode()
    assert rest.endswith(CLEAR_ALL.encode()) and b"\033[3J" in rest


class FakeSpeaker:
    def __init__(self):
        self.said: list[str] = []
        self.changes: list[tuple[str, int]] = []
        self.mic = None

    def say(self, text, kind="info"):
        self.said.append(text)

    def change(self, name, value):
        self.changes.append((name, value))


def test_private_place_check_text_only_holds_for_the_person_and_resets_for_the_next(content):
    sp = FakeSpeaker()
    k, _, out = kiosk(content, ["", "no", "text only", "I'm soaking a pad every hour", "", "",
                                "yes", "I'm soaking a pad every hour", ""], speaker=sp)
    k.run()
    assert k.outcomes == {"result": 2}
    text = out.getvalue()
    first, second = text.split("=== wiped ===", 1)
    assert "private" in first.lower()
    # once "text only" was chosen nothing more was said aloud in that conversation; the next person
    # is asked again and hears the advice
    asks = [n for n, line in enumerate(sp.said) if "somewhere private" in line.lower()]
    assert len(asks) == 2
    between = sp.said[asks[0]:asks[1]]
    advice = ("this is an emergency", "soak")
    assert not any(a in line.lower() for line in between for a in advice), between
    assert any(a in line.lower() for line in sp.said[asks[1]:] for a in advice)
    assert "EMERGENCY" in first  # shown on screen all the same
    assert ("rate", 0) in sp.changes and ("volume", 0) in sp.changes  # voice settings reset by the wipe


def test_the_kiosk_words_come_from_the_prompts(tmp_path):
    """Everything the kiosk shows of its own (idle screen, hints, tier banner) is dialog.yaml's ``kiosk:``:
    a changed word there is what the screen shows, with no Python changed."""
    import shutil

    import yaml

    shutil.copytree(prompts_root() / "en", tmp_path / "en")
    dialog = tmp_path / "en" / "dialog.yaml"
    data = yaml.safe_load(dialog.read_text(encoding="utf-8"))
    data["kiosk"].update(idle_title="IDLE-TITLE-X", answer_hint="ANSWER-HINT-X", result_hint="RESULT-HINT-X")
    data["kiosk"]["banners"]["emergency"] = "BANNER-X"
    dialog.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    changed = load_content("en", root=str(tmp_path))
    k, src, out = kiosk(changed, ["", "I'm soaking a pad every hour", "yes", ""], max_conversations=1)
    assert k.run() == 0
    text = out.getvalue()
    for word in ("IDLE-TITLE-X", "ANSWER-HINT-X", "RESULT-HINT-X", "BANNER-X"):
        assert word in text, word
