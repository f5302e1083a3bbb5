"""The simulated patient's phrasing bank and answer composition."""

import random

import pytest

from evaluation import phrasing, spec
from evaluation.vignettes import benign

BANK = phrasing.load_bank()


def patient(seed=1, **change):
    p = benign(random.Random(0))
    p.update(change)
    return phrasing.Patient(p, BANK, random.Random(seed))


def test_bank_covers_every_slot_value_with_variety():
    for slot, vals in spec.SLOTS.items():
        if slot == "age":
            assert len(BANK["age"]["templates"]) >= 8
            continue
        for v in list(vals) + ["unknown"]:
            items = BANK["slots"][slot][v]
            assert len(items) >= (2 if v == "unknown" else 4), (slot, v)
            assert len(set(items)) == len(items), (slot, v)


def test_bank_has_british_and_us_words_and_negations():
    text = " ".join(t for _, _, t in phrasing.all_phrasings(BANK)).lower()
    for w in ("wee", "pee", "coil", "iud", "smear", "pap", "loo", "knickers", "didn't", "not", "never"):
        assert w in text, w


@pytest.mark.parametrize("n,words", [(35, "thirty five"), (19, "nineteen"), (40, "forty"), (72, "seventy two"),
                                     (100, "one hundred")])
def test_number_words(n, words):
    assert phrasing.number_words(n) == words


def test_deterministic():
    a = [patient(5).answer({"slots": [s]}) for s in spec.SLOTS]
    b = [patient(5).answer({"slots": [s]}) for s in spec.SLOTS]
    assert a == b
    c = [patient(6).answer({"slots": [s]}) for s in spec.SLOTS]
    assert a != c


def test_confirm_says_yes_only_when_it_matches():
    yes = {x.lower() for x in BANK["generic"]["confirm_yes"]}
    for seed in range(20):
        p = patient(seed, amount="heavy", age=36)
        assert p.answer({"slots": ["amount"], "confirm": {"amount": "heavy"}}).lower() in yes
        assert p.answer({"slots": ["age"], "confirm": {"age": 36}}).lower() in yes
        assert p.answer({"slots": ["age"], "confirm": {"age": "36"}}).lower() in yes
        assert p.answer({"slots": ["amount"], "confirm": {"amount": "spotting"}}).lower().startswith(("no", "not"))
        assert p.answer({"slots": ["age"], "confirm": {"age": 63}}).lower().startswith(("no", "not"))


def test_grouped_all_negative_is_a_varied_no():
    slots = ["fever_or_unwell", "unusual_discharge", "pain_peeing"]
    answers = {patient(s).answer({"slots": slots}) for s in range(30)}
    assert len(answers) >= 5
    nones = {x.lower() for x in BANK["generic"]["none_of_those"]}
    assert all(a.lower().lstrip("umh, ").strip() in nones or a.lower() in nones or "no" in a.lower()
               or "none" in a.lower() or "nothing" in a.lower() for a in answers)


def test_grouped_names_every_positive():
    slots = ["fever_or_unwell", "unusual_discharge", "pain_peeing"]
    for s in range(20):
        p = patient(s, fever_or_unwell="yes", pain_peeing="yes")
        a = p.answer({"slots": slots}).lower()
        assert any(c.lower() in a for c in BANK["slots"]["fever_or_unwell"]["yes"])
        assert any(c.lower() in a for c in BANK["slots"]["pain_peeing"]["yes"])
        assert not any(c.lower() in a for c in BANK["slots"]["unusual_discharge"]["yes"])


def test_grouped_unknown_is_said():
    slots = ["fever_or_unwell", "unusual_discharge"]
    a = patient(3, unusual_discharge="unknown").answer({"slots": slots}).lower()
    assert any(c.lower() in a for c in BANK["slots"]["unusual_discharge"]["unknown"])


def test_unknown_single_answer_is_not_sure():
    unk = [x.lower() for x in BANK["generic"]["unknown"]] + \
          [x.lower() for x in BANK["slots"]["pain"]["unknown"]]
    for s in range(20):
        a = patient(s, pain="unknown").answer({"slots": ["pain"]}).lower()
        assert any(u in a for u in unk), a


