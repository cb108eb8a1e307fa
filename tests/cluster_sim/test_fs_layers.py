"""Copy-on-write image layers: one shared image tree, each container's changes its own.

The image's tree is built once (``layers.image_layer``) and shared by every
container started from it; whatever one container changes (a write, a
removal, a mode, an mtime, a new directory) is copied up into its own tree and
never reaches the shared one, another container, or its own next restart,
while the Pod's volumes keep what was written to them across restarts.
"""

from __future__ import annotations

from typing import Any

from simrun import of, run

from cluster_sim.userland.filesystem import Directory, File, Filesystem, FsError, Node, Volume
from cluster_sim.userland.layers import START, Skeleton, image_layer, stack

BINARIES = frozenset({"sh", "cat", "ls", "touch", "rm", "mkdir", "mv"})


def snapshot(node: Node, path: str = "/") -> dict[str, tuple[Any, ...]]:
    """Every node under ``node``: its kind, mode, mtime, owner and content."""
    found: dict[str, tuple[Any, ...]] = {}
    pending = [(path, node)]
    while pending:
        where, item = pending.pop()
        found[where] = (type(item).__name__, item.mode, item.mtime, item.uid, item.gid)
        if isinstance(item, File):
            found[where] += (item.content,)
        if isinstance(item, Directory):
            pending += [(f"{where.rstrip('/')}/{n}", c) for n, c in item.entries.items()]
    return found


def ticking() -> Filesystem:
    now = iter(range(1000, 10**6, 1000))
    return Filesystem(lambda: next(now), binaries=BINARIES, hostname="web-0")


def test_containers_share_the_image_tree_until_they_change_it() -> None:
    a, b = ticking(), ticking()
    assert a.root.root is not b.root.root  # each container's own root directory
    assert a.lookup("/bin") is b.lookup("/bin")  # the rest shared
    assert a.lookup("/etc/passwd") is b.lookup("/etc/passwd")
    assert a.lookup("/bin") is image_layer(BINARIES).root.entries["bin"]


def test_every_kind_of_change_stays_in_the_container_that_made_it() -> None:
    layer = image_layer(BINARIES)
    before = snapshot(layer.root)
    a, b = ticking(), ticking()
    fresh_listing = b.listing("/etc") + b.listing("/bin") + b.listing("/var")
    a.write("/etc/passwd", "user:x:1000:1000::/home/user:/bin/sh\n", append=True)
    a.write("/dev/termination-log", "bye")
    a.remove("/bin/ls")
    a.touch("/usr/share")
    a.chmod("/etc/group", 0o600)
    a.mkdir("/var/run/secrets/kubernetes.io", parents=True)
    a.symlink("/tmp", "/var/tmp2")
    a.rename("/etc/hostname", "/root/hostname")
    a.rmdir("/home")

    assert snapshot(layer.root) == before
    assert b.listing("/etc") + b.listing("/bin") + b.listing("/var") == fresh_listing
    assert b.read("/etc/passwd") == ticking().read("/etc/passwd")
    assert a.read("/etc/passwd").endswith("user:x:1000:1000::/home/user:/bin/sh\n")
    assert not a.exists("/bin/ls") and b.exists("/bin/ls")
    assert a.stat("/etc/group").mode == 0o600 and b.stat("/etc/group").mode == 0o644
    assert a.stat("/usr/share").mtime > 0 and b.stat("/usr/share").mtime == 0
    assert a.read("/root/hostname") == "web-0\n" and b.read("/etc/hostname") == "web-0\n"
    assert a.is_dir("/var/run/secrets/kubernetes.io") and not b.exists("/var/run")
    assert not a.exists("/home") and b.is_dir("/home")


def test_a_copied_up_tree_looks_as_a_freshly_built_one() -> None:
    shared, built = ticking(), ticking()
    built.touch("/etc/passwd")  # copies /etc and its file up
    built.root.root.entries["etc"].entries["passwd"].mtime = 0
    for path in ("/", "/etc", "/bin", "/dev"):
        assert built.listing(path, all=True) == shared.listing(path, all=True)
    assert built.root.used == shared.root.used


