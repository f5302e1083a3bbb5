"""The OpenVoiceOS skill: ``pip install 'voice-triage[ovos]'`` into the OVOS environment; ovos-core finds it through
the ``ovos.plugin.skill`` entry point (skill id ``voice-triage.voice-triage``). Works with ovos-workshop 7.x and 8.x.

* Its intent samples are ``start`` in ``prompts/<lang>/hosts.yaml``, registered from there at load time
  (no locale folder: one source of truth for every word).
* The intent starts a conversation for the OVOS session; each question is spoken with
  ``expect_response=True``; ``converse`` feeds what the person answers to that session's conversation.
* "stop" (``can_stop``/``stop_session``) ends it with the tier the answers so far call for and the safety net.
* One conversation per session, in memory only, forgotten after the result, a stop, deactivation or
  5 minutes without an answer. No handler lets an exception reach the bus; nothing said is logged.

Speech recognition and synthesis are the host's: whatever STT/TTS the OVOS install uses hears and speaks
the answers (ovos-core itself logs utterances at INFO; see the README).
"""

from __future__ import annotations

import logging
from typing import Any

from ovos_bus_client.message import Message
from ovos_bus_client.session import SessionManager
from ovos_utils import classproperty
from ovos_utils.process_utils import RuntimeRequirements
from ovos_workshop.skills.converse import ConversationalSkill

from voice_triage.content import load_content
from voice_triage.hosts.sessions import Reply, Sessions
from voice_triage.hosts.words import host_words, start_samples
from voice_triage.paths import prompts_root

log = logging.getLogger(__name__)

START_INTENT = "start.intent"


def _our_lang(lang: str) -> str | None:
    """The prompts/ language for an OVOS language tag ("en-US" -> "en"), or None."""
    primary = str(lang or "").split("-")[0].split("_")[0].lower()
    return primary if primary and (prompts_root() / primary / "hosts.yaml").is_file() else None


def _session_id(message: Message | None) -> str:
    return SessionManager.get(message).session_id


class VoiceTriageSkill(ConversationalSkill):
    """Bleeding or spotting after sex: a few spoken questions, then how soon to get care."""

    @classproperty
    def runtime_requirements(self) -> RuntimeRequirements:  # type: ignore[override]
        return RuntimeRequirements(internet_before_load=False, network_before_load=False, requires_internet=False,
                                   requires_network=False, no_internet_fallback=True, no_network_fallback=True)

    def __init__(self, *args: Any, **kwargs: Any):
        self._sessions: dict[str, Sessions] = {}  # by prompts/ language
        self._started_lang: dict[str, str] = {}  # OVOS session id -> prompts/ language
        super().__init__(*args, **kwargs)

    # -- loading ------------------------------------------------------------------------------------
    def initialize(self) -> None:
        langs = {tag: _our_lang(tag) for tag in dict.fromkeys([self.lang, *self.native_langs])}
        for tag, ours in langs.items():
            if ours is None:
                continue
            if ours not in self._sessions:
                self._sessions[ours] = Sessions(load_content(ours), host_words(ours))
            self._register_start(tag, start_samples(ours))
        self.add_event(self._intent_name, self.handle_start, "mycroft.skill.handler", activation=True, is_intent=True)

    @property
    def _intent_name(self) -> str:
        return f"{self.skill_id}:{START_INTENT}"

    def _register_start(self, lang: str, samples: list[str]) -> None:
        """The intent, with its samples given directly (what register_intent_file sends, without a file)."""
        data = {"file_name": "", "samples": samples, "name": self._intent_name, "lang": lang,
                "blacklisted_words": []}
        self.bus.emit(Message("padatious:register_intent", data, {"skill_id": self.skill_id}))

    def shutdown(self) -> None:
        """Forgets every conversation; the intent is detached if the bus is still there (at interpreter exit,
        the workshop calls this from __del__, when the bus can no longer serialize a message)."""
        for s in self._sessions.values():
            s.clear()
        self._started_lang.clear()
        try:
            self.bus.emit(Message("detach_intent", {"intent_name": self._intent_name}, {"skill_id": self.skill_id}))
        except Exception as e:  # noqa: BLE001
            log.debug("voice-triage: intent not detached at shutdown (%s)", e)

    # -- the conversation ---------------------------------------------------------------------------
    def _for(self, sid: str) -> Sessions | None:
        lang = self._started_lang.get(sid)
        return self._sessions.get(lang) if lang else None

    def _running(self, message: Message | None) -> bool:
        try:
            sid = _session_id(message)
            s = self._for(sid)
            if s is not None and s.active(sid):
                return True
            self._started_lang.pop(sid, None)
        except Exception as e:  # noqa: BLE001
            log.error("voice-triage: session check failed (%s)", type(e).__name__)
        return False

    def _say(self, sid: str, reply: Reply) -> None:
        for line in reply.lines:
            self.speak(line)
        if reply.question:
            self.speak(reply.question, expect_response=True)
        if reply.ended:
            self._started_lang.pop(sid, None)

    def _fail_safe(self, sid: str | None, where: str, e: Exception) -> None:
        """Never an exception into the bus: say the safety net, forget the conversation."""
        log.error("voice-triage: %s failed (%s)", where, type(e).__name__)
        try:
            s = self._for(sid) if sid else None
            if s is not None:
                s.forget(sid)
            self._started_lang.pop(sid or "", None)
            s = s or next(iter(self._sessions.values()), None)
            if s is not None:
                self.speak(s.content.advice.safety_net)
        except Exception as again:  # noqa: BLE001
            log.error("voice-triage: safety net not spoken (%s)", type(again).__name__)

    def handle_start(self, message: Message) -> None:
        sid = None
        try:
            sid = _session_id(message)
            ours = _our_lang(message.data.get("lang") or self.lang) or next(iter(self._sessions))
            self._started_lang[sid] = ours
            self._say(sid, self._sessions[ours].start(sid))
        except Exception as e:  # noqa: BLE001
            self._fail_safe(sid, "start", e)

    def can_converse(self, message: Message) -> bool:
        return self._running(message)

    def converse(self, message: Message) -> bool:
        sid = None
        try:
            sid = _session_id(message)
            s = self._for(sid)
            if s is None:
                return False
            utterances = message.data.get("utterances") or [""]
            reply = s.answer(sid, utterances[0] if isinstance(utterances, list) else "")
            if reply is None:
                self._started_lang.pop(sid, None)
                return False
            self._say(sid, reply)
            return True
        except Exception as e:  # noqa: BLE001
            self._fail_safe(sid, "converse", e)
            return True

    def can_stop(self, message: Message) -> bool:
        return self._running(message)

    def stop_session(self, session: Any) -> bool:
        sid = None
        try:
            sid = session.session_id
            s = self._for(sid)
            reply = s.stop(sid) if s is not None else None
            if reply is None:
                return False
            self._say(sid, reply)
            return True
        except Exception as e:  # noqa: BLE001
            self._fail_safe(sid, "stop", e)
            return True

    def stop(self) -> bool:
        return False  # only session-aware stops: one person's "stop" never ends another's conversation

    def handle_deactivate(self, message: Message) -> None:
        """The host timed the skill out (converse timeout): the conversation is forgotten."""
        try:
            sid = _session_id(message)
            s = self._for(sid)
            if s is not None:
                s.forget(sid)
            self._started_lang.pop(sid, None)
        except Exception as e:  # noqa: BLE001
            log.error("voice-triage: deactivate failed (%s)", type(e).__name__)
