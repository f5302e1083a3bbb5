"""The kiosk in a real terminal (tmux): the mirror shows the question; after the wipe, neither the
screen nor the terminal's scrollback holds anything of the last conversation."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (scripts/setup installs it)")

ANSWERS = ["a few drops", "no", "none of those", "no", "twenty nine", "first time", "the pill", "no", "yes a bit dry", "no"]


class Tmux:
    def __init__(self, cmd: str, columns: int = 100, rows: int = 30):
        self.name = f"vt-kiosk-{uuid.uuid4().hex[:8]}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(columns), "-y", str(rows), cmd], check=True)

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def screen(self, history: bool = False) -> str:
        args = ["tmux", "capture-pane", "-p", "-t", self.name] + (["-S", "-", "-E", "-"] if history else [])
        return subprocess.run(args, capture_output=True, text=True).stdout

    def wait_for(self, text: str, limit: float = 60.0) -> str:
        """Poll the screen until ``text`` shows (a generous limit: this is not a timing test)."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            s = self.screen()
            if text in s:
                return s
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def _next(term, before: str, limit: float = 60.0) -> str:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        s = term.screen()
        if s != before and "Press Enter" in s:
            return s
        time.sleep(0.1)
    raise AssertionError("the next page never came")


@pytest.fixture
def term():
    t = Tmux(f"{sys.executable} -m voice_triage kiosk --voice off --listen off --text-size normal; sleep 600")
    yield t
    t.close()


def test_kiosk_in_a_terminal_wipes_screen_and_scrollback(term):
    term.wait_for("Press Enter to start")
    term.keys("Enter")
    s = term.wait_for("How much blood")
    assert "Type your answer" in s
    for i, a in enumerate(ANSWERS):
        term.keys(a, "Enter")
        if i < len(ANSWERS) - 1:
            term.wait_for(f"You: {a}")
    s = term.wait_for("Press Enter")
    assert "SELF-CARE" in s
    seen = [s]
    while "Press Enter for the rest" in s and len(seen) < 10:  # longer than the screen: page through
        term.keys("Enter")
        s = _next(term, s)
        seen.append(s)
    assert "Press Enter when you have finished reading" in s
    every_page = " ".join(" ".join(p.split()) for p in seen)
    assert "If it keeps happening" in every_page and "get emergency help" in every_page
    term.keys("Enter")
    term.wait_for("Press Enter to start")
    everything = term.screen(history=True)
    for a in ANSWERS[:1] + ["twenty nine", "the pill", "yes a bit dry", "SELF-CARE", "How much blood"]:
        assert a not in everything, a
    # typed ahead while no one is being served, then wiped at the start of the next one: not shown
    term.keys("Enter")
    term.wait_for("How much blood")
    assert "twenty nine" not in term.screen(history=True)
