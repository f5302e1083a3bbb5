"""A scripted person for the live loop: a private PulseAudio server, two null sinks, and someone who
listens to the assistant and answers aloud.

* ``vt_speaker``: the assistant's default sink (its speaker). The person listens on its monitor
  (``parec``), waits for the end of the assistant's speech and the listening tone, and answers after a
  reaction time (a tone lost to the sound system, as an underrun can, does not stop them: after a
  longer silence they answer anyway, as people do);
* ``vt_mic``: the person speaks into it (``paplay``); its monitor is the default source, the
  assistant's microphone (the room: :mod:`voice_triage.commands.live_rig`).

The person knows what was asked the way a listener would, from the words (the printed line before the
tone); the timing comes from the sound alone. Answers are espeak-ng speech in a voice the assistant
never uses. Confirmations ("I understood: ... Is that right?") are checked against what the person
meant, and answered with a bare "yes" / "no" / "yep" / "nope" as often as with a longer reply; a value
said back wrong ("Age 38, thanks.") is corrected at the next question ("no, that's not right", or "no, thirty").
Used by the end-to-end tests (tests/e2e) and by ``voice-triage bench --live``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from voice_triage.frontends.text_chat import screen_words

from .live_rig import MIC, SPEAKER, PulseRig, speech

RATE = 16000
HOP = 160  # 10 ms analysis frames of the speaker's monitor
TONES = (660.0, 880.0)  # the listening earcon: 660 Hz then 880 Hz (voice_triage.audio_in.earcon)
NO_TONE_S = 2.0  # silence after the assistant spoke, with no tone, after which the person answers anyway

SHORT_YES, SHORT_NO = ("yes", "yep"), ("no", "nope")
LONG_YES = ("yes, that's right", "yes that's correct", "that's right")
LONG_NO = ("no, that's wrong", "no that's not right")


_N = np.arange(HOP)
_WAVES = {f: np.exp(-2j * np.pi * f * _N / RATE) for f in TONES}


def _power(x: np.ndarray, freq: float) -> float:
    """Share of the frame's energy at ``freq`` (1.0 for a pure tone)."""
    e = float(np.dot(x, x))
    return float(abs(np.dot(x, _WAVES[freq])) ** 2 / (len(x) * max(e, 1e-12) / 2))


@dataclass
class Turn:
    """One answer the person gave."""

    at: float  # when the person started speaking (perf_counter)
    asked: str  # question id, "confirm", "privacy" or "other"
    answer: str
    short: bool  # a bare yes/no
    reaction_s: float
    heard: bool | None = None  # None until the assistant's next "(heard: ...)" / "(no answer heard)"
    after_tone: bool = True  # False: no listening tone was heard, and the person answered after a silence


@dataclass
class Listening:
    """What the person heard: speech onsets and tone ends on the speaker's monitor (perf_counter)."""

    onsets: list[float] = field(default_factory=list)
    tones: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)  # the last sound of each stretch that began at an onset


