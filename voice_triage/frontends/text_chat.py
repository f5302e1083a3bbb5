"""`voice-triage chat --text`: the conversation typed in a terminal, readable at a glance."""

from __future__ import annotations

import shutil
import sys
import textwrap
from typing import Any, TextIO

from voice_triage.content.model import Content
from voice_triage.dialog import Ask, Conversation, Event, Result, Say, SettingChanged
from voice_triage.dialog.events import PrivacyChoice
from voice_triage.frontends.line_input import Line, read_line
from voice_triage.safe_text import clean, cut

EXIT_INTERRUPTED = 130  # Ctrl-C: the safety net is shown, then the usual exit status of an interrupted program



def screen_words(content: Content) -> dict[str, Any]:
    """What the front-ends print around the dialog's lines (dialog.yaml ``screen:``)."""
    return content.section("screen")


def result_line(content: Content, result: Result) -> str:
    """"Result: URGENT: TODAY  (9 questions)"; no tier when the conversation stopped before any answer."""
    w = screen_words(content)
    if result.partial and not result.facts:
        return str(w["result_none"])
    return w["result_one" if result.questions == 1 else "result"].format(
        tier=w["tiers"].get(result.tier, result.tier), questions=result.questions)


class TextChat:
    def __init__(self, content: Content, out: TextIO, inp=None, *, color: bool | None = None):  # noqa: ANN001
        self.content = content
        self.conv = Conversation(content)
        self.words = screen_words(content)
        self._who = self.words["assistant"]
        self.out = out
        self.inp = inp if inp is not None else sys.stdin.buffer
        self.color = out.isatty() if color is None else color
        self.width = min(shutil.get_terminal_size((88, 20)).columns, 100) - 2
        try:
            self._interactive = bool(self.inp.isatty())
        except (AttributeError, ValueError):
            self._interactive = False

    def _style(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def _print(self, who: str, text: str, code: str = "") -> None:
        wrapped = textwrap.fill(clean(text), width=self.width, initial_indent=f"{who}", subsequent_indent=" " * len(who))
        self.out.write((self._style(wrapped, code) if code else wrapped) + "\n")
        self.out.flush()

    def render(self, events: list[Event]) -> None:
        for e in events:
            if isinstance(e, Ask):
                self._print(self._who, e.text, "1")
            elif isinstance(e, Say):
                self._print(self._who, e.text, "33" if e.kind == "safety_net" else "")
            elif isinstance(e, PrivacyChoice):
                self._print(" " * len(self._who), self.words["privacy"].format(mode=e.mode), "2")
            elif isinstance(e, SettingChanged):
                self._print(" " * len(self._who), self.words["setting"].format(name=e.name, value=e.value), "2")
            elif isinstance(e, Result):
                line = result_line(self.content, e)
                self.out.write("\n" + self._style(f"  {line}", "1;7") + "\n\n")

    def run(self) -> int:
        try:
            return self._run()
        except KeyboardInterrupt:  # Ctrl-C while the assistant was talking: leave as "stop" would
            self.out.write("\n")
            self.render(self.conv.stop("user_stopped"))
            return EXIT_INTERRUPTED

    def _run(self) -> int:
        self.render(self.conv.start())
        interrupted = False
        while not self.conv.finished:
            self.out.write(self._style(self.words["you"], "1;36"))
            self.out.flush()
            try:
                line = read_line(self.inp)
            except KeyboardInterrupt:  # Ctrl-C: leave as "stop" would, safety net included
                line, interrupted = Line(None), True
            if line.text is not None and not self._interactive:
                self.out.write(cut(line.text, 200) + "\n")  # piped input: show it, so the transcript reads well
            if line.text is None:
                self.out.write("\n")
                self.render(self.conv.stop("user_stopped" if interrupted else "end_of_input"))
                break
            if line.problem:
                self._print(self._who, self.words["problem"].format(problem=line.problem))
                pending = self.conv.pending
                if pending:
                    self.render([pending])
                continue
            self.render(self.conv.hear(line.text) if line.text.strip() else self.conv.silence())
        if interrupted:
            return EXIT_INTERRUPTED
        self._after_result()
        return 0

    def _after_result(self) -> None:
        """At the result, "more", "summary" and "repeat" are answered; anything else (or Enter) ends."""
        while self.conv.result is not None:
            self.out.write(self._style(self.words["you"], "1;36"))
            self.out.flush()
            try:
                line = read_line(self.inp)
            except KeyboardInterrupt:
                line = Line(None)
            if line.text is None or line.problem or not line.text.strip():
                self.out.write("\n" if line.text is None else "")
                return
            if not self._interactive:
                self.out.write(cut(line.text, 200) + "\n")
            events = self.conv.after_result(line.text)
            if not events:
                return
            self.render(events)


def run_text_chat(content: Content, out: TextIO | None = None, inp=None) -> int:  # noqa: ANN001
    return TextChat(content, out or sys.stdout, inp).run()
