"""The kiosk (issue 14, items 7 and 8): what a person typed reaches the terminal without its control
sequences, the wipe resets the terminal fully, and paging in a tiny terminal always moves forward."""

from __future__ import annotations

import io
import re

import pytest

from voice_triage.content import load_content
from voice_triage.frontends.kiosk_scripted import ScriptedSource
from voice_triage.frontends.kiosk import Kiosk
from voice_triage.frontends.kiosk_screen import Block, Screen

HOSTILE = "\x1b]0;PWNED\x07\x1b(0\x1b)0\x0e\x1b[?25l\x1b[8m\x9b2J a few drops"


@pytest.fixture(scope="module")
def content():
    return load_content("en")


def test_typed_control_sequences_never_reach_the_terminal(content):
    out = io.StringIO()
    k = Kiosk(content, ScriptedSource(["", HOSTILE, "stop", ""]), Screen(out, columns=80, rows=24, size="normal"),
              max_conversations=1)
    assert k.run() == 0
    text = out.getvalue()
    assert "a few drops" in text
    for seq in ("PWNED", "\x1b(0", "\x1b)0", "\x0e", "\x1b[?25l", "\x1b[8m", "\x9b"):
        assert seq not in text, repr(seq)


def test_on_the_linux_console_the_wipe_sends_only_what_it_understands():
    out = io.StringIO()
    Screen(out, columns=80, rows=24, size="normal", term="linux").wipe()
    w = out.getvalue()
    assert "\x1b(B" in w and "\x0f" in w and "\x1b[3J" in w
    assert "\x1b]" not in w and "\x1b[!p" not in w  # the console would print an OSC's text and DECSTR's 'p'


def test_the_wipe_resets_charset_title_attributes_and_scrollback():
    out = io.StringIO()
    s = Screen(out, columns=80, rows=24, size="normal", term="xterm-256color")
    s.show([Block("you", "You: x")])
    out.truncate(0)
    s.wipe()
    w = out.getvalue()
    for seq in ("\x1b[!p", "\x1b(B", "\x1b)B", "\x0f", "\x1b[0m", "\x1b]0;", "\x1b[3J", "\x1b[2J", "\x1b[?1049l"):
        assert seq in w, repr(seq)
    assert w.index("\x1b(B") < w.index("\x1b[?1049l")  # on the alternate screen and the normal one


@pytest.mark.parametrize("columns,rows,size", [(30, 4, "normal"), (30, 5, "normal"), (30, 4, "big"), (12, 4, "big"),
                                               (80, 24, "big")])
def test_paging_always_moves_forward_and_shows_every_line(columns, rows, size):
    out = io.StringIO()
    s = Screen(out, columns=columns, rows=rows, size=size)
    words = [f"w{i:03d}" for i in range(120)]
    s.show([Block("say", " ".join(words))], "hint", keep="head")
    seen = set(re.findall(r"w\d{3}", out.getvalue()))
    pages = 0
    while s.has_more():
        before = s.offset
        s.page_down()
        assert s.offset > before
        seen |= set(re.findall(r"w\d{3}", out.getvalue()))
        pages += 1
        assert pages < 500
    assert seen == set(words)


def test_a_kiosk_in_a_30x4_terminal_reaches_the_end_of_the_advice(content):
    out = io.StringIO()
    answers = ["", "I'm soaking a pad every hour", "yes"] + [""] * 400
    src = ScriptedSource(answers)
    k = Kiosk(content, src, Screen(out, columns=30, rows=4, size="normal"), max_conversations=1)
    assert k.run() == 0
    assert k.outcomes == {"result": 1}
    assert len(src.items) > 0  # it finished paging before the input ran out
