"""The capture front-end (issue 15): quiet voices are heard as loud ones, short yes/no answers start an
answer at questions that take them, digital silence is never speech, faint answers are noticed."""

import numpy as np
import pytest
from speech_testkit import SPEECH_COMMANDS, espeak, trim

from voice_triage.audio_in import (
    FRAME,
    EndpointConfig,
    Endpointer,
    find_speech,
    frames_of,
    resample,
    to_pcm16,
)
from voice_triage.audio_in.frontend import (
    FaintWatch,
    FrontEnd,
    check_level,
    expects_yes_no,
)
from voice_triage.content import load_content
from voice_triage.dialog.events import Ask

pytestmark = pytest.mark.audio


def speech16(text: str, voice: str = "en-us", rate: int = 150) -> np.ndarray:
    x, sr = espeak(text, voice, rate)
    return to_pcm16(resample(trim(x), sr))


def quieter(x: np.ndarray, db: float) -> np.ndarray:
    return np.rint(x.astype(np.float64) * 10 ** (db / 20)).astype(np.int16)


def in_room(x: np.ndarray, lead_s: float = 1.0, tail_s: float = 1.5, noise: float = 3.0, seed: int = 0) -> np.ndarray:
    """Speech between stretches of a quiet room (microphone self-noise of a few LSB)."""
    rng = np.random.default_rng(seed)
    n = lambda s: rng.normal(0, noise, int(s * 16000))
    y = np.concatenate([n(lead_s), x.astype(np.float64) + rng.normal(0, noise, len(x)), n(tail_s)])
    return np.clip(np.rint(y), -32768, 32767).astype(np.int16)


def first_utterance(stream: np.ndarray, cfg: EndpointConfig):
    ep = Endpointer(cfg)
    for f in frames_of(stream):
        u = ep.push(f)
        if u is not None:
            return u
    return ep.finish()


@pytest.mark.parametrize("db", [0, -25, -30])
def test_quiet_answer_is_found_and_brought_to_one_level(db):
    x = speech16("no, I don't think so")
    utt = find_speech(quieter(x, db))
    assert utt is not None and utt.speech_s > 0.5
    assert utt.level_dbfs == pytest.approx(-19 + db, abs=4)  # how loud it arrived
    out = utt.samples.astype(np.float64)
    loud = np.percentile(np.abs(out), 99)
    assert 20 * np.log10(loud / 32768) > -20  # brought up, whatever the level it came at


def test_quiet_answers_through_the_microphone_path():
    x = speech16("just a few drops")
    for db in (0, -25, -30):
        u = first_utterance(in_room(quieter(x, db)), EndpointConfig())
        assert u.reason == "end", db
        assert len(u.samples) >= len(x)


def test_digital_silence_and_room_noise_are_not_speech():
    assert find_speech(np.zeros(16000 * 3, np.int16)) is None
    u = first_utterance(in_room(np.zeros(0, np.int16), 1.0, 2.0, noise=40.0), EndpointConfig(no_input_timeout_s=2.0))
    assert u.reason == "timeout"


def test_short_no_starts_an_answer_at_a_yes_no_question():
    no = speech16("no", "en+f3", 260)
    stream = in_room(no, 1.0, 1.5)
    short = first_utterance(stream, EndpointConfig().for_yes_no(True))
    assert short.reason == "end" and short.speech_s < 0.3
    assert first_utterance(stream, EndpointConfig()).reason == "timeout"  # elsewhere 0.3 s of speech is needed
    assert EndpointConfig().for_yes_no(False).short_start_s is None


def test_which_questions_take_a_bare_yes_or_no():
    c = load_content("en")
    assert expects_yes_no(Ask("", ("worried",), "worried"), c)
    assert expects_yes_no(Ask("", ("dizzy_or_faint", "pain"), "acute"), c)
    assert expects_yes_no(Ask("", (), "confirm", confirm={"pain": "none"}), c)
    assert not expects_yes_no(Ask("", ("age",), "age"), c)
    assert not expects_yes_no(None, c)


def test_faint_answers_are_told_once():
    w = FaintWatch(after=2)
    assert [w.heard(v) for v in (-50, -20, -50, -50, -50, -50, None)] == [False, False, False, True, False, False, False]


