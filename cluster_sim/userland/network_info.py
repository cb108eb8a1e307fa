"""The Pod's network seen from inside: ``ip``, ``ifconfig``, ``netstat``, ``ping``.

A Pod has ``lo`` and ``eth0`` (the veth end the CNI plugin creates, with the
Pod IP in a /24 of the node's Pod CIDR). Layouts are busybox 1.36's, written
from memory (DESIGN.md). ``ping`` answers from the Pod's own addresses and
from other Pods; a Service's ClusterIP does not answer (kube-proxy's rules
forward TCP and UDP to the ports a Service lists, not ICMP), so pinging a
Service name loses every packet, as on a real cluster.
"""

from __future__ import annotations

import math
import re

from .process import Process, Program, Sleep, Target, utility

MTU = 1500
POD_NETWORK = "10.244."  # the cluster's Pod CIDR, 10.244.0.0/16 (``nodestate``)


def _pod_ip(proc: Process) -> str:
    ip = getattr(proc.container, "pod_ip", None) if proc.container is not None else None
    return str(ip) if ip else "10.244.0.2"


def _mac(ip: str) -> str:
    """The MAC many CNI plugins derive from the IP: 0a:58 then the address's bytes."""
    return "0a:58:" + ":".join(f"{int(part):02x}" for part in ip.split("."))


def _broadcast(ip: str) -> str:
    return ".".join(ip.split(".")[:3]) + ".255"


