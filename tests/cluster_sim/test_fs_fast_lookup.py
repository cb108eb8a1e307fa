"""``Filesystem._node`` (the walk ``read``, ``listdir`` and ``lookup`` take) finds what
``_resolve`` finds, and raises what it raises, for every kind of path: plain ones take
the short walk, the rest fall back. ``read`` returns what the walk through ``_resolve``
returned, the termination log included, however a program changed it."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from simrun import of, run

from cluster_sim.security.capabilities import process_sets
from cluster_sim.security.credentials import Credentials
from cluster_sim.userland.filesystem import (
    EISDIR,
    ENOENT,
    Device,
    Directory,
    File,
    Filesystem,
    FsError,
    Volume,
)

NAMES = ["", ".", "..", "etc", "hostname", "dev", "termination-log", "data", "link", "abs",
         "loop", "dangling", "file", "sub", "dirlink", "shm", "null", "missing", "proc", "1",
         "status", ".hidden"]  # fmt: skip


def tree() -> Filesystem:
    fs = Filesystem(lambda: 5000, binaries={"sh", "cat"}, hostname="web-0")
    fs.write("/dev/termination-log", "")
    data = Volume("data")
    data.add_file("/file", "in a volume\n")
    data.root.entries["sub"] = Directory({}, 0o755, 0, 0, 0)
    fs.mount("/data", data)
    shm = Volume("shm", medium="Memory")
    fs.mount("/dev/shm", shm, read_only=True)
    fs.symlink("/etc/hostname", "/abs")
    fs.symlink("etc", "/link")
    fs.symlink("/loop", "/loop")
    fs.symlink("/nowhere", "/dangling")
    fs.symlink("/data/sub", "/data/dirlink")
    fs.write("/.hidden", "dot\n")
    fs.write("/data/secret", "no\n")
    fs.chmod("/data/secret", 0)
    fs.root.root.entries["null"] = Device("null", 1, 3)
    return fs


# a non-root user without capabilities: mode bits decide
USER = Credentials(uid=1000, gid=1000, groups=(), caps=process_sets(set(), 1000))


def outcome(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return ("ok", call(*args, **kwargs))
    except FsError as error:
        return ("error", error.reason, str(error))


def paths() -> list[str]:
    found = ["", "/", "//", "/.", "/..", "relative", "x" * 5000, "/" + "a/" * 3000]
    for depth in (1, 2, 3):
        for combo in itertools.product(NAMES, repeat=depth):
            found.append("/" + "/".join(combo))
            found.append("/" + "/".join(combo) + "/")
    return found


@pytest.mark.parametrize("follow", [True, False])
def test_the_short_walk_finds_what_resolve_finds(follow: bool) -> None:
    fs = tree()
    for path in paths():
        fast = outcome(fs._node, path, follow=follow)
        slow = outcome(lambda p: fs._resolve(p, follow=follow).node, path)
        assert fast == slow, path


def slow_read(fs: Filesystem, path: str) -> str:
    """``read`` as it was: /proc first, then ``_resolve``."""
    status = fs._proc_status(path)
    if status is not None:
        return status
    node = fs._resolve(path).node
    if node is None:
        raise FsError(ENOENT, path)
    if isinstance(node, Directory):
        raise FsError(EISDIR, path)
    if isinstance(node, Device):
        return ""
    assert isinstance(node, File)
    fs._allowed(node, 4, path)
    return node.content


def test_read_returns_what_the_slow_path_returns() -> None:
    fs = tree()
    for credentials in (fs.credentials, USER):
        fs.credentials = credentials
        for path in [*paths(), "/proc/1/status", "/proc/self/status"]:
            assert outcome(fs.read, path) == outcome(slow_read, fs, path), path


def test_the_termination_log_read_however_a_program_changed_it() -> None:
    fs = tree()
    path = "/dev/termination-log"
    steps = [
        lambda: fs.write(path, "written\n"),
        lambda: fs.write(path, "more\n", append=True),
        lambda: fs.remove(path),
        lambda: fs.symlink("/etc/hostname", path),
        lambda: fs.remove(path),
        lambda: fs.mkdir(path),
        lambda: fs.remove(path, recursive=True),
        lambda: fs.write("/tmp-msg", "moved\n"),
        lambda: fs.rename("/tmp-msg", path),
        lambda: fs.chmod(path, 0),
        lambda: fs.rename("/dev", "/dev-old"),
        lambda: fs.symlink("/data", "/dev"),
        lambda: fs.write("/data/termination-log", "via a symlinked dir\n"),
        lambda: fs.chmod("/data/termination-log", 0),
        lambda: setattr(fs, "credentials", USER),
        lambda: fs.chmod("/data/termination-log", 0o644),
    ]
    for step in steps:
        step()
        assert outcome(fs.read, path) == outcome(slow_read, fs, path)


def test_a_program_that_swaps_its_termination_log_for_a_symlink() -> None:
    manifest = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: swap}\nspec:\n  restartPolicy: Never\n"
        "  containers:\n  - name: app\n    image: busybox:1.36\n    command: [sh, -c, "
        "'rm /dev/termination-log; ln -s /etc/hostname /dev/termination-log; exit 3']\n"
    )
    records = run(manifest, until=30)
    done = next(
        r for r in of(records, "container", pod="default/swap") if r["state"] == "terminated"
    )
    assert done["message"] == "swap\n"
