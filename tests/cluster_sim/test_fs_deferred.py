"""A container's filesystem built at first use is the one a start would have built (issue #15).

``DeferredFilesystem`` puts off re-creating a start's root volume until the
tree is used, and ``StartPlan`` puts off laying out the tree it is re-created
from until a container of the plan needs it; each test holds them to the
eagerly built filesystem: the same tree, times, space and attributes once
built, the same reads before, and the same records for whole runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from simrun import of, run, scenario
from test_fs_layers import BINARIES, snapshot
from test_start_path_caches import RECREATED

from cluster_sim.kubelet import volumes
from cluster_sim.kubelet.start_plan import RootMount, StartPlan
from cluster_sim.security.capabilities import process_sets
from cluster_sim.security.credentials import ROOT, Credentials
from cluster_sim.userland.filesystem import Directory, File, Filesystem, FsError, Mount, Volume
from cluster_sim.userland.fs_deferred import DeferredFilesystem
from cluster_sim.userland.layers import Layer, freeze, image_layer

STARTED = 7_000
USER = Credentials(uid=1000, gid=1000, groups=(), caps=process_sets(set(), 1000))
SHARED = Volume("data")
SHARED.add_file("note", "in the volume\n")


def _plan(message: str = "/dev/termination-log", credentials: Credentials = ROOT) -> StartPlan:
    """A plan as ``PodVolumes`` makes one: a layer (with a 0600 file), a shared volume."""
    volume = image_layer(BINARIES).volume()
    volume.add_file("/etc/motd", "hello\n", mode=0o600)
    volume.add_file("/etc/open", "anyone\n", mode=0o640)
    volume.add_file("/srv/hidden", "under a mount\n")  # the mount at /srv hides it
    layer = Layer(freeze(volume.root), volume.used)
    mounts = (
        RootMount("/dev/shm", Volume("shm"), False, kubelet=False, optional=False),
        RootMount("/var/run/data", SHARED, False, kubelet=True, optional=True),
        RootMount("/srv", Volume("srv"), True, kubelet=True, optional=True),
        RootMount("/proc/sys", Volume("proc-sys"), True, kubelet=False, optional=True),
    )
    return StartPlan(
        None, (), BINARIES, None, layer, mounts, message, False, credentials, frozenset()
    )


def _eager(plan: StartPlan) -> Filesystem:
    """The filesystem a start built before it was deferred."""
    template, skeleton = plan.built()
    root = skeleton.volume(STARTED)
    return Filesystem(
        lambda: STARTED,
        layout=False,
        root=root,
        mounts={
            path: Mount("/", root, mount.read_only) if path == "/" else mount
            for path, mount in template.mounts.items()
        },
        bind_files=set(template.bind_files),
        credentials=template.credentials,
    )


def _deferred(plan: StartPlan) -> DeferredFilesystem:
    return DeferredFilesystem(lambda: STARTED, plan, STARTED)


def test_built_it_has_the_eager_tree_times_space_mounts_and_attributes() -> None:
    eager, plan = _eager(_plan()), _plan()
    deferred = _deferred(plan)
    assert not deferred.built and plan.template is None
    assert snapshot(deferred.root.root) == snapshot(eager.root.root)  # ``root`` builds it
    assert deferred.built and plan.template is not None
    assert deferred.stat("/var/run").mtime == eager.stat("/var/run").mtime == STARTED
    assert (deferred.root.used, deferred.root.capacity) == (eager.root.used, eager.root.capacity)
    assert deferred.mounts.keys() == eager.mounts.keys()
    assert deferred.mounts["/"].volume is deferred.root
    assert deferred.mounts["/var/run/data"].volume is SHARED
    assert set(vars(deferred)) - {"_plan", "_started"} == set(vars(eager))
    for name in ("bind_files", "credentials"):
        assert getattr(deferred, name) == getattr(eager, name)
    again = _deferred(plan)  # the next start: the plan's tree, a root of its own
    assert snapshot(again.root.root) == snapshot(eager.root.root)
    assert again.root is not deferred.root


PATHS = [
    "/etc/motd",
    "/etc/open",
    "/etc/passwd",
    "/dev/termination-log",
    "/var/run/data/note",
    "/srv/hidden",
    "/proc/sys/x",
    "/etc",
    "/nope",
    "/etc/motd/x",
    "/etc/../etc/passwd",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("credentials", [ROOT, USER], ids=["root", "user"])
@pytest.mark.parametrize("laid_out", [False, True])
def test_a_read_before_building_answers_as_the_built_tree(
    path: str, credentials: Credentials, laid_out: bool
) -> None:
    """From the layer while the plan is not laid out (for a file the layout leaves
    alone), from the template once it is: the eager tree's answer either way."""

    def answer(fs: Filesystem) -> Any:
        try:
            return fs.read(path)
        except FsError as error:
            return (error.reason, error.path)

    plan = _plan(credentials=credentials)
    if laid_out:
        plan.built()  # another container of the plan laid it out
    deferred = _deferred(plan)
    unchanged = plan.unchanged_file(path) is not None
    assert answer(deferred) == answer(_eager(_plan(credentials=credentials)))
    # from the template or an unchanged file: this container's tree is not built
    assert deferred.built == ("proc" in path or not (laid_out or unchanged))
    assert (plan.template is not None) == (laid_out or not unchanged)


