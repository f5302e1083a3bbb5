"""The capture timing of the live loop, without a sound server: the microphone keeps audio by capture
time from the cut-off (the tone's end as heard) on, drops what came before, and flushes nothing after it;
at a yes/no question a 0.2 s "yes" starts an answer; the sound libraries' messages stay off stderr."""

import io
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from voice_triage.audio_in import EndpointConfig, Endpointer, Microphone, frames_of
from voice_triage.audio_in.endpoint import FRAME
from voice_triage.speech_out.player import HalfDuplex


class _Running:
    active = True


def _mic() -> Microphone:
    mic = Microphone()
    mic._stream = _Running()  # frames() reads the queue; no device is opened
    return mic


def _block(value: int, n: int = FRAME) -> np.ndarray:
    return np.full(n, value, np.int16)


def test_audio_before_the_cut_off_is_dropped_and_after_it_kept():
    mic = _mic()
    t = 100.0
    mic.unmute(keep_from=t)
    mic._q.put((t - 0.5, _block(1)))  # the tone's echo, arriving late: dropped
    mic._q.put((t - FRAME / 2 / 16000, _block(2)))  # straddles the cut-off: only its second half is kept
    mic._q.put((t + 0.01, _block(3)))  # the answer
    mic._q.put((t + 0.04, _block(4)))
    frames = mic.frames()
    got = np.concatenate([next(frames) for _ in range(2)])
    assert 1 not in got
    assert (got == 2).sum() == FRAME // 2
    assert (got == 3).sum() == FRAME and (got == 4).sum() == FRAME // 2  # the rest waits in the carry
    assert mic.flushed == 1


def test_half_duplex_waits_for_nothing_and_keeps_the_answer():
    """After playback the microphone takes audio at once; audio captured after the guard is never flushed,
    however late the loop reads it."""
    import time

    mic = _mic()
    t0 = time.perf_counter()
    with HalfDuplex(mic, guard_s=0.4) as hd:
        hd.played_until = t0
        assert mic._muted.is_set()
    assert time.perf_counter() - t0 < 0.1  # no sleeping guard
    assert not mic._muted.is_set()
    mic._q.put((t0 + 0.2, _block(5)))  # echo within the guard
    mic._q.put((t0 + 0.45, _block(6)))  # the person, right after
    assert (next(mic.frames()) == 6).all()


@pytest.mark.audio
@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_a_short_yes_starts_an_answer_at_a_yes_no_question():
    """A 0.2 s "yes" (espeak-ng at 300 words a minute) starts an utterance with the yes/no start rule of the
    voice loop; with the general rule (0.3 s of speech) it would be lost as "no answer heard"."""
    import soundfile as sf

    from voice_triage.audio_in import resample, to_pcm16
    from voice_triage.content import load_content
    from voice_triage.dialog import Conversation
    from voice_triage.audio_in.endpoint import SHORT_START_S
    from voice_triage.frontends.voice import VoiceChat

    wav = subprocess.run(["espeak-ng", "-v", "en-us-nyc", "-s", "300", "--stdout", "yes"], capture_output=True,
                         check=True).stdout
    x, sr = sf.read(io.BytesIO(wav), dtype="float32")
    idx = np.flatnonzero(np.abs(x) > 0.01)
    assert (idx[-1] - idx[0]) / sr < 0.25
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 3e-4, sr // 2), x, rng.normal(0, 3e-4, sr)]).astype(np.float32)
    pcm = to_pcm16(resample(x, sr))

    def starts(cfg):
        ep = Endpointer(cfg)
        for f in frames_of(pcm):
            if ep.push(f) is not None or ep.started:
                return ep.started
        return False

    content = load_content("en")
    chat = VoiceChat.__new__(VoiceChat)  # only the start rule is used: no recognizer, no devices
    chat.content, chat.endpoint = content, EndpointConfig()
    conv = Conversation(content, privacy_check=True)
    privacy = next(e for e in conv.start() if hasattr(e, "question_id"))
    assert chat.start_rule(privacy).short_start_s == SHORT_START_S
    amount = conv.hear("yes", 1.0)[-1]
    assert chat.start_rule(amount).short_start_s is None  # an open question
    assert starts(chat.start_rule(privacy))
    assert not starts(EndpointConfig())  # the mechanism that lost it


def test_alsa_messages_go_to_the_debug_log_not_the_terminal(tmp_path):
    """libasound prints its errors to stderr ("ALSA lib pcm.c:...") unless its handler is replaced."""
    code = textwrap.dedent("""
        import ctypes, ctypes.util, os, sys
        name = ctypes.util.find_library("asound")
        if not name:
            print("NOALSA"); sys.exit(0)
        if sys.argv[1] == "quiet":
            from voice_triage.audio_in.libnoise import silence_alsa
            from voice_triage.privacy import install_log_policy
            install_log_policy()  # as the voice-triage command does at start-up
            assert silence_alsa()
        lib = ctypes.CDLL(name)
        pcm = ctypes.c_void_p()
        lib.snd_pcm_open(ctypes.byref(pcm), b"no_such_device_vt", 0, 0)
    """)
    env = {**os.environ, "VOICE_TRIAGE_LOG": "WARNING"}
    loud = subprocess.run([sys.executable, "-c", code, "loud"], capture_output=True, text=True, env=env, timeout=60)
    if "NOALSA" in loud.stdout:
        pytest.skip("libasound is not installed")
    assert "ALSA lib" in loud.stderr  # the message exists...
    quiet = subprocess.run([sys.executable, "-c", code, "quiet"], capture_output=True, text=True, env=env, timeout=60)
    assert quiet.returncode == 0, quiet.stderr
    assert "ALSA lib" not in quiet.stderr  # ...and is routed away from the terminal
    debug = subprocess.run([sys.executable, "-c", code, "quiet"], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "VOICE_TRIAGE_LOG": "DEBUG"})
    assert "ALSA library message at" in debug.stderr and "ALSA lib " not in debug.stderr


def test_a_sentence_keeps_a_short_tail_of_silence():
    """espeak-ng ends every sentence with ~0.39 s of silence; 0.15 s is kept (turn-taking is quicker)."""
    from voice_triage.speech_out.speaker import TAIL_S, trim_tail

    rate = 22050
    speech = np.full(rate // 2, 0.3, np.float32)
    out = trim_tail(np.concatenate([speech, np.zeros(int(0.39 * rate), np.float32)]), rate)
    assert len(out) == len(speech) + int(TAIL_S * rate)
    assert np.array_equal(out[: len(speech)], speech)  # the speech itself is untouched
    assert len(trim_tail(np.zeros(100, np.float32), rate)) == 100  # all quiet: left alone
