"""`voice-triage assess [FILE|-]`: facts in (JSON), result out (JSON). For scripts."""

from __future__ import annotations

import json
import os
import stat
from typing import Any, BinaryIO

from voice_triage.content.model import Content
from voice_triage.safe_text import cut, quote
from voice_triage import strict_json
from voice_triage.limits import MAX_ASSESS_BYTES
from voice_triage.triage.advice import compose
from voice_triage.triage.slots import SLOT_NAMES, validate_value

MAX_INPUT_BYTES = MAX_ASSESS_BYTES
BOM = b"\xef\xbb\xbf"


class AssessInputError(ValueError):
    """The input facts are not usable (the message names the problem)."""


def read_bounded(stream: BinaryIO, limit: int = MAX_ASSESS_BYTES) -> bytes:
    """At most ``limit + 1`` bytes (one more than allowed, so that too much input is noticed, not read)."""
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_input(name: str) -> bytes:
    """The bytes of FILE (or stdin for ``-``), bounded. Raises AssessInputError with one line."""
    import sys

    if name == "-":
        return read_bounded(sys.stdin.buffer)
    shown = cut(name)
    try:
        if stat.S_ISFIFO(os.stat(name).st_mode):  # a named pipe: wait for its writer, as a plain open would
            with open(name, "rb") as fh:
                return read_bounded(fh)
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK)  # a device or FIFO swapped in meanwhile cannot block
    except (UnicodeEncodeError, ValueError):
        raise AssessInputError(f"cannot read {shown}: the name holds characters that cannot be used") from None
    except OSError as e:
        raise AssessInputError(f"cannot read {shown}: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise AssessInputError(f"cannot read {shown}: it is a folder, not a file")
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
            raise AssessInputError(f"cannot read {shown}: not a file")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return read_bounded(fh)
    except OSError as e:
        raise AssessInputError(f"cannot read {shown}: {e.strerror or e}") from None
    finally:
        os.close(fd)


def parse_facts(raw: bytes) -> dict[str, str | int]:
    if len(raw) > MAX_INPUT_BYTES:
        raise AssessInputError(f"input is too large (more than {MAX_INPUT_BYTES} bytes)")
    raw = raw.removeprefix(BOM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssessInputError(f"input is not valid UTF-8 (byte {e.start})") from e
    try:
        obj = strict_json.loads(text)
    except json.JSONDecodeError as e:
        raise AssessInputError(f"input is not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") from e
    except RecursionError as e:
        raise AssessInputError("input JSON is nested too deeply") from e
    except ValueError as e:  # a slot given twice, a number too long
        raise AssessInputError(f"input is not usable: {cut(str(e))}") from e
    if not isinstance(obj, dict):
        raise AssessInputError(f"expected a JSON object mapping slot names to values, got {type(obj).__name__}")
    facts: dict[str, str | int] = {}
    for slot, value in obj.items():
        if slot not in SLOT_NAMES:
            raise AssessInputError(f"unknown slot {quote(slot)} (known slots: {', '.join(SLOT_NAMES)})")
        try:
            facts[slot] = validate_value(slot, value)
        except ValueError as e:
            raise AssessInputError(_slot_message(slot, value, e)) from e
    return facts


def _slot_message(slot: str, value: object, err: ValueError) -> str:
    """The validator's message, naming the slot, with the bad value cut short."""
    msg = str(err)
    if isinstance(value, str) and len(repr(value)) > 80:
        msg = msg.replace(repr(value), quote(value))
    if not msg.startswith(f"{slot}:") or "int()" in msg or "digits" in msg:  # e.g. int() of "³⁶"
        msg = f"{slot}: expected a whole number written with the digits 0-9, or \"unknown\"; got {quote(value)}"
    return cut(msg, 400)


def assess_json(facts: dict[str, str | int], content: Content) -> dict[str, Any]:
    advice = compose(facts, content)
    return {
        "tier": advice.tier,
        "reasons": [{"slot": r.slot, "value": r.value, "tier": r.tier, "text": r.text} for r in advice.reasons],
        "advice": advice.spoken,
        "details": advice.details,
        "summary": advice.summary,
        "facts": facts,
    }
