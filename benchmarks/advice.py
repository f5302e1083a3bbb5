"""How long and how plain the spoken result, the clinician summary and the questions are.

    python benchmarks/advice.py [--fresh]

Prints, over a fixed list of fact sets (every tier, unknowns, refusals, postmenopausal, IUD, hormonal) the
words spoken at the end (median, max; emergencies apart), the summary's words, "you/your" and doubled words
in the summary, and the Flesch-Kincaid grade (textstat) of the advice, the summary and the questions' words.
``--fresh``: the same figures over the evaluation's 256 vignettes (fact sets this wording was not tuned on).
Targets (issue 12): spoken median <= 100, max <= 130; emergency <= 45; summary <= 45; grade median <= 7, max <= 8.5.
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

import textstat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voice_triage.content import load_content  # noqa: E402
from voice_triage.triage.advice import compose  # noqa: E402

BENIGN = {"amount": "spotting", "dizzy_or_faint": "no", "pain": "none", "pregnancy_possible": "no",
          "postmenopausal": "no", "fever_or_unwell": "no", "unusual_discharge": "no", "pain_peeing": "no",
          "pain_during_sex": "no", "frequency": "first", "age": 28, "screening_up_to_date": "yes", "sti_risk": "no",
          "contraception": "none", "blood_thinners": "no", "sores": "no", "dryness": "no", "worried": "no"}
REFUSED = "refused"


def fact_sets() -> list[tuple[str, dict]]:
    out: list[tuple[str, dict]] = [("benign", dict(BENIGN))]
    for name, change in [
        ("dryness", {"dryness": "yes"}), ("hormonal", {"contraception": "hormonal"}),
        ("hormonal+dryness", {"contraception": "hormonal", "dryness": "yes"}), ("occasional", {"frequency": "occasional"}),
        ("age35", {"age": 35}),
        # soon
        ("age60", {"age": 60}), ("screening no", {"screening_up_to_date": "no"}), ("sti", {"sti_risk": "yes"}),
        ("iud", {"contraception": "iud"}), ("thinners", {"blood_thinners": "yes"}), ("sores", {"sores": "yes"}),
        ("worried", {"worried": "yes"}), ("iud+age", {"contraception": "iud", "age": 41}),
        ("sti+sores", {"sti_risk": "yes", "sores": "yes"}),
        ("thinners+iud+screening", {"blood_thinners": "yes", "contraception": "iud", "screening_up_to_date": "no"}),
        ("age unknown", {"age": "unknown"}), ("screening unknown", {"screening_up_to_date": "unknown"}),
        ("contraception unknown", {"contraception": "unknown"}), ("sti unknown", {"sti_risk": "unknown"}),
        ("sti refused", {"sti_risk": REFUSED}), ("age refused", {"age": REFUSED}),
        # urgent
        ("heavy", {"amount": "heavy"}), ("pain some", {"pain": "some"}), ("pregnant", {"pregnancy_possible": "yes"}),
        ("postmenopausal", {"postmenopausal": "yes", "age": 58}), ("fever", {"fever_or_unwell": "yes"}),
        ("discharge", {"unusual_discharge": "yes"}), ("peeing", {"pain_peeing": "yes"}),
        ("painful sex", {"pain_during_sex": "yes"}), ("repeated", {"frequency": "repeated"}),
        ("postmenopausal+thinners", {"postmenopausal": "yes", "age": 66, "blood_thinners": "yes"}),
        ("postmenopausal+dryness", {"postmenopausal": "yes", "age": 55, "dryness": "yes"}),
        ("discharge+sti+sores", {"unusual_discharge": "yes", "sti_risk": "yes", "sores": "yes"}),
        ("heavy+iud+hormonal?", {"amount": "heavy", "contraception": "iud"}),
        ("repeated+hormonal", {"frequency": "repeated", "contraception": "hormonal"}),
        ("pain+fever+discharge+peeing", {"pain": "some", "fever_or_unwell": "yes", "unusual_discharge": "yes",
                                          "pain_peeing": "yes"}),
        ("pregnant+hormonal+dryness", {"pregnancy_possible": "yes", "contraception": "hormonal", "dryness": "yes"}),
        ("amount unknown", {"amount": "unknown"}), ("pregnancy unknown", {"pregnancy_possible": "unknown"}),
        ("frequency unknown", {"frequency": "unknown"}), ("pregnancy refused", {"pregnancy_possible": REFUSED}),
        ("three unknowns", {"pregnancy_possible": "unknown", "age": "unknown", "screening_up_to_date": "unknown"}),
        ("five unknowns", {"pain": "unknown", "fever_or_unwell": "unknown", "age": "unknown", "sti_risk": "unknown",
                           "screening_up_to_date": "unknown"}),
        ("heavy+unknowns", {"amount": "heavy", "age": "unknown", "screening_up_to_date": "unknown"}),
        ("many urgent", {"amount": "heavy", "pain": "some", "pregnancy_possible": "yes", "frequency": "repeated",
                         "sti_risk": "yes", "contraception": "iud", "blood_thinners": "yes"}),
        # emergency
        ("soaking", {"amount": "soaking"}), ("dizzy", {"dizzy_or_faint": "yes"}), ("severe pain", {"pain": "severe"}),
        ("soaking+dizzy", {"amount": "soaking", "dizzy_or_faint": "yes"}),
        ("severe+iud+postmenopausal", {"pain": "severe", "contraception": "iud", "postmenopausal": "yes", "age": 60}),
        ("soaking+unknowns", {"amount": "soaking", "pregnancy_possible": "unknown", "age": "unknown"}),
    ]:
        out.append((name, {**BENIGN, **change}))
    out += [("nothing known", {}), ("soaking only", {"amount": "soaking"}), ("dizzy only", {"dizzy_or_faint": "yes"})]
    return out


def _facts(facts: dict) -> tuple[dict, set[str]]:
    refused = {s for s, v in facts.items() if v == REFUSED}
    return {s: ("unknown" if v == REFUSED else v) for s, v in facts.items()}, refused


def _compose(facts: dict, content):
    facts, refused = _facts(facts)
    try:
        return compose(facts, content, refused=refused)
    except TypeError:  # the wording before issue 12 had no refusals
        return compose(facts, content)


def spoken(adv) -> str:
    return getattr(adv, "spoken", None) or adv.text


def words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))


def doubled(text: str) -> list[str]:
    ws = re.findall(r"[a-z0-9']+", text.lower())
    return [a for a, b in zip(ws, ws[1:]) if a == b]


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


def question_texts(content) -> list[str]:
    """Every question's words (plain and discreet) and the dialog's own lines (dialog.yaml)."""
    out = []
    for view in (content, content.discreet_view()):
        for q in view.questions:
            out += [q.text, q.short, q.reprompt, q.help] + ([q.clarify] if q.clarify else [])
    out += [v for v in content.lines.values() if isinstance(v, str) and len(v.split()) > 3]
    return list(dict.fromkeys(out))


def report(sets: list[tuple[str, dict]], content, label: str) -> None:
    rows = [(name, facts, _compose(facts, content)) for name, facts in sets]
    lens = [words(spoken(a)) for _, _, a in rows]
    em = [words(spoken(a)) for _, _, a in rows if a.tier == "emergency"]
    summ = [words(a.summary) for _, _, a in rows]
    you = [n for n, _, a in rows if re.search(r"\byou(r|'re|'d)?\b", a.summary, re.I)]
    dbl = [(n, d) for n, _, a in rows for d in doubled(a.summary + " " + spoken(a))]
    tiers = sorted({a.tier for _, _, a in rows})
    g_adv = [grade(spoken(a)) for _, _, a in rows]
    g_sum = [grade(a.summary) for _, _, a in rows]
    g_q = [grade(t) for t in question_texts(content)]
    print(f"== {label}: {len(rows)} fact sets, tiers {', '.join(tiers)}")
    print(f"spoken words: median {statistics.median(lens):.0f}, max {max(lens)}   (target <= 100, <= 130)")
    print(f"emergency spoken words: max {max(em) if em else '-'} over {len(em)}   (target <= 45)")
    print(f"summary words: median {statistics.median(summ):.0f}, max {max(summ)}   (target <= 45)")
    print(f"summary with you/your: {len(you)} {you[:3]}   doubled words: {len(dbl)} {dbl[:3]}")
    for name, g in (("advice", g_adv), ("summary", g_sum), ("questions/help/dialog", g_q)):
        print(f"grade {name}: median {statistics.median(g):.1f}, max {max(g):.1f}   (target <= 7, <= 8.5)")
    allg = g_adv + g_sum + g_q
    print(f"grade all: median {statistics.median(allg):.1f}, max {max(allg):.1f}")
    longest = max(rows, key=lambda r: words(spoken(r[2])))
    print(f"longest ({longest[0]}, {words(spoken(longest[2]))} words): {spoken(longest[2])}")


def main() -> None:
    content = load_content("en")
    report(fact_sets(), content, "benchmark fact sets")
    if "--fresh" in sys.argv:
        from evaluation import vignettes
        vs = vignettes.load()
        report([(v["id"], v["persona"]) for v in vs], content, "fresh: the evaluation's vignettes")


if __name__ == "__main__":
    main()
