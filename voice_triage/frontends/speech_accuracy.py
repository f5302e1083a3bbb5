"""Spoken-answer accuracy on synthesized phrasings: ``python -m voice_triage.frontends.speech_accuracy``.

The answers are the understanding tests' phrasing table (tests/understanding/phrasings.txt: question,
answer as typed, expected facts), written by others and not tuned to the grammars. Only answers that the
text understander gets right when typed are used, so the figure is what speech loses. Each is spoken
by espeak-ng (several voices), found by the end-of-speech detector, recognized with the question's
grammar and read by the same understander. Outcomes per utterance:

  right   every expected fact of the asked slots understood with its value
  missed  nothing wrong, but not everything understood (the dialog re-prompts or asks again)
  wrong   an asked slot understood with another value than expected (the harmful case)
  cmd     a command was heard instead (repeat, help, stop ...)
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

VOICES = [("en-us", 150), ("en-us+f3", 165), ("en-us+m3", 135)]


def load_phrasings(path: Path, max_words: int = 8) -> list[tuple[str, str, dict]]:
    items = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        qid, text, exp = line.split("|", 2)
        if exp.strip() == "-" or len(text.split()) > max_words:
            continue
        facts = dict(kv.split("=", 1) for kv in exp.split(","))
        items.append((qid, text, facts))
    return items


def _value(v) -> str:
    return str(v)


def judge(reading, slots, facts) -> str:
    if reading.command:
        return "cmd"
    want = {s: v for s, v in facts.items() if s in slots}
    got = {s: _value(f.value) for s, f in reading.fills.items() if s in slots}
    if any(s in want and got[s] != want[s] for s in got):
        return "wrong"
    if all(got.get(s) == v for s, v in want.items()):
        return "right"
    return "missed"


def run(sample: int = 90, voices=VOICES, seed: int = 7, echo=print) -> dict:
    from voice_triage.audio_in import find_speech, resample, to_pcm16
    from voice_triage.content import load_content
    from voice_triage.dialog.events import Ask
    from voice_triage.recognition import GrammarBook, create_recognizer
    from voice_triage.understanding import Understander

    import io
    import subprocess

    import soundfile as sf

    repo = Path(__file__).resolve().parents[2]
    content = load_content("en")
    und = Understander(content)
    items = []
    for qid, text, facts in load_phrasings(repo / "tests" / "understanding" / "phrasings.txt"):
        q = content.question(qid)
        if judge(und.read(text, asked=q.slots, question=q), q.slots, facts) == "right":
            items.append((qid, text, facts))
    random.Random(seed).shuffle(items)
    items = items[:sample]
    cfg = json.loads(os.environ.get("VOICE_TRIAGE_PS_CONFIG", "") or "{}")  # experiments: decoder settings
    if cfg:
        from voice_triage.recognition.pocketsphinx_engine import PocketsphinxRecognizer

        rec = PocketsphinxRecognizer(**cfg)
    else:
        rec = create_recognizer("pocketsphinx").recognizer
    book = GrammarBook(content, rec, report=lambda m: None)
    book.prebuild()
    counts = {"right": 0, "missed": 0, "wrong": 0, "cmd": 0}
    confident_wrong = 0
    decode = []
    rows = []
    for i, (qid, text, facts) in enumerate(items):
        q = content.question(qid)
        voice, rate = voices[i % len(voices)]
        wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "--stdout", text],
                             capture_output=True, check=True).stdout
        x, sr = sf.read(io.BytesIO(wav), dtype="float32")
        pcm = to_pcm16(resample(x, sr))
        import numpy as np

        pcm = np.concatenate([np.zeros(8000, np.int16), pcm, np.zeros(16000, np.int16)])
        utt = find_speech(pcm)
        g = book.for_ask(Ask(q.text, tuple(q.slots), qid, open=bool(q.open)))
        t = time.perf_counter()
        tr = rec.transcribe(utt.samples if utt is not None else pcm, g)
        decode.append(time.perf_counter() - t)
        reading = und.read(tr.text, asked=q.slots, question=q)
        outcome = judge(reading, q.slots, facts)
        counts[outcome] += 1
        confident_wrong += outcome in ("wrong", "cmd") and tr.confidence >= 0.6
        rows.append({"q": qid, "said": text, "voice": voice, "heard": tr.text, "conf": tr.confidence,
                     "outcome": outcome})
    n = len(items)
    decode.sort()
    res = {"n": n, **counts, "right_pct": round(100 * counts["right"] / n, 1) if n else None,
           "confident_wrong": confident_wrong,
           "decode_ms_median": round(1000 * decode[len(decode) // 2], 1) if decode else None,
           "decode_ms_p95": round(1000 * decode[int(0.95 * (len(decode) - 1))], 1) if decode else None,
           "rows": rows}
    return res


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 90
    res = run(n)
    out = sys.argv[2] if len(sys.argv) > 2 else None
    if out:
        Path(out).write_text(json.dumps(res, indent=1))
    print(json.dumps({k: v for k, v in res.items() if k != "rows"}))
