"""Spoken answers from WAV files, for ``chat --jsonl`` lines ``{"audio": "path.wav"}`` and for tests.

    answerer = AudioAnswerer(content)             # loads the recognizer once (auto: vosk if an English
    t = answerer.transcribe_file("a.wav", ask)    #   model is installed, else pocketsphinx)
    conv.hear(t.text, t.confidence)

The file goes through the same pipeline as the microphone: read at any rate / channel count, resampled
to 16 kHz mono, cleaned and brought to one level by the capture front-end (one per answerer, as for one
microphone), the speech found by the same end-of-speech detector, then recognized with the grammar
of the question being asked (``ask``; None = open vocabulary).

Errors (all subclasses of :class:`voice_triage.audio_in.AudioError`, message = one line for the user):
  * :class:`~voice_triage.audio_in.NoSpeech` — silence only or steady noise only: treat it as a silence
    (``conv.silence()``), not as a failure;
  * :class:`~voice_triage.audio_in.AudioError` — missing file, not a WAV, empty or truncated WAV.
A transcript with ``text == ""`` means speech was heard but matched nothing (``conv.hear("", 0.0)``
lets the dialog re-prompt).
"""

from __future__ import annotations

from voice_triage.audio_in import AudioError, NoSpeech, find_speech, read_audio
from voice_triage.audio_in.frontend import FrontEnd
from voice_triage.recognition import GrammarBook, Transcript, create_recognizer

__all__ = ["AudioAnswerer", "AudioError", "NoSpeech", "Transcript"]


class AudioAnswerer:
    def __init__(self, content, asr: str | None = None, model: str | None = None, report=None):
        choice = create_recognizer(asr, model)
        self.recognizer = choice.recognizer
        self.messages = choice.messages  # e.g. "Speech recognition: pocketsphinx ..." / model fallbacks
        self.grammars = GrammarBook(content, self.recognizer, report=report or self.messages.append)
        self.frontend = FrontEnd()
        if content is not None:
            self.grammars.prebuild()

    def new_conversation(self) -> None:
        """Another conversation (another person, another recording set-up): the front-end's filters and
        levels and the recognizer's adaptation start afresh."""
        self.frontend = FrontEnd()
        self.recognizer.new_speaker()

    @property
    def engine(self) -> str:
        return self.recognizer.name

    def transcribe_samples(self, samples, ask=None, *, name: str = "the recording") -> Transcript:
        utt = find_speech(samples, frontend=self.frontend)
        if utt is None:
            raise NoSpeech(f"No speech was heard in {name}.")
        return self.recognizer.transcribe(utt.samples, self.grammars.for_ask(ask))

    def transcribe_file(self, path: str, ask=None) -> Transcript:
        samples = read_audio(path)
        import os

        return self.transcribe_samples(samples, ask, name=os.path.basename(str(path)))
