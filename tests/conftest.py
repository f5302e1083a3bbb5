"""Suite-wide hooks. With $VOICE_TRIAGE_CURRENT_TEST set (scripts/test sets it), the test about to run is written
there, so a crash of the interpreter itself (a signal, not a failure) can be traced to the test that caused it."""

import os
import signal

_TRACE = os.environ.get("VOICE_TRIAGE_CURRENT_TEST")


def pytest_sessionstart(session):
    # a suite started in the background by a shell without job control (nohup, "&") inherits Ctrl+C ignored,
    # and so would every program the tests start: the Ctrl+C tests would then see it ignored. The programs
    # get the default back when this process has a handler of its own
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_runtest_logstart(nodeid, location):
    if _TRACE:
        with open(_TRACE, "w", encoding="utf-8") as fh:
            fh.write(nodeid + "\n")
