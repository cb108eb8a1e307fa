"""``terminationOrdering``: sidecars stop after the main containers, last one first.

``pkg/kubelet/kuberuntime/kuberuntime_termination_order.go``: when a Pod with
restartable init containers (sidecars) is killed, every running container is
killed at once (``killContainersWithSyncResult`` starts one goroutine each, so
every ``Killing`` event and preStop hook starts together), but a sidecar's
``StopContainer`` waits for its turn: for every main container to have
stopped, then for the sidecar defined after it. The wait is bounded by what is
left of the sidecar's grace period, and the seconds waited (truncated) come
off that grace period, before the 2 s minimum applies.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

import simpy

from ..model import PodSpec


class TerminationOrdering:
    def __init__(self, env: simpy.Environment, spec: PodSpec, running: Iterable[str]) -> None:
        self.env = env
        alive = set(running)
        self._terminated: dict[str, simpy.Event] = {}
        self._prereqs: dict[str, list[simpy.Event]] = {}
        main: list[simpy.Event] = []
        for c in spec.containers:
            main.append(self._channel(c.name, c.name in alive))
        later_sidecar: simpy.Event | None = None
        for c in reversed(spec.init_containers):
            channel = self._channel(c.name, c.name in alive)
            if c.sidecar:
                self._prereqs[c.name] = main + ([later_sidecar] if later_sidecar else [])
                later_sidecar = channel
        # (a regular init container is never running while the Pod is killed with sidecars
        # up; it gets a channel like upstream, and nothing waits on it)

    def _channel(self, name: str, running: bool) -> simpy.Event:
        channel = self.env.event()
        if not running:
            channel.succeed()  # pre-closed: nothing waits for a container that is not running
        self._terminated[name] = channel
        return channel

    def wait_for_turn(self, name: str, grace_seconds: int) -> Generator[simpy.Event, Any, int]:
        """Wait for the containers ``name`` stops after; return the whole seconds waited."""
        if grace_seconds <= 0:
            return 0
        start = self.env.now
        pending = [c for c in self._prereqs.get(name, []) if not c.triggered]
        if pending:
            yield simpy.AllOf(self.env, pending) | self.env.timeout(grace_seconds * 1000)
        return int((self.env.now - start) // 1000)

    def container_terminated(self, name: str) -> None:
        channel = self._terminated.get(name)
        if channel is not None and not channel.triggered:
            channel.succeed()


def needs_ordering(spec: PodSpec) -> bool:
    """``killContainersWithSyncResult`` orders termination only when the Pod has sidecars."""
    return any(c.sidecar for c in spec.init_containers)
