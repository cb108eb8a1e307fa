"""A container's filesystem built at first use is the one a start would have built (issue #15).

``DeferredFilesystem`` puts off re-creating a start's root volume until the
tree is used; each test holds it to the eagerly built filesystem: the same
tree, times, space and attributes once built, the same reads before, and the
same records for whole runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from simrun import of, run, scenario
from test_fs_layers import BINARIES, snapshot
from test_start_path_caches import RECREATED

from cluster_sim.kubelet import volumes
from cluster_sim.security.capabilities import process_sets
from cluster_sim.security.credentials import Credentials
from cluster_sim.userland.filesystem import Filesystem, FsError, Mount, Volume
from cluster_sim.userland.fs_deferred import DeferredFilesystem
from cluster_sim.userland.layers import START, Skeleton, image_layer

STARTED = 7_000
USER = Credentials(uid=1000, gid=1000, groups=(), caps=process_sets(set(), 1000))


def _template() -> tuple[Filesystem, Skeleton, Volume]:
    """What ``PodVolumes.filesystem`` builds once: mount points, a shared volume, a file."""
    shared = Volume("data")
    shared.add_file("note", "in the volume\n")
    template = Filesystem(lambda: START, layout=False, root=image_layer(BINARIES).volume())
    template.mkdir("/var/run/data", parents=True)
    template.mount("/var/run/data", shared)
    template.write("/etc/motd", "hello\n")
    template.chmod("/etc/motd", 0o600)
    return template, Skeleton(template.root), shared


def _eager(template: Filesystem, skeleton: Skeleton) -> Filesystem:
    """The filesystem a start built before it was deferred."""
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


def _deferred(template: Filesystem, skeleton: Skeleton) -> DeferredFilesystem:
    return DeferredFilesystem(lambda: STARTED, template, skeleton, STARTED)


def test_built_it_has_the_eager_tree_times_space_mounts_and_attributes() -> None:
    template, skeleton, shared = _template()
    eager, deferred = _eager(template, skeleton), _deferred(template, skeleton)
    assert not deferred.built
    assert snapshot(deferred.root.root) == snapshot(eager.root.root)  # ``root`` builds it
    assert deferred.built
    assert deferred.stat("/var/run").mtime == eager.stat("/var/run").mtime == STARTED
    assert (deferred.root.used, deferred.root.capacity) == (eager.root.used, eager.root.capacity)
    assert deferred.mounts.keys() == eager.mounts.keys()
    assert deferred.mounts["/"].volume is deferred.root
    assert deferred.mounts["/var/run/data"].volume is shared
    assert set(vars(deferred)) - {"_template", "_skeleton", "_started"} == set(vars(eager))
    for name in ("bind_files", "credentials", "clock"):
        assert getattr(deferred, name) == getattr(eager, name) or name == "clock"


@pytest.mark.parametrize(
    "path", ["/etc/motd", "/etc/passwd", "/var/run/data/note", "/etc", "/nope", "/etc/motd/x"]
)
@pytest.mark.parametrize("user", [0, USER.uid])
def test_a_read_before_building_answers_as_the_built_tree_and_builds_nothing(
    path: str, user: int
) -> None:
    template, skeleton, _ = _template()
    eager, deferred = _eager(template, skeleton), _deferred(template, skeleton)
    if user:  # an unprivileged container: /etc/motd is 0600 root's
        template.credentials = eager.credentials = deferred.credentials = USER

    def answer(fs: Filesystem) -> Any:
        try:
            return fs.read(path)
        except FsError as error:
            return (error.reason, error.path)

    assert answer(deferred) == answer(eager)
    assert not deferred.built


def test_a_write_builds_the_containers_own_tree_and_leaves_the_template_alone() -> None:
    template, skeleton, _ = _template()
    before = snapshot(template.root.root)
    first, second = _deferred(template, skeleton), _deferred(template, skeleton)
    first.write("/etc/motd", "crashed\n")
    first.mkdir("/var/run/new")
    assert first.built and not second.built
    assert first.read("/etc/motd") == "crashed\n"
    assert second.read("/etc/motd") == template.read("/etc/motd") == "hello\n"
    assert snapshot(template.root.root) == before
    assert not second.exists("/var/run/new")
    assert second.built  # a lookup hands a node out: built first


def test_a_read_of_proc_or_with_other_credentials_builds_first() -> None:
    template, skeleton, _ = _template()
    deferred = _deferred(template, skeleton)
    with pytest.raises(FsError):
        deferred.read("/proc/1/status")  # no process: read from the tree
    assert deferred.built
    other = _deferred(template, skeleton)
    other.credentials = USER
    assert other.read("/etc/passwd") == template.read("/etc/passwd")
    assert other.built


def test_an_unknown_attribute_is_an_attribute_error_and_builds_nothing() -> None:
    template, skeleton, _ = _template()
    deferred = _deferred(template, skeleton)
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

    def eager(clock: Any, template: Filesystem, skeleton: Skeleton, started: int) -> Filesystem:
        fs = DeferredFilesystem(clock, template, skeleton, started)
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
