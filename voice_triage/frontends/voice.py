"""The spoken conversation: microphone -> end of speech -> recognizer -> dialog -> speech out.

The dialog (``voice_triage.dialog.Conversation``) is the same one the text chat drives; this module only
renders its events aloud (and printed) and turns speech into ``conv.hear(text, confidence)`` or, after
the no-input timeout, ``conv.silence()``.

Failures never end the conversation and never touch its answers:
  * no microphone at start           -> says so, and (``text_fallback=True``, the default) continues by
                                        typing in this same loop; with ``text_fallback=False`` it returns
                                        :data:`EXIT_NO_MICROPHONE` before starting, so a caller can run
                                        its own text chat;
  * microphone lost mid-conversation -> says so, repeats the pending question, continues by typing;
    the same Conversation object goes on, so nothing already answered is lost;
  * speech output fails / no speakers -> says so once, then prints only;
  * vosk model missing or corrupt    -> message, the embedded pocketsphinx recognizer is used.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Callable

from voice_triage.safe_text import clean
from voice_triage.audio_in import (
    AudioError, DeviceLost, EndpointConfig, Endpointer, Microphone, default_input_device, earcon,
)
from voice_triage.audio_in.frontend import FaintWatch, FrontEnd, expects_yes_no
from voice_triage.dialog.events import Ask, End, Heard, PrivacyChoice, Result, Say, SettingChanged
from voice_triage.frontends.text_chat import result_line, screen_words
from voice_triage.privacy import Safe
from voice_triage.recognition import GrammarBook, create_recognizer
from voice_triage.speech_out import Speaker, VoiceSettings

log = logging.getLogger("voice_triage.voice")

#: the listening tone: audio captured from this long after its last sample is kept (room echo of a short tone)
TONE_GUARD_S = 0.03

EXIT_OK = 0
EXIT_NO_MICROPHONE = 3  # only with text_fallback=False: no microphone, nothing was asked yet
EXIT_INTERRUPTED = 130


def speech_input_available(device=None) -> tuple[bool, str]:
    """(True, device name) when a capture device exists, else (False, a one-line reason)."""
    if device is None:
        d = default_input_device()
        return (True, str(d.get("name"))) if d else (False, "No microphone was found.")
    try:
        with Microphone(device) as m:
            return True, m.device_name
    except AudioError as err:
        return False, str(err)


class VoiceChat:
    """One conversation. Use :func:`run_voice_chat`; the class is exposed for the benchmark and tests."""

    def __init__(self, content, *, asr=None, model=None, no_voice=False, tts_out=None, relaxed=False,
                 input_device=None, output_device=None, voice=None, text_fallback=True, use_microphone=True,
                 out: Callable[[str], None] = print, read_line: Callable[[str], str] = input,
                 err: Callable[[str], None] | None = None, endpoint: EndpointConfig | None = None):
        self.content = content
        self.out = lambda line: out(clean(line))  # no terminal control from typed or heard text reaches the screen
        self.err = err or (lambda m: print(m, file=sys.stderr))
        self.read_line = read_line
        self.text_fallback = text_fallback
        self.endpoint = endpoint or (EndpointConfig.relaxed() if relaxed else EndpointConfig())
        self.turns: list[dict] = []  # per-turn timings (benchmark)
        self.frontend = FrontEnd()  # the capture front-end: its filters and the speaker's level carry over
        self.faint = FaintWatch()
        self.mic: Microphone | None = None
        self.privacy_mode: str | None = None
        self.input_device = input_device
        self.use_microphone = use_microphone
        mode = "print" if no_voice else ("file" if tts_out else "play")
        self.speaker = Speaker(mode, tts_out=tts_out, settings=VoiceSettings(voice=voice), device=output_device,
                               notify=self.out)
        choice = create_recognizer(asr, model)
        self.recognizer = choice.recognizer
        self.notes = [m for m in choice.messages]
        dropped: list[str] = []
        self.grammars = GrammarBook(content, self.recognizer, report=dropped.append)
        self.grammars.prebuild()
        self.dropped_report = dropped

    # -- set-up ------------------------------------------------------------------------------
    def open_microphone(self) -> bool:
        if not self.use_microphone:
            return False
        try:
            self.mic = Microphone(self.input_device).open()
            self.speaker.mic = self.mic
            return True
        except AudioError as err:
            self.out(str(err))
            self.mic = None
            return False

    # -- rendering ---------------------------------------------------------------------------
    def say(self, text: str, kind: str = "info") -> None:
        self.out(text)
        log.debug("say %s", Safe(kind))
        if kind != "screen":  # "screen" lines are shown, never said (discreet mode keeps details off the air)
            self.speaker.say(text, kind)

    def render(self, events) -> Ask | None:
        """Print and speak the events; returns the Ask to answer, if any. Sets ``self.ended``."""
        ask = None
        for ev in events:
            if isinstance(ev, Say):
                self.say(ev.text, ev.kind)
            elif isinstance(ev, Ask):
                self.say(ev.text, "question")
                ask = ev
            elif isinstance(ev, Heard):
                pass  # the dialog's reply follows; the transcript was shown when heard
            elif isinstance(ev, SettingChanged):
                self.speaker.change(ev.name, ev.value)
            elif isinstance(ev, PrivacyChoice):
                self.privacy(ev.mode)
            elif isinstance(ev, Result):
                # its words were already said by the Say events before it: only the tier is shown
                self.out(result_line(self.content, ev))
            elif isinstance(ev, End):
                self.ended = True
        return ask

    def privacy(self, mode: str) -> None:
        """The private-place choice. "text": nothing more is said aloud (no speech, no earcon, no files)
        and answers are typed, since answering aloud would be overheard too. "quieter": the
        SettingChanged that follows lowers the volume. "discreet"/"private": the dialog words it."""
        self.privacy_mode = mode
        if mode == "text":
            self.speaker.mode = "print"
            if self.mic is not None:
                self.mic.close()
                self.mic = None
                self.speaker.mic = None
            self.out(screen_words(self.content)["text_only"])

    # -- one answer --------------------------------------------------------------------------
    def listen(self, ask: Ask):
        """Events after hearing one spoken answer (or a silence). Raises DeviceLost."""
        utt, tr, t_end = self.capture(ask)
        if tr is None:
            self.out(screen_words(self.content)["nothing_heard"])
            return self.conv.silence(), t_end, None
        self.out(screen_words(self.content)["heard"].format(text=tr.text or "..."))
        if self.faint.heard(utt.level_dbfs):
            self.say(self.content.line("faint"))
        return self.conv.hear(tr.text, tr.confidence, spoken=True, alternatives=tr.alternatives,
                               words=tr.words), t_end, tr

    def capture(self, ask: Ask):
        """The listening tone, then one answer: (utterance, transcript or None after a silence, end time)."""
        assert self.mic is not None
        t_tone = time.perf_counter()
        # the microphone reopens with the tone: audio captured from the tone's end (as heard) is kept, so an
        # answer that follows the tone at once is whole; nothing is flushed after it
        keep_from = self.speaker.play_samples(earcon("listen"), 22050, guard_s=TONE_GUARD_S)
        if keep_from is None:  # no tone played (printing only): listen from now
            keep_from = time.perf_counter()
            self.mic.flush()
        t_open = time.perf_counter()
        log.debug("turn %d: tone %.3f s, audio kept from %.3f s after the tone began (call returned at %.3f s); "
                  "blocks dropped while muted %d, before the cut-off %d", len(self.turns), keep_from - t_tone,
                  keep_from - t_tone, t_open - t_tone, getattr(self.mic, "muted_drops", 0),
                  getattr(self.mic, "flushed", 0))
        cfg = self.start_rule(ask)
        grammar = self.grammars.for_ask(ask)
        live: list = []

        def decode_while_speaking(samples) -> None:  # the recognizer keeps up with the speech
            if not live:
                live.append(self.recognizer.stream(grammar))
            live[0].accept(samples)

        utt = self.mic.listen(cfg, endpointer=Endpointer(cfg, sink=decode_while_speaking, frontend=self.frontend))
        t_end = time.perf_counter()
        log.debug("turn %d: %s, speech %.2f s (start rule %.2f s), start decided %.2f s after the cut-off, end %.2f s",
                  len(self.turns), Safe(utt.reason), utt.speech_s, cfg.start_speech_s,
                  getattr(utt, "started_at", t_end) - keep_from, t_end - keep_from)
        if utt.reason == "timeout":
            if live:  # speech started but never ended within the limit: drop the partial decode
                live[0].finish()
            return utt, None, t_end
        tr = live[0].finish() if live else self.recognizer.transcribe(utt.samples, grammar)
        log.debug("turn %d: recognizer %s gave %d words, confidence %.2f", len(self.turns),
                  Safe(self.recognizer.name), len(tr.text.split()), tr.confidence)
        return utt, tr, t_end

    def start_rule(self, ask: Ask) -> EndpointConfig:
        """At a question that takes a bare yes or no a short burst of speech starts an answer: a spoken
        "yes" or "nope" can hold under 0.3 s of speech, the general start rule."""
        return self.endpoint.for_yes_no(expects_yes_no(ask, self.content))

    def typed(self, ask: Ask):
        line = self.read_line("> ")
        return self.conv.hear(line.strip(), 1.0) if line.strip() else self.conv.hear("", 1.0)

    # -- the loop ----------------------------------------------------------------------------
    def run(self) -> int:
        from voice_triage.dialog import Conversation

        for note in self.notes:
            self.err(note)
        if self.dropped_report:
            n = sum(len(r.split(": ", 1)[-1].split(", ")) for r in self.dropped_report)
            self.err(f"{n} words in the phrase lists are unknown to {self.recognizer.name}; they can be typed but not spoken.")
        have_mic = self.open_microphone()
        if not have_mic and not self.text_fallback:
            return EXIT_NO_MICROPHONE
        if not have_mic:
            self.out(self.content.line("type_answers"))
        self.conv = Conversation(self.content, privacy_check=True)
        self.privacy_mode = None
        self.ended = False
        try:
            ask = self.render(self.conv.start())
            while not self.ended and not self.conv.finished:
                if ask is None:
                    ask = self.conv.pending
                    if ask is None:
                        break
                if self.mic is not None:
                    try:
                        events, t_end, tr = self.listen(ask)
                    except DeviceLost as err:
                        self._lost(err)
                        self.out(ask.text)
                        continue
                    t_ready = time.perf_counter()
                    ask = self.render(events)
                    self.turns.append({"reply_ready_s": t_ready - t_end,
                                       "first_audio_s": (self.speaker.last_first_audio - t_end)
                                       if self.speaker.last_first_audio else None,
                                       "text": tr.text if tr else None})
                else:
                    try:
                        events = self.typed(ask)
                    except EOFError:  # input ended: leave as "stop" would, the safety net included
                        self.out("")
                        self.render(self.conv.stop("end_of_input"))
                        break
                    ask = self.render(events)
            self._after_result()
            return EXIT_OK
        except KeyboardInterrupt:  # Ctrl-C: the safety net is still shown (printed, not spoken)
            self.speaker.mode = "print"
            self.render(self.conv.stop("interrupted"))
            return EXIT_INTERRUPTED
        finally:
            self.close()

    def _after_result(self) -> None:
        """At the result, a spoken "more", "summary" or "repeat" is answered (the conversation bounds how
        many); silence, anything else, or a lost microphone ends, as before. Not after an emergency: the
        person should be getting help, not waiting on us (the details are on the screen)."""
        ask = Ask(str(self.content.advice.words["offer"]), (), "result")
        while self.conv.result is not None and self.conv.result.tier != "emergency" and self.mic is not None:
            try:
                events, _, _ = self.listen(ask)
            except DeviceLost:
                return
            if not events:
                return
            self.render(events)

    def _lost(self, err: BaseException) -> None:
        self.out(str(err))
        if self.mic is not None:
            self.mic.close()
        self.mic = None
        self.speaker.mic = None

    def close(self) -> None:
        if self.mic is not None:
            self.mic.close()
            self.mic = None
        self.speaker.close()


def run_voice_chat(content, *, asr: str | None = None, model: str | None = None, no_voice: bool = False,
                   tts_out: str | None = None, relaxed: bool = False, input_device=None, output_device=None,
                   voice: str | None = None, text_fallback: bool = True, use_microphone: bool = True,
                   out: Callable[[str], None] = print, read_line: Callable[[str], str] = input) -> int:
    """Hold the conversation by voice. Returns 0 when it ended normally (by voice or, after a missing
    or lost microphone, by typing), :data:`EXIT_NO_MICROPHONE` (3) when there is no microphone and
    ``text_fallback`` is False (nothing was asked: the caller runs its text chat), 130 on Ctrl-C.

    ``no_voice``: print only (still listens if a microphone exists). ``tts_out``: write each spoken line
    as a WAV file into that folder instead of playing it. ``relaxed``: 1.25 s of silence ends an answer
    (for people who speak slowly). ``use_microphone=False``: typed answers with spoken output.
    """
    chat = VoiceChat(content, asr=asr, model=model, no_voice=no_voice, tts_out=tts_out, relaxed=relaxed,
                     input_device=input_device, output_device=output_device, voice=voice,
                     text_fallback=text_fallback, use_microphone=use_microphone, out=out, read_line=read_line)
    return chat.run()
