"""No network, by construction: a Python audit hook that refuses every network socket.

Installed once at start-up (:func:`install_network_guard`, called by :func:`voice_triage.privacy.install`).
From then on, in this process:

* creating a socket of any family but ``AF_UNIX`` (local only: PulseAudio's socket, ``socketpair``)
  raises :class:`NetworkRefused`;
* ``connect``/``bind``/``sendto``/``sendmsg`` on a non-``AF_UNIX`` socket (one made before the hook, or
  from a file descriptor) is refused too;
* name look-ups (``getaddrinfo``, ``gethostbyname``, ...) and ``urllib``/``http.client``/``ftplib``/
  ``smtplib``/... connections are refused before they start.

An audit hook cannot be removed, so the guard holds for the life of the process. It sees only what
Python code does: libraries written in C (PortAudio, espeak-ng, the recognizers) are covered by the
system-call tests in ``tests/privacy`` (strace) and, on a kiosk, by running the program with no network
at all (``unshare -n`` / systemd ``PrivateNetwork=yes``; see ``voice_triage/privacy/README.md``).

The one exception is a listening socket the user asked for (``voice-triage serve --wyoming tcp://...``):
:func:`allow_listening` lets internet sockets be made, and bound to exactly that address; the connections
it accepts may send back only to their own peer. Each allowance is good for one bind. ``connect``, name look-ups and every other bind stay
refused.

The refusal message names the operation and the address family only: never data, never an address
taken from what a person said.
"""

from __future__ import annotations

import socket
import sys
import threading

ALLOWED_FAMILIES = frozenset({int(socket.AF_UNIX)})
_INET = frozenset({int(socket.AF_INET), int(socket.AF_INET6)})

_SOCKET_USE = frozenset({"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"})
_LOOKUPS = frozenset({"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                      "socket.getnameinfo", "socket.gethostbyname_ex"})
_CLIENTS = frozenset({"urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect",
                      "imaplib.open", "poplib.connect", "nntplib.connect", "telnetlib.Telnet.open",
                      "webbrowser.open"})

_installed = False
_lock = threading.Lock()
refusals = 0  # how many attempts were refused in this process (for tests and `doctor`)
_binds: set[tuple[str, int]] = set()  # (host, port) the user asked to listen on, until bound
_listening: set[tuple[str, int]] = set()  # what those sockets were bound to (the port, when 0 was asked)


class NetworkRefused(PermissionError):
    """A network operation was attempted; voice-triage never uses the network."""


def _family_name(family: object) -> str:
    try:
        return socket.AddressFamily(int(family)).name  # type: ignore[call-overload]
    except (ValueError, TypeError):
        return str(family)


def _refuse(what: str) -> None:
    global refusals
    refusals += 1
    raise NetworkRefused(f"voice-triage uses no network: {what} was refused")


def _hook(event: str, args: tuple) -> None:
    if not (event.startswith("socket.") or event in _CLIENTS):
        return  # the fast path: this hook sees every audited event (imports, opens, ...)
    if event == "socket.__new__":
        family = args[1] if len(args) > 1 else None
        if family is None or family == -1:
            return  # socket(fileno=...) or default: checked when it is used
        if int(family) not in ALLOWED_FAMILIES and not ((_binds or _listening) and int(family) in _INET):
            _refuse(f"opening an {_family_name(family)} socket")
    elif event in _SOCKET_USE:
        sock = args[0] if args else None
        family = getattr(sock, "family", None)
        allowed = family is not None and (int(family) in ALLOWED_FAMILIES
                                          or (int(family) in _INET and _listener_use(event, sock, args)))
        if not allowed:
            _refuse(f"{event.split('.', 1)[1]} on an {_family_name(family)} socket")
    elif event in _LOOKUPS:
        _refuse(f"a network name look-up ({event.split('.', 1)[1]})")
    elif event in _CLIENTS:
        _refuse(f"a network connection ({event})")


def _listener_use(event: str, sock: object, args: tuple) -> bool:
    """The listening socket the user asked for: its bind, and replies on the connections it accepted."""
    if event == "socket.bind":
        address = args[1] if len(args) > 1 else None
        wanted = (str(address[0]), int(address[1])) if isinstance(address, tuple) else None
        if wanted not in _binds:
            return False
        _binds.discard(wanted)  # one bind per allowance: no second socket on the same address (or port 0)
        return True
    if event in ("socket.sendto", "socket.sendmsg"):
        destination = args[1] if len(args) > 1 else None
        try:
            local = sock.getsockname()  # type: ignore[attr-defined]
        except (OSError, AttributeError):
            return False
        return destination is None and (str(local[0]), int(local[1])) in _listening
    return False  # connect: never


def allow_listening(host: str, port: int) -> None:
    """Allow one listening socket, bound to exactly (host, port), asked for by the user."""
    with _lock:
        _binds.add((str(host), int(port)))


def listening_on(address: tuple) -> None:
    """Record where an allowed listening socket was bound (its real port when 0 was asked)."""
    with _lock:
        _listening.add((str(address[0]), int(address[1])))


def install_network_guard() -> bool:
    """Install the guard (once per process). Returns True if this call installed it."""
    global _installed
    with _lock:
        if _installed:
            return False
        sys.addaudithook(_hook)
        _installed = True
        return True


def network_guard_installed() -> bool:
    return _installed