def test_a_stacked_layer_counts_every_write_and_shows_the_last() -> None:
    base = image_layer(BINARIES)
    layer = stack(base, (("/etc/hostname", "a\n"), ("/etc/hosts", "h\n"), ("/etc/hostname", "b\n")))
    fs = Filesystem(layout=False, root=layer.volume())
    assert fs.read("/etc/hostname") == "b\n" and fs.read("/etc/hosts") == "h\n"
    assert layer.used == base.used + len("a\n") + len("h\n") + len("b\n")
    assert not Filesystem(layout=False, root=base.volume()).exists("/etc/hosts")  # base unchanged


def test_an_image_file_moved_into_a_volume_still_counts_against_the_root() -> None:
    fs = ticking()
    fs.mkdir("/data")
    fs.mount("/data", Volume("data"))
    used, size = fs.root.used, len(fs.read("/etc/passwd"))
    fs.rename("/etc/passwd", "/data/passwd")
    fs.remove("/data/passwd")
    assert fs.root.used == used - size  # as when the kubelet's write had put it in the root


def test_a_read_only_root_refuses_writes_without_copying_anything_up() -> None:
    fs = ticking()
    view = fs.read_only_view()
    before = snapshot(fs.root.root)
    for write in (
        lambda: view.write("/etc/passwd", "x"),
        lambda: view.touch("/bin/sh"),
        lambda: view.mkdir("/var/new"),
        lambda: view.remove("/etc/group"),
    ):
        try:
            write()
        except FsError as exc:
            assert exc.reason == "Read-only file system"
        else:
            raise AssertionError("a write went through a read-only view")
    assert snapshot(fs.root.root) == before
    assert fs.lookup("/bin") is image_layer(BINARIES).root.entries["bin"]  # still shared


POD = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes: [{name: data, emptyDir: {}}]
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "[ -e /tmp/marker ] && echo rootfs-kept; [ -e /data/marker ] && echo
      volume-kept; touch /tmp/marker /data/marker; echo started; exit 1"]
    volumeMounts: [{name: data, mountPath: /data}]
"""


def test_a_restart_gets_a_fresh_root_and_keeps_its_volumes() -> None:
    lines = [r["line"] for r in of(run(POD, until=60), "log", container="app")]
    assert lines.count("started") >= 3
    assert "rootfs-kept" not in lines  # a new container: a new writable layer
    assert lines.count("volume-kept") == lines.count("started") - 1  # the emptyDir stays


def test_a_skeleton_gives_each_start_its_own_tree_with_that_starts_times() -> None:
    """Mount points built once (mtime ``START``) are re-created per start at its time,
    the same tree as building them at that time, and no start sees another's writes."""
    layer = image_layer(BINARIES)
    template = Filesystem(lambda: START, layout=False, root=layer.volume())
    template.mkdir("/var/run/secrets", parents=True)
    template.write("/var/run/secrets/log", "")
    skeleton = Skeleton(template.root)
    direct = Filesystem(lambda: 5_000, layout=False, root=layer.volume())
    direct.mkdir("/var/run/secrets", parents=True)
    direct.write("/var/run/secrets/log", "")
    first = Filesystem(lambda: 5_000, layout=False, root=skeleton.volume(5_000))
    assert snapshot(first.root.root) == snapshot(direct.root.root)
    assert (first.root.used, first.root.capacity) == (direct.root.used, direct.root.capacity)
    log = first.lookup("/var/run/secrets/log")
    assert isinstance(log, File) and log.volume is first.root
    first.write("/var/run/secrets/log", "crashed")
    second = Filesystem(lambda: 9_000, layout=False, root=skeleton.volume(9_000))
    assert second.read("/var/run/secrets/log") == ""
    assert second.stat("/var/run").mtime == 9_000
    assert second.lookup("/bin") is first.lookup("/bin")  # the image layer stays shared
