"""Spoken answers, one turn at a time: how many are understood as the typed answer is.

Each answer of tests/understanding/phrasings.txt (the understanding's own development set, not the
evaluation's phrasing bank) is spoken by espeak-ng (8 voices, rates 130-190, pitches 30-70, digital
silence around it as in a file), recognized by the product's recognizer with its question's grammar
and sentence model, and read by the understander, taking the grammar's phrase when the sentence means
nothing (as the dialog does). Its facts are compared with those of the typed answer.

    python benchmarks/spoken_answers.py [--n N] [--asr pocketsphinx] [--noise-floor STD] [--show]

Prints: understood as typed / nothing understood / understood otherwise, and the time per answer.
Measured figures are in the notes and commit messages (e.g. the noise floor and the sentence model).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VOICES = ["en-us", "en", "en-gb-x-rp", "en+f3", "en-us+f2", "en-gb-scotland", "en+m3", "en-us+f4"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=None, help="a random subset of N answers (fixed seed)")
    ap.add_argument("--asr", default="pocketsphinx")
    ap.add_argument("--noise-floor", type=float, default=None, help="pocketsphinx noise floor (int16 std)")
    ap.add_argument("--show", action="store_true", help="print every answer that was not understood as typed")
    ap.add_argument("--confirm", action="store_true",
                    help="answers to confirmations instead (tests/understanding/confirmations.txt)")
    ap.add_argument("--voices", type=int, default=1, help="confirmations: each answer said by this many voices")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from voice_triage.content import load_content
    from voice_triage.dialog.events import Ask
    from voice_triage.frontends.audio_answer import AudioAnswerer
    from voice_triage.understanding import Understander

    content = load_content("en")
    und = Understander(content)
    answerer = AudioAnswerer(content, asr=args.asr)
    if args.noise_floor is not None and hasattr(answerer.recognizer, "noise_floor"):
        answerer.recognizer.noise_floor = args.noise_floor
    if args.confirm:
        return confirmations(args, content, und, answerer)
    lines = [ln.rstrip("\n").split("|") for ln in (ROOT / "tests" / "understanding" / "phrasings.txt").open(encoding="utf-8")
             if ln.strip() and not ln.startswith("#")]
    if args.n:
        random.Random(7).shuffle(lines)
        lines = lines[: args.n]

    def facts(text: str, q) -> dict:
        r = und.read(text, asked=q.slots, question=q)
        return {k: f.value for k, f in r.fills.items()} if r.understood else {}

    same = nothing = other = 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vt-bench-") as tmp:
        wav = os.path.join(tmp, "a.wav")
        for i, (qid, said, _) in enumerate(lines):
            rate, pitch = 130 + (i * 37) % 61, 30 + (i * 53) % 41
            subprocess.run(["espeak-ng", "-w", wav, "-v", VOICES[i % 8], "-s", str(rate), "-p", str(pitch), "--", said],
                           check=True, capture_output=True)
            q = content.question(qid)
            t = answerer.transcribe_file(wav, Ask("", tuple(q.slots), qid, open=bool(q.open)))
            got, heard = facts(t.text, q), t.text
            for alt, _ in t.alternatives if not got else ():
                alt_facts = facts(alt, q)
                if alt_facts and any(v != "unknown" for v in alt_facts.values()):
                    got, heard = alt_facts, alt
                    break
            want = facts(said, q)
            if got == want:
                same += 1
                continue
            nothing += not got
            other += bool(got)
            if args.show:
                print(f"{'--' if not got else 'XX'} {qid:20} {said!r} heard {heard!r}: {got or '-'} (typed: {want})")
    n = len(lines)
    dt = time.perf_counter() - t0
    print(f"{answerer.recognizer.name}: {same}/{n} understood as typed, {nothing} nothing understood, "
          f"{other} understood otherwise ({dt / max(1, n) * 1000:.0f} ms per answer incl. synthesis)")
    return 0


def _speak(wav: str, i: int, said: str) -> None:
    rate, pitch = 130 + (i * 37) % 61, 30 + (i * 53) % 41
    subprocess.run(["espeak-ng", "-w", wav, "-v", VOICES[i % 8], "-s", str(rate), "-p", str(pitch), "--", said],
                   check=True, capture_output=True)


def confirm_outcome(content, text: str, proposal: dict, alternatives=()) -> str:
    """What the dialog itself makes of a spoken answer to "I understood: <proposal>. Is that right?":
    "yes", "no", "slot=value" (a correction, as the next proposal or fact), or "again" (asked again)."""
    from voice_triage.dialog import Conversation

    conv = Conversation(content)
    conv.start()
    q = next(x for x in content.questions if set(proposal) <= set(x.slots))
    conv._put("confirm", q, tuple(proposal), "right?", count=False, proposal=dict(proposal))
    before = dict(conv.state.facts)
    conv.hear(text, 0.9, spoken=True, alternatives=list(alternatives))
    new = {s: v for s, v in conv.state.facts.items() if before.get(s) != v}
    pending = conv.state.pending
    if all(new.get(s) == v for s, v in proposal.items()):
        return "yes"
    if pending is not None and pending.kind == "confirm":
        if pending.proposal == proposal:
            return "again"
        new = {**new, **pending.proposal}
    fixes = {s: v for s, v in new.items() if proposal.get(s) != v and v != "unknown"}
    return ",".join(f"{s}={v}" for s, v in sorted(fixes.items())) if fixes else "no"


def confirmations(args, content, und, answerer) -> int:
    from voice_triage.dialog.events import Ask

    lines = [ln.rstrip("\n").split("|") for ln in (ROOT / "tests" / "understanding" / "confirmations.txt")
             .open(encoding="utf-8") if ln.strip() and not ln.startswith("#")]
    right = again = wrong = 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vt-bench-") as tmp:
        wav = os.path.join(tmp, "a.wav")
        said_by = [(i * args.voices + v, line) for i, line in enumerate(lines) for v in range(args.voices)]
        for i, (prop, said, want) in said_by:
            proposal = {}
            for kv in prop.split(","):
                k, v = kv.split("=")
                proposal[k] = int(v) if v.isdigit() else v
            _speak(wav, i, said)
            t = answerer.transcribe_file(wav, Ask("", tuple(proposal), "confirm", confirm=proposal))
            got = confirm_outcome(content, t.text, proposal, t.alternatives)
            # a correction's value counts; a plain "no" where a correction was said is still a rejection
            ok = got == want or (want not in ("yes", "no") and got == "no") or (want == "no" and "=" in got)
            if ok:
                right += 1
            elif got == "again":
                again += 1
            else:
                wrong += 1
            if args.show and not ok:
                print(f"{'--' if got == 'again' else 'XX'} {prop:32} {said!r} heard {t.text!r} "
                      f"(alt {[a for a, _ in t.alternatives]}): {got} (want {want})")
    n = len(lines) * args.voices
    dt = time.perf_counter() - t0
    print(f"{answerer.recognizer.name} confirmations: {right}/{n} right, {again} asked again, {wrong} wrong "
          f"({dt / max(1, n) * 1000:.0f} ms per answer incl. synthesis)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
