"""The room for the live loop: a private PulseAudio server with two null sinks, ``vt_speaker`` (the
assistant's speaker, listened to on its monitor) and ``vt_mic`` (spoken into; its monitor is the
assistant's microphone), and espeak-ng speech for the person who answers
(:mod:`voice_triage.commands.live_person`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time

SPEAKER, MIC = "vt_speaker", "vt_mic"


class PulseRig:
    """A PulseAudio server of our own (``PULSE_RUNTIME_PATH`` = ``runtime_dir``) with the two sinks."""

    def __init__(self, runtime_dir: str | None = None):
        self.made_dir = runtime_dir is None
        self.dir = runtime_dir or tempfile.mkdtemp(prefix="vt-pulse-")
        env = {k: v for k, v in os.environ.items() if k not in ("PULSE_SERVER", "PULSE_SINK", "PULSE_SOURCE")}
        self.env = {**env, "PULSE_RUNTIME_PATH": self.dir}
        self.started = False

    def _pactl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10)

    def start(self) -> str | None:
        """None when ready, else why not."""
        for tool in ("pulseaudio", "pactl", "parec", "paplay", "espeak-ng"):
            if not shutil.which(tool):
                return f"{tool} is not installed (scripts/setup installs it)"
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        r = subprocess.run(["pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1", "--use-pid-file=yes",
                            "--disallow-exit", "-L", "module-native-protocol-unix",
                            "-L", f"module-null-sink sink_name={SPEAKER} sink_properties=device.description={SPEAKER}",
                            "-L", f"module-null-sink sink_name={MIC} sink_properties=device.description={MIC}"],
                           env=self.env, capture_output=True, text=True, timeout=20)
        for _ in range(50):
            if self._pactl("info").returncode == 0:
                break
            time.sleep(0.1)
        else:
            return f"pulseaudio would not start: {(r.stderr or r.stdout).strip()[-300:]}"
        self.started = True
        if self._pactl("set-default-sink", SPEAKER).returncode or self._pactl("set-default-source", f"{MIC}.monitor").returncode:
            return "the null sinks could not be made the defaults"
        return None

    def stop(self) -> None:
        if self.started:
            subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True, timeout=10)
            self.started = False
        if self.made_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


def speech(text: str, voice: str, rate: int = 165) -> bytes:
    """espeak-ng speech of ``text`` as a WAV file's bytes (in memory)."""
    return subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "--stdout", text],
                          capture_output=True, check=True, timeout=30).stdout
