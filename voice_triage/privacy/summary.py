"""``--save-summary PATH``: the only way anything of a conversation reaches the disk.

Nothing is written unless the person asked for it with the option; then, after the conversation gives
its advice, the clinician summary is written to PATH, mode 0600, and the program says where it went.
PATH must be a new file, or an existing regular file with ``--replace-summary`` (replaced atomically);
never a link, folder, device or pipe. ``chat`` checks this before the conversation starts. A conversation that ends before advice (stop, end of input) writes nothing and
says so. The file holds: the advice level, the action, and the one-sentence summary for a clinician.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Callable

from voice_triage.dialog.events import Result
from voice_triage.safe_text import cut

TIER_WORDS = {"emergency": "Emergency: get help now", "urgent": "Urgent: be seen today",
              "soon": "See a clinician in the next few days", "self_care": "Self-care, and watch for changes"}


class SummaryError(Exception):
    """The summary could not be written (one line for the user)."""


def summary_text(result: Result) -> str:
    lines = ["Summary for a clinician (voice-triage; not a diagnosis)", "",
             f"Advice given: {TIER_WORDS.get(result.tier, result.tier)}", "", result.summary.strip(), ""]
    return "\n".join(lines)


def _resolve(path: str | os.PathLike) -> Path:
    if not os.fspath(path).strip():
        raise SummaryError("no file name was given")
    try:
        target = Path(path).expanduser()
        os.fsencode(target)
    except (UnicodeEncodeError, ValueError, RuntimeError):
        raise SummaryError("the file name holds characters that cannot be used") from None
    return target if target.is_absolute() else Path.cwd() / target


def check_target(path: str | os.PathLike, *, replace: bool = False) -> Path:
    """Where the summary may go: a new file in an existing folder, or (``replace``) an existing regular
    file. Never a folder, a link, a device, a FIFO or a socket. Returns the absolute path; raises
    SummaryError with one line."""
    target = _resolve(path)
    shown = cut(str(target), 200)
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise SummaryError(f"cannot use {shown}: {e.strerror or e}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise SummaryError(f"{shown} is a folder; give a file name")
        if stat.S_ISLNK(st.st_mode):
            raise SummaryError(f"{shown} is a link; give the name of a new file")
        if not stat.S_ISREG(st.st_mode):
            raise SummaryError(f"{shown} is not a regular file (a device, pipe or socket); give the name of a new file")
        if not replace:
            raise SummaryError(f"{shown} already exists; give a new file name, or add --replace-summary to replace it")
    parent = target.parent
    if not parent.is_dir():
        raise SummaryError(f"the folder {cut(str(parent), 200)} does not exist")
    return target


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]
    os.fsync(fd)


def write_summary(path: str | os.PathLike, result: Result, *, replace: bool = False) -> Path:
    """Write the summary to ``path`` (mode 0600). Returns the absolute path. Raises SummaryError.

    A new file is created exclusively (``O_EXCL | O_NOFOLLOW``: a file, link or device that appeared
    meanwhile is never written into). With ``replace``, an existing regular file is replaced atomically
    by a fully written new one. A failed write (a full disk) removes only what was created here."""
    target = check_target(path, replace=replace)
    data = summary_text(result).encode("utf-8")
    shown = cut(str(target), 200)
    exists = os.path.lexists(target)
    if not exists:
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            raise SummaryError(f"{shown} appeared while writing; nothing was replaced") from None
        except OSError as e:
            raise SummaryError(f"could not create {shown}: {e.strerror or e}") from None
        try:
            _write_all(fd, data)
        except OSError as e:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.remove(target)  # the file this call created, and nothing else
            raise SummaryError(f"could not write {shown}: {e.strerror or e}") from None
        os.close(fd)
        return target
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        os.fchmod(fd, 0o600)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        check_target(target, replace=True)  # still a regular file just before the swap
        os.replace(tmp, target)
    except (OSError, SummaryError) as e:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        if isinstance(e, SummaryError):
            raise
        raise SummaryError(f"could not write {shown}: {e.strerror or e}") from None
    return target


def save_after(result: Result | None, path: str | None, tell: Callable[[str], None], *, replace: bool = False) -> bool:
    """Save ``result``'s summary to ``path`` if one was asked for; ``tell`` says what happened."""
    if path is None:
        return False
    if result is None:
        tell("No summary was saved: the conversation ended before any advice was given.")
        return False
    try:
        where = write_summary(path, result, replace=replace)
    except SummaryError as e:
        tell(f"The summary was not saved: {e}.")
        return False
    tell(f"The summary for a clinician was saved to {cut(str(where), 200)} (only you can read it). "
         "Delete it when you no longer need it.")
    return True
