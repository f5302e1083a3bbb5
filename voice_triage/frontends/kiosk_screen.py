"""The kiosk's text mirror: a full-screen, high-contrast terminal view, readable from a step away.

Only the current exchange is on screen: what the assistant just said, the question (bright yellow), the
person's last answer, and a one-line hint. Nothing scrolls up: each turn redraws the whole screen, on
the terminal's alternate screen, so no scrollback builds up. :meth:`Screen.wipe` clears the screen
*and* the scrollback (``ESC[3J``) on both the alternate and the normal screen, and resets the terminal.
Every text drawn goes through :func:`~voice_triage.safe_text.one_line` (no control sequences), and
paging always moves forward, however small the terminal (at least one line a page).

Large text:
  * ``size="big"`` draws every line in DEC double-height, double-width characters (``ESC#3``/``ESC#4``),
    twice the size in both directions, where the terminal supports it (xterm does; ``auto`` turns it
    on there). Half as many characters fit on a line, so the text is wrapped to half the width.
  * On the Linux console (a kiosk without a desktop) choose a large console font instead, e.g.
    ``setfont /usr/share/consolefonts/Uni3-TerminusBold32x16.psf.gz`` (package ``console-setup``).

Colours: bold bright white on black for speech, bold bright yellow for questions, black on yellow for
the safety net, black on white for the result banner.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from dataclasses import dataclass
from collections.abc import Mapping
from typing import TextIO

from voice_triage.safe_text import one_line

ESC = "\033"
CLEAR_ALL = f"{ESC}[0m{ESC}[40m{ESC}[H{ESC}[2J{ESC}[3J"  # reset colours, home, clear screen and scrollback
# a full reset of what a person could have changed, in sequences the Linux console understands too: G0/G1
# back to ASCII with G0 selected (ESC ( B, ESC ) B, SI), attributes, insert and origin mode off, cursor shown,
# autowrap on, no scroll margins. Terminal emulators also get a soft reset (DECSTR) and the window title.
TERMINAL_RESET = f"{ESC}(B{ESC})B\x0f{ESC}[0m{ESC}[4l{ESC}[?6l{ESC}[?25h{ESC}[?7h{ESC}[r"
EMULATOR_RESET = f"{ESC}[!p"  # not for the Linux console, which would print its last character
ALT_ON = f"{ESC}[?1049h"
ALT_OFF = f"{ESC}[?1049l"
STYLES = {
    "say": f"{ESC}[0;1;97;40m",
    "question": f"{ESC}[0;1;93;40m",
    "you": f"{ESC}[0;96;40m",
    "safety": f"{ESC}[0;30;103m",  # dark on light: not bold (xterm draws bold black as grey)
    "banner": f"{ESC}[0;30;107m",
    "hint": f"{ESC}[0;37;40m",
    "title": f"{ESC}[0;1;97;44m",
}
RESET = f"{ESC}[0m"


@dataclass
class Block:
    style: str
    text: str


def pick_size(size: str, env: Mapping[str, str] | None = None) -> str:
    """``big`` or ``normal``; ``auto`` is big only on a real xterm (not inside tmux or screen)."""
    if size in ("big", "normal"):
        return size
    env = os.environ if env is None else env
    if env.get("TMUX") or env.get("STY"):
        return "normal"
    if env.get("XTERM_VERSION") and env.get("TERM", "").startswith("xterm"):
        return "big"
    return "normal"


class Screen:
    """Draws :class:`Block` lists full-screen. ``out`` is written with ANSI codes even when it is not a
    terminal (tests read them); ``plain=True`` writes the text only (for logs of a soak run)."""

    def __init__(self, out: TextIO, *, size: str = "auto", plain: bool = False, columns: int | None = None,
                 rows: int | None = None, title: str = "",
                 term: str | None = None):
        self.out = out
        self.term = os.environ.get("TERM", "") if term is None else term
        self.big = pick_size(size) == "big"
        self.plain = plain
        self._columns = columns
        self._rows = rows
        self.title = title
        self.blocks: list[Block] = []  # what is on screen now (tests and the soak read this)
        self.hint = ""
        self.keep = "tail"
        self.offset = 0
        self.hint_more = ""  # the hint while another page follows (paged screens)
        self._more = False
        self.active = False

    # -- geometry ----------------------------------------------------------------------------------
    def size(self) -> tuple[int, int]:
        ts = shutil.get_terminal_size((80, 24))
        return (self._columns or ts.columns, self._rows or ts.lines)

    def _w(self, s: str) -> None:
        try:
            self.out.write(s)
            self.out.flush()
        except (OSError, ValueError):
            pass  # the terminal went away: the kiosk goes on (and stops at end of input)

    # -- lifecycle ---------------------------------------------------------------------------------
    def enter(self) -> None:
        if not self.plain:
            self._w(ALT_ON + CLEAR_ALL)
        self.active = True

    def leave(self) -> None:
        self.wipe()
        if not self.plain:
            self._w(ALT_OFF + CLEAR_ALL)
        self.active = False

    def _reset_sequence(self) -> str:
        if self.term == "linux":  # the console: no DECSTR, no title (it would print an OSC's text)
            return TERMINAL_RESET
        return EMULATOR_RESET + TERMINAL_RESET + f"{ESC}]0;{one_line(self.title)}\x07"

    def wipe(self) -> None:
        """Forget and clear everything shown: screen, scrollback, and the blocks kept here; and reset the
        terminal (character set, attributes, modes, window title) whatever the last person's input did."""
        self.blocks = []
        self.hint = ""
        self.offset = 0
        if self.plain:
            self._w("\n=== wiped ===\n")
        else:
            # on the alternate screen, then once more on the normal one (its scrollback too)
            reset = self._reset_sequence()
            self._w(reset + CLEAR_ALL + ALT_OFF + reset + CLEAR_ALL + ALT_ON + reset + CLEAR_ALL)

    # -- drawing -----------------------------------------------------------------------------------
    def show(self, blocks: list[Block], hint: str = "", keep: str = "tail", offset: int = 0,
             hint_more: str = "") -> None:
        """Draw ``blocks``; when they do not fit, keep the newest (``tail``) or page from the first
        (``head``: :meth:`has_more` / :meth:`page_down`). ``hint_more`` is shown instead of ``hint`` while
        another page follows, so each page is drawn once with the right hint."""
        self.blocks = list(blocks)
        self.hint = hint
        self.hint_more = hint_more
        self.keep = keep
        self.offset = offset
        self._draw()

    def has_more(self) -> bool:
        """True when a ``head`` screen was cut and another page follows."""
        return self._more

    def _page_rows(self) -> tuple[int, int, bool]:
        """(scale, rows of text per page, whether a '… (more)' line fits) for the terminal's size now.
        A page always holds at least one line, so paging always moves forward, however small the terminal."""
        columns, height = self.size()
        scale = 2 if self.big and (height - 3) // 2 >= 3 else 1  # too small for double size: normal size
        avail = max(1, (height - 3) // scale)
        return scale, (avail - 1 if avail >= 2 else 1), avail >= 2

    def page_down(self, hint: str = "") -> None:
        self.offset += self._page_rows()[1]
        self.hint = hint or self.hint
        self._draw()

    def add(self, block: Block) -> None:
        self.blocks.append(block)
        self._draw()

    def text(self) -> str:
        """What is on screen, as plain text."""
        return "\n".join(b.text for b in self.blocks) + ("\n" + self.hint if self.hint else "")

    def _lines(self, width: int) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for b in self.blocks:
            wrapped = textwrap.wrap(one_line(b.text), width=max(10, width)) or [""]
            rows += [(b.style, line) for line in wrapped]
            rows.append(("say", ""))
        return rows

    def _draw(self) -> None:
        columns, height = self.size()
        if self.plain:
            self._w("\n".join(one_line(b.text) for b in self.blocks) + ("\n" + one_line(self.hint) if self.hint else "") + "\n")
            return
        margin = 2 if columns >= 20 else 0
        scale, per_page, mark = self._page_rows()
        width = (columns - 2 * margin) // scale
        rows = self._lines(width)
        avail = per_page + (1 if mark else 0)  # title, hint, and the answer line take the rest
        self._more = False
        if len(rows) > avail:  # mark the cut
            if self.keep == "tail":
                rows = ([("hint", "…")] if mark else []) + rows[-per_page:]
            else:  # pages: the first one, then page_down() shows the next
                start = min(self.offset, max(0, len(rows) - per_page))
                self._more = start + per_page < len(rows)
                rows = rows[start:start + per_page] + ([("hint", "… (more)")] if self._more and mark else [])
        buf = [CLEAR_ALL, STYLES["title"], " " + one_line(self.title)[: columns - 2].ljust(columns - 1), RESET,
               STYLES["say"], "\r\n"]
        for style, line in rows:
            padded = " " * margin + line
            if scale == 2:
                for half in ("3", "4"):
                    buf += [f"{ESC}#{half}", STYLES.get(style, ""), padded.ljust(columns // 2), "\r\n"]
            else:
                buf += [STYLES.get(style, ""), padded.ljust(columns), "\r\n"]
        hint = self.hint_more if (self._more and self.hint_more) else self.hint
        buf += [STYLES["say"], f"{ESC}[{height - 1};1H", STYLES["hint"], (" " + one_line(hint))[:columns].ljust(columns),
                f"{ESC}[{height};1H", STYLES["you"], "  > "]
        self._w("".join(buf))
