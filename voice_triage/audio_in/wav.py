"""Read an audio file of any rate and channel count into 16 kHz mono int16, the pipeline's format."""

from __future__ import annotations

import os
import struct

import numpy as np
import soundfile as sf
import soxr

from .errors import AudioError

SAMPLE_RATE = 16000


def to_pcm16(samples: np.ndarray) -> np.ndarray:
    """float (-1..1) or int16 samples -> int16."""
    if samples.dtype == np.int16:
        return samples
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)


def resample(samples: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Mono float32 samples from ``rate`` to ``target`` (soxr, high quality)."""
    samples = np.asarray(samples, dtype=np.float32)
    if rate == target or samples.size == 0:
        return samples
    return soxr.resample(samples, rate, target, quality="HQ").astype(np.float32)


def _check_riff(path: str, size: int) -> None:
    """Catch what libsndfile silently accepts: a WAV whose data chunk is cut short."""
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
            return  # not RIFF/WAVE: soundfile decides below (FLAC/OGG are fine, others are refused)
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            hdr = fh.read(8)
            if len(hdr) < 8:
                break
            cid, clen = hdr[:4], struct.unpack("<I", hdr[4:])[0]
            if cid == b"data":
                if head[:4] == b"RIFF" and clen != 0xFFFFFFFF and pos + 8 + clen > size:
                    raise AudioError(
                        f"The audio file {os.path.basename(path)} is cut short (truncated): record it again."
                    )
                return
            pos += 8 + clen + (clen & 1)
        raise AudioError(f"The audio file {os.path.basename(path)} has no audio data in it.")


def read_audio(path: str | os.PathLike) -> np.ndarray:
    """Read ``path`` (WAV; also FLAC/OGG) and return 16 kHz mono int16 samples.

    Stereo is downmixed, any rate resampled. Raises :class:`AudioError` with a one-line message for
    a missing, empty, truncated or non-audio file.
    """
    path = os.fspath(path)
    name = os.path.basename(path)
    if not os.path.exists(path):
        raise AudioError(f"No audio file at {path}.")
    if os.path.isdir(path):
        raise AudioError(f"{path} is a folder, not an audio file.")
    size = os.path.getsize(path)
    if size == 0:
        raise AudioError(f"The audio file {name} is empty.")
    _check_riff(path, size)
    try:
        data, rate = sf.read(path, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as err:  # noqa: F841
        raise AudioError(f"{name} is not a readable WAV audio file.") from None
    except OSError:
        raise AudioError(f"{name} could not be read.") from None
    if data.shape[0] == 0:
        raise AudioError(f"The audio file {name} has no audio data in it.")
    mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    if not np.all(np.isfinite(mono)):
        raise AudioError(f"The audio file {name} holds invalid samples.")
    return to_pcm16(resample(mono, int(rate)))


def write_wav(path: str | os.PathLike, samples: np.ndarray, rate: int) -> None:
    """Write mono samples (float or int16) as 16-bit PCM WAV."""
    sf.write(os.fspath(path), to_pcm16(np.asarray(samples)), rate, subtype="PCM_16")
