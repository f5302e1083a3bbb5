"""Keep the sound libraries' own messages out of the conversation.

libasound (ALSA) prints its errors straight to stderr ("ALSA lib pcm.c:8570:(snd_pcm_recover) underrun
occurred"), and PortAudio's start-up probes JACK and OSS, which print "Cannot connect to server socket"
and the like. None of it is meant for the person using the assistant. Two measures, both at the source:

* libasound's error handler is replaced (``snd_lib_error_set_handler`` through ctypes) by one that
  routes the message's place (file, line, function, error code) to the debug log;
* while PortAudio starts (``import sounddevice`` runs ``Pa_Initialize``), file descriptor 2 points to a
  pipe; whatever the libraries wrote there goes to the debug log, line by line.

Both are best-effort: without libasound, or on another system, nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import sys
import threading

log = logging.getLogger("voice_triage.audio")

_lock = threading.Lock()
_alsa_handler = None  # the ctypes callback must stay referenced while libasound may call it
_sd_module = None

# void handler(const char *file, int line, const char *function, int err, const char *fmt, ...)
# ctypes cannot take the variable arguments; the fixed ones say where the message came from.
_ALSA_HANDLER_T = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)


def _alsa_message(file, line, function, err, fmt) -> None:  # noqa: ANN001 - called from C
    try:
        from voice_triage.privacy import Safe

        log.debug("ALSA library message at %s:%d (%s), error %d", Safe((file or b"").decode(errors="replace")),
                  int(line), Safe((function or b"").decode(errors="replace")), int(err))
    except Exception:  # noqa: BLE001 - never raise into C
        pass


def silence_alsa() -> bool:
    """Route libasound's error messages to the debug log. True when the handler is in place."""
    global _alsa_handler
    with _lock:
        if _alsa_handler is not None:
            return True
        name = ctypes.util.find_library("asound")
        if not name:
            return False
        try:
            lib = ctypes.CDLL(name)
            handler = _ALSA_HANDLER_T(_alsa_message)
            lib.snd_lib_error_set_handler(handler)
        except (OSError, AttributeError):
            return False
        _alsa_handler = handler
        return True


@contextlib.contextmanager
def stderr_to_log(what: str):
    """Point file descriptor 2 at a pipe for the duration; the lines written there go to the debug log.

    Only for short, single-threaded stretches (library start-up): the rest of the program's stderr
    lines written meanwhile would be logged too, not shown."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    r, w = os.pipe()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            b = os.read(r, 4096)
            if not b:
                break
            chunks.append(b)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    os.dup2(w, 2)
    os.close(w)
    try:
        yield
    finally:
        os.dup2(saved, 2)  # closes the pipe's last write end: the reader sees the end
        os.close(saved)
        reader.join(timeout=2)
        os.close(r)
        from voice_triage.privacy import Safe

        for ln in b"".join(chunks).decode(errors="replace").splitlines():
            if ln.strip():
                log.debug("%s: %s", Safe(what), Safe(ln.strip()[:200]))


def sounddevice():
    """``import sounddevice`` with the libraries' start-up chatter routed to the debug log.

    Raises OSError when the PortAudio library is missing (as the import does)."""
    global _sd_module
    if _sd_module is not None:
        return _sd_module
    silence_alsa()
    if "sounddevice" in sys.modules:
        _sd_module = sys.modules["sounddevice"]
        return _sd_module
    with stderr_to_log("sound library start-up"):
        import sounddevice as sd
    _sd_module = sd
    return sd
