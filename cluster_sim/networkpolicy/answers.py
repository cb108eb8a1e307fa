"""What a connection a NetworkPolicy dropped looks like to the client (reference §4.4).

Enforcement drops the first packet; it never answers. So a client sees no
"Connection refused" (that is a RST from a Pod with nothing listening) but
silence until one of its timers gives up. kube-proxy's ``connect`` returns the
problem ``dropped(policy)``; the userland tools recognise it with
``dropped_by`` and wait for their timers:

* the kernel gives up on an unanswered SYN after 127 s (``tcp_syn_retries``
  6: 1+2+4+8+16+32+64 s) [unverified constant, the reference's];
* busybox ``wget`` has a 900 s default timeout (``-T`` sets it), so without
  ``-T`` the kernel's 127 s comes first;
* busybox ``nslookup`` waits 5 s in all (2 tries) and prints
  ``;; connection timed out; no servers could be reached``;
* the libc resolver behind ``wget``/``nc`` asks for each name of the search
  list in turn (resolv.conf ``options ndots:5``: three search domains, then the
  name), ``attempts:2`` of ``timeout:5`` s each: 40 s before ``bad address``
  [unverified: glibc's defaults; musl and uClibc pace retries differently].

This module imports nothing, so the userland may read it.
"""

from __future__ import annotations

DROPPED = "dropped by NetworkPolicy"
TCP_SYN_GIVE_UP_MS = 127_000
WGET_DEFAULT_TIMEOUT_S = 900
NSLOOKUP_TIMEOUT_MS = 5_000
RESOLVER_TIMEOUT_MS = 5_000
RESOLVER_ATTEMPTS = 2
SEARCH_NAMES = (
    4  # <name>.<ns>.svc.cluster.local, <name>.svc.cluster.local, ...cluster.local, <name>
)
NSLOOKUP_TIMED_OUT = ";; connection timed out; no servers could be reached\n\n"


def dropped(policy: str) -> str:
    """The problem ``connect`` returns for a connection ``policy`` dropped."""
    return f"{DROPPED} {policy}"


def dropped_by(problem: str) -> str | None:
    """The policy (``ns/name``) that dropped the connection, or None if it was not dropped."""
    if problem.startswith(DROPPED):
        return problem[len(DROPPED) :].strip()
    return None


def resolver_give_up_ms(name: str) -> int:
    """How long the libc resolver waits on a dropped DNS server before ``bad address``."""
    names = 1 if name.endswith(".") or name.count(".") >= 5 else SEARCH_NAMES
    return names * RESOLVER_ATTEMPTS * RESOLVER_TIMEOUT_MS


def connect_give_up_ms(timeout_s: float | None) -> int:
    """When a client whose SYN gets no answer gives up: its own timeout or the kernel's."""
    if timeout_s is not None and 0 < timeout_s * 1000 < TCP_SYN_GIVE_UP_MS:
        return int(timeout_s * 1000)
    return TCP_SYN_GIVE_UP_MS