def test_age_answers_mix_digits_and_words():
    answers = [patient(s, age=35).answer({"slots": ["age"]}) for s in range(40)]
    assert any("35" in a for a in answers)
    assert any("thirty" in a.lower() for a in answers)


def test_open_question_volunteers_facts_once():
    p = benign(random.Random(0))
    p["pain"] = "some"
    pt = phrasing.Patient(p, BANK, random.Random(2), volunteer=["pain"])
    first = pt.answer({"slots": ["amount"], "open": True}).lower()
    assert any(c.lower() in first for c in BANK["slots"]["pain"]["some"])
    assert any(c.lower() in first for c in BANK["slots"]["amount"]["spotting"])
    second = pt.answer({"slots": ["amount"], "open": True}).lower()
    assert not any(c.lower() in second for c in BANK["slots"]["pain"]["some"])


def test_bank_is_independent_of_product_phrases():
    """The bank is not a copy of the product's phrase data: most of its clauses are not in it verbatim."""
    from pathlib import Path

    prod = Path(__file__).resolve().parents[2] / "prompts" / "en" / "phrases.yaml"
    if not prod.exists():
        pytest.skip("product phrase data not present")
    text = prod.read_text(encoding="utf-8").lower()
    clauses = [t.lower() for s, v, t in phrasing.all_phrasings(BANK) if s not in ("generic", "age") and len(t) > 12]
    verbatim = [c for c in clauses if c in text]
    assert len(verbatim) / len(clauses) < 0.25, verbatim[:20]


def test_a_question_that_takes_in_a_worse_value_is_a_yes_to_it():
    # the walk's "Do you have any pain at all?" means any pain: severe pain is a yes, said with what it is; a
    # check of what was understood, or "Is it just a few drops?", asks for the value itself
    for seed in range(20):
        p = patient(seed, pain="severe", amount="heavy")
        walk = {"slots": ["pain"], "question_id": "danger", "text": "Do you have any pain at all?",
                "confirm": {"pain": "some"}}
        reply = p.answer(walk).lower()
        assert reply.startswith(("yes", "yeah", "correct", "that's right", "yep", "right")), reply
        assert reply not in {x.lower() for x in BANK["generic"]["confirm_yes"]}, reply  # says what it is
        check = {"slots": ["pain"], "question_id": "confirm", "text": "I understood: some pain. Is that right?",
                 "confirm": {"pain": "some"}}
        assert p.answer(check).lower().startswith(("no", "not")), seed
        just = {"slots": ["amount"], "question_id": "amount", "text": "Is it just a few drops or spotting?",
                "confirm": {"amount": "spotting"}}
        assert p.answer(just).lower().startswith(("no", "not")), seed
        more = {"slots": ["amount"], "question_id": "amount", "text": "Is it more than spotting, like a period?",
                "confirm": {"amount": "heavy"}}
        assert p.answer(more).lower() in {x.lower() for x in BANK["generic"]["confirm_yes"]}
    curt = phrasing.Patient(patient(pain="severe").persona, BANK, random.Random(3), curt=True)
    assert curt.answer(walk).lower() in {w.lower() for w in phrasing.CURT_WORDS["yes"]}


def test_a_check_that_echoes_at_all_is_still_a_check():
    # the JSON Lines ask names its question "question"; a check that says back the person's own "no pain at
    # all" is not a question whose words take in a worse value (fresh curt 4828 em013: "yep" to "I understood:
    # no dizziness and no pain at all. Is that right?" from a person who nearly fainted)
    check = {"event": "ask", "slots": ["dizzy_or_faint", "pain"], "question": "confirm",
             "text": "I understood: no dizziness and no pain at all. Is that right?",
             "confirm": {"dizzy_or_faint": "no", "pain": "none"}}
    for seed in range(10):
        p = patient(seed, dizzy_or_faint="yes", pain="none")
        assert p.answer(check).lower().startswith(("no", "not")), seed
        curt = phrasing.Patient(p.persona, BANK, random.Random(seed), curt=True)
        assert curt.answer(check).lower() in {w.lower() for w in phrasing.CURT_WORDS["no"]}