@pytest.mark.parametrize("mode", [0o600, 0o666])
def test_a_termination_message_file_the_layout_would_chmod_is_read_after_it(mode: int) -> None:
    def plan() -> StartPlan:
        made = _plan(message="/etc/motd", credentials=USER)
        assert isinstance(made.layer.root.entries["etc"], Directory)
        motd = made.layer.root.entries["etc"].entries["motd"]
        assert isinstance(motd, File)
        motd.mode = mode  # the layer as built, before anything reads it
        return made

    kept = plan()
    assert _deferred(kept).read("/etc/motd") == _eager(plan()).read("/etc/motd") == "hello\n"
    assert (kept.template is None) == (mode == 0o666)


def test_a_file_left_unchanged_is_the_laid_out_trees_own_node() -> None:
    """``unchanged_file`` against the laid-out template, for every path of the layer."""
    plan = _plan()
    pending: list[tuple[str, Any]] = [("", plan.layer.root)]
    unchanged: dict[str, File] = {}
    while pending:
        path, node = pending.pop()
        if isinstance(node, Directory):
            pending += [(f"{path}/{name}", child) for name, child in node.entries.items()]
        elif (found := plan.unchanged_file(path)) is not None:
            unchanged[path] = found
    assert len(unchanged) > 10 and plan.template is None
    template, _ = plan.built()
    for path, found in unchanged.items():
        assert template.lookup(path) is found


def test_a_write_builds_the_containers_own_tree_and_leaves_the_plans_alone() -> None:
    plan = _plan()
    first, second = _deferred(plan), _deferred(plan)
    first.write("/etc/passwd", "crashed\n")
    first.mkdir("/var/run/new")
    assert first.built and not second.built
    assert first.read("/etc/passwd") == "crashed\n"
    assert plan.template is not None
    assert second.read("/etc/passwd") == plan.template.read("/etc/passwd") != "crashed\n"
    assert not second.exists("/var/run/new")
    assert second.built  # a lookup hands a node out: built first


def test_a_read_of_proc_or_with_other_credentials_builds_first() -> None:
    deferred = _deferred(_plan())
    with pytest.raises(FsError):
        deferred.read("/proc/1/status")  # no process: read from the tree
    assert deferred.built
    other = _deferred(_plan())
    other.credentials = USER
    with pytest.raises(FsError):
        other.read("/etc/motd")
    assert other.built


def test_an_unknown_attribute_is_an_attribute_error_and_builds_nothing() -> None:
    deferred = _deferred(_plan())
    with pytest.raises(AttributeError):
        deferred.nothing  # type: ignore[attr-defined]  # noqa: B018
    assert not deferred.built


CRASH_LOOP = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes: [{name: data, emptyDir: {}}]
  containers:
  - name: quiet
    image: busybox
    command: [sh, -c, "echo starting; exit 1"]
  - name: writer
    image: busybox
    command: [sh, -c, "cat /etc/hostname; ls -l /var/run; echo gone > /dev/termination-log; exit 2"]
    volumeMounts: [{name: data, mountPath: /data}]
"""


def test_runs_record_what_eagerly_built_filesystems_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deferred = run(CRASH_LOOP, until=200)
    listed = [r["line"] for r in of(deferred, "log", container="writer") if "secrets" in r["line"]]
    assert any("00:00 secrets" in line for line in listed)  # each start's own mount-point mtime
    assert any("00:03 secrets" in line for line in listed)
    assert of(deferred, "container", container="writer", message="gone\n")

    def eager(clock: Any, plan: StartPlan, started: int) -> Filesystem:
        fs = DeferredFilesystem(clock, plan, started)
        fs.build()
        return fs

    monkeypatch.setattr(volumes, "DeferredFilesystem", eager)
    assert run(CRASH_LOOP, until=200) == deferred


DOCS = Path(__file__).parent / "docs_examples"
LISTER = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "ls -l /var/run; head -n 2 /etc/passwd; touch /tmp/x; exit 1"]
"""
# The image changes in place (its /etc/passwd too): the same worker, a new Pod object,
# a new plan.
UPDATED = LISTER + scenario(
    "at: 25\n    apply:\n      manifest: |\n        "
    + LISTER.replace("busybox:1.36", "nginx:1.27").replace("\n", "\n        ").rstrip()
)
RESTARTING = {
    "crash-loop": (CRASH_LOOP, 200),
    "exec-liveness": ((DOCS / "exec-liveness.yaml").read_text(), 200),
    "post-start": ((DOCS / "lifecycle-events.yaml").read_text(), 60),
    "recreated": (RECREATED, 90),
    "updated": (UPDATED, 200),
}


@pytest.mark.parametrize("case", sorted(RESTARTING))
def test_kept_start_plans_record_what_building_every_start_records(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``PodVolumes._plans`` (a template and skeleton per container, kept while the
    container's manifest, the Pod's inputs and the image are the same objects) against
    building each start's filesystem from the image layer, as a start that cannot be
    replayed does."""
    text, until = RESTARTING[case]
    kept = run(text, until=until)
    monkeypatch.setattr(volumes.PodVolumes, "_replayable", lambda self, c: False)
    assert run(text, until=until) == kept
