"""How far a heard answer can be trusted: the precision of a spoken answer's reading, by what the recognizer
offers as evidence. The dialog's policy (prompts/<lang>/policy.yaml) rests on these figures.

    nice -n 10 .venv/bin/python benchmarks/trust.py -n 240 --seed 11     # the subset looked at
    nice -n 10 .venv/bin/python benchmarks/trust.py -n 240 --seed 29     # a fresh one

Answers are phrasings of the evaluation's bank (one slot each), synthesized with espeak-ng in a voice,
rate and pitch drawn from the seed, read as the dialog reads an answer to that slot's question (both
readings of the audio: the sentence model's and the grammar's). For each answer that filled the slot it
prints whether the value was right, grouped by:
- agreement: the two readings give the same values (agree), differ (disagree), only the grammar's made
  sense (fallback), or there was one (single);
- confidence: the recognizer's own 0..1 (the smallest word posterior of the sentence);
- stability: the share of the sentence model's 10 best hypotheses that give the same value;
- agreement and the sentence model's own confidence together (agreement alone lifts the dialog's
  confidence to ``agreed_confidence``).
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluation import audio, phrasing  # noqa: E402
from evaluation.recognition import ask_for  # noqa: E402


def rules_out_emergency(slot: str, value) -> bool:
    """A value of a slot that can make it an emergency which triggers nothing ("just spotting", "no pain")."""
    from voice_triage.dialog.belief import rank
    from voice_triage.dialog.trust import EMERGENCY_SLOTS

    return slot in EMERGENCY_SLOTS and rank(slot, value) < 0


def _stability(recognizer, read, slot: str, value) -> float | None:
    """The share of the sentence model's best hypotheses (up to 10) whose reading gives ``value``."""
    dec = getattr(recognizer, "_free_dec", None)
    if dec is None:
        return None
    hyps = []
    try:
        for i, h in enumerate(dec.nbest()):
            hyps.append(" ".join(w for w in (h.hypstr or "").split() if not w.startswith(("<", "["))))
            if i >= 9:
                break
    except Exception:  # noqa: BLE001 - no lattice
        return None
    if not hyps:
        return None
    same = [read(h).fills.get(slot) for h in hyps]
    return sum(1 for f in same if f is not None and f.value == value) / len(hyps)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=240)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--condition", default="clean", choices=sorted(audio.CONDITIONS))
    args = ap.parse_args(argv)

    from voice_triage.content import load_content
    from voice_triage.frontends.audio_answer import AudioAnswerer
    from voice_triage.understanding import Understander
    from voice_triage.understanding.evidence import SPOKEN, interpret

    content = load_content("en")
    understander = Understander(content)
    answerer = AudioAnswerer(content, asr="pocketsphinx")
    items = [x for x in phrasing.all_phrasings() if x[0] != "generic"]
    random.Random(args.seed).shuffle(items)
    items = items[: args.n]
    table: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    unfilled = 0
    with tempfile.TemporaryDirectory(prefix="vt-trust-") as tmp:
        for i, (slot, value, text) in enumerate(items):
            v = audio.Voice.for_seed(args.seed * 1000 + i)
            raw, wav = Path(tmp) / "a.raw.wav", Path(tmp) / "a.wav"
            audio.synthesize(text, raw, v.voice, v.rate, v.pitch)
            audio.CONDITIONS[args.condition].apply(raw, wav, audio.seed_of(args.seed, args.condition, i))
            ask = ask_for(content, [slot])
            question = next(q for q in content.questions if slot in q.slots)

            def read(t: str, _ask=ask, _q=question):
                return understander.read(t, asked=_ask.slots, question=_q)

            tr = answerer.transcribe_file(str(wav), ask)
            ev = interpret(tr.text, read, channel=SPOKEN, confidence=tr.confidence, alternatives=tr.alternatives)
            got = ev.reading.fills.get(slot)
            if got is None:
                unfilled += 1
                continue
            right = str(got.value) == str(value)
            stab = _stability(answerer.recognizer, read, slot, got.value)
            conf = "conf>=0.6" if tr.confidence >= 0.6 else "conf<0.6"
            conf4 = "conf<0.4" if tr.confidence < 0.4 else conf
            stable = "n-best all same" if stab == 1.0 else "n-best differ"
            for key in [("agreement", ev.agreement), ("confidence", conf), ("stability", stable),
                        ("agreement+stability", f"{ev.agreement}, {stable}"),
                        ("agreement+confidence", f"{ev.agreement}, {conf4}")] + (
                        [("rules out an emergency", f"{ev.agreement}, {conf4}")] if rules_out_emergency(slot, got.value) else []):
                table[key][0 if right else 1] += 1
    print(f"seed {args.seed}, {len(items)} answers ({args.condition}); the slot not filled: {unfilled}")
    print(f"{'evidence':<22} {'group':<32} {'right':>6} {'wrong':>6} {'precision':>9}")
    for (kind, group), (ok, bad) in sorted(table.items()):
        print(f"{kind:<22} {group:<32} {ok:>6} {bad:>6} {ok / (ok + bad):>9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
