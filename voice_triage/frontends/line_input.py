"""Reading one line of input safely: bounded size, any bytes, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from voice_triage.limits import MAX_LINE_BYTES  # an answer longer than this is refused (the rest is skipped)

_CHUNK = 65536


@dataclass(frozen=True)
class Line:
    text: str | None  # None at end of input
    problem: str | None = None  # why the line cannot be used


def read_line(stream: BinaryIO) -> Line:
    """One line from a binary stream. Over-long lines and invalid UTF-8 come back with a ``problem``."""
    data = bytearray()
    size = 0
    while True:
        chunk = stream.readline(_CHUNK)
        if not chunk:
            if size == 0:
                return Line(None)
            break
        size += len(chunk)
        if len(data) <= MAX_LINE_BYTES:
            data += chunk
        if chunk.endswith(b"\n"):
            break
    if size > MAX_LINE_BYTES + 2:
        return Line("", f"the line is too long ({size} bytes; at most {MAX_LINE_BYTES})")
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as e:
        return Line("", f"the line is not valid UTF-8 (byte {e.start})")
    return Line(text.rstrip("\r\n").removeprefix("\ufeff"))  # a byte-order mark is not part of the answer
