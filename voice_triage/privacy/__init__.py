"""Privacy by construction: no network, nothing of a conversation on disk, logs without answers.

:func:`install` is called once at start-up by the ``voice-triage`` command (``voice_triage.cli.main``):

* :mod:`.netguard` — an audit hook refusing every non-local socket and name look-up;
* :mod:`.logpolicy` — logging to stderr only, with arguments redacted and known answers scrubbed;
* :mod:`.memtmp` — temporary files (the TTS engine's) in a private directory in memory.

:mod:`.summary` writes the clinician summary only when ``--save-summary PATH`` asks for it.
"""

from __future__ import annotations

from voice_triage.privacy.logpolicy import Safe, forget_sensitive, install_log_policy, note_sensitive
from voice_triage.privacy.memtmp import memory_tempdir, use_memory_tempdir
from voice_triage.privacy.netguard import NetworkRefused, install_network_guard, network_guard_installed

__all__ = ["install", "NetworkRefused", "Safe", "note_sensitive", "forget_sensitive", "install_network_guard",
           "network_guard_installed", "install_log_policy", "use_memory_tempdir", "memory_tempdir"]


def install() -> None:
    """All the guards, once per process (safe to call again)."""
    install_network_guard()
    install_log_policy()
    use_memory_tempdir()
