"""Property tests (hypothesis) for the reader and for what the dialog does with a reading.

The safety property, stated precisely: let Q be the question being asked with facts F so far. For an answer
that says nothing about Q's slots (random garbage), the dialog re-prompts and after the re-prompt limit the
slots become `unknown`; so the tier it ends with is exactly the tier the unknown rule gives when the answer is
ignored, never lower. For an answer that carries a real phrase for value v of an asked slot, surrounded by
garbage, the slot is read as v or something at least as serious (a close second reading is confirmed, the
more serious one first) -- garbage around a fact never lowers what the fact triggers.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice_triage.content.loader import load_content
from voice_triage.dialog import Conversation
from voice_triage.triage.engine import assess
from voice_triage.triage.slots import SLOTS, UNKNOWN
from voice_triage.triage.tiers import RANK
from voice_triage.understanding import Understander

CONTENT = load_content()
READER = Understander(CONTENT)
QUESTIONS = {q.id: q for q in CONTENT.questions}
_VOCAB = {w for p in READER.index.phrases for w in p.split()} | {w for n in CONTENT.phrases.negations for w in n.split()}
NEUTRAL = [w for w in ["table", "window", "yesterday", "purple", "music", "river", "stone", "cloud", "banana",
                       "keyboard", "seven", "garden", "tuesday", "london", "coffee", "bicycle", "orange", "paper",
                       "television", "holiday", "umbrella", "mountain", "lorem", "ipsum", "xyzzy", "qwerty"]
           if w not in _VOCAB]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rank(slot: str, value) -> int:
    spec = SLOTS[slot]
    if value == UNKNOWN:
        return RANK[spec.unknown_floor] if spec.unknown_floor else -1
    tier = spec.trigger(value)
    return RANK[tier] if tier else -1


@FAST
@given(st.text(max_size=3000), st.sampled_from(sorted(QUESTIONS)))
def test_reader_never_raises(text, qid):
    q = QUESTIONS[qid]
    READER.read(text, asked=q.slots, question=q)


@FAST
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=500))
def test_reader_never_raises_on_any_codepoint(text):
    READER.read(text, asked=("amount",))
    READER.read(text + " stop", asked=("age",), question=QUESTIONS["age"])


def test_reader_survives_huge_input():
    import time

    big = ("soaking " + "garden " * 20_000)[:100_000]
    t = time.perf_counter()
    READER.read(big, asked=("amount",), question=QUESTIONS["amount"])
    assert time.perf_counter() - t < 1.0


garbage = st.lists(st.sampled_from(NEUTRAL), min_size=1, max_size=8).map(" ".join)


@FAST
@given(garbage, st.sampled_from([q.id for q in CONTENT.questions]))
def test_garbage_fills_nothing_known(text, qid):
    q = QUESTIONS[qid]
    r = READER.read(text, asked=q.slots, question=q)
    assert all(f.value == UNKNOWN for f in r.fills.values()) and not r.ambiguous


@settings(max_examples=25, deadline=None)
@given(st.lists(garbage, min_size=3, max_size=3), st.integers(min_value=0, max_value=8))
def test_garbage_never_lowers_the_tier(answers, benign_before):
    """Benign answers up to some question, then garbage there: the slots end unknown, the tier is the unknown rule's."""
    benign = ["a few drops", "no", "no", "no", "30", "first time", "none", "none", "no"]
    conv = Conversation(CONTENT)
    conv.start()
    for a in benign[:benign_before]:
        conv.hear(a)
    pending = conv.pending
    assert pending is not None
    slots = pending.slots
    before = dict(conv.state.facts)
    for a in answers:
        conv.hear(a)
    after = conv.state.facts
    for s in slots:
        assert after.get(s) == UNKNOWN
    ignored = {**before, **{s: UNKNOWN for s in slots}}
    assert RANK[assess(after).tier] >= RANK[assess(ignored).tier]


def _serious_phrases():
    out = []
    for q in CONTENT.questions:
        for slot in q.slots:
            if SLOTS[slot].numeric:
                continue
            for value, phrases in CONTENT.phrases.slots[slot].values.items():
                if SLOTS[slot].trigger(value) is None:
                    continue
                out += [(q.id, slot, value, p) for p in phrases]
    return out


SERIOUS = _serious_phrases()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SERIOUS), garbage, garbage)
def test_garbage_around_a_fact_never_lowers_it(item, before, after):
    qid, slot, value, phrase = item
    q = QUESTIONS[qid]
    r = READER.read(f"{before} {phrase} {after}", asked=q.slots, question=q)
    if slot in r.ambiguous:
        got = max(rank(slot, v) for v in r.ambiguous[slot])
    else:
        assert slot in r.fills, f"{phrase!r} lost in {before!r} ... {after!r}"
        got = rank(slot, r.fills[slot].value)
    assert got >= rank(slot, value), f"{before} {phrase} {after}: {r.fills.get(slot)}"


@pytest.mark.parametrize("qid,slot,value,phrase", SERIOUS)
def test_every_serious_phrase_alone_is_read_at_least_as_serious(qid, slot, value, phrase):
    q = QUESTIONS[qid]
    r = READER.read(phrase, asked=q.slots, question=q)
    vals = list(r.ambiguous.get(slot, ())) + ([r.fills[slot].value] if slot in r.fills else [])
    assert vals and max(rank(slot, v) for v in vals) >= rank(slot, value), f"{phrase!r}: {r.fills} {r.ambiguous}"
