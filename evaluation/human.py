"""The human-speech table: every yes, no and stop clip of ../shared/data/speech_commands_sample/ (real
speakers, one word each) fed as a spoken answer at a question that takes it, and counted as the dialog
takes it (not as the recognizer spelled it).

- "yes" at ``worried`` ("Would you like to be checked anyway?"): right when the dialog fills worried=yes,
  or asks to confirm exactly that;
- "no" at ``acute`` (dizziness and pain): right when it fills (or asks to confirm) no dizziness and no pain;
- "stop" at ``acute``: right when the dialog takes the stop command; it must never read a symptom into it.

Further clips (reported apart from the 15 of the target): yes, no and "right" to a check ("I understood:
age 30. Is that right?"): right when a yes (or "right") takes the age, and a no does not.

    python -m evaluation.human [--engine pocketsphinx]
"""

from __future__ import annotations

import json

from . import spec
from .recognition import HUMAN_DIR

#: text answers that bring a fresh conversation to each question (benign, and never a confirmation)
_ROUTE = {"amount": "just spotting", "acute": "no", "symptoms": "no", "pregnancy_menopause": "no", "age": "30",
          "frequency": "first time", "contraception": "none", "risks": "no", "dryness": "no",
          "worried": "no"}
WHERE = {"yes": ("worried", {"worried": "yes"}), "no": ("acute", {"dizzy_or_faint": "no", "pain": "none"}),
         "stop": ("acute", None)}
#: the further table: (word, what a reply to the check means: True yes, False no)
AT_CHECK = {"yes": True, "no": False, "right": True}
CHECKED = {"age": 30}  # what the check proposes


def conversation_at(content, qid: str):
    """A Conversation whose pending question is ``qid`` (reached by typed benign answers)."""
    from voice_triage.dialog import Conversation

    conv = Conversation(content)
    conv.start()
    for _ in range(30):
        ask = conv.pending
        if ask is None:
            break
        if ask.question_id == qid and not ask.confirm:
            return conv
        conv.hear("yes" if ask.confirm else _ROUTE.get(ask.question_id, "no"), 1.0)
    raise RuntimeError(f"the conversation never asked {qid}")


def conversation_at_check(content):
    """A Conversation asking "I understood: age 30. Is that right?" (an unsure spoken thirty)."""
    conv = conversation_at(content, "age")
    conv.hear("thirty", 0.3, spoken=True)
    ask = conv.pending
    if ask is None or not ask.confirm or {k: v for k, v in ask.confirm.items()} != CHECKED:
        raise RuntimeError("an unsure spoken age was not checked")
    return conv


def taken_at_check(events, yes: bool) -> dict:
    """How the dialog took a reply to the check: a yes takes the age; a no leaves it (and asks again)."""
    from voice_triage.dialog.events import Heard

    filled: dict = {}
    for ev in events:
        if isinstance(ev, Heard):
            filled.update(ev.filled)
    took = all(filled.get(s) == v for s, v in CHECKED.items())
    return {"ok": took if yes else not filled, "symptom": False, "filled": filled, "confirm": None, "command": None}


def taken(events, word: str) -> dict:
    """How the dialog took one spoken answer: ok, and whether it read a symptom into it."""
    from voice_triage.dialog.events import Ask, Heard

    filled: dict = {}
    command = None
    confirm = None
    for ev in events:
        if isinstance(ev, Heard):
            filled.update(ev.filled)
            command = command or ev.command
        elif isinstance(ev, Ask) and ev.confirm:
            confirm = {k: v for k, v in ev.confirm.items() if k != "command"}
            command = command or ev.confirm.get("command")  # "Do you want to stop now?": taken as stop
    reading = {**filled, **(confirm or {})}
    symptom = any(s in spec.SLOTS and spec.slot_tier(s, v) is not None
                  for s, v in reading.items())
    want = WHERE[word][1]
    ok = (command == "stop" and not reading) if want is None else (
        command is None and all(reading.get(s) == v for s, v in want.items()) and set(reading) <= set(want))
    return {"ok": bool(ok), "symptom": bool(symptom), "filled": filled, "confirm": confirm, "command": command}


def human_table(engine: str | None = None, words=("yes", "no", "stop"), answerer=None, content=None) -> dict:
    if not HUMAN_DIR.is_dir():
        return {"skipped": f"{HUMAN_DIR} not found"}
    if answerer is None:
        from voice_triage.content import load_content
        from voice_triage.frontends.audio_answer import AudioAnswerer

        content = load_content("en")
        answerer = AudioAnswerer(content, asr=engine)
    def rows(word: str, start, judge) -> dict:
        got = []
        for f in sorted((HUMAN_DIR / word).glob("*.wav")):
            conv = start()
            if hasattr(answerer, "new_conversation"):
                answerer.new_conversation()  # each clip is another person's conversation
            try:
                tr = answerer.transcribe_file(str(f), conv.pending)
                events = conv.hear(tr.text, tr.confidence, spoken=True, alternatives=tr.alternatives)
                heard = tr.text
            except Exception as e:  # noqa: BLE001 - no speech found counts as a silence
                events, heard = conv.silence(), f"<{type(e).__name__}>"
            got.append({"file": f.name, "heard": heard, **judge(events)})
        return {"k": sum(r["ok"] for r in got), "n": len(got), "symptoms": sum(r["symptom"] for r in got),
                "rows": got}

    out: dict = {"engine": answerer.engine, "words": {}, "at_check": {}}
    for word in words:
        qid = WHERE[word][0]
        out["words"][word] = {"question": qid, **rows(word, lambda q=qid: conversation_at(content, q),
                                                      lambda ev, w=word: taken(ev, w))}
    for word, yes in AT_CHECK.items():
        if (HUMAN_DIR / word).is_dir():
            out["at_check"][word] = {"question": "check", **rows(word, lambda: conversation_at_check(content),
                                                                 lambda ev, y=yes: taken_at_check(ev, y))}
    out["total"] = {"k": sum(w["k"] for w in out["words"].values()), "n": sum(w["n"] for w in out["words"].values()),
                    "stop_as_symptom": out["words"].get("stop", {}).get("symptoms", 0)}
    out["further"] = {"k": sum(w["k"] for w in out["at_check"].values()),
                      "n": sum(w["n"] for w in out["at_check"].values())}
    return out


def render(t: dict) -> list[str]:
    if "skipped" in t:
        return [f"Human yes/no/stop table: skipped ({t['skipped']})."]
    lines = [f"Human speech through the dialog ({t['engine']}, Speech Commands sample, one real speaker per clip): "
             f"{t['total']['k']}/{t['total']['n']} taken right; \"stop\" read as a symptom: "
             f"{t['total']['stop_as_symptom']}.", "", "| word | asked at | taken right | heard |", "|---|---|---|---|"]
    for w, v in [*t["words"].items(), *((f"{w} (to a check)", v) for w, v in t.get("at_check", {}).items())]:
        heard = ", ".join(f"{r['heard']!r}{'' if r['ok'] else ' ✗'}" for r in v["rows"])
        lines.append(f"| {w} | {v['question']} | {v['k']}/{v['n']} | {heard} |")
    if t.get("further", {}).get("n"):
        lines += ["", f"Further clips (yes, no and \"right\" to \"I understood: age 30. Is that right?\"): "
                      f"{t['further']['k']}/{t['further']['n']} taken right."]
    return lines


def _main() -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m evaluation.human", description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", default=None)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    t = human_table(a.engine)
    print(json.dumps(t, indent=1) if a.json else "\n".join(render(t)))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())

