"""Load and validate prompts/<lang>/*.yaml into :class:`Content`. Bad content fails loudly at start-up."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from voice_triage.paths import prompts_root
from voice_triage.content.model import (
    Advice, Cause, Content, Phrases, Question, SlotPhrases, Source, Step,
)
from voice_triage.triage.slots import AGE_BANDS, SLOTS, UNKNOWN
from voice_triage.triage.tiers import TIERS
from voice_triage.content.normalize import normalize


class _YamlLoader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false are booleans, so `yes`, `no`, `on`, `off` stay words."""


_YamlLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class ContentError(Exception):
    """prompts/ data is missing or malformed."""




def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)  # noqa: S506 (safe loader)
    except FileNotFoundError as e:
        raise ContentError(f"missing content file {path}") from e
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise ContentError(f"{path.name}: not valid YAML ({e})") from e
    if not isinstance(data, dict):
        raise ContentError(f"{path.name}: expected a mapping at the top")
    return data


def _norm_all(items: Any, where: str) -> tuple[str, ...]:
    if not isinstance(items, list):
        raise ContentError(f"{where}: expected a list of phrases")
    out = tuple(dict.fromkeys(normalize(str(p), drop_fillers=False) for p in items))
    return tuple(p for p in out if p)


def _source(raw: Any, where: str) -> Source:
    if not isinstance(raw, dict) or not raw.get("file") or not raw.get("quote"):
        raise ContentError(f"{where}: needs source: {{file, quote}}")
    return Source(str(raw["file"]), str(raw["quote"]))


_DISCREET_KEYS = ("text", "short", "reprompt", "help", "clarify", "items", "options", "alone")


def _discreet_text(raw: dict[str, Any]) -> str | None:
    d = raw.get("discreet")
    return d.get("text") if isinstance(d, dict) else d


def _discreet_words(raw: dict[str, Any], qid: str) -> dict[str, Any]:
    """A question's wording for when others may overhear: `discreet:` is the first asking, or a mapping of
    text/short/reprompt/help/clarify/items."""
    d = raw.get("discreet")
    if d is None:
        return {}
    if not isinstance(d, dict):
        return {"text": str(d)}
    bad = set(d) - set(_DISCREET_KEYS)
    if bad:
        raise ContentError(f"question {qid}: unknown discreet wording {sorted(bad)}")
    return dict(d)


def _check_options(qid: str, slots: tuple[str, ...], options: dict) -> None:
    """A question about one slot asks about every value of it (value -> question); a question about several
    asks, per slot, about some of its values (slot -> value -> question), leaving at least one: what a no to
    every one of them means."""
    if not options:
        return
    if len(slots) == 1:
        values = AGE_BANDS if SLOTS[slots[0]].numeric else SLOTS[slots[0]].values
        if set(map(str, options)) != set(values):
            raise ContentError(f"question {qid}: options must ask about every value of its one slot")
        return
    for slot, asked in options.items():
        if slot not in slots or SLOTS[slot].numeric or not isinstance(asked, dict) or not asked \
                or not set(map(str, asked)) < set(SLOTS[slot].values):
            raise ContentError(f"question {qid}: options of {slot} must ask about some of its values, not all")


