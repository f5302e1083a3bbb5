"""Generate the vignette set (personas + expected tier) reproducibly.

    python -m evaluation vignettes [--seed 20261122] [--per-tier 64] [--out evaluation/data/vignettes.jsonl]

Each vignette is a persona with a value for every spec slot (possibly "unknown"), the expected tier and
reasons computed by ``evaluation.spec`` (independent of the product), the slots the patient volunteers
in answer to an open question, and tags naming what the case exercises (edges, unknowns, combinations).
The committed JSONL is the versioned set; this script regenerates it byte for byte with the same seed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Callable

from . import spec

VERSION = 2  # bump when the set changes meaning (not for new tags)
DEFAULT_SEED = 20261122
DEFAULT_PER_TIER = 64
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PATH = DATA_DIR / "vignettes.jsonl"

URGENT_YN = ("pregnancy_possible", "postmenopausal", "fever_or_unwell", "unusual_discharge",
             "pain_peeing", "pain_during_sex")
SOON_FLAGS = ("age", "screening_up_to_date", "sti_risk", "contraception", "blood_thinners",
              "sores", "worried")
URGENT_SLOTS = ("amount", "pain", "frequency") + URGENT_YN  # frequency: spec revision 2
EMERGENCY_FACTS = (("amount", "soaking"), ("dizzy_or_faint", "yes"), ("pain", "severe"))


def benign(rng: random.Random) -> dict:
    """A persona that triggers nothing (self_care)."""
    return {
        "amount": "spotting",
        "dizzy_or_faint": "no",
        "pain": "none",
        "pregnancy_possible": "no",
        "postmenopausal": "no",
        "fever_or_unwell": "no",
        "unusual_discharge": "no",
        "pain_peeing": "no",
        "pain_during_sex": "no",
        "frequency": rng.choice(["first", "first", "occasional"]),
        "age": rng.randint(18, 35),
        "screening_up_to_date": "yes",
        "sti_risk": "no",
        "contraception": rng.choice(["none", "hormonal", "hormonal"]),
        "blood_thinners": "no",
        "sores": "no",
        "dryness": rng.choice(["yes", "no", "no"]),
        "worried": "no",
    }


def set_soon(p: dict, slot: str, rng: random.Random) -> None:
    if slot == "age":
        p["age"] = rng.randint(36, 64)
    elif slot == "screening_up_to_date":
        p["screening_up_to_date"] = "no"
    elif slot == "contraception":
        p["contraception"] = "iud"
    else:
        p[slot] = "yes"


def set_urgent(p: dict, slot: str, rng: random.Random) -> None:
    if slot == "amount":
        p["amount"] = "heavy"
    elif slot == "pain":
        p["pain"] = "some"
    elif slot == "frequency":
        p["frequency"] = "repeated"
    else:
        p[slot] = "yes"
        if slot == "postmenopausal":
            p["age"] = rng.randint(48, 72)
            p["pregnancy_possible"] = "no"
            p["contraception"] = "none"
        if slot == "pregnancy_possible":
            p["postmenopausal"] = "no"


def sprinkle_unknowns(p: dict, rng: random.Random, slots: tuple[str, ...], k: int) -> list[str]:
    chosen = rng.sample(list(slots), k)
    for s in chosen:
        p[s] = "unknown"
    return chosen


def background(p: dict, rng: random.Random, cap: str, prob: float = 0.3, unknown_prob: float = 0.08) -> list[str]:
    """Varies the other facts without raising the tier above ``cap``: each slot, with probability ``prob``,
    takes a random value (or "unknown" with ``unknown_prob``) whose trigger is at most ``cap``."""
    changed = []
    keep = {slot for slot in spec.SLOTS if spec.slot_tier(slot, p[slot]) == cap}  # the triggers themselves
    for slot, vals in spec.SLOTS.items():
        if slot in keep or rng.random() >= prob:
            continue
        options: list = list(vals) if vals else [rng.randint(18, 35), rng.randint(36, 64)]
        if rng.random() < unknown_prob:
            options = ["unknown"]
        options = [v for v in options if spec.RANK.get(spec.slot_tier(slot, v) or "self_care") <= spec.RANK[cap]]
        options = [v for v in options if v != p[slot]]
        if not options:
            continue
        p[slot] = rng.choice(options)
        changed.append(slot)
    if p["postmenopausal"] == "yes":
        if isinstance(p["age"], int) and spec.RANK[cap] >= spec.RANK["soon"]:
            p["age"] = max(p["age"], rng.randint(48, 70))
        if p["pregnancy_possible"] == "yes":
            p["pregnancy_possible"] = "no"
    return changed


Recipe = Callable[[random.Random], tuple[dict, list[str]]]


# ---- self_care -----------------------------------------------------------------------------------

def sc_plain(rng):
    return benign(rng), ["plain"]


def sc_age35(rng):
    p = benign(rng)
    p["age"] = 35
    return p, ["edge:age35"]


def sc_dryness(rng):
    p = benign(rng)
    p["dryness"] = "yes"
    return p, ["dryness"]


def sc_hormonal(rng):
    p = benign(rng)
    p["contraception"] = "hormonal"
    p["frequency"] = "occasional"
    return p, ["hormonal", "occasional"]


def sc_dryness_unknown(rng):
    p = benign(rng)
    p["dryness"] = "unknown"
    return p, ["unknown:dryness"]


def sc_young(rng):
    p = benign(rng)
    p["age"] = rng.randint(16, 21)
    return p, ["young"]


# ---- soon ----------------------------------------------------------------------------------------

def soon_one(slot):
    def r(rng):
        p = benign(rng)
        set_soon(p, slot, rng)
        return p, [f"trigger:{slot}"]
    r.__name__ = f"soon_{slot}"
    return r


def soon_age36(rng):
    p = benign(rng)
    p["age"] = 36
    return p, ["edge:age36"]


def soon_several(rng):
    p = benign(rng)
    slots = rng.sample(SOON_FLAGS, rng.randint(2, 3))
    for s in slots:
        set_soon(p, s, rng)
    return p, ["multi_trigger"] + [f"trigger:{s}" for s in slots]


def soon_unknown(rng):
    p = benign(rng)
    u = sprinkle_unknowns(p, rng, SOON_FLAGS, 1)
    return p, [f"unknown:{u[0]}"]


# ---- urgent --------------------------------------------------------------------------------------

def urgent_one(slot):
    def r(rng):
        p = benign(rng)
        set_urgent(p, slot, rng)
        return p, [f"trigger:{slot}"] + (["edge:heavy"] if slot == "amount" else [])
    r.__name__ = f"urgent_{slot}"
    return r


def urgent_with_soon(rng):
    p = benign(rng)
    u = rng.choice(URGENT_SLOTS)
    set_urgent(p, u, rng)
    s = rng.choice(SOON_FLAGS)
    set_soon(p, s, rng)
    return p, ["multi_trigger", f"trigger:{u}", f"trigger:{s}"]


def urgent_several(rng):
    p = benign(rng)
    slots = rng.sample(URGENT_SLOTS, 2)
    for s in slots:
        set_urgent(p, s, rng)
    return p, ["multi_trigger"] + [f"trigger:{s}" for s in slots]


def urgent_unknown(rng):
    p = benign(rng)
    u = sprinkle_unknowns(p, rng, ("amount", "pain", "pregnancy_possible", "fever_or_unwell",
                                   "unusual_discharge", "pain_peeing", "pain_during_sex", "frequency"), 1)
    return p, [f"unknown:{u[0]}"]


def urgent_unknown_dizzy(rng):
    p = benign(rng)
    p["dizzy_or_faint"] = "unknown"
    return p, ["unknown:dizzy_or_faint"]


# ---- emergency -----------------------------------------------------------------------------------

def emergency_one(slot, value):
    def r(rng):
        p = benign(rng)
        p[slot] = value
        return p, [f"trigger:{slot}"] + (["edge:soaking"] if slot == "amount" else [])
    r.__name__ = f"emergency_{slot}"
    return r


def emergency_with_others(rng):
    p = benign(rng)
    slot, value = rng.choice(EMERGENCY_FACTS)
    p[slot] = value
    u = rng.choice([s for s in URGENT_SLOTS if s != slot])
    set_urgent(p, u, rng)
    if rng.random() < 0.5:
        set_soon(p, rng.choice(SOON_FLAGS), rng)
    return p, ["multi_trigger", f"trigger:{slot}", f"trigger:{u}"]


def emergency_two(rng):
    p = benign(rng)
    a, b = rng.sample(EMERGENCY_FACTS, 2)
    p[a[0]] = a[1]
    p[b[0]] = b[1]
    return p, ["multi_trigger", f"trigger:{a[0]}", f"trigger:{b[0]}"]


def emergency_with_unknown(rng):
    p = benign(rng)
    slot, value = rng.choice(EMERGENCY_FACTS)
    p[slot] = value
    others = [s for s in ("amount", "pain", "dizzy_or_faint", "pregnancy_possible", "fever_or_unwell")
              if s != slot]
    u = sprinkle_unknowns(p, rng, tuple(others), 1)
    return p, [f"trigger:{slot}", f"unknown:{u[0]}"]


RECIPES: dict[str, list[Recipe]] = {
    "self_care": [sc_plain, sc_age35, sc_dryness, sc_hormonal, sc_dryness_unknown, sc_young, sc_plain],
    "soon": [soon_one(s) for s in SOON_FLAGS] + [soon_age36, soon_several, soon_unknown, soon_unknown],
    "urgent": [urgent_one(s) for s in URGENT_SLOTS]
    + [urgent_with_soon, urgent_several, urgent_unknown, urgent_unknown_dizzy],
    "emergency": [emergency_one(s, v) for s, v in EMERGENCY_FACTS] * 2
    + [emergency_with_others, emergency_two, emergency_with_unknown],
}

# Slots that a patient may volunteer in answer to an open question ("several facts at once").
# Only slots whose bank clauses name their subject, so that a volunteered clause reads unambiguously.
VOLUNTEERABLE = ("pain", "dizzy_or_faint", "pain_during_sex", "dryness", "fever_or_unwell", "unusual_discharge")


def generate(seed: int = DEFAULT_SEED, per_tier: int = DEFAULT_PER_TIER) -> list[dict]:
    rng = random.Random(seed)
    out: list[dict] = []
    for tier in spec.TIERS:
        recipes = RECIPES[tier]
        for i in range(per_tier):
            recipe = recipes[i % len(recipes)]
            persona, tags = recipe(rng)
            if tier != "self_care" and not any(t.startswith("edge:") for t in tags) and rng.random() < 0.6:
                if background(persona, rng, tier):
                    tags = tags + ["background"]
            lab = spec.label(persona)
            assert lab["tier"] == tier, (recipe.__name__, persona, lab)
            volunteer: list[str] = []
            if rng.random() < 0.35:
                k = rng.randint(1, 2)
                volunteer = rng.sample([s for s in VOLUNTEERABLE if s != "amount"], k)
                tags = tags + ["multi_fact"]
            if any(spec.is_unknown(v) for v in persona.values()):
                tags = tags + ["has_unknown"]
            out.append({
                "id": f"{tier[:2]}{i:03d}",
                "version": VERSION,
                "expected_tier": tier,
                "expected_reasons": lab["top_reasons"],
                "all_reasons": [r["slot"] for r in lab["reasons"]],
                "persona": {s: persona[s] for s in spec.SLOTS},
                "volunteer": volunteer,
                "recipe": recipe.__name__,
                "tags": sorted(set(tags)),
                "seed": rng.randrange(1 << 30),
            })
    return out


def write(vignettes: list[dict], path: Path = DEFAULT_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for v in vignettes:
            f.write(json.dumps(v, sort_keys=False, ensure_ascii=False) + "\n")


def load(path: Path | str = DEFAULT_PATH) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def stratified(vignettes: list[dict], n: int, seed: int = 7, all_emergencies_of_subset: bool = True) -> list[dict]:
    """A stratified subset of about n vignettes: equal share per tier, spread over recipes."""
    rng = random.Random(seed)
    per = max(1, n // len(spec.TIERS))
    out = []
    for tier in spec.TIERS:
        group = [v for v in vignettes if v["expected_tier"] == tier]
        # spread over recipes: round-robin over recipe buckets, shuffled deterministically
        buckets: dict[str, list[dict]] = {}
        for v in group:
            buckets.setdefault(v["recipe"], []).append(v)
        for b in buckets.values():
            rng.shuffle(b)
        names = sorted(buckets)
        picked: list[dict] = []
        while len(picked) < per and any(buckets.values()):
            for name in names:
                if buckets[name] and len(picked) < per:
                    picked.append(buckets[name].pop())
        out.extend(sorted(picked, key=lambda v: v["id"]))
    return out