class Person:
    """Answers the assistant running in ``proc`` (stdout: its printed lines), by voice into the rig's mic."""

    def __init__(self, rig: PulseRig, content, answers: dict[str, str], *, voice: str, seed: int = 0,
                 reaction=(0.2, 1.5), rate: int = 165):
        self.rig = rig
        self.content = content
        self.answers = answers
        self.voice, self.rate = voice, rate
        self.rng = np.random.default_rng(seed)
        self.reaction = reaction
        self.lines: list[tuple[float, str]] = []
        self.turns: list[Turn] = []
        self.heard = Listening()
        self._tone = threading.Event()
        self._stop = threading.Event()
        self._wavs: dict[str, bytes] = {}
        self._last_confirm: str | None = None
        self._reader: Any = None
        self._current_q: str | None = None  # the question being asked (what a check is about)
        self._tmp = tempfile.mkdtemp(prefix="vt-person-")
        q = {}
        for qu in content.questions:
            for key in ("text", "short", "reprompt", "help", "clarify", "discreet"):
                t = getattr(qu, key, None)
                if t:
                    q[_norm(t)] = qu.id
        self._question_texts = q
        #: the questions' yes/no options ("Is this the first time?"): text -> (question, slot, value)
        self._options = {_norm(t): (qu, s, v) for qu in content.questions for s in qu.slots
                         for v, t in qu.options_for(s).items()}
        self._confirm_prefix = _norm(content.line("confirm").split("{")[0])
        self._privacy = {_norm(content.line(k)) for k in ("privacy_check", "privacy_check_reprompt")}
        # the front-end's own lines (dialog.yaml screen:), told apart from what the assistant says
        words = screen_words(content)
        self.heard_prefix = words["heard"].split("{")[0]
        self._nothing_heard = words["nothing_heard"]
        self._status = tuple(words[k].split("{")[0] for k in ("heard", "nothing_heard", "text_only", "privacy",
                                                                "setting", "result"))

    # -- threads -----------------------------------------------------------------------------
    def follow(self, proc: subprocess.Popen) -> list[threading.Thread]:
        ts = [threading.Thread(target=f, args=a, daemon=True)
              for f, a in ((self._read_lines, (proc.stdout,)), (self._listen, ()), (self._answer, (proc,)))]
        for t in ts:
            t.start()
        return ts

    def stop(self) -> None:
        self._stop.set()
        self._tone.set()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def _read_lines(self, stream) -> None:
        for raw in stream:
            line = raw.rstrip("\n")
            now = time.perf_counter()
            self.lines.append((now, line))
            if line.startswith(self.heard_prefix) or line.startswith(self._nothing_heard):
                pending = [t for t in self.turns if t.heard is None]
                if pending:
                    pending[-1].heard = line.startswith(self.heard_prefix)

    def _listen(self) -> None:
        """Follow the speaker's monitor. A null sink's monitor sends nothing while nothing plays, so a
        pause is noticed by the clock (no frame for 60 ms), not by silent frames."""
        import select

        p = subprocess.Popen(["parec", f"--device={SPEAKER}.monitor", "--rate", str(RATE), "--channels=1",
                              "--format=s16le", "--raw", "--latency-msec=20"],
                             env=self.rig.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        last_loud = -1.0
        run = [0, 0, 0]  # frames of 660 Hz, of 880 Hz, of the short gap between the two notes
        assert p.stdout is not None
        fd = p.stdout.fileno()
        buf = b""
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([fd], [], [], 0.06)
                now = time.perf_counter()
                if not ready:
                    if run[1] >= 3:  # the high note was the last sound: the tone is over
                        self._tone_over(now)
                        run = [0, 0, 0]
                    continue
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                buf += chunk
                while len(buf) >= HOP * 2:
                    x = np.frombuffer(buf[: HOP * 2], np.int16).astype(np.float64) / 32768.0
                    buf = buf[HOP * 2:]
                    loud = float(np.sqrt(np.mean(x * x))) > 0.003
                    if loud and now - last_loud > 0.15:
                        self.heard.onsets.append(now)
                        self.heard.ends.append(now)
                    if loud:
                        last_loud = now
                        self.heard.ends[-1] = now
                    lo, hi = (_power(x, f) > 0.5 if loud else False for f in TONES)
                    if hi and run[0] >= 2:
                        run[1] += 1
                    elif run[1] >= 3:  # the high note just ended: the tone is over
                        self._tone_over(now)
                        run = [0, 0, 0]
                    elif lo:
                        run = [run[0] + 1, 0, 0]
                    elif run[0] >= 2 and run[1] == 0 and run[2] < 6:  # between the notes (fades, gap)
                        run[2] += 1
                    else:
                        run = [0, 0, 0]
        finally:
            p.kill()
            p.wait()

    def _tone_over(self, now: float) -> None:
        self.heard.tones.append(now)
        self._tone.set()

    def _answer(self, proc: subprocess.Popen) -> None:
        while not self._stop.is_set():
            toned = self._tone.wait(timeout=0.1)
            if not toned and not self._silence_after_question():
                continue
            self._tone.clear()
            if self._stop.is_set() or proc.poll() is not None:
                break
            asked, answer = self.reply()
            if answer is None:
                continue
            react = float(self.rng.uniform(*self.reaction))
            time.sleep(react)
            self.say(answer, asked, react, after_tone=toned)

    def _silence_after_question(self) -> bool:
        """The assistant said something after the person's last answer, its sound has ended, and no tone
        came for ``NO_TONE_S``: the person answers anyway (a tone cut short by an underrun goes unnoticed)."""
        now = time.perf_counter()
        last_answer = self.turns[-1].at if self.turns else 0.0
        said = [t for t, ln in self.lines if t > last_answer and self.said(ln)]
        if not said or not self.heard.ends or now - said[-1] < NO_TONE_S:
            return False
        return any(o > said[-1] for o in self.heard.onsets) and now - self.heard.ends[-1] >= NO_TONE_S

    def said(self, line: str) -> bool:
        """A line the assistant says (not one of the front-end's own: heard, result, settings)."""
        return bool(line) and not line.startswith(self._status)

    # -- what to say -------------------------------------------------------------------------
    def last_prompt(self) -> str:
        for _, line in reversed(self.lines):
            if self.said(line):
                return line
        return ""

    def said_back(self) -> str | None:
        """The value said back just before the last prompt ("Age 38, thanks."), if one was."""
        said = [ln for _, ln in self.lines if self.said(ln)]
        head, _, tail = self.content.line("implicit_confirm").partition("{reading}")
        if len(said) < 2 or not (said[-2].startswith(head) and said[-2].endswith(tail)):
            return None
        return _norm(said[-2][len(head):len(said[-2]) - len(tail)])

    def reply(self) -> tuple[str, str | None]:
        prompt = _norm(self.last_prompt())
        checks = prompt.startswith(self._confirm_prefix) or prompt in self._options or prompt in self._privacy \
            or prompt == _norm(self.content.line("confirm_again"))
        qid = None if checks else self._question_of(prompt)
        said_back = self.said_back()
        if said_back is not None and not self._agrees(said_back):  # as a person would: "no, that's not right"
            self._current_q = qid or self._current_q
            return "implicit", self._correction()
        if prompt.startswith(self._confirm_prefix):
            reading = prompt[len(self._confirm_prefix):].rsplit("is that right", 1)[0]
            self._last_confirm = "yes" if self._agrees(reading, self._current_q) else "no"
            return "confirm", self._confirm_words(self._last_confirm)
        if prompt in self._options:
            q, slot, value = self._options[prompt]
            self._last_confirm = "yes" if self._means(q, slot) == value else "no"
            return "confirm", self._confirm_words(self._last_confirm)
        if prompt == _norm(self.content.line("confirm_again")) and self._last_confirm:
            return "confirm", self._confirm_words(self._last_confirm)
        if prompt in self._privacy:
            return "privacy", self.answers.get("privacy", "yes")
        if qid is None:
            return "other", "no"  # "do you want to stop?" and the like
        self._current_q = qid
        return qid, self.answers.get(qid, "no")

    def _last_answer(self) -> Turn | None:
        """The last answer given to a question (not to a check)."""
        return next((t for t in reversed(self.turns) if t.asked not in ("confirm", "privacy", "other", "implicit")),
                    None)

    def _correction(self) -> str:
        """A value said back wrong, corrected as people do: "no, that's not right", or half the time the answer
        said again after a no ("no, thirty")."""
        last = self._last_answer()
        if last is not None and self.rng.random() < 0.5:
            return f"no, {last.answer}"
        return LONG_NO[int(self.rng.integers(len(LONG_NO)))]

    def _question_of(self, prompt: str) -> str | None:
        qid = self._question_texts.get(prompt)
        if qid is None:  # a question asked in other words (a clarification): the best-matching one
            from rapidfuzz import process

            m = process.extractOne(prompt, list(self._question_texts))
            qid = self._question_texts[m[0]] if m and m[1] >= 60 else None
        return qid

    def _confirm_words(self, yes_no: str) -> str:
        short = self.rng.random() < 0.5
        pool = (SHORT_YES if yes_no == "yes" else SHORT_NO) if short else (LONG_YES if yes_no == "yes" else LONG_NO)
        return pool[int(self.rng.integers(len(pool)))]

    def _means(self, q, slot: str | None = None) -> object:
        """The value of ``slot`` (the question's first) the person's scripted answer to question ``q`` means
        (read by the product's own reader)."""
        from voice_triage.triage.slots import SLOTS, age_band
        from voice_triage.understanding import Understander

        if self._reader is None:
            self._reader = Understander(self.content)
        r = self._reader.read(self.answers.get(q.id, "no"), asked=q.slots, question=q)
        slot = slot or q.slots[0]
        fill = r.fills.get(slot)
        if fill is not None and SLOTS[slot].numeric:
            return age_band(fill.value)  # "Are you older than 35?"
        return fill.value if fill else None

    def _agrees(self, reading: str, qid: str | None = None) -> bool:
        """Whether the assistant's reading is what the person meant: the script's answer to question ``qid``
        (a check is about the question being asked), else the last answer given (a value said back)."""
        if qid is not None:
            meant = _norm(self.answers.get(qid, "no"))
        else:
            last = self._last_answer()
            if last is None:
                return True
            meant = _norm(last.answer)
        if meant in ("no", "nope", "none", "no i don't"):
            parts = re.split(r",| and ", reading)
            return all(re.search(r"\b(no|not|none|recent|up to date|never had)\b", p) for p in parts if p.strip())
        if reading.startswith("not "):
            return False
        if re.search(rf"\b{re.escape(meant)}\b", reading):  # said back in the person's own words
            return True
        key = {"thirty": "30", "the pill": "hormonal", "just spotting": "spotting", "soaking a pad": "soak",
               "more like a period": "period", "this is the first time": "first", "yes": ""}.get(meant, meant.split()[-1])
        return key in reading

    def say(self, answer: str, asked: str, reaction_s: float, after_tone: bool = True) -> None:
        wav = self._wavs.get(answer)
        if wav is None:
            wav = self._wavs[answer] = speech(answer, self.voice, self.rate)
        path = os.path.join(self._tmp, f"{abs(hash(answer))}.wav")
        with open(path, "wb") as f:
            f.write(wav)
        self.turns.append(Turn(time.perf_counter(), asked, answer, answer in SHORT_YES + SHORT_NO, reaction_s,
                               after_tone=after_tone))
        subprocess.run(["paplay", f"--device={MIC}", path], env=self.rig.env, capture_output=True, timeout=30)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def wav_seconds(wav: bytes) -> float:
    import soundfile as sf

    info = sf.info(io.BytesIO(wav))
    return info.frames / info.samplerate