def test_level_check_says_move_closer_for_a_faint_voice():
    x = in_room(speech16("I noticed some bleeding after sex and I am not sure what to do"), 0.3, 0.3)
    assert check_level(x).verdict == "good"
    faint = check_level(quieter(x, -30))
    assert faint.verdict == "faint" and "closer" in faint.advice
    assert check_level(np.zeros(16000 * 3, np.int16)).verdict == "none"


def test_front_end_state_carries_over_and_keeps_frame_size():
    fe = FrontEnd()
    x = in_room(quieter(speech16("yes"), -25), 0.3, 0.5)
    for f in frames_of(x):
        assert len(fe.clean(f)) == FRAME
    u = find_speech(x, frontend=fe)
    assert u is not None and fe.last_levels  # the next answer's start is gained from this one's level


def test_human_yes_no_stop_through_the_dialog():
    """Real speakers' yes, no and stop, fed at questions that take them, counted as the dialog takes them."""
    import os
    from pathlib import Path

    from evaluation import human

    where = Path(os.environ.get("VT_SPEECH_COMMANDS") or SPEECH_COMMANDS)
    if not where.is_dir():
        pytest.skip(f"{where} is not there (CI has ../shared beside the clone)")
    human.HUMAN_DIR = where
    t = human.human_table("pocketsphinx")
    assert t["words"]["stop"]["symptoms"] == 0  # a stop is never read as a symptom
    assert t["words"]["yes"]["k"] + t["words"]["no"]["k"] >= 9
    assert t["total"]["k"] >= 14
    assert t["further"]["k"] >= 13  # yes, no and "right" to a check


def test_a_new_conversation_forgets_the_last_speaker():
    """The recognizer adapts to a voice over a conversation; the next person's answers are heard as if
    they came first (the same clip after other people's answers reads the same as on a fresh start)."""
    import os
    from pathlib import Path

    from evaluation.human import conversation_at
    from voice_triage.content import load_content
    from voice_triage.frontends.audio_answer import AudioAnswerer

    where = Path(os.environ.get("VT_SPEECH_COMMANDS") or SPEECH_COMMANDS)
    if not where.is_dir():
        pytest.skip(f"{where} is not there (CI has ../shared beside the clone)")
    content = load_content("en")
    ask = conversation_at(content, "acute").pending
    clip = sorted((where / "stop").glob("*.wav"))[1]

    def read(a):  # (the noise floor's dither differs from run to run: confidences to two places)
        tr = a.transcribe_file(str(clip), ask)
        return tr.text, [(t, round(c, 2)) for t, c in tr.alternatives]

    a = AudioAnswerer(content, asr="pocketsphinx")
    first = read(a)
    for f in sorted((where / "no").glob("*.wav")) + sorted((where / "yes").glob("*.wav")):
        a.transcribe_file(str(f), ask)
    a.new_conversation()
    assert read(a) == first


class ArrayMic:
    """A capture device that plays given recordings as 30 ms frames (the endpointer, front-end, recognizer
    and dialog behind it are the real ones)."""

    def __init__(self):
        self.queue: list[np.ndarray] = []

    def flush(self):
        pass

    def listen(self, config, endpointer=None, on_start=None):
        stream = self.queue.pop(0)
        for f in frames_of(stream):
            u = endpointer.push(f)
            if u is not None:
                return u
        return endpointer.finish()


def test_voice_loop_asks_to_come_closer_once_when_answers_keep_arriving_faint(tmp_path):
    from voice_triage.dialog import Conversation
    from voice_triage.frontends.voice import VoiceChat

    content = load_content("en")
    printed = []
    chat = VoiceChat(content, asr="pocketsphinx", tts_out=str(tmp_path / "tts"), use_microphone=False,
                     out=printed.append, read_line=lambda p: "", err=lambda m: None)
    chat.mic = ArrayMic()
    chat.conv = Conversation(content)
    ask = [e for e in chat.conv.start() if isinstance(e, Ask)][0]
    faint_line = content.line("faint")
    loud = in_room(speech16("just a few drops"), 0.5, 1.0)
    chat.mic.queue.append(loud)
    chat.listen(ask)
    assert faint_line not in printed
    for _ in range(3):  # a soft voice at arm's length: about -47 dBFS
        chat.mic.queue.append(in_room(quieter(speech16("no, nothing like that"), -28), 0.5, 1.0))
        chat.listen(chat.conv.pending)
    assert printed.count(faint_line) == 1
    assert not any("didn't hear" in p for p in printed)
