"""Soak: 1,000 kiosk conversations back to back in one process; memory at start and end.

    .venv/bin/python benchmarks/soak.py                  # 1,000 conversations
    .venv/bin/python benchmarks/soak.py -n 200 --json soak.json

The real :class:`~voice_triage.frontends.kiosk.Kiosk` runs with its full-screen renderer (output thrown
away) and the wipe between conversations; answers come from scripts that rotate through every way a
conversation ends: advice at each tier, "stop", a person walking away (are you still there? then the
reset), a failing input device, and bad input. Prints the resident memory (VmRSS) and the number of
live Python objects after the first 10 conversations (warm) and at the end, and the outcomes.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time

from voice_triage.content import load_content
from voice_triage.frontends.kiosk import Input, Kiosk

from voice_triage.frontends.kiosk_scripted import ScriptedSource
from voice_triage.frontends.kiosk_screen import Screen

T, RAISE = ScriptedSource.TIMEOUT, ScriptedSource.RAISE
SCRIPTS = [
    ("self_care", ["a few drops", "no", "none of those", "no", "29", "first time", "the pill", "no", "yes a bit dry", "no"]),
    ("urgent", ["more like a period, quite heavy", "no", "I have a fever and feel unwell", "no", "no", "forty one",
                "it keeps happening", "a copper coil", "no", "no"]),
    ("emergency", ["I'm soaking a pad every hour"]),
    ("stopped", ["a few drops", "no", "stop"]),
    ("inactive", ["a few drops", T, T]),
    ("still_there", ["a few drops", T, "no", "none of those", "no", "29", "first time", "the pill", "no",
                     "yes", "yes a bit dry", "no"]),
    ("error", ["a few drops", RAISE]),
    ("bad_input", [Input("problem", "that answer is too long"), "\x00\xff garbage", "I'm soaking a pad every hour"]),
    # issue 14: terminal control sequences in answers (retitle, line drawing, clear scrollback, 8-bit CSI)
    ("hostile", ["\x1b]0;PWNED\x07\x1b(0 a few drops \x1b[3J", "\x0e no \x9b2J", "\u202e none of those", "no",
                 "29\x1bc", "first time", "the pill", "no", "yes a bit dry", "no \x1b[?1049l"]),
]
LEAKS = ("\x1b]0;PWNED", "\x1b(0", "\x0e", "\x9b", "\u202e", "\x1bc")


class SoakSource:
    """Scripted people, one after another. Reads without a question (the idle screen, the result and
    its pages, the error screen) get Enter; reads for a question get the script's next answer."""

    spoken = False

    def __init__(self, n: int):
        self.n = n
        self.started = 0
        self.answers: list = []
        self.in_conversation = False

    def read(self, timeout, ask=None):  # noqa: ANN001, ANN201
        if ask is None:
            if not self.in_conversation:  # the idle screen: the next person starts
                if self.started >= self.n:
                    return Input("eof")
                self.answers = list(SCRIPTS[self.started % len(SCRIPTS)][1])
                self.started += 1
                self.in_conversation = True
            return Input("text", "")
        item = self.answers.pop(0) if self.answers else "stop"
        if item is T:
            return Input("timeout")
        if item is RAISE:
            raise OSError("soak: the input device failed")
        return item if isinstance(item, Input) else Input("text", item)

    def wipe(self) -> None:
        self.answers = []
        self.in_conversation = False


class Null:
    """Throws the screen away, counting any of a person's control sequences that reached it."""

    leaks = 0

    def write(self, s: str) -> int:
        if "\x1b]0;PWNED" in s or any(seq in s for seq in LEAKS[1:] if seq != "\x1bc"):
            self.leaks += 1
        return len(s)

    def flush(self) -> None:
        pass


def rss_kb(field: str = "VmRSS") -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="1,000 kiosk conversations; memory at start and end")
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--size", default="100x40", metavar="COLUMNSxROWS", help="the terminal's size (e.g. 30x4)")
    args = ap.parse_args(argv)
    columns, rows = (int(v) for v in args.size.lower().split("x"))
    from voice_triage.privacy import install

    install()  # as the real program: no network, logs through the privacy filter
    content = load_content("en")
    source = SoakSource(args.n)
    marks: dict[str, dict] = {}

    def on_wipe() -> None:
        if k.conversations == 10 and "warm" not in marks:
            gc.collect()
            marks["warm"] = {"conversations": k.conversations, "rss_kb": rss_kb(), "objects": len(gc.get_objects())}

    null = Null()
    k = Kiosk(content, source, Screen(null, columns=columns, rows=rows, size="normal"), inactivity_s=0, still_there_s=0, result_hold_s=0,
              error_hold_s=0, on_wipe=on_wipe)
    gc.collect()
    start = {"rss_kb": rss_kb(), "objects": len(gc.get_objects())}
    t = time.perf_counter()
    rc = k.run()
    dt = time.perf_counter() - t
    gc.collect()
    end = {"rss_kb": rss_kb(), "objects": len(gc.get_objects())}
    warm = marks.get("warm", start)
    out = {"conversations": k.conversations, "seconds": round(dt, 1), "per_conversation_ms": round(1000 * dt / max(1, k.conversations), 1),
           "outcomes": k.outcomes, "errors_survived": k.errors, "exit": rc, "memory_start": start, "memory_after_10": warm,
           "memory_end": end, "rss_growth_after_warmup_kb": end["rss_kb"] - warm["rss_kb"],
           "objects_growth_after_warmup": end["objects"] - warm["objects"], "peak_rss_kb": rss_kb("VmHWM"),
           "terminal": f"{columns}x{rows}", "control_sequences_leaked": null.leaks}
    print(f"conversations: {k.conversations} in {dt:.1f} s ({out['per_conversation_ms']} ms each); outcomes {k.outcomes}")
    print(f"memory (VmRSS): start {start['rss_kb'] / 1024:.1f} MiB, after 10 {warm['rss_kb'] / 1024:.1f} MiB, "
          f"end {end['rss_kb'] / 1024:.1f} MiB (peak {out['peak_rss_kb'] / 1024:.1f} MiB); live objects: start {start['objects']}, "
          f"after 10 {warm['objects']}, end {end['objects']}; terminal {columns}x{rows}; "
          f"control sequences leaked: {null.leaks}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=2)
    return 0 if rc == 0 and k.conversations == args.n and null.leaks == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
