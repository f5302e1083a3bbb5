"""Hosts: voice assistants people already run, which bring their own microphone, STT and TTS.

* :mod:`.ovos` — an OpenVoiceOS skill (``ovos.plugin.skill`` entry point; needs the ``ovos`` extra);
* :mod:`.wyoming_service` — a Wyoming ``handle`` service for Home Assistant Assist (``voice-triage serve``).

Both are thin: the host hands over text, :class:`~voice_triage.hosts.sessions.Sessions` feeds it to one
:class:`~voice_triage.dialog.Conversation` per host session and renders the events as what to say next.
Nothing here imports the audio stack.
"""