def _questions(data: dict[str, Any]) -> tuple[Question, ...]:
    out = []
    seen: set[str] = set()
    for raw in data.get("questions", []):
        qid = raw["id"]
        slots = tuple(raw["slots"])
        for s in slots:
            if s not in SLOTS:
                raise ContentError(f"question {qid}: unknown slot {s}")
            if s in seen:
                raise ContentError(f"question {qid}: slot {s} is asked twice")
            seen.add(s)
        for key in ("text", "short", "reprompt", "help"):
            if not raw.get(key):
                raise ContentError(f"question {qid}: missing {key}")
        yes = {k: str(v) for k, v in (raw.get("yes") or {}).items()}
        no = {k: str(v) for k, v in (raw.get("no") or {}).items()}
        # a lone yes/no slot: a bare yes/no answers it
        if len(slots) == 1 and SLOTS[slots[0]].values == ("yes", "no"):
            yes.setdefault(slots[0], "yes")
            no.setdefault(slots[0], "no")
        for mapping in (yes, no, raw.get("item_yes") or {}):
            for slot, value in mapping.items():
                if slot not in slots or value not in SLOTS[slot].values:
                    raise ContentError(f"question {qid}: bad yes/no mapping {slot}={value}")
        discreet = raw.get("discreet") if isinstance(raw.get("discreet"), dict) else {}
        for where in (raw.get("options") or {}, discreet.get("options") or {}):
            _check_options(qid, slots, where)
        options = {str(k): str(v) for k, v in (raw.get("options") or {}).items()} if len(slots) == 1 else {}
        slot_options = {str(s): {str(k): str(v) for k, v in vs.items()}
                        for s, vs in (raw.get("options") or {}).items()} if len(slots) > 1 else {}
        alone = {str(k): str(v) for k, v in (raw.get("alone") or {}).items()}
        for where in (alone, discreet.get("alone") or {}):
            if where and (len(slots) < 2 or not set(where) <= set(slots)):
                raise ContentError(f"question {qid}: alone asks one of its several slots")
        out.append(Question(
            id=qid, slots=slots, text=raw["text"], short=raw["short"], reprompt=raw["reprompt"],
            help=raw["help"], open=bool(raw.get("open", False)), yes=yes, no=no,
            items=dict(raw.get("items") or {}), item_yes={k: str(v) for k, v in (raw.get("item_yes") or {}).items()},
            ask_if=raw.get("ask_if"), clarify=raw.get("clarify"), discreet=_discreet_text(raw),
            discreet_words=_discreet_words(raw, qid), options=options, slot_options=slot_options, alone=alone,
        ))
    missing = set(SLOTS) - seen
    if missing:
        raise ContentError(f"questions.yaml: no question asks {sorted(missing)}")
    return tuple(out)


def _phrases(data: dict[str, Any]) -> Phrases:
    slots: dict[str, SlotPhrases] = {}
    for name, spec in SLOTS.items():
        raw = (data.get("slots") or {}).get(name)
        if raw is None:
            raise ContentError(f"phrases.yaml: no phrases for slot {name}")
        values: dict[str, tuple[str, ...]] = {}
        for value, phrases in (raw.get("values") or {}).items():
            value = str(value)
            if value not in spec.values:
                raise ContentError(f"phrases.yaml: slot {name} has no value {value!r}")
            values[value] = _norm_all(phrases, f"phrases.yaml {name}.{value}")
        if not spec.numeric and set(values) != set(spec.values):
            raise ContentError(f"phrases.yaml: slot {name} lacks phrases for some values")
        negated = raw.get("negated", "flip" if spec.values == ("yes", "no") else None)
        negated_by = _norm_all(raw["negated_by"], f"phrases.yaml {name}.negated_by") if "negated_by" in raw else None
        if negated_by is not None and not set(negated_by) <= set(_norm_all(data["negations"], "negations")):
            raise ContentError(f"phrases.yaml: {name}.negated_by must list words of negations")
        described_by = _norm_all(raw.get("described_by") or [], f"phrases.yaml {name}.described_by")
        if any(" " in w for w in described_by):
            raise ContentError(f"phrases.yaml: {name}.described_by lists single words")
        slots[name] = SlotPhrases(name, values, negated, negated_by, described_by)
    return Phrases(
        negations=_norm_all(data["negations"], "negations"),
        fillers=tuple(normalize(f, drop_fillers=False) for f in data["fillers"]),
        separators=_norm_all(data["separators"], "separators"),
        affirm=_norm_all(data["affirm"], "affirm"),
        deny=_norm_all(data["deny"], "deny"),
        unknown=_norm_all(data["unknown"], "unknown"),
        slots=slots,
        age_cues=tuple(data.get("age_cues") or ()),
        extra={k: v for k, v in data.items() if k not in ("negations", "fillers", "separators", "affirm", "deny", "unknown", "slots", "age_cues")},
    )


