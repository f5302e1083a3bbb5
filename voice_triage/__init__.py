"""voice_triage: an offline, private voice assistant for bleeding or spotting after sex.

The package is laid out as the pipeline it implements:

    audio_in/  ->  recognition/  ->  understanding/  ->  dialog/  ->  triage/  ->  speech_out/

``content/`` loads every word the assistant says or understands from ``prompts/<lang>/``;
``frontends/`` holds the ways to drive a conversation (terminal text, JSON Lines, voice, kiosk).
"""

__version__ = "0.1.0"
