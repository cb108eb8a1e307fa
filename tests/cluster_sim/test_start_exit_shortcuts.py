"""Shortcuts on a container's start and exit give what the longer way gave (issue #15).

A pull granted at once reads the node's images at its turn instead of copying
them at the request; the node's CPU scheduler is kept on the node; a deferred
filesystem skips the permission check of a file everyone may read; an exit
with no message to read skips ``termination_message``. Each test holds a
shortcut to the answer of the way it replaced, including where it must not
apply.
"""

from __future__ import annotations

import re

import pytest
import simpy
from simrun import of, run

from cluster_sim import Simulation, load_bundle
from cluster_sim.backoff import go_duration
from cluster_sim.kubelet import runtime
from cluster_sim.kubelet.runtime import ContainerInstance
from cluster_sim.records import Recorder
from cluster_sim.registry import Registry
from cluster_sim.security.capabilities import process_sets
from cluster_sim.security.credentials import READ, ROOT, Credentials
from cluster_sim.userland.filesystem import Filesystem, FsError
from cluster_sim.userland.fs_deferred import ALL_READ

IMAGE = "busybox:1.36"


def crasher(name: str, node: str = "node-1", policy: str = "Always", extra: str = "") -> str:
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  nodeName: {node}\n"
        f"  containers:\n  - name: c\n    image: {IMAGE}\n    imagePullPolicy: {policy}\n"
        f"    command: [sh, -c, 'echo starting; exit 1']\n{extra}"
    )


def test_a_queued_pull_sees_the_images_of_its_request_and_a_pull_at_once_those_of_its_turn() -> (
    None
):
    """p1 asks while p0 pulls: p0's image lands before p1's turn, yet p1 pulls all its layers
    (the node lacked them when p1 asked). Every later pull, each at once, is a repull."""
    resolved = Registry(Recorder(simpy.Environment())).resolve(IMAGE)
    assert resolved is not None
    full, repull = resolved.image.pull_ms, resolved.image.repull_ms
    assert full != repull
    records = run(crasher("p0") + "---\n" + crasher("p1"), until=120)
    pulled: dict[str, list[tuple[str, str]]] = {"Pod/default/p0": [], "Pod/default/p1": []}
    for r in of(records, "event", reason="Pulled"):
        found = re.search(r" in (\S+) \((\S+) including waiting\)", r["message"])
        assert found is not None, r["message"]
        pulled[r["object"]].append((found[1], found[2]))
    first = [times[0] for times in pulled.values()]
    assert first == [
        (go_duration(full), go_duration(full)),
        (go_duration(full), go_duration(2 * full)),  # queued behind p0's pull
    ]
    later = [pull for times in pulled.values() for pull in times[1:]]
    assert len(later) >= 4
    assert {took for took, _ in later} == {go_duration(repull)}


def test_every_container_of_a_node_runs_on_the_nodes_one_scheduler() -> None:
    text = "---\n".join(
        [crasher("a"), crasher("b"), crasher("c", node="node-2"), crasher("d", node="node-2")]
    )
    sim = Simulation(load_bundle([("x.yaml", text)]), horizon=30)
    seen: list[tuple[str, object]] = []
    original = ContainerInstance.__init__

    def spy(self: ContainerInstance, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        seen.append((self.worker.node.node.name, self.node_cpu))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ContainerInstance, "__init__", spy)
        sim.advance(30)
    schedulers = {node.node.name: node.cpu_scheduler for node in sim.cluster.nodes}
    assert {name for name, _ in seen} == {"node-1", "node-2"} and len(seen) >= 8
    assert all(cpu is schedulers[name] for name, cpu in seen)
    assert schedulers["node-1"] is not schedulers["node-2"]
    assert schedulers["node-3"] is None  # nothing started there: none made


USER = Credentials(uid=1000, gid=1000, groups=(), caps=process_sets(set(), 1000))
NO_CAPS_ROOT = Credentials(uid=0, gid=0, groups=(), caps=process_sets(set(), 1000))


@pytest.mark.parametrize("credentials", [ROOT, USER, NO_CAPS_ROOT], ids=["root", "user", "bare"])
def test_a_file_everyone_may_read_is_readable_by_any_credentials(
    credentials: Credentials,
) -> None:
    """What ``DeferredFilesystem.read`` skips the check on: every mode with the three read
    bits passes it, whoever owns the file; the others are checked."""
    for mode in range(0o1000):
        for owner, group in ((0, 0), (1000, 1000), (0, 1000), (1000, 0), (7, 7)):
            if mode & ALL_READ == ALL_READ:
                assert credentials.may(owner, group, mode, READ), (oct(mode), owner, group)


EXITS = {
    "no file": ("File", 1, None),
    "empty file": ("File", 1, ""),
    "a message": ("File", 0, "told\n"),
    "fallback, failed, empty": ("FallbackToLogsOnError", 2, ""),
    "fallback, failed, no file": ("FallbackToLogsOnError", 2, None),
    "fallback, succeeded": ("FallbackToLogsOnError", 0, ""),
    "fallback, failed, told": ("FallbackToLogsOnError", 3, "told\n"),
}


@pytest.mark.parametrize("case", sorted(EXITS))
def test_an_exits_message_is_what_termination_message_gives(case: str) -> None:
    policy, exit_code, text = EXITS[case]

    class Worker:
        def log_text(self, _c: object) -> str:
            return "line 1\nline 2\n"

    class Fs(Filesystem):
        def __init__(self) -> None:
            pass

        def read(self, path: str) -> str:
            if text is None:
                raise FsError("No such file or directory", path)
            return text

    instance = ContainerInstance.__new__(ContainerInstance)
    instance.worker = Worker()  # type: ignore[assignment]
    instance.container = None  # type: ignore[assignment]
    instance.fs = Fs()  # PID 1's filesystem, read without its process
    instance.message_path = "/dev/termination-log"
    instance.message_policy = policy
    instance.exit_code = exit_code
    instance._read_message()
    expected = runtime.termination_message(text, policy, exit_code, lambda: "line 1\nline 2\n")
    assert instance.message == expected
    assert (expected == "") == (case in {"no file", "empty file", "fallback, succeeded"})
