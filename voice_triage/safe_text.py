"""Text shown to a person, made safe: no terminal control sequences, and bad values cut short.

Whatever a person typed (or a file held) may be echoed back: the answer on the kiosk screen, a line
piped into ``chat --text``, a bad value quoted in an error message. :func:`clean` removes what a
terminal would obey instead of show: escape sequences (``ESC]0;…BEL`` retitles a window, ``ESC(0``
switches to line drawing), other C0/C1 control characters, and the bidirectional overrides that make
text display in another order than it reads. :func:`cut` shortens a value quoted in a message.
"""

from __future__ import annotations

import re

from voice_triage.limits import MAX_ECHO_CHARS

# ESC/CSI sequences (7-bit and 8-bit forms): OSC/DCS/APC/PM/SOS strings up to BEL or ST, CSI with its
# parameters, and two- or three-character escapes (charset designations such as ESC ( 0)
_SEQUENCES = re.compile(
    r"(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # string commands
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[ -/]*[0-~]?"  # other escapes
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` without terminal control: sequences removed, other controls dropped, tabs and line
    breaks kept as spaces where a caller wants one line (see :func:`one_line`)."""
    if not text:
        return text
    text = _SEQUENCES.sub("", text)
    return _CONTROLS.sub("", text)


def one_line(text: str) -> str:
    """:func:`clean`, with every line break and tab made a space."""
    return clean(re.sub(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]", " ", text or ""))


def cut(text: str, limit: int = MAX_ECHO_CHARS) -> str:
    """A value to quote in a message: one clean line, at most ``limit`` characters (…and how many more)."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def quote(value: object, limit: int = MAX_ECHO_CHARS) -> str:
    """``repr`` of a value for a message, cut to ``limit`` characters."""
    r = repr(value)
    return r if len(r) <= limit else f"{r[:limit]}… ({len(r) - limit} more characters)"
