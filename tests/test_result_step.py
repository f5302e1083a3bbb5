"""The result step: what is spoken, what is on screen, "more"/"summary"/"repeat" after it, refusals, and
discreet mode (no explicit word spoken anywhere)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from voice_triage.triage.slots import SLOTS

from voice_triage.content import load_content
from voice_triage.dialog import Conversation, End, Result, Say
from voice_triage.dialog.events import PrivacyChoice

BENIGN_ANSWERS = ["just a few drops", "no", "no", "no", "28", "first time", "the pill", "none", "no", "no"]
# words that tell a bystander what this is about
EXPLICIT = {"sex", "sexual", "intercourse", "vagina", "vaginal", "genital", "genitals", "cervix", "cervical", "discharge",
            "pee", "peeing", "sti", "stis", "postcoital", "lube", "lubrication", "penetration", "herpes",
            "bleeding", "pap", "smear", "womb", "iud", "menopause", "pregnant", "pregnancy", "periods", "period",
            "condoms", "contraception", "blisters"}


@pytest.fixture(scope="module")
def content():
    return load_content("en")


def _run(content, answers, **kw):
    conv = Conversation(content, **kw)
    log = list(conv.start())
    for a in answers:
        if conv.finished:
            break
        log += conv.hear(a)
    return conv, log


def test_result_says_the_layers_and_shows_the_rest(content):
    conv, log = _run(content, BENIGN_ANSWERS)
    result = conv.result
    assert isinstance(result, Result) and isinstance(log[-1], End)
    spoken = " ".join(e.text for e in log[log.index(result) - 20:] if isinstance(e, Say) and e.kind != "screen"
                      and e.text in result.advice)
    assert spoken == result.advice
    screen = [e.text for e in log if isinstance(e, Say) and e.kind == "screen"]
    assert any(result.details in t for t in screen) and any(result.summary in t for t in screen)
    assert result.advice.endswith("'summary' for what to tell a clinician, or 'repeat'.")


def test_more_summary_repeat_after_the_result(content):
    conv, _ = _run(content, BENIGN_ANSWERS)
    more = conv.hear("more")
    assert any(isinstance(e, Say) and conv.result.details in e.text for e in more)
    summary = conv.hear("summary please")
    assert any(isinstance(e, Say) and e.text.endswith(conv.result.summary) for e in summary)
    again = conv.hear("repeat")
    assert " ".join(e.text for e in again if isinstance(e, Say) and e.kind != "info").startswith(conv.result.advice[:40])
    assert conv.hear("thanks, bye") == [] and conv.finished and conv.end_reason == "result"


def test_more_at_a_question_asks_it_again(content):
    conv = Conversation(content)
    first = conv.start()[-1]
    assert conv.hear("more")[-1].text == first.text and not conv.state.facts


def test_refusal_is_recorded_cautious_and_said_back(content):
    answers = ["just a few drops", "no", "no", "I'd rather not say", "28", "first time", "the pill", "none", "no", "no"]
    conv, _ = _run(content, answers)
    r = conv.result
    assert r.tier == "urgent" and r.facts["pregnancy_possible"] == "unknown"
    assert "pregnancy_possible" in r.refused
    assert "you preferred not to say whether you could be pregnant" in r.advice
    assert "I'd rather not say whether I could be pregnant" in r.summary


def test_discreet_mode_speaks_no_explicit_word(content):
    answers = ["help", "a little", "no", "help", "repeat", "yes", "I have burning and discharge", "yes", "help",
               "maybe", "no", "30", "help", "first time", "help", "the pill", "help", "yes", "help", "I don't know",
               "help", "yes", "no"]
    conv, log = _run(content, ["no", "discreet", *answers], privacy_check=True)
    assert conv.privacy_mode == "discreet"
    log = log[next(i for i, e in enumerate(log) if isinstance(e, PrivacyChoice)):]  # the welcome comes before
    log += conv.hear("more") + conv.hear("summary") + conv.hear("repeat")
    spoken = [e.text for e in log if getattr(e, "text", None) and not isinstance(e, Result)
              and not (isinstance(e, Say) and e.kind == "screen") and type(e).__name__ in ("Say", "Ask")]
    words = {w for t in spoken for w in re.findall(r"[a-z]+", t.lower())}
    assert not words & EXPLICIT, (words & EXPLICIT, spoken)
    assert conv.result is not None and "discharge" in conv.result.details


def test_jsonl_result_carries_three_texts():
    lines = "\n".join(BENIGN_ANSWERS) + "\n"
    p = subprocess.run([sys.executable, "-m", "voice_triage", "chat", "--jsonl"], input=lines.encode(),
                       capture_output=True, timeout=60)
    events = [json.loads(x) for x in p.stdout.decode().splitlines()]
    result = next(e for e in events if e["event"] == "result")
    assert result["advice"] and result["details"] and result["summary"].startswith("I have postcoital bleeding")
    said = " ".join(e["text"] for e in events if e["event"] == "say" and e["kind"] != "screen"
                    and e["text"] in result["advice"])
    assert said == result["advice"]


def test_questions_can_be_held_by_ear(content):
    for view in (content, content.discreet_view()):
        for q in view.questions:
            assert len(re.findall(r"[A-Za-z0-9']+", q.text)) <= 25, q.text
            for text in (q.text, q.short, q.reprompt, q.help, q.clarify or ""):
                assert not re.search(r"\b(\w+) \1\b", text.lower()), text


def test_spoken_refusal_is_said_back_as_a_refusal(content):
    conv = Conversation(content)
    conv.start()
    for a in ["just a few drops", "no", "no", "no"]:
        conv.hear(a)
    assert conv.pending.question_id == "age"
    ask = conv.hear("I'd rather not say", 0.9, spoken=True)[-1]
    assert "you'd rather not say how old you are" in ask.text and "not sure" not in ask.text


def test_groups_hold_three_items_each_one_where_yes_is_the_concern(content):
    for view in (content, content.discreet_view()):
        for q in view.questions:
            # an item named or affirmed means the value that is the concern, never the reassuring one
            assert all(SLOTS[s].trigger(v) is not None for s, v in q.item_yes.items()), q.id
            if "these" not in q.text:
                continue
            listed = re.split(r"[?:]", q.text, maxsplit=1)[1]
            items = [x for x in re.split(r"[;.]", listed) if x.strip(" ?")]
            assert len(items) <= 3, (q.id, items)
