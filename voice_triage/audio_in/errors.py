"""Errors of the audio input side. Each carries a one-line message meant for the user."""

from __future__ import annotations


class AudioError(Exception):
    """Audio could not be used: the message (``str(err)``) is one clear line for the user."""


class NoSpeech(AudioError):
    """The audio holds no speech (silence only, or steady noise only).

    Front-ends treat it as a silence (``Conversation.silence()``), not as a failure.
    """


class NoMicrophone(AudioError):
    """No capture device could be opened."""


class DeviceLost(AudioError):
    """The capture (or playback) device stopped delivering audio mid-conversation."""
