"""A kiosk input source that answers from a list: for the tests and the soak benchmark, never for people."""

from __future__ import annotations

from voice_triage.dialog import Ask
from voice_triage.frontends.kiosk import Input


class ScriptedSource:
    """Answers from a list, for tests and the soak: a string is an answer, ``TIMEOUT`` a silence long
    enough to count as inactivity, ``RAISE`` an exception thrown by the source (a failed device)."""

    TIMEOUT = object()
    RAISE = object()
    spoken = False

    def __init__(self, items=()):  # noqa: ANN001
        self.items = list(items)
        self.reads = 0
        self.wipes = 0

    def read(self, timeout: float | None, ask: Ask | None = None) -> Input:
        self.reads += 1
        if not self.items:
            return Input("eof")
        item = self.items.pop(0)
        if item is ScriptedSource.TIMEOUT:
            return Input("timeout")
        if item is ScriptedSource.RAISE:
            raise RuntimeError("scripted failure")
        if isinstance(item, Input):
            return item
        return Input("text", str(item))

    def wipe(self) -> None:
        self.wipes += 1
