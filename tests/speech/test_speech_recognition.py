"""Recognition: grammar building, pocketsphinx with per-question grammars on synthesized and human speech."""

import json

import numpy as np
import pytest
from speech_testkit import SPEECH_COMMANDS, espeak, pad, add_noise

from voice_triage.audio_in import find_speech, read_audio, to_pcm16, resample
from voice_triage.recognition import build_grammar, normalize_phrase, number_words, create_recognizer

YES = ["yes", "yeah", "yep", "correct", "that's right"]
NO = ["no", "nope", "not really"]
COMMANDS = ["repeat", "help", "go back", "start over", "stop", "slower", "faster", "louder", "quieter"]


def test_normalize_and_numbers():
    assert normalize_phrase("Yes.") == "yes"
    assert normalize_phrase("  That’s RIGHT! ") == "that's right"
    assert normalize_phrase("I'm 25") == "i'm twenty five"
    assert normalize_phrase("start-over") == "start over"
    assert number_words(110) == "one hundred ten" and number_words(40) == "forty"


def test_unknown_words_dropped_and_reported_once():
    said = []
    knows = lambda w: w in {"yes", "no", "not", "really"}  # noqa: E731
    g = build_grammar(["Yes", "no", "not really", "nuvaring", "not nuvaring"], knows, engine="t1", report=said.append)
    assert g.phrases == ("yes", "no", "not really") and g.dropped_words == ("nuvaring",)
    build_grammar(["nuvaring"], knows, engine="t1", report=said.append)
    assert len(said) == 1 and "nuvaring" in said[0]
    assert json.loads(g.vosk_json()) == ["yes", "no", "not really", "[unk]"]
    assert "<phrase> = ( yes ) | ( no ) | ( not really );" in g.jsgf()


def test_pocketsphinx_knows_cmudict():
    rec = create_recognizer("pocketsphinx").recognizer
    assert rec.knows("yes") and rec.knows("don't") and not rec.knows("zorblat")
    assert rec.knows("nuvaring") and rec.knows("iud")  # from extra_words.dict


@pytest.mark.audio
def test_pocketsphinx_grammar_voices_rates_noise(pocketsphinx_rec):
    """Synthesized yes/no/command answers, 3 voices x 2 rates, clean and at 15 dB SNR."""
    rec = pocketsphinx_rec
    g = build_grammar(YES + NO + ["i don't know"] + COMMANDS, rec.knows, engine=rec.name)
    meaning = {**{w: "yes" for w in YES}, **{w: "no" for w in NO}}
    right = total = confident_wrong = clean_confident_wrong = 0
    for voice in ["en-us", "en", "en-us+f3"]:
        for rate in [130, 175]:
            for snr in [None, 15]:
                for phrase in ["yes", "no", "not really", "that's right", "i don't know", "repeat", "go back", "slower"]:
                    x, sr = espeak(phrase, voice, rate)
                    x = pad(x, sr)
                    if snr is not None:
                        x = add_noise(x, snr, seed=total)
                    s = to_pcm16(resample(x, sr))
                    utt = find_speech(s)
                    assert utt is not None, (phrase, voice, rate, snr)
                    t = rec.transcribe(utt.samples, g)
                    ok = meaning.get(t.text, t.text) == meaning.get(phrase, phrase)
                    right += ok
                    total += 1
                    confident_wrong += (not ok) and t.confidence >= 0.9
                    clean_confident_wrong += (not ok) and t.confidence >= 0.9 and snr is None
                    if not ok:
                        print("  miss:", phrase, voice, rate, snr, "->", repr(t.text), t.confidence)
    print(f"pocketsphinx, synthesized answers: {right}/{total} right, {confident_wrong} wrong with confidence >= 0.9")
    assert right >= 0.8 * total
    # measured: 88/96 right; the confident errors are all at 15 dB SNR ("i don't know" -> "faster"):
    # pocketsphinx's word posteriors within a small grammar are near 1 whatever the acoustics
    assert clean_confident_wrong == 0
    assert confident_wrong <= 0.1 * total


@pytest.mark.audio
def test_human_yes_no(pocketsphinx_rec):
    """Real speakers (Speech Commands sample): yes/no through the yes/no grammar (+ commands)."""
    files = sorted(SPEECH_COMMANDS.glob("yes/*.wav")) + sorted(SPEECH_COMMANDS.glob("no/*.wav"))
    if not files:
        pytest.skip(f"{SPEECH_COMMANDS} is not there (CI has ../shared beside the clone)")
    rec = pocketsphinx_rec
    g = build_grammar(YES + NO + ["i don't know"] + COMMANDS, rec.knows, engine=rec.name)
    meaning = {**{w: "yes" for w in YES}, **{w: "no" for w in NO}}
    right = 0
    wrong_confident = 0
    for f in files:
        utt = find_speech(read_audio(f))
        t = rec.transcribe(utt.samples if utt else read_audio(f), g)
        ok = meaning.get(t.text) == f.parent.name
        right += ok
        wrong_confident += (not ok) and t.confidence >= 0.9
    print(f"human yes/no through the yes/no grammar: {right}/{len(files)} recognized, {wrong_confident} wrong and confident")
    # measured 9/10 (one "no" decoded as a partial, low-confidence "not"); 8/10 leaves room for one
    # more miss on another machine's float rounding, and no wrong answer may come out confident
    assert right >= 8
    assert wrong_confident == 0