def _advice(data: dict[str, Any]) -> Advice:
    tier_action, tier_source = {}, {}
    for tier in TIERS:
        raw = data["tiers"].get(tier)
        if not raw or not raw.get("action"):
            raise ContentError(f"advice.yaml: no action for tier {tier}")
        tier_action[tier] = raw["action"]
        tier_source[tier] = _source(raw.get("source"), f"tier {tier}")
    reasons: dict[str, dict[str, tuple[str, Source]]] = {}
    for slot, spec in SLOTS.items():
        by_value = data["reasons"].get(slot, {})
        needed = {v for v in spec.triggers} | ({"over_35"} if spec.numeric else set())
        if spec.unknown_floor:
            needed.add(UNKNOWN)
        missing = needed - set(by_value)
        if missing:
            raise ContentError(f"advice.yaml: no reason text for {slot}={sorted(missing)}")
        reasons[slot] = {
            str(v): (r["text"], _source(r.get("source"), f"reason {slot}={v}")) for v, r in by_value.items()
        }
    def facts(raw: Any) -> dict[str, tuple[str, ...]]:
        return {k: tuple(str(x) for x in v) for k, v in (raw or {}).items()}

    causes = tuple(
        Cause(c["id"], c["text"], facts(c.get("when")), tuple(c["tiers"]), _source(c.get("source"), f"cause {c['id']}"))
        for c in data["causes"]
    )
    steps = tuple(Step(s["id"], s["text"], tuple(s["tiers"]), _source(s.get("source"), f"step {s['id']}"),
                       facts(s.get("when")), facts(s.get("unless")))
                  for s in data["steps"])
    reasons_me = {slot: str(by_value[UNKNOWN].get("me") or by_value[UNKNOWN]["text"])
                  for slot, by_value in data["reasons"].items() if UNKNOWN in by_value}
    summary = data["summary"]
    words = {k: v for k, v in data.items() if k not in ("tiers", "reasons", "causes", "steps", "safety_net")}
    return Advice(
        tier_action=tier_action, tier_source=tier_source,
        tier_discreet={t: data["tiers"][t].get("discreet", tier_action[t]) for t in TIERS},
        reasons_intro=data["reasons_intro"], reasons=reasons, reasons_me=reasons_me,
        causes_intro=data["causes_intro"], causes=causes,
        steps_intro=data["steps_intro"], steps=steps,
        safety_net=data["safety_net"]["text"],
        safety_net_discreet=data["safety_net"].get("discreet", data["safety_net"]["text"]),
        safety_net_source=_source(data["safety_net"].get("source"), "safety_net"),
        summary_source=_source(summary.get("source"), "summary"),
        causes_none=(data["causes_none"]["text"], _source(data["causes_none"].get("source"), "causes_none")),
        words=words,
    )


@lru_cache(maxsize=4)
def load_content(lang: str = "en", root: str | None = None) -> Content:
    """Load prompts/<lang>/. Raises ContentError with a readable message on any problem."""
    base = Path(root) if root else prompts_root()
    folder = base / lang
    if not folder.is_dir():
        raise ContentError(f"no prompts for language {lang!r} in {base}")
    try:
        commands = {name: _norm_all(p, f"command {name}") for name, p in _read(folder / "commands.yaml")["commands"].items()}
        sources = {p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "sources").glob("*.txt"))}
        return Content(
            lang=lang,
            questions=_questions(_read(folder / "questions.yaml")),
            phrases=_phrases(_read(folder / "phrases.yaml")),
            commands=commands,
            advice=_advice(_read(folder / "advice.yaml")),
            lines=_read(folder / "dialog.yaml"),
            sources=sources,
        )
    except (KeyError, TypeError, AttributeError) as e:
        raise ContentError(f"prompts/{lang}: malformed content ({e!r})") from e
