"""The spoken conversation loop (VoiceChat) with typed answers and speech written to files (--tts-out):
the private-place check and its choices, the result said once, screen-only lines kept silent, the
safety net at end of input, and `--tts-out` writing WAVs and nothing else."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf
from speech_testkit import REPO

from voice_triage.content import load_content
from voice_triage.frontends.voice import VoiceChat

pytestmark = pytest.mark.audio

SELF_CARE = ["spotting", "no", "no", "no", "30", "first time", "the pill", "no", "no", "no"]


@pytest.fixture(scope="module")
def content():
    return load_content("en")


def run_chat(content, tmp_path, answers, *, after_answer=None):
    """VoiceChat with typed answers and spoken lines as WAV files. Returns (chat, printed, spoken)."""
    printed, spoken = [], []
    it = iter(answers)
    out_dir = tmp_path / "tts"

    def read_line(prompt):
        if after_answer:
            after_answer(chat, out_dir)
        try:
            a = next(it)
        except StopIteration:
            raise EOFError from None
        printed.append(f"> {a}")
        return a

    chat = VoiceChat(content, asr="pocketsphinx", tts_out=str(out_dir), use_microphone=False,
                     out=printed.append, read_line=read_line, err=lambda m: None)
    real_say = chat.speaker.say

    def say(text, kind="info"):
        spoken.append((kind, text))
        real_say(text, kind)

    chat.speaker.say = say
    rendered = []  # what the dialog asked to be said: Ask texts and Say texts that are not screen-only
    real_render = chat.render

    def render(events):
        from voice_triage.dialog.events import Ask, Say

        rendered.extend(("question", e.text) if isinstance(e, Ask) else (e.kind, e.text)
                        for e in events if isinstance(e, (Ask, Say)) and getattr(e, "kind", "") != "screen")
        return real_render(events)

    chat.render = render
    assert chat.run() == 0
    chat.rendered = rendered
    return chat, printed, spoken, out_dir


def wavs(d: Path):
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def test_typed_answers_spoken_output_reach_a_result(content, tmp_path):
    chat, printed, spoken, out_dir = run_chat(content, tmp_path, ["yes", *SELF_CARE])
    assert chat.conv.result is not None and chat.conv.result.tier == "self_care"
    assert chat.conv.privacy_mode == "private"  # the private-place question came first
    assert spoken[1][1] == content.line("privacy_check")
    files = wavs(out_dir)
    assert files and all(f.endswith(".wav") for f in files)
    assert len(files) == len(spoken)
    x, sr = sf.read(out_dir / files[0])
    assert sr > 8000 and len(x) > sr // 2  # real speech, not an empty file
    # exactly the Ask and Say lines are said, each once: the Result event is not said again
    assert spoken == chat.rendered
    assert chat.conv.result.text not in [t for _, t in spoken]
    assert sum(k == "safety_net" for k, _ in spoken) == 1
    assert any(p.startswith("Result: SELF-CARE") for p in printed)


def test_privacy_text_only_says_nothing_more(content, tmp_path):
    seen = {}

    def after_answer(chat, out_dir):
        if chat.privacy_mode == "text" and "n" not in seen:
            seen["n"] = len(wavs(out_dir))

    chat, printed, spoken, out_dir = run_chat(content, tmp_path, ["no", "text only", *SELF_CARE],
                                              after_answer=after_answer)
    assert chat.conv.result is not None and chat.conv.result.tier == "self_care"
    assert "n" in seen
    assert len(wavs(out_dir)) == seen["n"]  # not one audio file after the choice
    assert any("Text only from now on" in p for p in printed)
    # everything was still shown, the safety net included
    assert all(t in printed for k, t in chat.rendered if k == "safety_net")
    assert any(p.startswith("Result: SELF-CARE") for p in printed)


def test_discreet_screen_lines_are_shown_not_spoken(content, tmp_path):
    chat, printed, spoken, out_dir = run_chat(content, tmp_path, ["no", "discreet", *SELF_CARE])
    assert chat.conv.privacy_mode == "discreet" and chat.conv.result is not None
    assert not [t for k, t in spoken if k == "screen"]
    summary = chat.conv.result.summary
    assert any(summary in p for p in printed)  # on the screen
    assert not any(summary in t for _, t in spoken)  # never aloud


def test_quieter_lowers_the_volume(content, tmp_path):
    chat, printed, spoken, out_dir = run_chat(content, tmp_path, ["no", "quieter", "soaking a pad"])
    assert chat.conv.privacy_mode == "quieter"
    assert chat.speaker.settings.volume_step < 0
    assert chat.conv.result.tier == "emergency"


def test_end_of_input_says_the_safety_net(content, tmp_path):
    chat, printed, spoken, out_dir = run_chat(content, tmp_path, ["yes", "spotting"])
    assert chat.conv.finished and chat.conv.end_reason == "end_of_input"
    kinds = [k for k, _ in spoken]
    assert kinds[-2:] == ["safety_net", "goodbye"]
    assert [f.split("-")[1] for f in wavs(out_dir)][-2:] == ["safety_net", "goodbye"]


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_tts_out_writes_wavs_and_nothing_else(tmp_path):
    """The whole command: `voice-triage --tts-out DIR` with no microphone (typed answers). Afterwards the
    folder holds only WAVs, and the temp, runtime and home folders it was given hold nothing new."""
    home, tmp, run, cwd, out = (tmp_path / n for n in ("home", "tmp", "run", "cwd", "out"))
    for d in (home, tmp, run, cwd):
        d.mkdir()
    run.chmod(0o700)
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmp), "XDG_RUNTIME_DIR": str(run),
           "PULSE_SERVER": f"unix:{tmp_path}/no-pulse", "PYTHONDONTWRITEBYTECODE": "1"}
    answers = "\n".join(["yes", "soaking a pad"]) + "\n"
    p = subprocess.run([sys.executable, "-m", "voice_triage", "--asr", "pocketsphinx", "--tts-out", str(out)],
                       cwd=cwd, env=env, input=answers, capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    assert "emergency" in p.stdout.lower()
    files = _tree(out)
    assert files and all(f.endswith(".wav") for f in files), files
    for d in (home, tmp, run, cwd):
        assert _tree(d) == [], (d, _tree(d))
