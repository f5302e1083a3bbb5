"""Run a command under strace and list what it did to the network and the file system.

Used by the privacy tests: a whole conversation must open no internet socket and write no file
outside an allow-list (/dev/null, terminals, Python's bytecode cache, the private in-memory temp
directory, and whatever the test itself asked for, such as --tts-out or --save-summary).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field

STRACE = shutil.which("strace")
TRACE = "trace=network,openat,open,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,rmdir," \
        "link,linkat,symlink,symlinkat,truncate"
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
NET_FAMILIES = ("AF_INET", "AF_INET6", "AF_PACKET")

# devices, and the JACK client library's metadata database (in RAM; opened when PortAudio probes JACK)
ALWAYS_ALLOWED = ("/dev/null", "/dev/tty", "/dev/pts/", "/dev/snd/", "/dev/dsp", "/dev/shm/jack_db-")

_LINE = re.compile(r"^(?P<pid>\d+)\s+(?P<call>\w+)\((?P<args>.*)\)\s+=\s+(?P<ret>-?\d+|\?)")
_STR = re.compile(r'"((?:[^"\\]|\\.)*)"')


@dataclass
class Trace:
    cwd: str
    lines: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)  # network syscalls naming an internet family
    writes: list[str] = field(default_factory=list)  # paths opened for writing / created
    created: list[str] = field(default_factory=list)  # files created (O_CREAT that succeeded)
    removed: set[str] = field(default_factory=set)  # unlinked files and removed directories
    dirs: list[str] = field(default_factory=list)  # directories made

    def _abs(self, p: str) -> str:
        return os.path.normpath(p if os.path.isabs(p) else os.path.join(self.cwd, p))

    def parse(self, text: str) -> "Trace":
        for raw in text.splitlines():
            m = _LINE.match(raw)
            if not m:
                continue
            self.lines.append(raw)
            call, args, ret = m["call"], m["args"], m["ret"]
            ok = ret != "?" and int(ret) >= 0
            if call in ("socket", "socketpair", "connect", "bind", "sendto", "sendmsg") and any(
                    f in args for f in NET_FAMILIES):
                self.sockets.append(raw)
            paths = [self._abs(s.encode().decode("unicode_escape")) for s in _STR.findall(args)]
            if call in ("open", "openat") and paths and any(f in args for f in WRITE_FLAGS):
                if not ok:
                    continue  # a failed open wrote nothing (PortAudio probes /dev/dsp*, for one)
                self.writes.append(paths[0])
                if ok and "O_CREAT" in args:
                    self.created.append(paths[0])
            elif call == "creat" and paths:
                self.writes.append(paths[0])
                if ok:
                    self.created.append(paths[0])
            elif call in ("mkdir", "mkdirat") and paths:
                self.writes.append(paths[0])
                if ok:
                    self.dirs.append(paths[0])
            elif call in ("rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat") and paths:
                self.writes.append(paths[-1])
            elif call == "truncate" and paths:
                self.writes.append(paths[0])
            elif call in ("unlink", "unlinkat", "rmdir") and paths and ok:
                self.removed.add(paths[-1])
        return self

    def outside(self, allowed: list[str]) -> list[str]:
        """Written paths not under an allowed prefix (bytecode caches and devices are always allowed)."""
        bad = []
        for p in self.writes:
            if "/__pycache__/" in p or p.startswith(ALWAYS_ALLOWED):
                continue
            if any(p == a or p.startswith(a.rstrip("/") + "/") for a in allowed):
                continue
            bad.append(p)
        return sorted(set(bad))


def strace_cmd(log: str, cmd: list[str]) -> list[str]:
    assert STRACE, "strace is not installed (scripts/setup installs it)"
    return [STRACE, "-f", "-qq", "-s", "256", "-o", log, "-e", TRACE, *cmd]


def run_traced(cmd: list[str], log: str, *, cwd: str, input: bytes = b"", env: dict | None = None,
               timeout: float = 300) -> tuple[subprocess.CompletedProcess, Trace]:
    p = subprocess.run(strace_cmd(log, cmd), input=input, capture_output=True, cwd=cwd, env=env, timeout=timeout)
    with open(log, encoding="utf-8", errors="replace") as fh:
        return p, Trace(cwd).parse(fh.read())
