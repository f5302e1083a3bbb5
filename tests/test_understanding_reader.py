"""Understanding unit tests: tables of (question, answer text, expected fills), in the style of hassil's tests.

Expected fills name every asked slot the answer settles; "-" means no fill at all (a re-prompt or "which?").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_triage.content.loader import load_content
from voice_triage.triage.slots import UNKNOWN
from voice_triage.understanding import Understander
from voice_triage.content.normalize import clauses, normalize
from voice_triage.understanding.numbers import read_age

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.fixture(scope="module")
def reader(content):
    return Understander(content)


def read(reader, content, qid: str, text: str):
    q = content.question(qid)
    return reader.read(text, asked=q.slots, question=q)


def fills_of(reader, content, qid: str, text: str, slots) -> dict:
    """What ``text`` at question ``qid`` says of ``slots`` only (as fills() gives it)."""
    return {s: v for s, v in fills(read(reader, content, qid, text)).items() if s in slots}


def fills(reading) -> dict:
    out = {s: f.value for s, f in reading.fills.items()}
    for s, values in reading.ambiguous.items():
        out[s] = ("?",) + tuple(values)
    return out


def parse(expected: str) -> dict:
    if expected.strip() == "-":
        return {}
    out = {}
    for kv in expected.split(","):
        k, v = kv.strip().split("=")
        out[k] = int(v) if v.isdigit() else v
    return out


def check(reader, content, qid, text, expected: dict):
    r = read(reader, content, qid, text)
    got = fills(r)
    assert r.command is None, f"{text!r} read as command {r.command}"
    for slot, value in expected.items():
        g = got.get(slot)
        assert g == value or (isinstance(g, tuple) and value in g), f"{text!r}: {slot}={g!r}, want {value!r} ({got})"
    extra = {s: v for s, v in got.items() if s not in expected}
    assert not extra, f"{text!r}: unexpected {extra}"
    return r


# -- normalisation -----------------------------------------------------------------------------------
NORMALIZE = [
    ("Yes.", "yes"), ("YES!!", "yes"), ("yes, please", "yes please"), ("I DON'T know...", "i do not know"),
    ("it doesn’t hurt", "it does not hurt"), ("I'm 35", "i am 35"), ("I haven't been dizzy", "i have not been dizzy"),
    ("an I.U.D.", "an iud"), ("pain 8/10", "pain 8 out of 10"), ("light-headed", "light headed"),
    ("  lots   of\tspace ", "lots of space"), ("dunno", "do not know"), ("wont stop", "will not stop"),
]


@pytest.mark.parametrize("text,want", NORMALIZE)
def test_normalize(text, want):
    assert normalize(text, drop_fillers=False) == want


def test_fillers_dropped(content):
    assert normalize("um, uh, I guess no thanks", fillers=content.phrases.fillers) == "no"


def test_clauses_split_at_punctuation_and_separators(content):
    got = clauses("just a few drops and it didn't hurt, no fever", content.phrases.separators)
    assert got == [["just", "a", "few", "drops"], ["it", "did", "not", "hurt"], ["no", "fever"]]


# -- tables --------------------------------------------------------------------------------------------
TABLE = [
    # normalisation of yes/no
    ("dryness", "Yes.", "dryness=yes"), ("dryness", "YES!!", "dryness=yes"), ("worried", "yes, please", "worried=yes"),
    ("worried", "Nope.", "worried=no"), ("dryness", "um no", "dryness=no"),
    # synonyms
    ("contraception", "the coil", "contraception=iud"), ("contraception", "an IUD", "contraception=iud"),
    ("contraception", "Mirena", "contraception=iud"), ("symptoms", "it burns when I wee", "pain_peeing=yes"),
    ("symptoms", "it stings when I pee", "pain_peeing=yes"),
    ("risks", "I'm overdue for my smear", "screening_up_to_date=no"),
    ("risks", "my Pap test is overdue", "screening_up_to_date=no"),
    ("risks", "I take warfarin", "blood_thinners=yes"),
    # negation
    ("symptoms", "no fever", "fever_or_unwell=no"), ("acute", "it doesn't hurt", "pain=none"),
    ("frequency", "never happened before", "frequency=first"), ("acute", "I haven't been dizzy", "dizzy_or_faint=no"),
    ("acute", "not really", "dizzy_or_faint=no,pain=none"), ("frequency", "it hasn't happened before", "frequency=first"),
    ("pregnancy_menopause", "not pregnant still have periods", "pregnancy_possible=no,postmenopausal=no"),
    ("symptoms", "no fever, just discharge", "fever_or_unwell=no,unusual_discharge=yes,pain_peeing=no,pain_during_sex=no,sores=no"),
    ("acute", "the pain isn't severe", "pain=some"),  # not severe, but pain: never "none"
    # several facts in one answer
    ("amount", "just a few drops and it didn't hurt", "amount=spotting,pain=none"),
    ("amount", "a few drops, I'm 40 and I have a coil", "amount=spotting,age=40,contraception=iud"),
    ("amount", "spotting, no fever and I'm not dizzy", "amount=spotting,fever_or_unwell=no,dizzy_or_faint=no"),
    ("acute", "not dizzy but I have some cramps", "dizzy_or_faint=no,pain=some"),
    ("symptoms", "I have a fever and it burns when I pee", "fever_or_unwell=yes,pain_peeing=yes"),
    # numbers
    ("age", "thirty five", "age=35"), ("age", "I'm 35", "age=35"), ("age", "35 years old", "age=35"),
    ("age", "thirty-six", "age=36"), ("age", "age 300", "-"), ("age", "-1", "-"), ("age", "minus one", "-"),
    ("age", "I'm in my forties, 44", "age=44"),
    # "I don't know"
    ("amount", "I don't know", "amount=unknown"), ("amount", "no idea", "amount=unknown"),
    ("amount", "dunno", "amount=unknown"), ("age", "I'd rather not say", "age=unknown"),
    ("symptoms", "not sure", "fever_or_unwell=unknown,unusual_discharge=unknown,pain_peeing=unknown,pain_during_sex=unknown,sores=unknown"),
    ("risks", "I'm not sure about my screening", "blood_thinners=unknown,sti_risk=unknown,screening_up_to_date=unknown"),
    # "no" inside "no idea", "i am" inside "i am 40", "sore" for pain vs sores, "a lot" for amount vs frequency
    ("dryness", "no idea", "dryness=unknown"), ("age", "i am 40", "age=40"),
    ("acute", "a bit sore", "pain=some"), ("risks", "a sore down there", "sores=yes"),
    ("amount", "a lot", "amount=heavy"), ("frequency", "a lot", "frequency=repeated"),
    # a one-word voice command inside other words is taken as itself, never as a slip for a phrase's word
    ("frequency", "repeat but all you", "-"), ("frequency", "repeatedly", "frequency=repeated"),
    # garbage: no reading
    ("amount", "banana keyboard purple", "-"), ("amount", "asdfgh", "-"), ("acute", "🙂🙂🙂", "-"),
    ("symptoms", "漢字かな", "-"), ("frequency", "", "-"),
]


@pytest.mark.parametrize("qid,text,expected", TABLE)
def test_table(reader, content, qid, text, expected):
    check(reader, content, qid, text, parse(expected))


def _bank():
    out = []
    for line in (HERE / "understanding" / "phrasings.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            qid, text, exp = line.split("|")
            out.append((qid, text, exp))
    return out


@pytest.mark.parametrize("qid,text,expected", _bank())
def test_phrasing_bank(reader, content, qid, text, expected):
    """Several hundred realistic answers (casual, British/US, hedged, ASR-like, typos)."""
    check(reader, content, qid, text, parse(expected))


# -- commands ------------------------------------------------------------------------------------------
COMMANDS = [("stop", "stop"), ("Stop.", "stop"), ("quit", "stop"), ("repeat that please", "repeat"),
            ("what do you mean?", "help"), ("go back", "back"), ("start over", "restart"), ("slower", "slower"),
            ("speak up", "louder"), ("too loud", "quieter"), ("faster please", "faster"),
            ("sorry, what was that?", "repeat"), ("can you say that again more slowly", "repeat"),
            ("hang on, go back", "back"), ("hmm, I'm not sure what you mean", "help")]


@pytest.mark.parametrize("text,command", COMMANDS)
def test_command_only_as_whole_answer(reader, content, text, command):
    assert read(reader, content, "amount", text).command == command


@pytest.mark.parametrize("text", ["it won't stop", "it will not stop bleeding", "I want to go back to sleep but it hurts",
                                  "the bleeding doesn't stop", "stop it is soaking everything"])
def test_command_words_inside_answers_are_not_commands(reader, content, text):
    assert read(reader, content, "amount", text).command is None


def test_it_wont_stop_is_soaking(reader, content):
    assert fills(read(reader, content, "amount", "it won't stop")) == {"amount": "soaking"}


# -- confirmation and clarification ----------------------------------------------------------------------
def test_close_readings_are_confirmed(reader, content):
    r = read(reader, content, "amount", "a few drops, actually more like a period")
    assert r.ambiguous == {"amount": ("spotting", "heavy")}


def test_typo_reading_is_weaker_but_understood(reader, content):
    r = read(reader, content, "acute", "diziness")
    assert r.fills["dizzy_or_faint"].value == "yes"


def test_approximate_age_needs_confirmation(reader, content):
    r = read(reader, content, "age", "mid thirties")
    assert r.fills["age"].value == 35 and reader.needs_confirmation(r.fills["age"])


def test_bare_yes_to_a_group_asks_which(reader, content):
    r = read(reader, content, "symptoms", "yes")
    assert r.clarify and not r.fills


def test_confirmation_turn_yes_no(reader):
    assert reader.read("yes that's right", asked=("pain",)).affirmed is True
    assert reader.read("no", asked=("pain",)).affirmed is False
    assert not reader.read("no", asked=("pain",)).fills  # without the question, "no" fills nothing


# -- numbers -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,age,bad", [("thirty five", 35, ()), ("I'm 35", 35, ()), ("age 300", None, (300,)),
                                          ("-1", None, (-1,)), ("twenty two", 22, ())])
def test_read_age(text, age, bad):
    got = read_age(text)
    assert got.age == age and got.out_of_range == bad


def test_volunteered_age_needs_a_cue(reader, content):
    assert "age" not in read(reader, content, "amount", "it happened 3 times").fills
    assert read(reader, content, "amount", "spotting, I'm 41").fills["age"].value == 41
    assert "age" not in read(reader, content, "amount", "spotting, I am 12 weeks pregnant").fills


def test_unknown_is_unknown(reader, content):
    r = read(reader, content, "acute", "I don't know")
    assert {s: f.value for s, f in r.fills.items()} == {"dizzy_or_faint": UNKNOWN, "pain": UNKNOWN}


def test_no_then_a_new_thought_is_not_negated_by_the_no():
    from voice_triage.content import load_content
    from voice_triage.understanding import Understander

    content = load_content("en")
    u, q = Understander(content), content.question("acute")
    # "no i" opens "no i do not", but "no, I feel steady on my feet" is a no, then "not dizzy"
    assert u.read("no i feel steady on my feet", asked=q.slots, question=q).fills["dizzy_or_faint"].value == "no"
    assert u.read("no i do not", asked=q.slots, question=q).affirmed is False


@pytest.mark.parametrize("text,expected", [
    ("um, yes, I've noticed some painful blisters", {"sores": "yes"}),  # the blisters hurt: not pelvic pain
    ("sore and itchy ulcers", {"sores": "yes"}),
    ("no painful blisters", {"sores": "no"}),
    ("it is painful and I have blisters", {"sores": "yes", "pain": "some"}),  # a pain of its own
    ("painful cramps", {"pain": "some"}),
])
def test_a_pain_word_right_before_sores_describes_them(reader, content, text, expected):
    got = {s: v for s, v in fills(read(reader, content, "symptoms", text)).items() if s in ("sores", "pain")}
    assert got == expected


def test_described_by_must_be_single_words(tmp_path):
    import shutil

    from voice_triage.content.loader import ContentError

    shutil.copytree(Path(__file__).parent.parent / "prompts" / "en", tmp_path / "en")
    path = tmp_path / "en" / "phrases.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("described_by: [painful,", 'described_by: ["very painful",'),
                    encoding="utf-8")
    with pytest.raises(ContentError, match="described_by"):
        load_content.__wrapped__("en", str(tmp_path))


@pytest.mark.parametrize("question,text,expected", [
    # a recognizer writes no comma: "no, same partner" is heard "no same partner". A reply's "no" before words
    # that say nothing is wrong is that reply, not their negation ("not the same partner")
    ("risks", "no same partner", {"sti_risk": "no"}),
    ("risks", "no no same partner i have tested recently", {"sti_risk": "no"}),
    ("risks", "no married", {"sti_risk": "no"}),
    ("risks", "no up to date", {"screening_up_to_date": "yes"}),
    ("symptoms", "no sex was fine", {"pain_during_sex": "no"}),
    ("acute", "no steady on my feet", {"dizzy_or_faint": "no"}),
    ("pregnancy_menopause", "no still have periods", {"postmenopausal": "no"}),
    # the words for something wrong are still negated by it, and any other negation still reaches
    ("risks", "no new partner", {"sti_risk": "no"}),
    ("risks", "not married", {"sti_risk": "yes"}),
    ("acute", "not steady on my feet", {"dizzy_or_faint": "yes"}),
    ("symptoms", "no sex was not painful", {"pain_during_sex": "no"}),
])
def test_a_reply_no_does_not_negate_words_that_say_nothing_is_wrong(reader, content, question, text, expected):
    assert fills_of(reader, content, question, text, expected) == expected


@pytest.mark.parametrize("question,text,expected", [
    # a negation before "if"/"whether" is about knowing: what follows is not known, not denied (a typo can
    # hide the "not sure" phrase: "can't tlel" was read "not light-headed")
    ("acute", "no, no pain, but I can't tlel if I'm light-headed", {"pain": "none", "dizzy_or_faint": UNKNOWN}),
    ("symptoms", "I dont knwo whether I have a fever", {"fever_or_unwell": UNKNOWN}),
    # "if" after the phrase, or with no negation before it, changes nothing
    ("acute", "I'm not dizzy if I sit down", {"dizzy_or_faint": "no"}),
    ("acute", "no if i stand up i feel faint", {"dizzy_or_faint": "yes"}),
])
def test_a_negation_before_an_embedded_question_is_about_knowing(reader, content, question, text, expected):
    assert fills_of(reader, content, question, text, expected) == expected


@pytest.mark.parametrize("question,text,expected", [
    # a thing named, then a reply that ends the clause: denied, or the no about something else ("some pain,
    # no" to "dizzy or pain?"): both readings stand, and the more serious is checked
    ("acute", "Dizzy? No.", {"dizzy_or_faint": ("?", "no", "yes")}),
    ("acute", "light-headed, not at all", {"dizzy_or_faint": ("?", "no", "yes")}),
    ("acute", "light headed not at all but some cramps", {"dizzy_or_faint": ("?", "no", "yes"), "pain": "some"}),
    ("acute", "some cramps, no", {"pain": ("?", "none", "some")}),
    ("symptoms", "Sores? None.", {"sores": ("?", "no", "yes")}),
    ("symptoms", "fever? no. discharge? yes", {"fever_or_unwell": ("?", "no", "yes"), "unusual_discharge": "yes"}),
    # more words after the reply: it is not about the thing before it
    ("acute", "I feel faint, no pain", {"dizzy_or_faint": "yes", "pain": "none"}),
    ("acute", "faint no i do", {"dizzy_or_faint": "yes"}),
    ("contraception", "none, no", {"contraception": "none"}),
])
def test_a_reply_right_after_a_thing_named_answers_it(reader, content, question, text, expected):
    assert fills_of(reader, content, question, text, expected) == expected


@pytest.mark.parametrize("question,text,expected", [
    # only a negation ends in "'t": a slip before it is still one (fresh typed-with-slips set 4826 so033)
    ("acute", "not light-headed at all and I dno't have any pain", {"dizzy_or_faint": "no", "pain": "none"}),
    ("acute", "I dont't feel faint", {"dizzy_or_faint": "no"}),
])
def test_a_slip_in_a_negation_ending_in_t_is_still_a_negation(reader, content, question, text, expected):
    assert fills_of(reader, content, question, text, expected) == expected


@pytest.mark.parametrize("text", ["it's not mild", "no that's not mild", "it is not moderate", "not slight pain"])
def test_a_degree_negated_says_how_much_not_whether(text):
    """ "It's not mild" is no "no pain": a degree denied (worse, or not that) is no value of its own. Fresh
    reverberant set 4863 ur053 (UNDER-TRIAGE, urgent -> self care): "No, that's not right" to "I understood:
    no dizziness and no pain. Is that right?" heard "no that's not mild" was taken as no pain said again."""
    reading = Understander(load_content("en")).read(text, asked=("dizzy_or_faint", "pain"))
    assert "pain" not in reading.fills and reading.denied.get("pain") == {"some"}


def test_a_no_before_a_degree_still_reads_both_ways():
    reading = Understander(load_content("en")).read("no mild cramps", asked=("dizzy_or_faint", "pain"))
    assert set(reading.ambiguous["pain"]) == {"none", "some"}
