"""Audio answers within limits (issue 14, items 4 and 9): the header's size, length, sample rate and
channels are checked before anything is decoded; devices, FIFOs and /proc are "not a regular audio
file"; and the conversation goes on after each refusal."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys

import numpy as np
import pytest
from hostile_kit import answers, vt

from voice_triage.audio_in import AudioError, read_audio, write_wav


def wav_header(rate: int, channels: int = 1, bits: int = 16, data_len: int = 0) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, (rate * block) & 0xFFFFFFFF, block, bits)
    return (b"RIFF" + struct.pack("<I", (36 + data_len) & 0xFFFFFFFF) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", data_len & 0xFFFFFFFF))


def fake_wav(path, rate: int, seconds: float, channels: int = 1, sparse: bool = False):
    n = int(rate * seconds) * channels * 2
    with open(path, "wb") as fh:
        fh.write(wav_header(rate, channels, 16, n))
        if sparse:
            fh.truncate(44 + n)
        else:
            fh.write(np.random.default_rng(1).integers(-3000, 3000, n // 2, dtype=np.int16).tobytes())
    return path


def refused(path) -> str:
    with pytest.raises(AudioError) as e:
        read_audio(path)
    msg = str(e.value)
    assert msg and "\n" not in msg
    return msg


@pytest.mark.parametrize("rate", [1, 2, 7999, 192001, 2**31 - 1])
def test_unusable_sample_rates_are_refused_before_decoding(tmp_path, rate):
    """A 40 kB file whose header claims 1 Hz once drove the resampler to 3.9 GB: checked in a child
    with capped memory, so a regression fails instead of swapping."""
    p = fake_wav(tmp_path / "odd.wav", 16000, 1.25)
    data = bytearray(p.read_bytes())
    data[24:28] = struct.pack("<I", rate)
    p.write_bytes(bytes(data))
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))\n"
            "from voice_triage.audio_in import AudioError, read_audio\n"
            f"try:\n    read_audio({str(p)!r}); print('READ')\nexcept AudioError as e:\n    print('REFUSED', e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert r.returncode == 0 and r.stdout.startswith("REFUSED") and "sample rate" in r.stdout, (r.stdout, r.stderr)


@pytest.mark.parametrize("rate", [8000, 192000])
def test_the_accepted_rates_at_the_edges_read(tmp_path, rate):
    x = read_audio(fake_wav(tmp_path / "ok.wav", rate, 0.5))
    assert x.dtype == np.int16 and abs(len(x) - 8000) < 50


def test_too_large_and_too_long_files_are_refused_unread(tmp_path):
    big = fake_wav(tmp_path / "big.wav", 48000, 3000, channels=1, sparse=True)  # 288 MB, sparse on disk
    assert "too large" in refused(big)
    long = fake_wav(tmp_path / "long.wav", 8000, 121, sparse=True)
    assert "too long" in refused(long)
    many = fake_wav(tmp_path / "many.wav", 8000, 0.1, channels=9)
    assert "channels" in refused(many)


def test_devices_fifos_and_proc_are_not_regular_audio_files(tmp_path):
    fifo = tmp_path / "answer.wav"
    os.mkfifo(fifo)
    for path in ["/dev/zero", str(fifo), "/proc/self/status"]:
        if os.path.exists(path):
            assert "not a regular audio file" in refused(path), path


def test_an_unusable_file_name_is_one_line():
    assert "cannot be used" in refused("\ud800.wav")
    msg = refused("/nonexistent/" + "x" * 5000 + ".wav")
    assert len(msg) < 400 and ("No audio file" in msg or "could not be read" in msg)


@pytest.mark.slow
def test_the_conversation_goes_on_after_each_refused_audio_answer(tmp_path):
    odd = fake_wav(tmp_path / "odd.wav", 16000, 1.25)
    data = bytearray(odd.read_bytes())
    data[24:28] = struct.pack("<I", 1)
    odd.write_bytes(bytes(data))
    fifo = tmp_path / "fifo.wav"
    os.mkfifo(fifo)
    bad = [json.dumps({"audio": p}) for p in (str(odd), "/dev/zero", str(fifo), "/proc/self/status")]
    p = vt("chat", "--jsonl", "--asr", "pocketsphinx", input=answers([*bad, "I'm soaking a pad every hour", "yes"]),
           timeout=300)
    assert p.returncode == 0, p.stderr
    ev = [json.loads(x) for x in p.stdout.decode("utf-8").split("\n") if x]
    errors = [e["message"] for e in ev if e["event"] == "error"]
    assert len(errors) == 4 and "sample rate" in errors[0] and all("not a regular" in m for m in errors[1:])
    assert ev[-1]["event"] == "end" and any(e["event"] == "result" and e["tier"] == "emergency" for e in ev)


def test_a_normal_recording_still_reads(tmp_path):
    t = np.arange(16000) / 16000
    write_wav(tmp_path / "tone.wav", 0.3 * np.sin(2 * np.pi * 220 * t), 44100)
    x = read_audio(tmp_path / "tone.wav")
    assert x.dtype == np.int16 and len(x) > 5000
