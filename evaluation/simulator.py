"""The simulated patient: drives ``voice-triage chat --jsonl`` through one conversation per vignette.

Text mode sends ``{"text": answer}``; audio mode synthesizes the answer with espeak-ng (a voice, rate
and pitch drawn per conversation from its seed), applies a channel condition (noise at an SNR, tempo,
pitch) into a private temporary directory, and sends ``{"audio": "/path.wav"}``.
"""

from __future__ import annotations

import json
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Sequence

from . import audio, phrasing

REPO = Path(__file__).resolve().parent.parent
MAX_ASKS = 40  # a conversation still asking after this is stuck in a loop


def default_cmd() -> list[str]:
    return [sys.executable, "-m", "voice_triage", "chat", "--jsonl"]


class Conversation:
    """One product process. Lines in/out with a timeout per event."""

    def __init__(self, cmd: Sequence[str], timeout: float = 60.0, env: dict | None = None):
        self.timeout = timeout
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(list(cmd), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     cwd=str(REPO), env=env, text=True, encoding="utf-8", bufsize=1)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_event(self) -> dict | None:
        """The next JSON event; None at end of output. Non-JSON lines become {"event": "_raw"}."""
        line = self.lines.get(timeout=self.timeout)
        if line is None:
            return None
        line = line.strip()
        if not line:
            return {"event": "_raw", "text": ""}
        try:
            ev = json.loads(line)
            return ev if isinstance(ev, dict) else {"event": "_raw", "text": line}
        except json.JSONDecodeError:
            return {"event": "_raw", "text": line}

    def send(self, obj: dict) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()

    def close(self) -> str:
        try:
            if self.proc.stdin and not self.proc.stdin.closed:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stderr.seek(0)
        tail = self.stderr.read()[-2000:].decode("utf-8", "replace")
        self.stderr.close()
        return tail


def run_conversation(vignette: dict, mode: str = "text", condition: str = "clean", engine: str | None = None,
                     cmd: Sequence[str] | None = None, bank: dict | None = None, timeout: float = 60.0,
                     extra_args: Sequence[str] = ()) -> dict:
    """Runs one conversation; returns the record (see metrics.summarize for how it is scored)."""
    bank = bank or phrasing.load_bank()
    rng = random.Random(vignette["seed"])
    channel = audio.CONDITIONS.get(condition)
    curt = bool(channel and channel.curt and mode == "audio")
    patient = phrasing.Patient(vignette["persona"], bank, rng, vignette.get("volunteer", ()), curt=curt)
    voice = audio.Voice.for_seed(vignette["seed"])
    if curt:
        voice = audio.Voice(voice.voice, audio.CURT_RATE, voice.pitch)
    typo_rng = random.Random(vignette["seed"] + 1)
    rec: dict = {"id": vignette["id"], "mode": mode, "condition": condition if mode == "audio" else ("typos" if condition == "typos" else "text"),
                 "engine": engine, "expected_tier": vignette["expected_tier"], "persona": vignette["persona"],
                 "tags": vignette.get("tags", []), "tier": None, "reasons": [], "facts": {}, "questions": None,
                 "turns": [], "errors": [], "end": None, "voice": str(voice) if mode == "audio" else None}
    full_cmd = list(cmd or default_cmd()) + list(extra_args)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vt-eval-") as tmp:
        conv = Conversation(full_cmd, timeout=timeout)
        turn = None
        try:
            while True:
                ev = conv.next_event()
                if ev is None:
                    rec["errors"].append("output ended without an end event")
                    break
                kind = ev.get("event")
                if kind == "ask":
                    if len(rec["turns"]) >= MAX_ASKS:
                        rec["errors"].append(f"more than {MAX_ASKS} asks: stopped")
                        break
                    text = patient.answer(ev)
                    turn = {"ask": {k: ev.get(k) for k in ("text", "slots", "open", "confirm", "question", "question_id",
                                                           "reprompt", "implied") if k in ev},
                            "answer": text, "heard": None}
                    if curt and patient.history and patient.history[-1]["kind"] == "curt":
                        turn["curt"] = True
                    if mode == "audio":
                        n = len(rec["turns"])
                        raw = Path(tmp) / f"t{n}.raw.wav"
                        out = Path(tmp) / f"t{n}.wav"
                        audio.synthesize(text, raw, voice.voice, voice.rate, voice.pitch)
                        channel.apply(raw, out, audio.seed_of(vignette["seed"], condition, n))
                        raw.unlink(missing_ok=True)
                        conv.send({"audio": str(out)})
                    elif condition == "typos":
                        typed = phrasing.add_typos(text, typo_rng)
                        turn["answer"] = typed
                        conv.send({"text": typed})
                    else:
                        conv.send({"text": text})
                    rec["turns"].append(turn)
                elif kind == "heard":
                    if turn is not None:
                        turn["heard"] = {"text": ev.get("text"), "filled": ev.get("filled") or {}}
                        for k in ("command", "recognized", "confidence", "alternatives", "words", "engine"):
                            if k in ev:
                                turn["heard"][k] = ev[k]
                elif kind == "error":
                    rec["errors"].append(str(ev.get("message")))
                elif kind == "result":
                    rec["tier"] = ev.get("tier")
                    rec["reasons"] = [r for r in (ev.get("reasons") or []) if isinstance(r, dict)]
                    rec["facts"] = ev.get("facts") or {}
                    rec["questions"] = ev.get("questions")
                elif kind == "end":
                    rec["end"] = ev.get("reason") or True
                    break
        except queue.Empty:
            rec["errors"].append(f"no event for {timeout:.0f}s")
        except (BrokenPipeError, OSError) as e:
            rec["errors"].append(f"pipe: {e}")
        except subprocess.CalledProcessError as e:
            rec["errors"].append(f"synthesis failed: {e.stderr!r}")
        finally:
            tail = conv.close()
            if rec["tier"] is None and tail.strip():
                rec["errors"].append("stderr: " + tail.strip()[-600:])
    if rec["questions"] is None and rec["tier"] is not None:
        rec["questions"] = sum(1 for t in rec["turns"] if not t["ask"].get("confirm"))
    rec["asks"] = len(rec["turns"])
    rec["seconds"] = round(time.monotonic() - t0, 3)
    return rec


def run_with_retry(vignette: dict, **kw) -> dict:
    """A conversation whose process printed no event at all (it failed to start, e.g. while files it
    loads were being rewritten) is run once more; the record says so."""
    rec = run_conversation(vignette, **kw)
    if rec["tier"] is None and not rec["turns"] and rec["end"] is None:
        first = rec
        rec = run_conversation(vignette, **kw)
        rec["retried_after"] = first["errors"][:2]
    return rec


def run_many(vignettes: list[dict], workers: int = 2, progress: Callable[[int, int], None] | None = None,
             **kw) -> list[dict]:
    """Runs conversations on ``workers`` threads (each drives its own product process)."""
    bank = kw.pop("bank", None) or phrasing.load_bank()
    done = 0
    results: list[dict | None] = [None] * len(vignettes)

    def one(i: int) -> None:
        nonlocal done
        results[i] = run_with_retry(vignettes[i], bank=bank, **kw)
        done += 1
        if progress:
            progress(done, len(vignettes))

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, range(len(vignettes))))
    return [r for r in results if r is not None]


def product_available() -> bool:
    """True when ``python -m voice_triage chat --jsonl`` exists (the text core has landed)."""
    try:
        p = subprocess.run([sys.executable, "-m", "voice_triage", "chat", "--help"], cwd=str(REPO),
                           capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return p.returncode == 0 and "--jsonl" in p.stdout

