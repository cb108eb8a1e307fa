"""``skipPermissionChange`` of pkg/volume/volume_linux.go: when fsGroup's walk is skipped.

Only ``fsGroupChangePolicy: OnRootMismatch`` can skip it, and only when the
volume root already has gid fsGroup, the permission bits 0770 (0550 when
read-only) and the setgid bit. nil and ``Always`` always walk.
"""

from __future__ import annotations

SETGID = 0o2000
RW_MASK = 0o660  # added to every file on a read-write mount
RO_MASK = 0o440
DIR_EXEC = 0o110  # directories also get x for user and group


def skip_permission_change(
    policy: str | None, root_gid: int, root_mode: int, fs_group: int, read_only: bool
) -> bool:
    if policy != "OnRootMismatch":
        return False
    if root_gid != fs_group:
        return False
    wanted = 0o550 if read_only else 0o770
    if root_mode & wanted != wanted:
        return False
    return bool(root_mode & SETGID)


def changed_mode(mode: int, is_dir: bool, read_only: bool) -> int:
    """``changeFilePermission``: the mode after the walk (the owner uid is kept)."""
    mode |= RO_MASK if read_only else RW_MASK
    if is_dir:
        mode |= SETGID | DIR_EXEC
    return mode
