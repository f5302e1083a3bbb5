"""`python -m evaluation replay`: recorded answers fed through the dialog as heard, without the recognizer."""

from __future__ import annotations

from voice_triage.content import load_content
from voice_triage.dialog import Conversation
from voice_triage.dialog.events import Ask

from evaluation.replay import replay, summarize

HEARD = [  # (recognizer text, confidence, other readings, word posteriors)
    ("well some pink streaks on the tissue", 0.2, [("will not stop", 0.5)], [("well", 0.3), ("some", 0.9)]),
    ("yep", 0.9, [("yes", 0.85)], [("yep", 0.9)]),
    ("no to all of those", 0.5, [("no to all", 0.5)], []),
    ("no i believe so comment ill those", 0.1, [("no idea", 1.0)], []),
    ("yes", 1.0, [], [("yes", 1.0)]),
]


def recorded() -> dict:
    """A record as the evaluation writes it, from a conversation run here."""
    conv = Conversation(load_content("en"))
    events = conv.start()
    turns = []
    for text, conf, alts, words in HEARD:
        ask = [e for e in events if isinstance(e, Ask)][-1]
        turns.append({"ask": {"text": ask.text}, "answer": text,
                      "heard": {"text": text, "recognized": text, "confidence": conf,
                                "alternatives": [list(a) for a in alts], "words": [list(w) for w in words]}})
        events = conv.hear(text, conf, spoken=True, alternatives=alts, words=words)
    return {"id": "x001", "turns": turns}


def test_a_record_replays_exactly_and_a_changed_hearing_shows_where():
    rec = recorded()
    assert replay(rec).diverges_at is None
    assert summarize([rec])[:2] == (1, 1)
    rec["turns"][0]["heard"]["recognized"] = "it will not stop"  # heard otherwise: asked otherwise from ask 2 on
    assert replay(rec).diverges_at == 1


def test_the_command_names_the_answer_the_dialog_now_takes_otherwise(tmp_path, capsys):
    import json

    from evaluation.__main__ import main

    rec = recorded()
    rec["turns"][0]["heard"]["recognized"] = "it will not stop"
    path = tmp_path / "run.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert main(["replay", str(path)]) == 0
    out = capsys.readouterr().out
    assert "x001: ask 2 was" in out and "after 'well some pink streaks on the tissue', heard" in out
    assert "0/1 replayed exactly" in out
