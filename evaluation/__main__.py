"""python -m evaluation {vignettes,run,report,findings} — see docs/evaluation.md."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)

    g = sub.add_parser("vignettes", help="regenerate evaluation/data/vignettes.jsonl (fixed seed)")
    g.add_argument("--seed", type=int, default=None)
    g.add_argument("--per-tier", type=int, default=None)
    g.add_argument("--out", default=None)
    g.add_argument("--check", action="store_true", help="exit 1 if the committed file differs from a regeneration")

    r = sub.add_parser("run", help="run conversations and print the summary (records to evaluation/runs/)")
    r.add_argument("--mode", choices=["text", "audio"], default="text")
    r.add_argument("--condition", default="clean", help="audio: clean, snr20, snr10, snr5, fast, slow, pitch_up, "
                   "pitch_down, level0, level-12, level-18, level-25, level-30, reverb, curt; text: typos for "
                   "typing slips")
    r.add_argument("--engine", default=None)
    r.add_argument("-n", type=int, default=None, help="stratified subset of about N vignettes")
    r.add_argument("--ids", default=None, help="comma-separated vignette ids")
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--seed", type=int, default=7, help="the stratified subset's seed (7: where changes are tried "
                   "out; 13: the report's subset)")
    r.add_argument("--cmd", default=None, help="product command (default: python -m voice_triage chat --jsonl)")

    p = sub.add_parser("report", help="measure everything; write docs/evaluation.md, .json and docs/img/*.png")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--audio-n", type=int, default=None)
    p.add_argument("--no-audio", action="store_true")
    p.add_argument("--reuse-text", action="store_true",
                   help="reuse evaluation/runs/text*.jsonl from an earlier run of the same vignettes")
    p.add_argument("--conditions", default=None, help="comma-separated audio conditions")

    y = sub.add_parser("replay", help="feed recorded answers, as heard, through the dialog as it is now; say "
                       "where it asks something else than in the run")
    y.add_argument("records", help="a records file (evaluation/runs/*.jsonl)")
    y.add_argument("--ids", default=None, help="comma-separated vignette ids")

    f = sub.add_parser("findings", help="rewrite evaluation/findings.md from evaluation/runs/text.jsonl")
    f.add_argument("--records", default=None)

    args = ap.parse_args(argv)
    from . import vignettes

    if args.command == "vignettes":
        from .vignettes import DEFAULT_PATH, DEFAULT_PER_TIER, DEFAULT_SEED, generate, write

        vs = generate(args.seed or DEFAULT_SEED, args.per_tier or DEFAULT_PER_TIER)
        out = Path(args.out) if args.out else DEFAULT_PATH
        if args.check:
            import tempfile

            with tempfile.TemporaryDirectory() as d:
                write(vs, Path(d) / "v.jsonl")
                same = (Path(d) / "v.jsonl").read_bytes() == out.read_bytes()
            print("vignettes up to date" if same else "vignettes differ from a regeneration")
            return 0 if same else 1
        write(vs, out)
        print(f"wrote {len(vs)} vignettes to {out}")
        return 0
    if args.command == "replay":
        from .replay import summarize

        recs = [json.loads(line) for line in Path(args.records).read_text(encoding="utf-8").splitlines() if line.strip()]
        if args.ids:
            recs = [r for r in recs if r.get("id") in set(args.ids.split(","))]
        same, n, differ = summarize(recs)
        turns = {str(r.get("id")): r.get("turns", []) for r in recs}
        for d in differ:
            i = d.diverges_at or 0
            then = d.recorded[i] if i < len(d.recorded) else "(the end)"
            now = d.asks[i] if i < len(d.asks) else "(the end)"
            print(f"  {d.id}: ask {i + 1} was {then!r}, is now {now!r}")
            if 0 < i <= len(turns[d.id]):  # the answer the dialog now takes otherwise
                t = turns[d.id][i - 1]
                print(f"      after {t.get('answer')!r}, heard {(t.get('heard') or {}).get('text')!r}")
        print(f"{same}/{n} replayed exactly")
        return 0
    if args.command == "run":
        import shlex

        from . import metrics, report, simulator

        vs = vignettes.load()
        if args.ids:
            ids = set(args.ids.split(","))
            vs = [v for v in vs if v["id"] in ids]
        elif args.n:
            vs = vignettes.stratified(vs, args.n, seed=args.seed)
        helptext = report.chat_help()
        extra = report.engine_args(args.engine, helptext) if args.engine else []
        recs = simulator.run_many(vs, workers=args.workers, mode=args.mode, condition=args.condition,
                                  engine=args.engine, cmd=shlex.split(args.cmd) if args.cmd else None,
                                  extra_args=extra, progress=report.progress_logger(args.mode))
        name = ("text" + ("_typos" if args.condition == "typos" else "") if args.mode == "text"
                else f"audio_{args.engine or 'default'}_{args.condition}")
        path = report.save_records(("run_" + name) if (args.ids or args.n) else name, recs)
        s = metrics.summarize(recs)
        for key in ("exact", "under_triage", "emergency_under_triage", "over_triage", "slot_accuracy", "reasons_agree"):
            print(f"{key:24} {metrics.fmt_rate(s[key])}")
        print(f"{'questions':24} {json.dumps(s['questions'])}")
        for r in recs:
            if r.get("tier") != r["expected_tier"]:
                print(f"  {r['id']}: expected {r['expected_tier']}, got {r.get('tier')}: {report.first_misunderstanding(r)}")
        if args.mode == "audio":
            print("WER", json.dumps(report.conversation_wer(recs)))
            if args.condition == "curt":
                print("curt one-word answers heard", json.dumps(report.curt_heard(recs)))
        print(f"records: {path}", file=sys.stderr)
        return 0
    if args.command == "report":
        from .report import run_report

        run_report(quick=args.quick, workers=args.workers, audio_n=args.audio_n, do_audio=not args.no_audio,
                   conditions=args.conditions.split(",") if args.conditions else None, reuse_text=args.reuse_text)
        return 0
    if args.command == "findings":
        from .findings import write_findings
        from .report import RUNS

        path = Path(args.records) if args.records else RUNS / "text.jsonl"
        recs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        from .report import DOCS

        data = json.loads((DOCS / "evaluation.json").read_text()) if (DOCS / "evaluation.json").exists() else None
        audio_recs = {}
        for f in sorted(RUNS.glob("audio_*_clean.jsonl")):
            engine = f.stem.split("_")[1]
            audio_recs[f"{engine}, clean"] = [json.loads(x) for x in f.read_text().splitlines() if x.strip()]
        print(write_findings(recs, data, audio=audio_recs))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