@utility("ip")
def ip(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``ip addr`` / ``ip a`` / ``ip route`` / ``ip link``."""
    args = [a for a in argv[1:] if not a.startswith("-")]
    obj = args[0] if args else ""
    if len(args) > 1 and args[1] in ("set", "add", "del", "change", "replace", "flush"):
        # Changing a link, an address or a route needs CAP_NET_ADMIN, which containerd's
        # default set lacks (iplink.c's ioctl, libnetlink.c's RTNETLINK answer).
        if not proc.fs.credentials.caps.has("NET_ADMIN"):
            if obj[:1] == "l":
                ioctl = "SIOCSIFMTU" if "mtu" in args else "SIOCSIFFLAGS"
                yield from proc.error(f"ip: {ioctl}: Operation not permitted\n")
            else:
                yield from proc.error("ip: RTNETLINK answers: Operation not permitted\n")
            return 1
        return 0  # allowed; the simulated interfaces do not change
    addr = _pod_ip(proc)
    if obj in ("a", "ad", "addr", "address", "l", "li", "link"):
        with_addr = obj[0] == "a"
        lines = ["1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\n"]
        lines.append("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n")
        if with_addr:
            lines.append("    inet 127.0.0.1/8 scope host lo\n")
            lines.append("       valid_lft forever preferred_lft forever\n")
        lines.append(
            f"2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu {MTU} qdisc noqueue \n"
        )
        lines.append(f"    link/ether {_mac(addr)} brd ff:ff:ff:ff:ff:ff\n")
        if with_addr:
            lines.append(f"    inet {addr}/24 brd {_broadcast(addr)} scope global eth0\n")
            lines.append("       valid_lft forever preferred_lft forever\n")
        yield from proc.write("".join(lines), redirect)
        return 0
    if obj in ("r", "ro", "route"):
        gateway = ".".join(addr.split(".")[:3]) + ".1"
        network = ".".join(addr.split(".")[:3]) + ".0"
        yield from proc.write(
            f"default via {gateway} dev eth0 \n{network}/24 dev eth0 scope link  src {addr} \n",
            redirect,
        )
        return 0
    yield from proc.error("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n")
    yield from proc.error("Usage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n")
    return 1


@utility("ifconfig")
def ifconfig(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    addr = _pod_ip(proc)
    counters = (
        "          RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n"
        "          TX packets:0 errors:0 dropped:0 overruns:0 carrier:0\n"
    )
    eth0 = (
        f"eth0      Link encap:Ethernet  HWaddr {_mac(addr).upper()}  \n"
        f"          inet addr:{addr}  Bcast:{_broadcast(addr)}  Mask:255.255.255.0\n"
        f"          UP BROADCAST RUNNING MULTICAST  MTU:{MTU}  Metric:1\n"
        + counters
        + "          collisions:0 txqueuelen:0 \n"
        "          RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)\n\n"
    )
    lo = (
        "lo        Link encap:Local Loopback  \n"
        "          inet addr:127.0.0.1  Mask:255.0.0.0\n"
        "          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n"
        + counters
        + "          collisions:0 txqueuelen:1000 \n"
        "          RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)\n\n"
    )
    names = argv[1:]
    out = (
        eth0 + lo if not names else (eth0 if names[0] == "eth0" else lo if names[0] == "lo" else "")
    )
    if names and not out:
        yield from proc.error(
            f"ifconfig: {names[0]}: error fetching interface information: Device not found\n"
        )
        return 1
    yield from proc.write(out, redirect)
    return 0


@utility("netstat")
def netstat(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``netstat -tln`` (``-tlnp``...): the ports the Pod's containers listen on.

    The container handle's ``listening()`` gives them as (port, protocol)
    when the runtime provides it.
    """
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-"))
    listening = getattr(proc.container, "listening", None)
    ports = sorted(listening()) if callable(listening) else []
    out = [
        "Active Internet connections (only servers)\n"
        if "l" in flags
        else "Active Internet connections (w/o servers)\n"
    ]
    out.append("Proto Recv-Q Send-Q Local Address           Foreign Address         State       \n")
    if "l" in flags:
        for port, protocol in ports:
            proto = "udp" if protocol == "udp" else "tcp"
            state = "" if proto == "udp" else "LISTEN"
            local = f":::{port}"
            out.append(f"{proto:<5} {0:6d} {0:6d} {local:<23} {':::*':<23} {state:<11} \n")
    yield from proc.write("".join(out), redirect)
    return 0


@utility("ping")
def ping(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``ping [-c N] [-W SEC] HOST``: one echo request a second."""
    count = math.inf
    args = argv[1:]
    host = ""
    i = 0
    while i < len(args):
        if args[i] in ("-c", "-W", "-w", "-i", "-s") and i + 1 < len(args):
            if args[i] == "-c":
                if not args[i + 1].isdigit():
                    yield from proc.error(f"ping: invalid number '{args[i + 1]}'\n")
                    return 1
                count = int(args[i + 1])
            i += 2
            continue
        if not args[i].startswith("-"):
            host = args[i]
        i += 1
    if not host:
        yield from proc.error("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n")
        yield from proc.error("Usage: ping [OPTIONS] HOST\n")
        return 1
    own = _pod_ip(proc)
    address = host
    answers = host in ("localhost", "127.0.0.1", own) or host == proc.env.get("HOSTNAME")
    if host == "localhost":
        address = "127.0.0.1"
    elif host == proc.env.get("HOSTNAME"):
        address = own
    elif not re.fullmatch(r"\d+\.\d+\.\d+\.\d+", host):
        resolve = getattr(proc.container, "resolve", None)
        answer = resolve(host) if callable(resolve) else None
        if not answer or not answer[1]:
            yield from proc.error(f"ping: bad address '{host}'\n")
            return 1
        address = answer[1][0]
        answers = address.startswith(POD_NETWORK)  # a Pod (headless Service) answers
    else:
        answers = answers or host.startswith(POD_NETWORK)  # another Pod answers
    if not proc.fs.credentials.caps.has("NET_RAW"):
        # busybox ping opens a raw socket (no ICMP datagram fallback): EPERM without
        # CAP_NET_RAW, i.e. for a non-root user or when NET_RAW is dropped
        yield from proc.error("ping: permission denied (are you root?)\n")
        return 1
    yield from proc.write(f"PING {host} ({address}): 56 data bytes\n", redirect)
    sent = received = 0
    while sent < count:
        if answers:
            yield from proc.write(
                f"64 bytes from {address}: seq={sent} ttl=64 time=0.080 ms\n", redirect
            )
            received += 1
        sent += 1
        if sent < count:
            yield Sleep(1000)
    if not answers:
        yield Sleep(1000)  # the last request's wait for an answer
    loss = (sent - received) * 100 // sent if sent else 0
    summary = f"\n--- {host} ping statistics ---\n"
    summary += f"{sent} packets transmitted, {received} packets received, {loss}% packet loss\n"
    if received:
        summary += "round-trip min/avg/max = 0.080/0.080/0.080 ms\n"
    yield from proc.write(summary, redirect)
    return 0 if received else 1
