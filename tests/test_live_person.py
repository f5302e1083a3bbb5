"""The scripted person of the live benchmark judges the assistant's checks as the person would: a check that
says the person's own words back agrees with them, one that says something else does not."""

import time

import pytest

from voice_triage.commands.live_person import Person, Turn
from voice_triage.content import load_content


@pytest.fixture(scope="module")
def person(tmp_path_factory):
    return Person(rig=None, content=load_content("en"), answers={}, voice="en-us-nyc")


@pytest.mark.parametrize("answer, reading, agrees", [
    ("the pill", "the pill", True),  # the person's own words, said back
    ("the pill", "hormonal birth control", True),
    ("the pill", "a copper coil", False),
    ("thirty", "age 30", True),
    ("thirty", "age 40", False),
    ("just spotting", "a little spotting", True),
    ("this is the first time", "it is the first time", True),
    ("this is the first time", "it keeps happening", False),
    ("no", "no fever, no sores and no pain when you pee", True),
    ("no", "no fever and a new partner", False),
])
def test_the_person_agrees_with_a_check_only_when_it_says_what_they_meant(person, answer, reading, agrees):
    person.turns[:] = [Turn(time.perf_counter(), "q", answer, False, 0.5)]
    assert person._agrees(reading) is agrees


@pytest.mark.parametrize("script, asked, says", [
    ({"frequency": "this is the first time"}, "Is this the first time?", "yes"),
    ({"frequency": "this is the first time"}, "Does it keep happening?", "no"),
    ({"contraception": "the pill"}, "Do you use the pill, a patch, ring, implant or injection?", "yes"),
    ({}, "Do you use condoms only, or no birth control?", "yes"),  # not scripted: "no" (none)
    ({"amount": "just spotting"}, "Are you soaking a pad in an hour or less?", "no"),
    ({"age": "thirty"}, "Are you older than 35?", "no"),
    ({"age": "thirty"}, "Are you 35 or younger?", "yes"),
])
def test_the_person_answers_a_yes_no_option_by_what_they_meant(script, asked, says):
    p = Person(rig=None, content=load_content("en"), answers=script, voice="en-us-nyc")
    p.lines.append((time.perf_counter(), asked))
    kind, words = p.reply()
    assert kind == "confirm" and p._last_confirm == says


def test_the_person_says_no_to_a_wrong_value_said_back_and_goes_on_after_a_right_one():
    p = Person(rig=None, content=load_content("en"), answers={"age": "thirty"}, voice="en-us-nyc")
    p.turns.append(Turn(time.perf_counter(), "age", "thirty", False, 0.5))
    p.lines += [(0.0, "Age 38, thanks."), (0.0, "Has this happened before?")]
    kind, words = p.reply()
    assert kind == "implicit" and words.startswith("no")
    p.lines += [(0.0, "Age 30, thanks."), (0.0, "Has this happened before?")]
    assert p.reply()[0] == "frequency"


def test_a_wrong_value_said_back_is_corrected_by_a_no_or_by_the_answer_said_again():
    said = set()
    for seed in range(12):
        p = Person(rig=None, content=load_content("en"), answers={"age": "thirty"}, voice="en-us-nyc", seed=seed)
        p.turns.append(Turn(time.perf_counter(), "age", "thirty", False, 0.5))
        p.lines += [(0.0, "Age 38, thanks."), (0.0, "Has this happened before?")]
        said.add(p.reply()[1])
    assert "no, thirty" in said and said & {"no, that's wrong", "no that's not right"}


def test_a_check_is_judged_against_the_question_asked_not_the_last_answer():
    """"Age 40, thanks. Has this happened before?" - "no, that's not right" (about the age), heard as a no to
    the new question: "I understood: the first time" is then judged by what the person means about it."""
    p = Person(rig=None, content=load_content("en"), answers={"age": "thirty", "frequency": "this is the first time"},
               voice="en-us-nyc")
    p.turns.append(Turn(time.perf_counter(), "age", "thirty", False, 0.5))
    p.lines += [(0.0, "Age 40, thanks."), (0.0, load_content("en").question("frequency").text)]
    assert p.reply()[0] == "implicit"
    p.turns.append(Turn(time.perf_counter(), "implicit", "no, that's wrong", False, 0.5))
    p.lines += [(0.0, "(heard: no right)"), (0.0, "I understood: the first time. Is that right?")]
    assert p.reply()[0] == "confirm" and p._last_confirm == "yes"


def test_with_no_tone_heard_the_person_answers_after_a_silence():
    # a listening tone cut short by an underrun is not noticed: after the question's sound and a silence
    # of NO_TONE_S the person answers anyway; not while the assistant is still speaking, not twice
    from voice_triage.commands.live_person import NO_TONE_S

    p = Person(rig=None, content=load_content("en"), answers={}, voice="en-us-nyc")
    now = time.perf_counter()
    p.lines[:] = [(now - 10.0, "How old are you?")]
    p.heard.onsets[:], p.heard.ends[:] = [now - 9.9], [now - 8.0]
    assert p._silence_after_question()
    p.heard.ends[-1] = now - NO_TONE_S / 2  # still speaking a moment ago
    assert not p._silence_after_question()
    p.heard.ends[-1] = now - 8.0
    p.turns[:] = [Turn(now - 5.0, "age", "thirty", False, 0.5)]  # already answered it
    assert not p._silence_after_question()
