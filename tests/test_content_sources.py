"""Every advice and explanation item names its source passage in the seeds, word for word."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from voice_triage.content import load_content
from voice_triage.content.loader import ContentError
from voice_triage.triage import SLOTS, TIERS

REPO = Path(__file__).resolve().parents[1]
SHARED_SEEDS = REPO.parent / "shared" / "seeds"


def squash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2010-\u2015]", "-", text).replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


@pytest.fixture(scope="module")
def content():
    return load_content("en")


def test_every_advice_item_quotes_a_seed(content):
    items = content.advice.sources()
    assert len(items) > 40
    for item, source in items:
        assert source.file in content.sources, f"{item}: unknown source file {source.file}"
        assert squash(source.quote) in squash(content.sources[source.file]), f"{item}: quote not in {source.file}"


def test_copied_seeds_are_the_shared_seeds(content):
    if not SHARED_SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for path in SHARED_SEEDS.glob("*.txt"):
        assert content.sources[path.name] == path.read_text(encoding="utf-8")


def test_an_item_without_a_source_fails_to_load(tmp_path):
    import shutil

    shutil.copytree(REPO / "prompts" / "en", tmp_path / "en")
    advice = yaml.safe_load((tmp_path / "en" / "advice.yaml").read_text(encoding="utf-8"))
    del advice["steps"][0]["source"]
    (tmp_path / "en" / "advice.yaml").write_text(yaml.safe_dump(advice), encoding="utf-8")
    with pytest.raises(ContentError, match="source"):
        load_content.__wrapped__("en", str(tmp_path))


def test_every_tier_has_an_action_and_every_trigger_a_reason(content):
    assert set(content.advice.tier_action) == set(TIERS)
    for slot, spec in SLOTS.items():
        for value in spec.triggers:
            assert value in content.advice.reasons[slot]
        if spec.unknown_floor:
            assert "unknown" in content.advice.reasons[slot]


def test_every_question_has_short_form_reprompt_with_examples_and_help(content):
    asked = set()
    for q in content.questions:
        assert q.text and q.short and q.reprompt and q.help
        asked.update(q.slots)
    assert asked == set(SLOTS)


def test_safety_net_is_the_spec_sentence(content):
    assert content.advice.safety_net == (
        "If you soak a pad in an hour, feel dizzy or faint, or have severe pain, get emergency help immediately."
    )


def test_summary_says_postcoital_bleeding(content):
    assert "postcoital bleeding" in content.advice.summary_opener


def test_bad_yaml_is_a_clear_error(tmp_path):
    import shutil

    shutil.copytree(REPO / "prompts" / "en", tmp_path / "en")
    (tmp_path / "en" / "questions.yaml").write_bytes(b"questions: [\xff\xfe")
    with pytest.raises(ContentError, match="questions.yaml"):
        load_content.__wrapped__("en", str(tmp_path))


def test_negated_by_must_name_negation_words(tmp_path):
    import shutil

    shutil.copytree(REPO / "prompts" / "en", tmp_path / "en")
    path = tmp_path / "en" / "phrases.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("negated_by: [not, never]", "negated_by: [not, seldom]"),
                    encoding="utf-8")
    with pytest.raises(ContentError, match="negated_by"):
        load_content.__wrapped__("en", str(tmp_path))


def test_a_question_asked_alone_names_one_of_its_several_slots(tmp_path):
    import shutil

    shutil.copytree(REPO / "prompts" / "en", tmp_path / "en")
    path = tmp_path / "en" / "questions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('      pain: "Do you have any pain right now?', '      fever_or_unwell: "Any fever?', 1),
                    encoding="utf-8")
    with pytest.raises(ContentError, match="alone"):
        load_content.__wrapped__("en", str(tmp_path))
