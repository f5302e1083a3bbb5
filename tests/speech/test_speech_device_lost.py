"""A microphone unplugged mid-conversation, for real: a PulseAudio source is unloaded while we listen.

PulseAudio does not end the capture stream then (it moves it to another source, often a silent one), so the
microphone notices at the no-input timeout that its source is gone and raises DeviceLost; the voice loop
then continues by typing (tests/kiosk and tests/speech/test_speech_voice_loop.py cover that part).
"""

from __future__ import annotations

import os
import subprocess

import pytest

from voice_triage.audio_in import DeviceLost
from voice_triage.audio_in.endpoint import EndpointConfig
from voice_triage.audio_in.mic import Microphone, pulse_has_source


def _load_sink(name: str) -> str:
    r = subprocess.run(["pactl", "load-module", "module-null-sink", f"sink_name={name}"],
                       capture_output=True, text=True, check=True)
    return r.stdout.strip()


def test_unloading_the_source_mid_listen_raises_device_lost(pulse, monkeypatch):
    module = _load_sink("vt_lost")
    try:
        monkeypatch.setenv("PULSE_SOURCE", "vt_lost.monitor")
        mic = Microphone("pulse").open()
        try:
            assert mic.source == "vt_lost.monitor" and pulse_has_source("vt_lost.monitor") is True
            cfg = EndpointConfig(no_input_timeout_s=1.5)
            assert mic.listen(cfg).reason == "timeout"  # still there: an ordinary silence
            subprocess.run(["pactl", "unload-module", module], check=True)
            module = ""
            assert pulse_has_source("vt_lost.monitor") is False
            with pytest.raises(DeviceLost, match="disconnected"):
                mic.listen(cfg)
        finally:
            mic.close()
    finally:
        if module:
            subprocess.run(["pactl", "unload-module", module], capture_output=True)
        os.environ.pop("PULSE_SOURCE", None)
