"""Nothing destroyed (issue 14, items 1-3): --save-summary writes only a new file (or a regular file the
person confirmed with --replace-summary); `models install` removes nothing outside models/ and no ZIP
bomb unpacks. Sandboxed: every file, FIFO and device node is made in a temporary folder."""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from pathlib import Path

import pytest
from hostile_kit import BENIGN, answers, make_char_device, vt

from voice_triage.dialog.events import Result
from voice_triage.commands.speech import (
    InstallError,
    install_model_zip,
    safe_model_name,
)
from voice_triage.privacy import summary


# -- --save-summary ------------------------------------------------------------------------------------
def _chat_saving(path: str, tmp_path, *extra: str):
    return vt("chat", "--jsonl", "--save-summary", path, *extra, input=answers(BENIGN), cwd=tmp_path)


def test_an_existing_file_is_not_replaced_without_the_flag(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("my own notes\n")
    p = _chat_saving(str(target), tmp_path)
    assert p.returncode == 2
    err = p.stderr.decode()
    assert "already exists" in err and "--replace-summary" in err and len(err.strip().splitlines()) == 1
    assert target.read_text() == "my own notes\n"
    assert p.stdout == b""  # refused before the conversation: nobody answers everything for nothing


def test_an_existing_regular_file_is_replaced_with_the_flag(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("old summary\n")
    p = _chat_saving(str(target), tmp_path, "--replace-summary")
    assert p.returncode == 0, p.stderr.decode()
    assert "I'm 29" in target.read_text() and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(x.name for x in tmp_path.iterdir()) == ["notes.txt"]  # no temporary file left


@pytest.mark.parametrize("kind", ["fifo", "device", "symlink", "folder"])
def test_never_into_or_over_a_non_regular_file(tmp_path, kind):
    target = tmp_path / "target"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        if not make_char_device(target):
            pytest.skip("cannot make device nodes here (not root, or a nodev mount)")
    elif kind == "symlink":
        target.symlink_to(victim)
    else:
        target.mkdir()
    before = os.lstat(target)
    for extra in ((), ("--replace-summary",)):
        p = _chat_saving(str(target), tmp_path, *extra)
        assert p.returncode == 2, (kind, extra, p.stderr)
        err = p.stderr.decode()
        assert "Nothing was saved" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
        after = os.lstat(target)
        assert (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode, before.st_rdev)
    assert victim.read_text() == "keep me\n"


def test_a_full_device_says_not_saved_and_stays_a_device(tmp_path):
    """A copy of /dev/full made here (as root, the program once replaced the real one with a file)."""
    full = tmp_path / "full"
    if not make_char_device(full, minor=7):
        pytest.skip("cannot make device nodes here (not root, or a nodev mount)")
    before = os.lstat(full)
    p = _chat_saving(str(full), tmp_path, "--replace-summary")
    assert p.returncode == 2 and "not a regular file" in p.stderr.decode()
    assert "saved to" not in (p.stdout + p.stderr).decode()
    after = os.lstat(full)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_an_empty_path_is_refused(tmp_path):
    p = _chat_saving("", tmp_path)
    assert p.returncode == 2 and "no file name" in p.stderr.decode()
    assert list(tmp_path.iterdir()) == []


def _result() -> Result:
    return Result(tier="self_care", reasons=(), facts={}, questions=3, text="Advice.", summary="Summary.")


def test_a_failed_write_says_not_saved_and_why_and_leaves_nothing(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(summary.os, "fsync", full)
    told: list[str] = []
    assert not summary.save_after(_result(), str(tmp_path / "s.txt"), told.append)
    assert "not saved" in told[0] and "No space left on device" in told[0]
    assert list(tmp_path.iterdir()) == []


# -- models install ------------------------------------------------------------------------------------
def _model_files(extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    files = {"am/final.mdl": os.urandom(4096), "conf/model.conf": b"--x=1\n", "conf/mfcc.conf": b"--y=2\n",
             "graph/HCLr.fst": os.urandom(2048), "graph/Gr.fst": os.urandom(2048),
             "graph/phones/word_boundary.int": b"1 nonword\n", "ivector/final.ie": os.urandom(512),
             "README": b"US English model\n"}
    return {**files, **(extra or {})}


def _zip(path: Path, files: dict[str, bytes], prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(prefix + name, data)
    return path


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture
def place(tmp_path):
    """models/ with one installed model, next to files that must survive anything."""
    models = tmp_path / "models"
    (models / "vosk-model-small-en-us-0.15" / "am").mkdir(parents=True)
    (models / "vosk-model-small-en-us-0.15" / "am" / "final.mdl").write_bytes(b"old")
    (tmp_path / "project-file.txt").write_text("keep\n")
    return tmp_path, models


@pytest.mark.parametrize("zip_name", ["...zip", "..zip", ".zip", "a b\x01.zip"])
def test_a_flat_zip_with_a_dangerous_name_deletes_nothing(place, zip_name):
    tmp_path, models = place
    src = tmp_path / "downloads"
    src.mkdir()
    z = _zip(src / zip_name, _model_files())  # files at the top of the ZIP: the name comes from the ZIP's name
    before = _tree(tmp_path)
    with pytest.raises(InstallError, match="cannot be a folder name"):
        install_model_zip(str(z), dest_root=models, force=True)
    assert _tree(tmp_path) == before


def test_model_names_are_plain_folder_names():
    for bad in ["", ".", "..", "a/b", "a\\b", ".hidden", "x\x00y", "-rf"]:
        with pytest.raises(InstallError):
            safe_model_name(bad)
    assert safe_model_name("vosk-model-small-en-us-0.15") == "vosk-model-small-en-us-0.15"


def test_force_replaces_by_rename_and_leaves_nothing_behind(place):
    tmp_path, models = place
    z = _zip(tmp_path / "m.zip", _model_files(), prefix="vosk-model-small-en-us-0.15/")
    final = install_model_zip(str(z), dest_root=models, force=True)
    assert final == models / "vosk-model-small-en-us-0.15"
    assert (final / "am" / "final.mdl").read_bytes() != b"old" and (final / "README").is_file()
    assert sorted(p.name for p in models.iterdir()) == ["vosk-model-small-en-us-0.15"]  # no .installing/.replaced
    assert (tmp_path / "project-file.txt").read_text() == "keep\n"


def test_force_does_not_replace_a_link_or_a_file(place):
    tmp_path, models = place
    (models / "vosk-model-x").symlink_to(tmp_path)
    z = _zip(tmp_path / "m.zip", _model_files(), prefix="vosk-model-x/")
    before = _tree(tmp_path)
    with pytest.raises(InstallError, match="not a model folder"):
        install_model_zip(str(z), dest_root=models, force=True)
    assert _tree(tmp_path) == before


def test_a_zip_bomb_entry_is_refused_from_the_directory(place):
    tmp_path, models = place
    z = _zip(tmp_path / "bomb.zip", _model_files({"graph/HCLG.fst": bytes(64 * 2**20)}), prefix="vosk-model-b/")
    assert z.stat().st_size < 200_000
    before = _tree(models)
    p = vt("models", "install", str(z), env={"VOICE_TRIAGE_MODELS_DIR": str(models)})
    assert p.returncode == 2 and "ZIP bomb" in p.stderr.decode() and "Nothing was changed" in p.stderr.decode()
    assert _tree(models) == before


def test_many_small_entries_are_refused_by_the_overall_ratio(place):
    tmp_path, models = place
    many = {f"graph/part{i}.bin": bytes(1_000_000) for i in range(40)}  # each under the per-entry floor
    z = _zip(tmp_path / "bomb2.zip", _model_files(many), prefix="vosk-model-c/")
    before = _tree(models)
    with pytest.raises(InstallError, match="ZIP bomb"):
        install_model_zip(str(z), dest_root=models)
    assert _tree(models) == before


def test_a_directory_that_understates_sizes_stops_the_unpacking(place):
    """The sizes in the ZIP's directory are lowered after writing: unpacking stops, nothing is installed."""
    tmp_path, models = place
    z = _zip(tmp_path / "liar.zip", _model_files({"graph/HCLG.fst": bytes(8 * 2**20)}), prefix="vosk-model-d/")
    data = bytearray(z.read_bytes())
    with zipfile.ZipFile(z) as zz:
        info = zz.getinfo("vosk-model-d/graph/HCLG.fst")
    real = info.file_size.to_bytes(4, "little")
    fake = (1000).to_bytes(4, "little")
    assert data.count(real) >= 2
    z.write_bytes(bytes(data).replace(real, fake))  # local header and central directory both lie
    before = _tree(models)
    with pytest.raises(InstallError):
        install_model_zip(str(z), dest_root=models)
    assert _tree(models) == before
    assert not any(p.name.startswith(".installing") for p in models.iterdir())


def test_models_install_of_a_folder_is_one_line(place):
    tmp_path, models = place
    p = vt("models", "install", str(tmp_path), env={"VOICE_TRIAGE_MODELS_DIR": str(models)})
    err = p.stderr.decode()
    assert p.returncode == 2 and "is a folder" in err and len(err.strip().splitlines()) == 1 and "Usage" not in err
