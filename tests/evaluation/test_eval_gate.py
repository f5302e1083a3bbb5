"""The regression gate: the real product, driven by the simulated patient on a fast stratified subset.

Text mode: 40 vignettes (10 per tier, spread over the recipes: edges, unknowns, several facts at once).
Audio mode (marked ``audio``): a handful of clean espeak-ng conversations through the embedded recognizer.
Floors are set a little under the measured figures in docs/evaluation.md, so a change that breaks
understanding fails here; emergency under-triage must be zero.
"""

from __future__ import annotations

import pytest

from evaluation import audio, metrics, report, simulator, vignettes

TEXT_N = 40
TEXT_EXACT_FLOOR = 0.95        # measured on this subset: see docs/evaluation.md
TEXT_SLOT_FLOOR = 0.90
AUDIO_N = 8
AUDIO_EXACT_FLOOR = 0.75      # measured 7/8 on this subset (28/32 on the report's clean subset, docs/evaluation.md)

_help = None


def chat_help() -> str:
    global _help
    if _help is None:
        _help = report.chat_help()
    return _help


needs_product = pytest.mark.skipif("--jsonl" not in chat_help(), reason="voice-triage chat --jsonl not available")


def explain(recs: list[dict]) -> str:
    lines = []
    for r in recs:
        if r.get("tier") != r["expected_tier"]:
            lines.append(f"{r['id']}: expected {r['expected_tier']}, got {r.get('tier')}: "
                         f"{report.first_misunderstanding(r)} {r['errors'][:1]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def text_run():
    subset = vignettes.stratified(vignettes.load(), TEXT_N)
    recs = simulator.run_many(subset, workers=2, mode="text", timeout=60)
    return recs, metrics.summarize(recs)


@needs_product
def test_text_no_emergency_under_triaged(text_run):
    recs, s = text_run
    assert s["emergency_under_triage"]["n"] >= 10
    assert s["emergency_under_triage"]["k"] == 0, explain([r for r in recs if r["expected_tier"] == "emergency"])


@needs_product
def test_text_every_conversation_reaches_a_result(text_run):
    recs, s = text_run
    assert s["no_result"] == 0, explain(recs)


@needs_product
def test_text_exact_tier_floor(text_run):
    recs, s = text_run
    assert s["exact"]["rate"] >= TEXT_EXACT_FLOOR, explain(recs)


@needs_product
def test_text_slot_accuracy_floor(text_run):
    _, s = text_run
    assert s["slot_accuracy"]["rate"] >= TEXT_SLOT_FLOOR


@needs_product
def test_text_benign_conversations_ask_at_most_ten(text_run):
    _, s = text_run
    assert s["questions"]["max_all_benign"] is None or s["questions"]["max_all_benign"] <= 10


@pytest.fixture(scope="module")
def audio_run():
    if not audio.have_espeak():
        pytest.skip("espeak-ng not installed")
    if not report.speech_available():
        pytest.skip("speech layer not available")
    ok, why = report.probe_audio("pocketsphinx", chat_help(), None, timeout=60)
    assert ok, f"a spoken answer got no reply: {why}"
    subset = vignettes.stratified(vignettes.load(), AUDIO_N, seed=13)
    recs = simulator.run_many(subset, workers=2, mode="audio", condition="clean", engine="pocketsphinx",
                              extra_args=report.engine_args("pocketsphinx", chat_help()), timeout=90)
    return recs, metrics.summarize(recs)


@pytest.mark.audio
@needs_product
def test_audio_clean_conversations_run_and_floor(audio_run):
    """Spoken answers are answered (no hang, no protocol timeout) and the tier floor holds."""
    recs, s = audio_run
    timeouts = [r["id"] for r in recs if any(e.startswith("no event for") for e in r["errors"])]
    assert not timeouts, f"conversations that stopped answering: {timeouts}"
    assert s["exact"]["rate"] >= AUDIO_EXACT_FLOOR, explain(recs)


@pytest.mark.audio
@needs_product
def test_audio_clean_no_emergency_under_triaged(audio_run):
    recs, s = audio_run
    assert s["emergency_under_triage"]["k"] == 0, explain([r for r in recs if r["expected_tier"] == "emergency"])
