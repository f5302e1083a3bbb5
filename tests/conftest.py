"""Suite-wide hooks. With $VOICE_TRIAGE_CURRENT_TEST set (scripts/test sets it), the test about to run is written
there, so a crash of the interpreter itself (a signal, not a failure) can be traced to the test that caused it."""

import os

_TRACE = os.environ.get("VOICE_TRIAGE_CURRENT_TEST")


def pytest_runtest_logstart(nodeid, location):
    if _TRACE:
        with open(_TRACE, "w", encoding="utf-8") as fh:
            fh.write(nodeid + "\n")
