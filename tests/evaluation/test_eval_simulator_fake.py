"""The simulated patient against evaluation.fake_chat (a protocol stand-in that understands the bank
perfectly): checks the driving loop, the records, the scoring and the report rendering — not the product."""

import json
import os
import sys

import pytest

from evaluation import audio, metrics, report, simulator, vignettes

FAKE = [sys.executable, "-m", "evaluation.fake_chat"]


def test_simulated_patient_drives_the_protocol():
    vs = vignettes.stratified(vignettes.load(), 16)
    recs = simulator.run_many(vs, workers=2, cmd=FAKE, timeout=30)
    assert len(recs) == 16
    for r in recs:
        assert r["tier"] is not None, r["errors"]
        assert r["turns"] and all(t["heard"] is not None for t in r["turns"])
        assert r["end"]
    s = metrics.summarize(recs)
    assert s["exact"]["rate"] >= 0.9
    assert s["emergency_under_triage"]["k"] == 0


def test_confirm_turns_are_answered_from_the_persona():
    vs = [v for v in vignettes.load() if v["persona"]["amount"] in ("heavy", "soaking")][:3]
    recs = simulator.run_many(vs, workers=1, cmd=FAKE + ["--confirm-amount"], timeout=30)
    for r in recs:
        confirms = [t for t in r["turns"] if t["ask"].get("confirm")]
        assert confirms and confirms[0]["heard"]["filled"] == confirms[0]["ask"]["confirm"]
        assert r["tier"] == r["expected_tier"]


def test_misunderstanding_shows_in_slot_accuracy():
    vs = [v for v in vignettes.load() if v["expected_tier"] == "self_care"][:4]
    recs = simulator.run_many(vs, workers=2, cmd=FAKE + ["--wrong-age"], timeout=30)
    s = metrics.summarize(recs)
    assert s["slot_accuracy"]["rate"] < 1.0


def test_end_of_output_without_result_is_recorded():
    rec = simulator.run_conversation(vignettes.load()[0], cmd=[sys.executable, "-c", "print('{\"event\":\"say\",\"text\":\"hi\"}')"],
                                     timeout=20)
    assert rec["tier"] is None and rec["errors"]


def test_report_renders_from_a_run(tmp_path):
    data = report.run_report(quick=True, cmd=FAKE, do_audio=False, docs_dir=tmp_path, text_n=12)
    md = (tmp_path / "evaluation.md").read_text()
    assert "| text | 12 |" in md and "Audio mode not measured" in md
    assert (tmp_path / "img" / "confusion_text.png").stat().st_size > 1000
    assert (tmp_path / "img" / "questions.png").stat().st_size > 1000
    j = json.loads((tmp_path / "evaluation.json").read_text())
    assert j["text"]["summary"]["n"] == 12
    assert data["targets"]["lines"]


def test_snr_plot_renders(tmp_path):
    s = {"exact": {"rate": 0.9}}
    fake = {"pocketsphinx": {c: {"summary": s, "wer": {"wer": w}} for c, w in
                             (("clean", 0.1), ("snr20", 0.15), ("snr10", 0.3), ("snr5", 0.5))}}
    report.plot_snr(fake, tmp_path / "snr.png")
    assert (tmp_path / "snr.png").stat().st_size > 1000


def test_findings_list_misreads_and_mishearings(tmp_path):
    from evaluation.findings import write_findings

    v = vignettes.load()[0]
    persona = dict(v["persona"], dizzy_or_faint="no")
    text_rec = {"id": "t1", "expected_tier": "self_care", "tier": "emergency", "persona": persona, "errors": [],
                "turns": [{"ask": {"slots": ["dizzy_or_faint"], "text": "Dizzy?"}, "answer": "definitely not",
                           "heard": {"text": "definitely not", "filled": {"dizzy_or_faint": "yes"}}}]}
    audio_rec = dict(text_rec, id="a1", voice="en-us/s150/p50",
                     turns=[{"ask": {"slots": ["dizzy_or_faint"]}, "answer": "no",
                             "heard": {"text": "go", "filled": {}}}])
    path = write_findings([text_rec], path=tmp_path / "f.md", audio={"pocketsphinx, clean": [audio_rec]})
    md = path.read_text()
    assert "definitely not" in md and "t1: expected self_care, got emergency" in md
    assert "Spoken answers misheard (pocketsphinx, clean)" in md and "| a1 |" in md


@pytest.mark.skipif(not audio.have_espeak(), reason="espeak-ng not installed")
def test_audio_mode_sends_private_wavs_that_are_deleted_afterwards():
    v = vignettes.load()[10]
    rec = simulator.run_conversation(v, mode="audio", condition="snr10", cmd=FAKE, timeout=30)
    heard = [t["heard"]["text"] for t in rec["turns"]]
    assert heard and all(h.startswith("<wav ") for h in heard)
    paths = [h.split()[-1].rstrip(">") for h in heard]
    assert all("vt-eval-" in p for p in paths)
    assert not any(os.path.exists(p) for p in paths)
    assert rec["voice"] and rec["condition"] == "snr10"


def test_typos_condition_changes_some_answers():
    vs = vignettes.stratified(vignettes.load(), 8)
    clean = simulator.run_many(vs, workers=2, cmd=FAKE, timeout=30)
    typos = simulator.run_many(vs, workers=2, cmd=FAKE, condition="typos", timeout=30)
    a = [t["answer"] for r in clean for t in r["turns"]]
    b = [t["answer"] for r in typos for t in r["turns"]]
    assert a != b and typos[0]["condition"] == "typos"
