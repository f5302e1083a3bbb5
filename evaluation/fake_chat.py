"""A stand-in for ``voice-triage chat --jsonl``, for the evaluation's own unit tests only.

It speaks the same line protocol, asks single, grouped, open and confirm questions, and understands
answers by looking up the phrasing bank in reverse (so it understands the simulated patient perfectly).
It lets the simulator, the metrics and the report be tested before and independently of the product.
Never used to measure the product.

    python -m evaluation.fake_chat [--confirm-amount] [--wrong-age]
"""

from __future__ import annotations

import json
import re
import sys

from . import phrasing, spec

PLAN: list[dict] = [
    {"slots": ["amount"], "open": True, "text": "Tell me what happened: how much blood is there?"},
    {"slots": ["dizzy_or_faint"], "text": "Do you feel dizzy or faint?"},
    {"slots": ["pain"], "text": "Do you have any pain now?"},
    {"slots": ["pregnancy_possible", "postmenopausal", "fever_or_unwell"], "text": "Do you have any of these: ...?"},
    {"slots": ["unusual_discharge", "pain_peeing", "pain_during_sex"], "text": "Any of these: ...?"},
    {"slots": ["frequency"], "text": "Has this happened before?"},
    {"slots": ["age"], "text": "How old are you?"},
    {"slots": ["contraception"], "text": "Which birth control do you use, if any?"},
    {"slots": ["screening_up_to_date"], "text": "Are you up to date with cervical screening?"},
    {"slots": ["sti_risk", "blood_thinners", "sores"], "text": "Any of these: ...?"},
    {"slots": ["dryness"], "text": "Was there dryness, or was sex rough?"},
    {"slots": ["worried"], "text": "Would you like to be checked anyway?"},
]


def norm(t: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' -]+", " ", t.lower()).split())


class Understander:
    def __init__(self) -> None:
        self.bank = phrasing.load_bank()
        g = self.bank["generic"]
        self.generic = {k: {norm(x) for x in g[k]} for k in ("yes", "no", "unknown", "none_of_those")}
        self.clauses = {slot: sorted(((norm(c), v) for v, cs in vals.items() for c in cs), key=lambda x: -len(x[0]))
                        for slot, vals in self.bank["slots"].items()}

    def find(self, slot: str, text: str) -> str | None:
        for c, v in self.clauses[slot]:
            if len(c.split()) >= 2 or re.search(rf"\b{re.escape(c)}\b", text) and len(c) > 3:
                if re.search(rf"(^|\W){re.escape(c)}($|\W)", text):
                    return v
        return None

    def age(self, text: str):
        if any(norm(u) in text for u in self.bank["age"]["unknown"]) or text in self.generic["unknown"]:
            return "unknown"
        m = re.search(r"\d+", text)
        if m:
            return int(m.group())
        words = text.replace("-", " ")
        for n in range(120, 0, -1):
            if re.search(rf"\b{phrasing.number_words(n)}\b", words):
                return n
        return None

    def strip(self, text: str) -> str:
        text = norm(text)
        for f in self.bank["generic"]["fillers"]:
            f = norm(f)
            if text.startswith(f + " "):
                text = text[len(f) + 1:]
        return text

    def understand(self, ask: dict, raw: str) -> dict:
        text = self.strip(raw)
        slots = ask["slots"]
        if ask.get("confirm"):
            if text in {norm(x) for x in self.bank["generic"]["confirm_yes"]}:
                return dict(ask["confirm"])
            return {}
        filled: dict = {}
        if "age" in slots:
            a = self.age(text)
            if a is not None:
                filled["age"] = a
            return filled
        scan = list(spec.SLOTS) if ask.get("open") else slots
        for s in scan:
            if s == "age":
                continue
            v = self.find(s, text)
            if v is not None:
                filled[s] = v
        if len(slots) == 1 and slots[0] not in filled:
            for key in ("yes", "no", "unknown"):
                if text in self.generic[key] or text.split(",")[0] in self.generic[key] and key != "unknown":
                    if key == "unknown" or spec.SLOTS[slots[0]] == ("yes", "no"):
                        filled[slots[0]] = key
                    break
        elif len(slots) > 1:
            neg = any(text.startswith(x) for x in self.generic["none_of_those"]) or text.startswith("no")
            for s in slots:
                if s not in filled and (neg or any(filled.get(o) == "yes" for o in slots)):
                    filled[s] = "no"
        return filled


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    wrong_age = "--wrong-age" in argv
    u = Understander()
    facts: dict = {}
    questions = 0

    def out(obj: dict) -> None:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    out({"event": "say", "text": "Hello (fake)."})
    for ask in PLAN:
        if all(s in facts for s in ask["slots"]):
            continue
        tries = 0
        while True:
            out({"event": "ask", **ask})
            questions += 1
            line = sys.stdin.readline()
            if not line:
                out({"event": "end", "reason": "input ended"})
                return 0
            try:
                obj = json.loads(line)
                text = obj.get("text", "") if isinstance(obj, dict) else str(obj)
            except json.JSONDecodeError:
                obj, text = None, line.strip()
            if isinstance(obj, dict) and "audio" in obj:
                # no recognizer here: report what arrived, understand nothing
                import soundfile as sf

                info = sf.info(obj["audio"])
                out({"event": "heard", "text": f"<wav {info.samplerate} {info.duration:.2f} {obj['audio']}>",
                     "filled": {}})
                for s in ask["slots"]:
                    facts.setdefault(s, "unknown")
                break
            filled = u.understand(ask, text)
            if wrong_age and "age" in filled and filled["age"] != "unknown":
                filled["age"] = int(filled["age"]) + 1
            out({"event": "heard", "text": text, "filled": filled})
            facts.update(filled)
            if all(s in facts for s in ask["slots"]) or tries >= 1:
                for s in ask["slots"]:
                    facts.setdefault(s, "unknown")
                break
            tries += 1
        if "--confirm-amount" in argv and ask["slots"] == ["amount"]:
            c = {"event": "ask", "slots": ["amount"], "text": "Did I get that right?", "confirm": {"amount": facts["amount"]}}
            out(c)
            line = sys.stdin.readline()
            text = json.loads(line).get("text", "")
            ok = u.understand(c, text)
            out({"event": "heard", "text": text, "filled": ok})
            if not ok:
                facts["amount"] = "unknown"
        if spec.label(facts)["tier"] == "emergency":
            break
    lab = spec.label(facts)
    reasons = [{"slot": r["slot"], "value": r["value"], "tier": r["tier"], "text": "(fake)"} for r in lab["reasons"]]
    out({"event": "result", "tier": lab["tier"], "reasons": reasons, "facts": facts, "questions": questions,
         "text": "(fake advice)"})
    out({"event": "end", "reason": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
