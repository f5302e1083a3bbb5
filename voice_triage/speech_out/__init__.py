"""Speech out: pyttsx3 (espeak) synthesis into memory, playback through sounddevice, half-duplex."""

from .player import GUARD_S, HalfDuplex, PlaybackError, play
from .speaker import Speaker
from .tts import DEFAULT_RATE_WPM, DEFAULT_VOLUME, Synthesizer, TTSError, VoiceSettings, private_dir, split_sentences

__all__ = [
    "GUARD_S", "HalfDuplex", "PlaybackError", "play", "Speaker", "DEFAULT_RATE_WPM", "DEFAULT_VOLUME",
    "Synthesizer", "TTSError", "VoiceSettings", "private_dir", "split_sentences",
]
