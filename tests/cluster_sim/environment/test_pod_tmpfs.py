"""Issue #13 items 9 and 10: what a Pod's containers share in memory, seen from inside.

/dev/shm is one tmpfs per Pod (the sandbox's), so a file one container writes
there is there for the other. Secret, downward API and projected volumes (the
service-account token) and emptyDir with medium Memory are tmpfs mounts, which
``ls`` shows as tmpfs shows them: the mount's root is drwxrwxrwt, a directory
is 20 bytes per entry (``.`` and ``..`` included) and takes no blocks. A
ConfigMap volume is on the node's disk.
"""

from __future__ import annotations

import re

from simrun import of, run

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: shm}
spec:
  containers:
  - name: writer
    image: busybox:1.36
    command: ["sh", "-c", "echo written by the writer > /dev/shm/note; sleep 3600"]
  - name: reader
    image: busybox:1.36
    command: ["sh", "-c", "sleep 5; %s; sleep 3600"]
    volumeMounts:
    - {name: secret, mountPath: /etc/secret}
    - {name: config, mountPath: /etc/config}
    - {name: memory, mountPath: /cache}
    - {name: disk, mountPath: /scratch}
  volumes:
  - {name: secret, secret: {secretName: creds}}
  - {name: config, configMap: {name: settings}}
  - {name: memory, emptyDir: {medium: Memory}}
  - {name: disk, emptyDir: {}}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cr3t}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {level: debug}
"""
SA = "/var/run/secrets/kubernetes.io/serviceaccount"


def reader_says(script: str, extra: str = "") -> list[str]:
    records = run(POD % script + extra, until=20)
    return [r["line"] for r in of(records, "log", container="reader")]


def test_dev_shm_is_shared_by_the_pods_containers() -> None:
    assert reader_says("cat /dev/shm/note; ls -ld /dev/shm") == [
        "written by the writer",
        "drwxrwxrwt    2 root     root            60 Jan  1 00:00 /dev/shm",
    ]


def test_another_pods_dev_shm_is_its_own() -> None:
    other = (
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: other}\nspec:\n  containers:\n"
        "  - name: c\n    image: busybox:1.36\n"
        '    command: ["sh", "-c", "sleep 5; ls /dev/shm; echo files: $(ls /dev/shm | wc -l)"]\n'
    )
    records = run(POD % "true" + other, until=20)
    assert next(r["line"] for r in of(records, "log", pod="default/other")) == "files: 0"


def test_the_service_account_token_lists_as_tmpfs_with_its_atomic_writer_layout() -> None:
    lines = reader_says(f"ls -al {SA}")
    stamp = re.fullmatch(r".* (\.\.2026_01_01_00_00_\d\d\.\d{9})", lines[3])
    assert stamp, lines
    ts = stamp.group(1)
    assert lines == [
        # the mount point's parent is on the image's disk: its 4 blocks are the total
        "total 4",
        "drwxrwxrwt    3 root     root           140 Jan  1 00:00 .",
        "drwxr-xr-x    3 root     root          4096 Jan  1 00:00 ..",
        f"drwxr-xr-x    2 root     root           100 Jan  1 00:00 {ts}",
        f"lrwxrwxrwx    1 root     root            31 Jan  1 00:00 ..data -> {ts}",
        "lrwxrwxrwx    1 root     root            13 Jan  1 00:00 ca.crt -> ..data/ca.crt",
        "lrwxrwxrwx    1 root     root            16 Jan  1 00:00 namespace -> ..data/namespace",
        "lrwxrwxrwx    1 root     root            12 Jan  1 00:00 token -> ..data/token",
    ]


def test_ls_l_of_a_tmpfs_volume_totals_0() -> None:
    assert reader_says(f"ls -l {SA}")[0] == "total 0"
    assert reader_says("ls -l /etc/secret") == [
        "total 0",
        "lrwxrwxrwx    1 root     root            15 Jan  1 00:00 password -> ..data/password",
    ]


def test_memory_volumes_are_drwxrwxrwt_and_sized_per_entry_disk_ones_are_not() -> None:
    lines = reader_says("ls -ld /etc/secret /cache /scratch /etc/config")
    assert lines == [
        "drwxrwxrwt    2 root     root            40 Jan  1 00:00 /cache",
        "drwxrwxrwx    3 root     root          4096 Jan  1 00:00 /etc/config",
        "drwxrwxrwt    3 root     root           100 Jan  1 00:00 /etc/secret",  # 3 entries
        "drwxrwxrwx    2 root     root          4096 Jan  1 00:00 /scratch",
    ]


def test_df_and_mount_show_tmpfs_for_memory_volumes_and_the_disk_for_a_configmap() -> None:
    lines = reader_says("mount")
    types = {parts[2]: parts[4] for parts in (line.split() for line in lines)}
    assert types["/etc/secret"] == "tmpfs"
    assert types["/cache"] == "tmpfs"
    assert types[SA] == "tmpfs"
    assert types["/dev/shm"] == "tmpfs"
    assert types["/etc/config"] == "ext4"
    assert types["/scratch"] == "ext4"
    df = reader_says("df /etc/secret /etc/config")
    assert [line.split()[0] for line in df[1:]] == ["/dev/sda1", "tmpfs"]
