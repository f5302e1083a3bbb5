"""Turns and trust: how many asks a spoken conversation takes against the same one typed, and how right it is.

    nice -n 10 .venv/bin/python benchmarks/turns.py -n 12 --seed 7          # the tuning subset
    nice -n 10 .venv/bin/python benchmarks/turns.py -n 12 --seed 101 --exclude-seeds 7,13   # a fresh one
    .venv/bin/python benchmarks/turns.py --cmd "env PYTHONPATH=/other/checkout python -m voice_triage chat --jsonl"

Runs the evaluation's simulated patients (evaluation/: phrasing bank, espeak-ng voices) on a stratified
subset drawn with ``--seed``: typed, clean speech and speech at 10 dB SNR; then text alone on a larger
subset (``--text-n``). Prints:
- clean speech: exact tier, and emergencies under-triaged;
- spoken asks / typed asks, per conversation (mean of the ratios, and the ratio of the totals);
- the ask at which an emergency is known when spoken (the conversation ends there);
- asks on benign paths (self_care expected) at 10 dB;
- text: exact tier, and the most questions when every answer is benign.
Spoken runs are CPU-heavy: keep -n small, one run at a time.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluation import metrics, simulator, vignettes  # noqa: E402


def _run(vs: list[dict], args: argparse.Namespace, **kw) -> dict[str, dict]:
    recs = simulator.run_many(vs, workers=args.workers, cmd=shlex.split(args.cmd) if args.cmd else None, **kw)
    return {r["id"]: r for r in recs}


def _fmt(xs: list[float]) -> str:
    return f"mean {statistics.fmean(xs):.2f}, max {max(xs):.0f}" if xs else "none"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=12, help="spoken subset size (stratified over the tiers)")
    ap.add_argument("--seed", type=int, default=7, help="seed of the stratified subset")
    ap.add_argument("--text-n", type=int, default=64, help="text-only subset size")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--cmd", default=None, help="product command (default: python -m voice_triage chat --jsonl)")
    ap.add_argument("--no-noise", action="store_true", help="skip the 10 dB run")
    ap.add_argument("--exclude-seeds", default="", help="comma-separated seeds whose subsets (same -n) are left out: "
                    "a fresh subset, e.g. --seed 101 --exclude-seeds 7,13")
    args = ap.parse_args(argv)

    vs_all = vignettes.load()
    used = {v["id"] for s in filter(None, args.exclude_seeds.split(",")) for v in vignettes.stratified(vs_all, args.n, seed=int(s))}
    vs = vignettes.stratified([v for v in vs_all if v["id"] not in used], args.n, seed=args.seed)
    print(f"subset: seed {args.seed}, {len(vs)} vignettes: {','.join(v['id'] for v in vs)}")
    typed = _run(vs, args, mode="text", condition="clean")
    clean = _run(vs, args, mode="audio", condition="clean")
    s = metrics.summarize(list(clean.values()))
    print(f"clean speech exact          {metrics.fmt_rate(s['exact'])}")
    print(f"emergencies under-triaged   {metrics.fmt_rate(s['emergency_under_triage'])}")
    pairs = [(clean[i]["asks"], typed[i]["asks"]) for i in clean if i in typed and typed[i]["asks"]]
    ratios = [a / b for a, b in pairs]
    print(f"spoken/typed asks           mean ratio {statistics.fmean(ratios):.2f}, "
          f"totals {sum(a for a, _ in pairs)}/{sum(b for _, b in pairs)} = "
          f"{sum(a for a, _ in pairs) / max(1, sum(b for _, b in pairs)):.2f}")
    em = [float(r["asks"]) for r in clean.values() if r["expected_tier"] == "emergency" and r.get("tier") == "emergency"]
    em_typed = [float(r["asks"]) for r in typed.values() if r["expected_tier"] == "emergency"]
    print(f"emergency known at ask      spoken {_fmt(em)}; typed {_fmt(em_typed)}")
    benign_clean = [float(r["asks"]) for r in clean.values() if r["expected_tier"] == "self_care"]
    print(f"benign asks, clean          {_fmt(benign_clean)}")
    if not args.no_noise:
        noisy = _run(vs, args, mode="audio", condition="snr10")
        sn = metrics.summarize(list(noisy.values()))
        benign = [float(r["asks"]) for r in noisy.values() if r["expected_tier"] == "self_care"]
        print(f"10 dB exact                 {metrics.fmt_rate(sn['exact'])}, emergencies under-triaged "
              f"{metrics.fmt_rate(sn['emergency_under_triage'])}")
        print(f"benign asks at 10 dB        {_fmt(benign)}")
    text = list(_run(vignettes.stratified(vs_all, args.text_n, seed=args.seed), args, mode="text",
                     condition="clean").values())
    st = metrics.summarize(text)
    print(f"text exact                  {metrics.fmt_rate(st['exact'])} (n={len(text)}), emergencies under-triaged "
          f"{metrics.fmt_rate(st['emergency_under_triage'])}")
    print(f"text questions, all benign  max {st['questions']['max_all_benign']}")
    for r in [*clean.values(), *(noisy.values() if not args.no_noise else ())]:
        if r.get("tier") != r["expected_tier"]:
            print(f"  miss {r['id']} ({r['condition']}): expected {r['expected_tier']}, got {r.get('tier')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
