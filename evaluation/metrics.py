"""Headline metrics over conversation records, with exact (Clopper-Pearson) 95% intervals."""

from __future__ import annotations

import math
import re
import statistics
from typing import Any, Iterable

from . import spec

TIERS = list(spec.TIERS)
NO_RESULT = "no_result"


def _binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    if p <= 0:
        return 1.0
    if p >= 1:
        return 0.0
    lp, lq = math.log(p), math.log1p(-p)
    total = 0.0
    for i in range(k + 1):
        total += math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq)
    return min(1.0, total)


def _bisect(f, lo: float = 0.0, hi: float = 1.0, iters: int = 80) -> float:
    """Root of a decreasing-in-p function f on [lo, hi]."""
    for _ in range(iters):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def clopper_pearson(k: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact two-sided (1-alpha) interval for a binomial proportion k/n."""
    if n == 0:
        return (0.0, 1.0)
    lower = 0.0 if k == 0 else _bisect(lambda p: alpha / 2 - (1 - _binom_cdf(k - 1, n, p)))
    upper = 1.0 if k == n else _bisect(lambda p: _binom_cdf(k, n, p) - alpha / 2)
    return (lower, upper)


def rate(k: int, n: int) -> dict:
    lo, hi = clopper_pearson(k, n)
    return {"k": k, "n": n, "rate": (k / n) if n else None, "ci95": [lo, hi],
            # the rule of three (3/n) approximates the one-sided 95% bound when nothing was seen; useful for n >= 30
            "rule_of_three_upper": (3 / n) if (k == 0 and n >= 30) else None}


def rank(tier: str | None) -> int:
    return spec.RANK.get(tier, -1) if tier else -1


def reason_ok(rec: dict) -> bool | None:
    """The product's reasons at its result tier are slots the persona really triggers at that tier."""
    tier = rec.get("tier")
    if tier not in spec.RANK or tier == "self_care" or tier != rec["expected_tier"]:
        return None
    persona = rec["persona"]
    truth = {r["slot"] for r in spec.label(persona)["reasons"] if r["tier"] == tier}
    got = {r["slot"] for r in rec.get("reasons", []) if r.get("tier", tier) == tier}
    return bool(got) and got <= truth


def slot_scores(rec: dict) -> tuple[int, int, list[dict]]:
    """(correct, evaluated, wrong[]) over slots the dialog asked or reported as facts."""
    facts = rec.get("facts") or {}
    evaluated = set(facts) | {s for t in rec.get("turns", []) if not t["ask"].get("confirm")
                              for s in t["ask"].get("slots", [])}
    evaluated &= set(spec.SLOTS)
    if rec.get("tier") is None:
        return 0, 0, []
    correct, wrong = 0, []
    for s in sorted(evaluated):
        want = rec["persona"].get(s, "unknown")
        got = facts.get(s)
        if spec.value_matches(s, want, got):
            correct += 1
        else:
            wrong.append({"slot": s, "expected": want, "got": got})
    return correct, len(evaluated), wrong


def summarize(records: list[dict]) -> dict:
    n = len(records)
    exact = sum(1 for r in records if r.get("tier") == r["expected_tier"])
    under = [r for r in records if rank(r.get("tier")) < rank(r["expected_tier"])]
    over = [r for r in records if rank(r.get("tier")) > rank(r["expected_tier"])]
    emerg = [r for r in records if r["expected_tier"] == "emergency"]
    emerg_under = [r for r in emerg if r.get("tier") != "emergency"]
    no_result = [r for r in records if r.get("tier") is None]
    confusion = {e: {g: 0 for g in TIERS + [NO_RESULT]} for e in TIERS}
    for r in records:
        confusion[r["expected_tier"]][r.get("tier") or NO_RESULT] += 1
    sc = [slot_scores(r) for r in records]
    s_ok, s_n = sum(c for c, _, _ in sc), sum(m for _, m, _ in sc)
    questions = [r["questions"] for r in records if r.get("questions") is not None]
    benign_q = [r["questions"] for r in records if r.get("questions") is not None
                and r["expected_tier"] == "self_care" and not any(spec.is_unknown(v) for v in r["persona"].values())]
    reasons = [x for x in (reason_ok(r) for r in records) if x is not None]
    per_tier = {t: rate(sum(1 for r in records if r["expected_tier"] == t and r.get("tier") == t),
                        sum(1 for r in records if r["expected_tier"] == t)) for t in TIERS}
    return {
        "n": n,
        "exact": rate(exact, n),
        "under_triage": rate(len(under), n),
        "over_triage": rate(len(over), n),
        "emergency_under_triage": rate(len(emerg_under), len(emerg)),
        "no_result": len(no_result),
        "retried_start": sum(1 for r in records if r.get("retried_after")),
        "per_tier_accuracy": per_tier,
        "slot_accuracy": rate(s_ok, s_n),
        "reasons_agree": rate(sum(reasons), len(reasons)),
        "questions": {
            "mean": statistics.fmean(questions) if questions else None,
            "median": statistics.median(questions) if questions else None,
            "max": max(questions) if questions else None,
            "max_all_benign": max(benign_q) if benign_q else None,
            "histogram": {str(q): questions.count(q) for q in sorted(set(questions))},
        },
        "confusion": confusion,
        "under_triaged_ids": [r["id"] for r in under],
        "wrong_ids": [r["id"] for r in records if r.get("tier") != r["expected_tier"]],
    }


# ---- recognition ---------------------------------------------------------------------------------

def normalize_words(text: str) -> str:
    """Lower case, digits to words, punctuation and hyphens to spaces (for WER)."""
    from .phrasing import number_words

    text = text.lower().replace("-", " ").replace("'", "")
    text = re.sub(r"\d+", lambda m: " " + number_words(int(m.group())) + " " if int(m.group()) < 1000 else m.group(),
                  text)
    text = re.sub(r"[^a-z ]+", " ", text)
    return " ".join(text.split())


def wer(pairs: Iterable[tuple[str, str]]) -> dict:
    """Corpus WER over (reference, hypothesis) pairs after normalize_words (jiwer)."""
    import jiwer

    refs, hyps = [], []
    for ref, hyp in pairs:
        r = normalize_words(ref)
        if not r:
            continue
        refs.append(r)
        hyps.append(normalize_words(hyp or ""))
    if not refs:
        return {"n": 0, "wer": None}
    out = jiwer.process_words(refs, hyps)
    return {"n": len(refs), "wer": out.wer, "substitutions": out.substitutions, "deletions": out.deletions,
            "insertions": out.insertions, "ref_words": sum(len(r.split()) for r in refs)}


def fmt_rate(r: dict[str, Any], digits: int = 1) -> str:
    if not r or r.get("rate") is None:
        return "n/a"
    lo, hi = r["ci95"]
    return f"{100 * r['rate']:.{digits}f}% ({r['k']}/{r['n']}; 95% CI {100 * lo:.{digits}f}-{100 * hi:.{digits}f}%)"
