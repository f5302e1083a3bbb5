"""Hostile input and faults (issue 14): every case runs in a temporary folder (a sandbox for the
destructive ones: files, FIFOs and device nodes made there, never the machine's own)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

VT = [sys.executable, "-m", "voice_triage"]
BENIGN = ["a few drops", "no", "none of those", "no", "29", "first time", "the pill", "no", "yes a bit dry", "no"]
MEMORY_CAP = 1536 * 2**20  # address space for a child under test: a regression fails, it cannot take the machine


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def vt(*args: str, input: bytes = b"", env: dict | None = None, cwd=None, timeout: float = 120,
       capped: bool = True) -> subprocess.CompletedProcess:
    e = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", **(env or {})}
    return subprocess.run([*VT, *args], input=input, capture_output=True, env=e, cwd=cwd, timeout=timeout,
                          preexec_fn=_cap_memory if capped else None)


def answers(lines) -> bytes:
    return b"".join((a if isinstance(a, bytes) else a.encode()) + b"\n" for a in lines)


def make_char_device(path, minor: int = 3) -> bool:
    """A copy of /dev/null (char 1,3; minor 7: /dev/full) at ``path``, when this user may make device nodes
    here. Tests use these copies, never the machine's own /dev: a regression replaces only the copy."""
    try:
        os.mknod(path, 0o666 | 0o020000, os.makedev(1, minor))
        return True
    except (PermissionError, OSError):
        return False


