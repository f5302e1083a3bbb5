"""Recognition-only measures through the speech layer's API (no dialog):

- WER of each engine on the phrasing bank (answers synthesized with espeak-ng, clean and noisy),
- human-speech yes/no accuracy on ../shared/data/speech_commands_sample/ (real speakers).

Uses ``voice_triage.frontends.audio_answer.AudioAnswerer(content).transcribe_file(path, ask)``; every
function here returns {"skipped": reason} when that API, espeak-ng or the data is not there.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path
from typing import Any

from . import audio, metrics, phrasing

REPO = Path(__file__).resolve().parent.parent
#: ../shared beside the clone (CI), or where VT_SPEECH_COMMANDS points (a worktree elsewhere)
HUMAN_DIR = Path(os.environ.get("VT_SPEECH_COMMANDS") or REPO.parent / "shared" / "data" / "speech_commands_sample")
# first words that mean the same as the word spoken (a person hearing "nope" for "no" understands no)
SAME_MEANING = {"yes": {"yes", "yeah", "yep", "yup", "yea"}, "no": {"no", "nope", "nah"}}


def _api():
    """(AudioAnswerer class, content, ask builder) or raise ImportError/other with a reason."""
    from voice_triage.frontends.audio_answer import AudioAnswerer  # type: ignore
    from voice_triage.content import load_content  # type: ignore

    return AudioAnswerer, load_content


def ask_for(content: Any, slots: list[str]):
    """An Ask for the question that fills ``slots`` (the product's own question, found in its content)."""
    from voice_triage.dialog.events import Ask

    qs = getattr(content, "questions", None)
    items = list(qs.values() if isinstance(qs, dict) else (qs or []))
    # prefer the question about exactly these slots, then the smallest one that includes them
    items.sort(key=lambda q: (set(getattr(q, "slots", ()) or ()) != set(slots), len(getattr(q, "slots", ()) or ())))
    for q in items:
        qslots = list(getattr(q, "slots", []) or [])
        if qslots and set(slots) <= set(qslots):
            qid = getattr(q, "id", None) or getattr(q, "question_id", None) or slots[0]
            return Ask(text=getattr(q, "text", "") or "", slots=tuple(qslots), question_id=qid,
                       open=bool(getattr(q, "open", False)))
    return Ask(text="", slots=tuple(slots), question_id=slots[0])


def make_answerer(engine: str | None):
    AudioAnswerer, load_content = _api()
    content = load_content("en") if callable(load_content) else load_content
    return AudioAnswerer(content, asr=engine), content


def bank_wer(engine: str | None, conditions=("clean", "snr10"), n: int = 120, seed: int = 11,
             partial: str | None = None) -> dict:
    """WER of the engine on n bank phrasings (each phrasing with a voice drawn from the seed), per condition."""
    if not audio.have_espeak():
        return {"skipped": "espeak-ng not installed"}
    try:
        answerer, content = make_answerer(engine)
    except Exception as e:  # noqa: BLE001 - report why it was skipped
        return {"skipped": f"speech API not available: {type(e).__name__}: {e}"}
    rng = random.Random(seed)
    items = [x for x in phrasing.all_phrasings() if x[0] != "generic"]
    rng.shuffle(items)
    items = items[:n]
    out: dict = {"engine": engine, "n": len(items)}
    with tempfile.TemporaryDirectory(prefix="vt-eval-wer-") as tmp:
        for cond in conditions:
            pairs, examples = [], []
            for i, (slot, value, text) in enumerate(items):
                v = audio.Voice.for_seed(seed * 1000 + i)
                raw, wav = Path(tmp) / f"{i}.raw.wav", Path(tmp) / f"{i}.wav"
                audio.synthesize(text, raw, v.voice, v.rate, v.pitch)
                audio.CONDITIONS[cond].apply(raw, wav, audio.seed_of(seed, cond, i))
                try:
                    tr = answerer.transcribe_file(str(wav), ask_for(content, [slot]))
                    hyp = getattr(tr, "text", "") or ""
                except Exception as e:  # noqa: BLE001
                    hyp = ""
                    examples.append({"text": text, "error": str(e)[:200]})
                pairs.append((text, hyp))
                if len(examples) < 12 and metrics.normalize_words(text) != metrics.normalize_words(hyp):
                    examples.append({"slot": slot, "ref": text, "hyp": hyp, "voice": str(v)})
                out[cond] = {**metrics.wer(pairs), "examples": examples}
                if partial:
                    Path(partial).write_text(json.dumps({**out, "partial": f"{cond}: {i + 1} of {len(items)}"}))
            out[cond] = {**metrics.wer(pairs), "examples": examples}
    return out


def human_yes_no(engine: str | None) -> dict:
    """Real speakers saying yes/no, through a yes/no question's grammar."""
    if not HUMAN_DIR.is_dir():
        return {"skipped": f"{HUMAN_DIR} not found"}
    try:
        answerer, content = make_answerer(engine)
    except Exception as e:  # noqa: BLE001
        return {"skipped": f"speech API not available: {type(e).__name__}: {e}"}
    ask = None
    for slot in ("worried", "blood_thinners", "sores", "pregnancy_possible", "postmenopausal", "dizzy_or_faint"):
        a = ask_for(content, [slot])
        if list(a.slots) == [slot]:
            ask = a
            break
    ask = ask or ask_for(content, ["dizzy_or_faint"])
    out_ask = {"question_id": ask.question_id, "slots": list(ask.slots)}
    out: dict = {"engine": engine, "ask": out_ask, "words": {}}
    total_ok = total_n = total_meaning = total_dialog = 0
    for word in ("yes", "no"):
        files = sorted((HUMAN_DIR / word).glob("*.wav"))
        rows = []
        for f in files:
            try:
                tr = answerer.transcribe_file(str(f), ask)
                hyp = (getattr(tr, "text", "") or "").strip().lower()
            except Exception as e:  # noqa: BLE001
                hyp = f"<error {type(e).__name__}>"
            words = metrics.normalize_words(hyp).split()
            ok = words[:1] == [word]
            meaning = bool(words) and words[0] in SAME_MEANING[word]
            # the dialog reads the transcript's first alternative (the grammar's phrase) when the text
            # itself is no yes/no word: count the meaning it then takes, too
            alts = [a[0] for a in getattr(tr, "alternatives", None) or [] if a and isinstance(a[0], str)] \
                if not hyp.startswith("<error") else []
            alt_words = metrics.normalize_words(alts[0]).split() if alts else []
            said_nothing = not words or not any(words[0] in v for v in SAME_MEANING.values())
            meaning_dialog = meaning or (said_nothing and bool(alt_words) and alt_words[0] in SAME_MEANING[word])
            rows.append({"file": f.name, "heard": hyp, "alternative": alts[0] if alts else None, "ok": ok,
                         "meaning_ok": meaning, "meaning_dialog_ok": meaning_dialog})
        k = sum(r["ok"] for r in rows)
        km = sum(r["meaning_ok"] for r in rows)
        kd = sum(r["meaning_dialog_ok"] for r in rows)
        out["words"][word] = {"k": k, "k_meaning": km, "k_dialog": kd, "n": len(rows), "rows": rows}
        total_dialog += kd
        total_ok += k
        total_meaning += km
        total_n += len(rows)
    out["total"] = {"k": total_ok, "k_meaning": total_meaning, "k_dialog": total_dialog, "n": total_n}
    return out


def run_isolated(what: str, engine: str | None, timeout: float, **kw) -> dict:
    """Runs ``bank_wer`` or ``human_yes_no`` in a child process with a time limit (a recognizer that
    hangs must not stop the report)."""
    import subprocess
    import sys

    args = [sys.executable, "-m", "evaluation.recognition", what, "--engine", engine or ""]
    for k, v in kw.items():
        args += [f"--{k.replace('_', '-')}", ",".join(v) if isinstance(v, (list, tuple)) else str(v)]
    with tempfile.TemporaryDirectory(prefix="vt-eval-rec-") as d:
        part = Path(d) / "partial.json"
        if what == "bank_wer":
            args += ["--partial", str(part)]
        try:
            p = subprocess.run(args, cwd=str(REPO), capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            if part.exists():
                out = json.loads(part.read_text())
                out["stopped"] = f"time limit {timeout:.0f}s reached at {out.pop('partial')}"
                return out
            return {"skipped": f"timed out after {timeout:.0f}s (the recognizer did not return)"}
    if p.returncode != 0:
        return {"skipped": "failed: " + (p.stderr.strip().splitlines() or ["?"])[-1][:300]}
    return json.loads(p.stdout)


def _main() -> int:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["bank_wer", "human_yes_no"])
    ap.add_argument("--engine", default="")
    ap.add_argument("--conditions", default="clean")
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--partial", default=None)
    a = ap.parse_args()
    if a.what == "bank_wer":
        out = bank_wer(a.engine or None, conditions=tuple(a.conditions.split(",")), n=a.n, partial=a.partial)
    else:
        out = human_yes_no(a.engine or None)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
