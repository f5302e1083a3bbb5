"""Read an audio file of any rate and channel count into 16 kHz mono int16, the pipeline's format."""

from __future__ import annotations

import os
import stat
import struct

import numpy as np
import soundfile as sf
import soxr

from voice_triage.limits import (MAX_AUDIO_CHANNELS, MAX_AUDIO_FILE_BYTES, MAX_AUDIO_RATE, MAX_AUDIO_SECONDS,
                                  MIN_AUDIO_RATE)

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


def _check_riff(fh, size: int, name: str) -> None:  # noqa: ANN001
    """Catch what libsndfile silently accepts: a WAV whose data chunk is cut short."""
    fh.seek(0)
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
                raise AudioError(f"The audio file {name} is cut short (truncated): record it again.")
            return
        pos += 8 + clen + (clen & 1)
    raise AudioError(f"The audio file {name} has no audio data in it.")


def _short(text: str, limit: int = 80) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[:limit] + "…"


_PSEUDO_FS = ("/proc/", "/sys/")  # regular-looking files that are not files


def _open_regular(path: str, name: str) -> tuple[int, int]:
    """An open descriptor on a regular, non-empty file within the size cap, and its size. A FIFO is never
    opened for reading (it could block forever), and nothing of a device or /proc is read."""
    try:
        os.fsencode(path)
        st = os.stat(path)
    except (UnicodeEncodeError, ValueError):
        raise AudioError("That audio file name holds characters that cannot be used.") from None
    except FileNotFoundError:
        raise AudioError(f"No audio file at {_short(path, 200)}.") from None
    except OSError as e:
        raise AudioError(f"{name} could not be read ({e.strerror or e}).") from None
    if stat.S_ISDIR(st.st_mode):
        raise AudioError(f"{_short(path, 200)} is a folder, not an audio file.")
    real = os.path.realpath(path)
    if not stat.S_ISREG(st.st_mode) or real.startswith(_PSEUDO_FS):
        raise AudioError(f"{name} is not a regular audio file.")
    if st.st_size == 0:
        raise AudioError(f"The audio file {name} is empty.")
    if st.st_size > MAX_AUDIO_FILE_BYTES:
        raise AudioError(f"The audio file {name} is too large ({st.st_size // 2**20} MB; "
                         f"at most {MAX_AUDIO_FILE_BYTES // 2**20} MB).")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise AudioError(f"{name} could not be read ({e.strerror or e}).") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else meanwhile
        os.close(fd)
        raise AudioError(f"{name} is not a regular audio file.")
    return fd, st.st_size


def _check_format(f: sf.SoundFile, name: str) -> None:
    """The header's rate, channels and length, before any sample is decoded."""
    if not MIN_AUDIO_RATE <= f.samplerate <= MAX_AUDIO_RATE:
        raise AudioError(f"The audio file {name} has an unusable sample rate ({f.samplerate} Hz; "
                         f"{MIN_AUDIO_RATE // 1000} to {MAX_AUDIO_RATE // 1000} kHz are accepted).")
    if not 1 <= f.channels <= MAX_AUDIO_CHANNELS:
        raise AudioError(f"The audio file {name} has {f.channels} channels (at most {MAX_AUDIO_CHANNELS}).")
    if f.frames > MAX_AUDIO_SECONDS * f.samplerate:
        raise AudioError(f"The audio file {name} is too long ({f.frames / f.samplerate:.0f} s; "
                         f"at most {MAX_AUDIO_SECONDS:.0f} s for one answer).")


def _decode_mono(f: sf.SoundFile, name: str) -> np.ndarray:
    """Decode block by block into mono float32, never more than the duration cap."""
    cap = int(MAX_AUDIO_SECONDS * f.samplerate)
    parts, total = [], 0
    for block in f.blocks(blocksize=65536, dtype="float32", always_2d=True):
        total += block.shape[0]
        if total > cap:
            raise AudioError(f"The audio file {name} is too long (at most {MAX_AUDIO_SECONDS:.0f} s for one answer).")
        parts.append(block.mean(axis=1, dtype=np.float32) if block.shape[1] > 1 else block[:, 0].copy())
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


def read_audio(path: str | os.PathLike) -> np.ndarray:
    """Read ``path`` (WAV; also FLAC/OGG) and return 16 kHz mono int16 samples.

    Stereo is downmixed, any rate resampled. Raises :class:`AudioError` with a one-line message for
    a missing, empty, truncated, non-audio or non-regular file, and for one beyond the limits of
    :mod:`voice_triage.limits` (size, length, sample rate, channels), checked before decoding.
    """
    path = os.fspath(path)
    name = _short(os.path.basename(path))
    fd, size = _open_regular(path, name)
    with os.fdopen(fd, "rb") as fh:
        _check_riff(fh, size, name)
        fh.seek(0)
        try:
            with sf.SoundFile(fh) as f:
                _check_format(f, name)
                mono = _decode_mono(f, name)
                rate = f.samplerate
        except AudioError:
            raise
        except (sf.LibsndfileError, RuntimeError, TypeError, ValueError, EOFError):
            raise AudioError(f"{name} is not a readable WAV audio file.") from None
        except MemoryError:
            raise AudioError(f"The audio file {name} is too large to read.") from None
        except OSError:
            raise AudioError(f"{name} could not be read.") from None
    if mono.shape[0] == 0:
        raise AudioError(f"The audio file {name} has no audio data in it.")
    if not np.all(np.isfinite(mono)):
        raise AudioError(f"The audio file {name} holds invalid samples.")
    return to_pcm16(resample(mono, int(rate)))


def write_wav(path: str | os.PathLike, samples: np.ndarray, rate: int) -> None:
    """Write mono samples (float or int16) as 16-bit PCM WAV."""
    sf.write(os.fspath(path), to_pcm16(np.asarray(samples)), rate, subtype="PCM_16")
