"""Temporary files in memory, never on disk.

Some libraries need a file now and then (pyttsx3's espeak driver writes each utterance as a WAV before
we read it back). :func:`use_memory_tempdir` points Python's ``tempfile`` module, and the ``TMPDIR`` of
any child process, at a fresh 0700 directory on a RAM-backed file system (``$XDG_RUNTIME_DIR`` or
``/dev/shm``), removed at exit. Directories left by a process that was killed are removed on the next
start (only ours: our prefix, our user, a process id that is gone).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile

PREFIX = "voice-triage-tmp-"
RAM_FS = {"tmpfs", "ramfs"}


def _fs_type(path: str) -> str | None:
    """The file system type of the mount that holds ``path`` (from /proc/self/mounts)."""
    try:
        real = os.path.realpath(path)
        best, kind = "", None
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) < 3:
                    continue
                mnt = parts[1].replace("\\040", " ")
                if (real == mnt or real.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                    best, kind = mnt, parts[2]
        return kind
    except OSError:
        return None


def on_ram(path: str) -> bool:
    return _fs_type(path) in RAM_FS


def ram_base() -> str | None:
    """A writable directory on a RAM file system, or None."""
    for base in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm", "/run/shm"):
        if base and os.path.isdir(base) and os.access(base, os.W_OK | os.X_OK) and on_ram(base):
            return base
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(base: str) -> None:
    with contextlib.suppress(OSError):
        for name in os.listdir(base):
            if not name.startswith(PREFIX):
                continue
            path = os.path.join(base, name)
            try:
                st = os.lstat(path)
                pid = int(name[len(PREFIX):].split("-", 1)[0])
            except (OSError, ValueError):
                continue
            if st.st_uid == os.getuid() and pid != os.getpid() and not _alive(pid):
                shutil.rmtree(path, ignore_errors=True)


_dir: str | None = None


def use_memory_tempdir() -> str | None:
    """Make temporary files go to a private directory in memory. Returns it (None: no RAM fs here,
    and temporary files stay where the system puts them; ``doctor`` and the privacy tests say so)."""
    global _dir
    if _dir is not None:
        return _dir
    base = ram_base()
    if base is None:
        return None
    _clean_stale(base)
    d = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base)
    os.chmod(d, 0o700)
    tempfile.tempdir = d
    os.environ["TMPDIR"] = d
    _dir = d
    atexit.register(remove_memory_tempdir)
    return d


def remove_memory_tempdir() -> None:
    global _dir
    if _dir is not None:
        shutil.rmtree(_dir, ignore_errors=True)
        _dir = None


def memory_tempdir() -> str | None:
    return _dir
