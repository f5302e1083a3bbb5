"""Logs never hold what a person said.

The policy, enforced by :class:`PrivacyFilter` on every handler of the root logger:

1. **Arguments are redacted.** ``log.debug("heard %s", text)`` is written as ``heard <redacted>``:
   only the constant format string survives. Numbers and booleans pass (counts, timings, scores);
   a string that is known not to come from a person can be marked :class:`Safe`.
2. **Known sensitive text is scrubbed** from whatever reaches a handler (an f-string message, a
   third-party library's message): every answer and transcript a front-end registers with
   :func:`note_sensitive` is replaced by ``<redacted>``. The register lives in memory only and is
   cleared by :func:`forget_sensitive` when a conversation is wiped.
3. **Exceptions lose their messages.** A traceback's text can quote data (``ValueError: bad 'xyz'``):
   only the exception's type is kept.

``VOICE_TRIAGE_LOG=DEBUG`` (or INFO, WARNING...) turns logging on, to stderr only; it is never written
to a file by this program. Tests run whole conversations at DEBUG and look for the answers in stderr.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

REDACTED = "<redacted>"
ENV_LEVEL = "VOICE_TRIAGE_LOG"
MIN_SENSITIVE_LEN = 3  # shorter fragments ("no") would scrub every word; they say nothing on their own

_sensitive: set[str] = set()
_sens_lock = threading.Lock()


class Safe(str):
    """A log argument known not to come from a person (a file name we chose, an engine name)."""


def note_sensitive(text: object) -> None:
    """Remember ``text`` (an answer, a transcript) so that it is scrubbed from any log record."""
    if not isinstance(text, str):
        return
    t = " ".join(text.split())
    if len(t) >= MIN_SENSITIVE_LEN:
        with _sens_lock:
            _sensitive.add(t)
            _sensitive.add(t.lower())


def forget_sensitive() -> None:
    """Wipe the register (end of a conversation)."""
    with _sens_lock:
        _sensitive.clear()


def sensitive_count() -> int:
    return len(_sensitive)


def scrub(text: str) -> str:
    with _sens_lock:
        items = sorted(_sensitive, key=len, reverse=True)
    for s in items:
        if s in text:
            text = text.replace(s, REDACTED)
        low = text.lower()
        if s in low:  # case-insensitive pass without lowering the rest of the message
            i = low.find(s)
            while i >= 0:
                text = text[:i] + REDACTED + text[i + len(s):]
                low = text.lower()
                i = low.find(s, i + len(REDACTED))
    return text


def _safe_arg(a: object) -> object:
    if isinstance(a, Safe) or isinstance(a, (bool, int, float)) or a is None:
        return a
    return REDACTED


class PrivacyFilter(logging.Filter):
    """Rewrites each record in place so that the formatted message holds no answer."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_vt_private", False):
            return True
        if record.args:
            if isinstance(record.args, dict):
                record.args = {k: _safe_arg(v) for k, v in record.args.items()}
            else:
                record.args = tuple(_safe_arg(a) for a in record.args)
        msg = record.msg if isinstance(record.msg, str) else REDACTED
        if isinstance(msg, Safe):
            msg = str(msg)
        record.msg = scrub(msg)
        if record.exc_info:
            etype = record.exc_info[0]
            record.msg = f"{record.msg} [{etype.__name__ if etype else 'exception'}]"
            record.exc_info = None
            record.exc_text = None
        record.stack_info = None
        record._vt_private = True  # noqa: SLF001 - filter once even with several handlers
        return True


_installed = False


def install_log_policy(level: str | None = None, stream=None) -> logging.Handler | None:
    """Route logging to stderr through :class:`PrivacyFilter` (once); level from ``VOICE_TRIAGE_LOG``.

    Without the variable, only warnings and errors are shown. Also guards handlers that other code
    adds later: the filter is set on the root logger's handlers *and* checked at record creation.
    """
    global _installed
    if _installed:
        return None
    _installed = True
    name = (level or os.environ.get(ENV_LEVEL) or "WARNING").upper()
    lvl = logging.getLevelName(name)
    if not isinstance(lvl, int):
        lvl = logging.WARNING
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter())
    root = logging.getLogger()
    for h in list(root.handlers):  # anything configured before us gets the filter too
        h.addFilter(PrivacyFilter())
    root.addHandler(handler)
    root.setLevel(lvl)
    # records are created through this factory: the filter runs even for handlers added later,
    # directly on non-root loggers with propagate=False
    old_factory = logging.getLogRecordFactory()
    filt = PrivacyFilter()

    def factory(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        rec = old_factory(*args, **kwargs)
        filt.filter(rec)
        return rec

    logging.setLogRecordFactory(factory)
    logging.captureWarnings(True)
    return handler
