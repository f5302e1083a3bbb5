"""The host core: one conversation per host session, memory only, bounded, expiring, never raising."""

from __future__ import annotations

import pytest

from voice_triage.content import load_content
from voice_triage.hosts.sessions import (
    MAX_TRANSCRIPT_CHARS,
    Sessions,
    clean_transcript,
    render,
)
from voice_triage.hosts.words import host_words, start_samples

CONTENT = load_content("en")
WORDS = host_words("en")
SAFETY = CONTENT.advice.safety_net


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def sessions(**kw) -> tuple[Sessions, Clock]:
    clock = Clock()
    return Sessions(CONTENT, WORDS, clock=clock, **kw), clock


@pytest.mark.parametrize("text", ["I noticed bleeding after sex", "bleeding after sex", "some spotting after intercourse",
                                  "Postcoital bleeding.", "I bled a little after having sex, what should I do?",
                                  "bleding after sex"])
def test_start_phrases(text):
    assert WORDS.is_start(text)


@pytest.mark.parametrize("text", ["turn on the kitchen light", "what time is it", "I had sex yesterday",
                                  "my nose is bleeding", "", "   ", "\ufffd\ufffd"])
def test_not_a_start_phrase(text):
    assert not WORDS.is_start(text)


def test_every_sample_starts_a_conversation():
    samples = start_samples("en")
    assert len(samples) >= 10
    assert all(WORDS.is_start(s) for s in samples)


def test_not_ours_without_a_conversation():
    s, _ = sessions()
    assert s.handle("c1", "turn on the light") is None
    assert len(s) == 0


def test_a_whole_conversation_to_an_emergency_is_then_forgotten():
    s, _ = sessions()
    first = s.handle("c1", "I noticed bleeding after sex")
    assert first.lines[0] == CONTENT.line("welcome")
    assert first.question == CONTENT.question("amount").text and not first.ended
    confirm = s.handle("c1", "I'm soaking a pad every hour")
    assert confirm.question and "Is that right?" in confirm.question  # a heard emergency is confirmed
    result = s.handle("c1", "yes")
    assert result.ended and result.tier == "emergency" and result.question is None
    assert CONTENT.advice.tier_action["emergency"] in result.lines  # action and reason: no more words

    assert not s.active("c1")
    assert s.handle("c1", "yes") is None  # gone: the next utterance is not ours


def test_stop_gives_the_tier_so_far_and_the_safety_net():
    s, _ = sessions()
    s.handle("c1", "bleeding after sex")
    s.handle("c1", "more like a period")
    s.handle("c1", "yes")  # confirms heavy: urgent so far
    stopped = s.stop("c1")
    assert stopped.ended
    assert stopped.lines[0] == CONTENT.line("stopped_so_far", action=CONTENT.advice.tier_action["urgent"])
    assert SAFETY in stopped.lines
    assert not s.active("c1") and s.stop("c1") is None


def test_stop_before_any_answer_gives_no_tier_but_the_safety_net():
    s, _ = sessions()
    s.handle("c1", "bleeding after sex")
    stopped = s.stop("c1")
    assert SAFETY in stopped.lines
    assert not any("so far" in line for line in stopped.lines)


def test_conversations_are_kept_apart():
    s, _ = sessions()
    s.handle("a", "bleeding after sex")
    s.handle("b", "bleeding after sex")
    assert "soaking" in s.handle("a", "soaking a pad every hour").question
    b = s.handle("b", "just a few drops")
    assert b.question and "soaking" not in b.text
    assert "soaking" in s.handle("a", "repeat").question  # a is still confirming its own answer


def test_idle_conversations_expire_after_five_minutes():
    s, clock = sessions()
    s.handle("a", "bleeding after sex")
    clock.now += 299
    assert s.handle("a", "just a few drops") is not None  # an answer keeps it alive
    clock.now += 299
    assert s.active("a")
    clock.now += 2
    assert not s.active("a") and len(s) == 0
    assert s.handle("a", "no") is None


def test_many_conversations_stay_bounded_and_expire():
    s, clock = sessions(max_sessions=100)
    for i in range(300):
        assert s.handle(f"c{i}", "bleeding after sex") is not None
    assert len(s) == 100
    assert not s.active("c0") and s.active("c299")  # the least recently used were let go
    clock.now += 301
    assert s.expire() == 100 and len(s) == 0


@pytest.mark.parametrize("bad", ["", "   ", "x" * (MAX_TRANSCRIPT_CHARS + 1), "\ufffd\ufffd\ufffd", "\x00\x01", None, 42,
                                 b"\xff\xfe".decode("utf-8", errors="replace")])
def test_bad_answers_get_a_re_prompt_and_the_conversation_goes_on(bad):
    s, _ = sessions()
    question = s.handle("c1", "bleeding after sex").question
    reply = s.answer("c1", bad)
    assert reply is not None and not reply.ended
    assert question in reply.text or CONTENT.question("amount").reprompt in reply.text
    assert s.handle("c1", "just a few drops").question  # it goes on


def test_an_exception_inside_the_dialog_is_a_re_prompt(monkeypatch):
    s, _ = sessions()
    s.handle("c1", "bleeding after sex")
    conv = s._held["c1"].conv

    def boom(*a, **k):
        raise RuntimeError("bug")

    monkeypatch.setattr(conv, "hear", boom)
    reply = s.answer("c1", "just a few drops")
    assert reply.lines == (CONTENT.line("not_understood"),) and reply.question == conv.pending.text


def test_clean_transcript():
    assert clean_transcript("a\x00b\ufffdc") == "a b c"
    assert clean_transcript("it's  fine\n") == "it's fine"
    assert clean_transcript("x" * (MAX_TRANSCRIPT_CHARS + 1)) is None


def test_render_skips_screen_lines():
    from voice_triage.dialog import Ask, End, Say

    r = render([Say("a"), Say("details", "screen"), Ask("q?", ("amount",), "amount")])
    assert r.lines == ("a",) and r.question == "q?" and r.text == "a q?"
    assert render([Say("bye", "goodbye"), End("user_stopped")]).ended


def test_a_spoken_stop_is_confirmed_then_gives_the_tier_so_far():
    s, _ = sessions()
    s.handle("c1", "bleeding after sex")
    s.handle("c1", "more like a period")
    s.handle("c1", "yes")
    ask = s.handle("c1", "stop")
    assert ask.question == CONTENT.line("confirm_stop") and not ask.ended
    stopped = s.handle("c1", "yes")
    assert stopped.ended and stopped.tier == "urgent"  # the tier so far: "more like a period" is urgent
    assert stopped.lines[0] == CONTENT.line("stopped_so_far", action=CONTENT.advice.tier_action["urgent"])
    assert SAFETY in stopped.lines and not s.active("c1")
