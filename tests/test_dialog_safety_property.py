"""Property (issue 11): over random answer sequences, typed or spoken, with confirmations, corrections, doubt,
late news and an early end, the tier given is never below what the person's own words call for."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from voice_triage.content import load_content
from voice_triage.dialog import Conversation
from voice_triage.dialog.belief import rank
from voice_triage.dialog.events import Ask, Result
from voice_triage.dialog.planner import tier_so_far
from voice_triage.triage.slots import SLOTS
from voice_triage.triage.tiers import RANK

CONTENT = load_content("en")
SAY = {
    "amount": {"spotting": "just a few drops", "heavy": "like a period", "soaking": "I'm soaking a pad every hour"},
    "dizzy_or_faint": {"yes": "I feel faint", "no": "I'm not dizzy"},
    "pain": {"none": "no pain", "some": "mild cramps", "severe": "the pain is severe"},
    "fever_or_unwell": {"yes": "I have a fever", "no": "no fever"},
    "unusual_discharge": {"yes": "smelly discharge", "no": "no unusual discharge"},
    "pain_peeing": {"yes": "it burns when I pee", "no": "no burning when I pee"},
    "pain_during_sex": {"yes": "sex was painful", "no": "sex didn't hurt"},
    "pregnancy_possible": {"yes": "I might be pregnant", "no": "I'm not pregnant"},
    "postmenopausal": {"yes": "my periods stopped years ago", "no": "I still have periods"},
    "frequency": {"first": "this is the first time", "occasional": "it happened once before",
                  "repeated": "it keeps happening"},
    "contraception": {"none": "none", "hormonal": "the pill", "iud": "a copper coil"},
    "blood_thinners": {"yes": "I take warfarin", "no": "no blood thinners"},
    "sores": {"yes": "I have sores", "no": "no sores"},
    "sti_risk": {"yes": "I have a new partner", "no": "same partner for years"},
    "screening_up_to_date": {"yes": "my smear is up to date", "no": "my smear is overdue"},
    "dryness": {"yes": "it was dry", "no": "it was not dry"},
    "worried": {"yes": "I'd like to be checked", "no": "no need"},
}
LATE = {"amount": "soaking", "dizzy_or_faint": "yes", "pain": "severe"}  # news more serious than any answer
DOUBT = ["I don't know", "maybe", "not sure"]


def mildest_of(slot: str):
    return min(SAY[slot], key=lambda v: rank(slot, v))


def say(slot: str, value) -> str:
    return f"I'm {value}" if slot == "age" else SAY[slot][str(value)]


#: how a correction opens: with a comma as typed, or without, as a recognizer writes it
OPENERS = ["no, ", "no ", "not quite ", "not quite, ", "that's not right ", "nope ", "that's wrong "]

personas = st.fixed_dictionaries({s: st.sampled_from(list(SAY[s])) for s in SAY}).flatmap(
    lambda p: st.integers(min_value=16, max_value=70).map(lambda age: {**p, "age": age}))


#: a yes to "dizzy or faint, or pain?", then "the pain is severe" heard "no pain" by both readings, surely
HEARD_RULED_OUT_AFTER_A_YES = dict(
    persona={**{s: mildest_of(s) for s in SAY}, "age": 30, "pain": "severe"}, spoken=True, choices=[5] * 40,
    late=None, late_at=1, end_at=40, slip_at=None, opener="no ", others=["same"] * 40, posteriors=[0.99] * 40,
    group_yes_at=1)


#: found by the property in CI: after a yes to "dizzy or faint, or pain?", the answer misheard as the mildest
#: values, with late news of soaking; "no, mild cramps" to the check of all three left the soaking possible
NEWS_IN_A_CHECK_OF_SEVERAL = dict(
    persona={**{s: "yes" for s in SAY if "yes" in SAY[s]}, "amount": "spotting", "dizzy_or_faint": "no",
             "pain": "some", "frequency": "first", "contraception": "none", "age": 16},
    spoken=True, choices=[0, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 3] + [0] * 25, late="amount", late_at=4,
    end_at=25, slip_at=None, opener="no, ", others=[None] * 40, posteriors=[0.01] * 40, group_yes_at=3)


#: found by the property (1500 examples, seed 18): "yes" to "no dizziness and mild cramps?" also heard as "no",
#: twice; the second such reply set the cramps aside as if refused, and end of input came during the walk
#: that asks them another way: the tier so far lost the cramps the person said three times
CONTESTED_TWICE_THEN_END = dict(
    persona={**{s: list(SAY[s])[0] for s in SAY}, "dizzy_or_faint": "no", "pain": "some", "age": 16},
    spoken=True, choices=[0, 0, 3, 0, 3, 0, 3, 0, 0, 0, 3] + [0] * 29, late=None, late_at=1, end_at=11,
    slip_at=None, opener="no, ", others=[None] * 4 + ["no", None, "no"] + [None] * 33, posteriors=[0.01] * 40,
    group_yes_at=None)

# found at 1500 examples, seed 24 (fails on 39a086a too): "none of these" refused, sores checked and taken, then
# "no fever, no unusual discharge, it burns when I pee, sex was painful" heard unsure: the values are walked one
# by one ("Do you have a fever, or feel ill?"), and end of input there forgot the pain heard (self-care, then
# soon with the sores, for words that call for urgent): a walk's heard values stay among what was said
WALK_AFTER_RAISES_HEARD = dict(
    persona={**{s: list(SAY[s])[0] for s in SAY}, "amount": "spotting", "dizzy_or_faint": "no", "pain": "none",
             "fever_or_unwell": "no", "unusual_discharge": "no", "pain_peeing": "yes", "pain_during_sex": "yes",
             "sores": "yes", "age": 16},
    spoken=True, choices=[0, 3, 0, 3, 0, 0, 0, 3, 3, 0, 3] + [0] * 29, late=None, late_at=1, end_at=11,
    slip_at=None, opener="no, ", others=[None] * 40, posteriors=[0.01] * 40, group_yes_at=4)


@example(**WALK_AFTER_RAISES_HEARD)
@example(**HEARD_RULED_OUT_AFTER_A_YES)
@example(**NEWS_IN_A_CHECK_OF_SEVERAL)
@example(**CONTESTED_TWICE_THEN_END)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(persona=personas, spoken=st.booleans(), choices=st.lists(st.integers(0, 9), min_size=40, max_size=40),
       late=st.sampled_from([None, *LATE]), late_at=st.integers(1, 6), end_at=st.integers(1, 40),
       slip_at=st.sampled_from([None, 0, 1, 2, 3]), opener=st.sampled_from(OPENERS),
       others=st.lists(st.sampled_from([None, "same", "yes", "no", "okay", "nope", "not sure", "soaking a pad"]),
                       min_size=40, max_size=40),
       posteriors=st.lists(st.sampled_from([0.01, 0.3, 0.7, 0.99]), min_size=40, max_size=40),
       group_yes_at=st.sampled_from([None, 0, 1, 2, 3, 4]))
def test_the_tier_is_never_below_what_the_words_call_for(persona, spoken, choices, late, late_at, end_at, slip_at,
                                                        opener, others, posteriors, group_yes_at):
    """``slip_at``: at that turn the person first names the mildest value for the question's first slot, and
    corrects it at the next turn ("no, I feel faint"). ``others``: spoken, each answer's other reading of the
    same audio (none, the same words, or a misheard yes, no, doubt or emergency). ``opener``: how a correction
    opens ("no, ", or "not quite " with no comma, as a recognizer writes it). ``posteriors``: spoken, how sure
    the recognizer was of each word (the answer's confidence is the least of them). ``group_yes_at``: spoken, at
    that turn a question about several things, one of them present, is answered with a bare "yes"; what the
    person then says at "which of these?" is heard as the mildest value of each ("no pain"); what they said counts
    as their words once they say it again, correcting a check or a value said back."""
    conv = Conversation(CONTENT)
    events = conv.start()
    stated: dict = {}  # what the person's own words said so far
    slipped = None
    group: set = set()  # a bare yes was said to a question about these: the answer to "which?" is misheard
    unheard: dict = {}  # values said but misheard: the person's words once said again, when checked or said back
    for turn, choice in enumerate(choices):
        if conv.finished:
            break
        if turn == end_at:
            events = conv.stop("end_of_input")
            break
        ask = [e for e in events if isinstance(e, Ask)][-1]
        if slipped is not None and not ask.confirm:  # the correction of the slip
            text = f"{opener}{say(slipped, persona[slipped])}"
            stated[slipped] = persona[slipped]
            slipped = None
        elif fix := [s for s, v in (ask.implied or {}).items() if s in unheard and str(v) != str(persona[s])]:
            text = f"{opener}{say(fix[0], persona[fix[0]])}"  # "No pain, thanks. ...": "no, the pain is severe"
            stated[fix[0]] = unheard.pop(fix[0])
        elif ask.confirm:
            right = all(str(persona.get(s)) == str(v) for s, v in ask.confirm.items())
            if choice < 3:  # doubt: the words called for what was proposed, if they said it
                text = DOUBT[choice]
            elif right:
                text = "yes"
            elif slipped is not None and slipped in ask.confirm:  # the slip, confirmed: corrected here
                text, stated[slipped], slipped = f"{opener}{say(slipped, persona[slipped])}", persona[slipped], None
            else:
                wrong = [s for s, v in ask.confirm.items() if s in unheard and str(v) != str(persona[s])]
                slot = wrong[0] if wrong else next(iter(ask.confirm))
                text = f"{opener}{say(slot, persona[slot])}" if slot in persona else "no"
                if slot in unheard:
                    stated[slot] = unheard.pop(slot)
            if late is not None and turn == late_at:  # news in a reply to a check ("yes, and actually ...")
                text += f", and actually {say(late, LATE[late])} now"
                persona[late] = stated[late] = LATE[late]
        else:
            slots = [s for s in ask.slots if s in persona]
            said = {s: persona[s] for s in slots}
            mildest = mildest_of(slots[0]) if slots and slots[0] in SAY else None
            if turn == slip_at and mildest is not None and rank(slots[0], said[slots[0]]) > rank(slots[0], mildest):
                slipped = slots[0]
                said[slipped] = mildest
            text = ", ".join(say(s, v) for s, v in said.items()) or "no"
            stated.update(said)
            if group and said and set(said) <= group:
                text = ", ".join(say(s, mildest_of(s)) for s in said)
                for s in said:
                    unheard[s] = stated.pop(s)
            elif spoken and turn == group_yes_at and len(said) > 1 and slipped is None and any(
                    rank(s, v) > rank(s, mildest_of(s)) for s, v in said.items()):
                text = "yes"
                for s in said:
                    del stated[s]
            group = set(said) if text == "yes" else set()
            if late is not None and turn == late_at and late in stated:
                text += f", and actually {say(late, LATE[late])} now"
                persona[late] = stated[late] = LATE[late]
        other = {None: (), "same": ((text, 0.9),)}.get(others[turn], ((others[turn], 0.9),))
        words = [(w, posteriors[(turn + i) % len(posteriors)]) for i, w in enumerate(text.replace(",", "").split())]
        conf = min((p for _, p in words), default=0.9)
        events = conv.hear(text, conf, spoken=True, alternatives=other, words=words) if spoken else conv.hear(text)
    else:
        events = conv.stop("end_of_input")
    result = next((e for e in events if isinstance(e, Result)), conv.result)
    assert result is not None
    words = tier_so_far({s: v for s, v in stated.items() if s in SLOTS})
    assert RANK[result.tier] >= RANK[words], (result.tier, words, stated, result.facts)
