"""Which uid, gid and groups containerd gives a container's process, and ``id``.

containerd 2.1 (internal/cri/server/container_create_linux.go, pkg/oci/spec_opts.go):
the user is ``runAsUsername`` or ``runAsUser`` (``:runAsGroup`` appended when
set), else the image's USER, else root. ``WithUser``: a numeric uid without a
group takes its gid from the image's /etc/passwd (0 when absent). The primary
gid always joins the additional gids; with the default ``Merge`` policy every
/etc/group entry listing the user by name joins too; the CRI list (fsGroup,
then the pod's supplementalGroups) is merged; the result is de-duplicated and
sorted. ``Strict`` skips /etc/group.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

MAX_ID = 2147483647
# /etc/passwd and /etc/group are read at every container start and by every ``id`` and
# ``ls -l``; the images' files are a handful of distinct texts, so their parses are kept
# (bounded: a user can write a large /etc/passwd inside a container; that one is parsed
# each time instead of held).
PARSE_CACHE_ENTRIES = 64
PARSE_CACHE_MAX_CHARS = 16 * 1024


@dataclass(frozen=True, slots=True)
class PasswdEntry:
    name: str
    uid: int
    gid: int
    home: str
    shell: str


@dataclass(frozen=True, slots=True)
class GroupEntry:
    name: str
    gid: int
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProcessIdentity:
    uid: int
    gid: int
    groups: tuple[int, ...]  # sorted, as getgroups() returns them


class UserError(ValueError):
    """containerd could not resolve the user: the container fails to create."""


def parse_passwd(text: str) -> tuple[PasswdEntry, ...]:
    if len(text) <= PARSE_CACHE_MAX_CHARS:
        return _parse_passwd_cached(text)
    return _parse_passwd(text)


def parse_group(text: str) -> tuple[GroupEntry, ...]:
    if len(text) <= PARSE_CACHE_MAX_CHARS:
        return _parse_group_cached(text)
    return _parse_group(text)


def _parse_passwd(text: str) -> tuple[PasswdEntry, ...]:
    entries = []
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) < 7 or not fields[2].isdigit() or not fields[3].isdigit():
            continue
        entries.append(PasswdEntry(fields[0], int(fields[2]), int(fields[3]), fields[5], fields[6]))
    return tuple(entries)


def _parse_group(text: str) -> tuple[GroupEntry, ...]:
    entries = []
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) < 3 or not fields[2].isdigit():
            continue
        members = tuple(m for m in (fields[3].split(",") if len(fields) > 3 else []) if m)
        entries.append(GroupEntry(fields[0], int(fields[2]), members))
    return tuple(entries)


_parse_passwd_cached = lru_cache(maxsize=PARSE_CACHE_ENTRIES)(_parse_passwd)
_parse_group_cached = lru_cache(maxsize=PARSE_CACHE_ENTRIES)(_parse_group)


def split_image_user(user: str) -> tuple[int | None, str]:
    """The kubelet's ``getImageUser``: (numeric uid, None) or (None, username)."""
    name = user.split(":", 1)[0]
    if not name:
        return None, ""
    if name.isdigit():
        return int(name), ""
    return None, name


def _parse_id(text: str, what: str, user: str) -> int:
    if not text.isdigit():
        raise UserError(f'invalid USER value "{user}": no such {what}: {text}')
    value = int(text)
    if value > MAX_ID:
        raise UserError(f'invalid USER value "{user}": {what} out of range')
    return value


def process_user(
    *,
    image_user: str,
    passwd: str,
    group: str,
    run_as_user: int | None = None,
    run_as_group: int | None = None,
    supplemental_groups: tuple[int, ...] = (),
    policy: str | None = None,
) -> ProcessIdentity:
    """The process's identity; ``supplemental_groups`` is the CRI list (fsGroup first)."""
    users = parse_passwd(passwd)
    groups = parse_group(group)
    if run_as_user is not None:
        spec = str(run_as_user) + (f":{run_as_group}" if run_as_group is not None else "")
    else:
        spec = image_user
    name_part, _, group_part = spec.partition(":")
    entry: PasswdEntry | None = None
    if not name_part:
        uid, gid = 0, 0
        entry = next((u for u in users if u.uid == 0), None)
    elif name_part.isdigit():
        uid = _parse_id(name_part, "uid", spec)
        entry = next((u for u in users if u.uid == uid), None)
        gid = entry.gid if entry else 0
    else:
        entry = next((u for u in users if u.name == name_part), None)
        if entry is None:
            raise UserError(f"unable to find user {name_part}: no matching entries in passwd file")
        uid, gid = entry.uid, entry.gid
    if group_part:
        if group_part.isdigit():
            gid = _parse_id(group_part, "gid", spec)
        else:
            found = next((g for g in groups if g.name == group_part), None)
            if found is None:
                raise UserError(
                    f"unable to find group {group_part}: no matching entries in group file"
                )
            gid = found.gid
    gids = {gid}
    if policy != "Strict" and entry is not None:
        gids.update(g.gid for g in groups if entry.name in g.members and g.name != entry.name)
    gids.update(supplemental_groups)
    return ProcessIdentity(uid=uid, gid=gid, groups=tuple(sorted(gids)))


def _named(value: int, names: dict[int, str]) -> str:
    name = names.get(value)
    return f"{value}({name})" if name else str(value)


def format_id(identity: ProcessIdentity, passwd: str, group: str) -> str:
    """busybox ``id`` (coreutils/id.c): names only where the container's files resolve them."""
    user_names: dict[int, str] = {}
    for u in parse_passwd(passwd):
        user_names.setdefault(u.uid, u.name)
    group_names: dict[int, str] = {}
    for g in parse_group(group):
        group_names.setdefault(g.gid, g.name)
    return format_id_names(identity, user_names, group_names)


def format_id_names(
    identity: ProcessIdentity, user_names: dict[int, str], group_names: dict[int, str]
) -> str:
    text = f"uid={_named(identity.uid, user_names)} gid={_named(identity.gid, group_names)}"
    if identity.groups:
        text += " groups=" + ",".join(_named(g, group_names) for g in identity.groups)
    return text


def user_name(uid: int, passwd: str) -> str | None:
    """``whoami``'s answer, or None (busybox: ``whoami: unknown uid 1000``)."""
    return next((u.name for u in parse_passwd(passwd) if u.uid == uid), None)
