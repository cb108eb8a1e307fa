"""Finding files and commands: ``stat``, ``find``, ``xargs``, ``which``, ``command -v``.

As busybox 1.36 prints them; ``stat``'s layout is written from memory of
busybox's ``stat.c`` (DESIGN.md, "The userland's busybox applets").
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from collections.abc import Generator

from .filesystem import FsError, Stat, wall_time
from .process import BUILTINS, Action, Process, Program, Target, utility
from .toolkit import LINE_US, Options, options

KIND_NAMES = {
    "file": "regular file",
    "directory": "directory",
    "symlink": "symbolic link",
    "device": "character special file",
}


def _stamp(ms: int) -> str:
    return wall_time(ms).strftime("%Y-%m-%d %H:%M:%S.000000000 +0000")


def _format(spec: str, path: str, st: Stat) -> str:
    """``stat -c FORMAT``: %n %N %s %a %A %F %u %U %g %G %h %Y %y %b %i."""
    values = {
        "n": path,
        "N": f"'{path}'" + (f" -> '{st.target}'" if st.kind == "symlink" else ""),
        "s": str(st.size),
        "a": f"{st.mode & 0o7777:o}",
        "A": st.mode_string,
        "F": KIND_NAMES[st.kind] if st.size or st.kind != "file" else "regular empty file",
        "u": "0",
        "U": "root",
        "g": "0",
        "G": "root",
        "h": str(st.nlink),
        "Y": str(st.mtime // 1000),
        "y": _stamp(st.mtime),
        "b": str(st.blocks * 2),
        "i": "0",
        "%": "%",
    }
    return re.sub(r"%(.)", lambda m: values.get(m.group(1), m.group(0)), spec)


@utility("stat")
@options("Lft", "c")
def stat(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    """``stat [-L] [-c FMT] FILE...``"""
    status = 0
    out: list[str] = []
    for path in paths:
        full = proc.abspath(path)
        try:
            st = proc.fs.stat(full) if "L" in opts else proc.fs.lstat(full)
        except FsError as exc:
            yield from proc.write("".join(out), redirect)
            out.clear()
            yield from proc.error(f"stat: can't stat '{path}': {exc.reason}\n")
            status = 1
            continue
        if isinstance(opts.get("c"), str):
            out.append(_format(str(opts["c"]), path, st) + "\n")
            continue
        name = _format("%N", path, st) if st.kind == "symlink" else f"'{path}'"
        kind = _format("%F", path, st)
        device = "Device: 10000ch/65548d\tInode: 0           Links: " + str(st.nlink)
        if st.kind == "device":
            device += f"     Device type: {st.rdev[0]:x},{st.rdev[1]:x}"
        out.append(
            f"  File: {name}\n"
            f"  Size: {st.size:<10}\tBlocks: {st.blocks * 2:<10} IO Block: 4096   {kind}\n"
            f"{device}\n"
            f"Access: ({st.mode & 0o7777:04o}/{st.mode_string})  "
            "Uid: (    0/    root)   Gid: (    0/    root)\n"
            f"Access: {_stamp(st.mtime)}\nModify: {_stamp(st.mtime)}\nChange: {_stamp(st.mtime)}\n"
        )
    yield from proc.write("".join(out), redirect)
    return status


# -- find ------------------------------------------------------------------------------


def _walk(
    proc: Process, path: str, depth: int, limit: int
) -> Generator[Action, None, list[tuple[str, int]]]:
    """``path`` and what is under it (not following links), depth first, in name order."""
    found = [(path, depth)]
    if depth >= limit:
        return found
    try:
        st = proc.fs.lstat(proc.abspath(path))
    except FsError:
        return found
    if st.kind != "directory":
        return found
    try:
        names = proc.fs.listdir(proc.abspath(path))
    except FsError:
        return found
    yield from proc.spend(len(names) * LINE_US)
    for name in names:
        child = path.rstrip("/") + "/" + name if path != "/" else "/" + name
        found += yield from _walk(proc, child, depth + 1, limit)
    return found


@utility("find")
def find(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``find [PATH]... [-maxdepth N] [-mindepth N] [-name P] [-iname P] [-type f|d|l]
    [-path P] [-print] [-exec CMD {} ;]``"""
    args = argv[1:]
    roots: list[str] = []
    while args and not args[0].startswith("-"):
        roots.append(args.pop(0))
    roots = roots or ["."]
    maxdepth, mindepth = 1 << 30, 0
    tests: list[tuple[str, str]] = []
    exec_argv: list[str] | None = None
    while args:
        arg = args.pop(0)
        if arg in ("-print", "-depth", "-xdev"):
            continue
        if arg == "-exec":
            if ";" not in args and "+" not in args:
                yield from proc.error("find: -exec requires an argument\n")
                return 1
            end = next(i for i, a in enumerate(args) if a in (";", "+"))
            exec_argv, args = args[:end], args[end + 1 :]
            continue
        if arg in ("-maxdepth", "-mindepth", "-name", "-iname", "-type", "-path"):
            if not args:
                yield from proc.error(f"find: {arg} requires an argument\n")
                return 1
            value = args.pop(0)
            if arg in ("-maxdepth", "-mindepth"):
                if not value.isdigit():
                    yield from proc.error(f"find: invalid number '{value}'\n")
                    return 1
                if arg == "-maxdepth":
                    maxdepth = int(value)
                else:
                    mindepth = int(value)
            else:
                tests.append((arg, value))
            continue
        yield from proc.error(f"find: unrecognized: {arg}\n")
        return 1
    status = 0
    out: list[str] = []
    for root in roots:
        if proc.fs.lookup(proc.abspath(root), follow=False) is None:
            yield from proc.error(f"find: {root}: No such file or directory\n")
            status = 1
            continue
        for path, depth in (yield from _walk(proc, root, 0, maxdepth)):
            if depth < mindepth:
                continue
            st = proc.fs.lstat(proc.abspath(path))
            name = path.rstrip("/").rsplit("/", 1)[-1] or "/"
            if not all(_test(kind, value, path, name, st) for kind, value in tests):
                continue
            if exec_argv is None:
                out.append(path + "\n")
                continue
            yield from proc.write("".join(out), redirect)
            out.clear()
            command = [path if a == "{}" else a.replace("{}", path) for a in exec_argv]
            yield from _run(proc, command, redirect)
    yield from proc.write("".join(out), redirect)
    return status


def _test(kind: str, value: str, path: str, name: str, st: Stat) -> bool:
    if kind == "-name":
        return fnmatch.fnmatchcase(name, value)
    if kind == "-iname":
        return fnmatch.fnmatchcase(name.lower(), value.lower())
    if kind == "-path":
        return fnmatch.fnmatchcase(path, value)
    letter = {"file": "f", "directory": "d", "symlink": "l", "device": "c"}[st.kind]
    return letter == value


def _run(proc: Process, command: list[str], redirect: Target | None) -> Program:
    """Run ``command`` as a child process (``find -exec``, ``xargs``); its exit status."""
    child = proc.spawn(command)
    if redirect is not None:
        child.stdout = redirect
    return (yield from child._schedule(child._guard(child.exec(command, redirect))))


@utility("xargs")
@options("0trx", "nIsLd")
def xargs(proc: Process, opts: Options, command: list[str], redirect: Target | None) -> Program:
    """``xargs [-n N] [-I STR] [-0] [-t] [-r] [CMD [ARGS]...]``: default ``echo``."""
    command = command or ["echo"]
    text = yield from proc.read_stdin()
    if "0" in opts:
        items = [item for item in text.split("\0") if item]
    elif isinstance(opts.get("d"), str):
        items = [item for item in text.split(str(opts["d"])) if item]
    elif isinstance(opts.get("I"), str):
        items = [line for line in text.split("\n") if line.strip()]
    else:
        try:
            items = shlex.split(text, posix=True)
        except ValueError:
            yield from proc.error("xargs: unmatched double quote\n")  # written from memory
            return 1
    replace = opts.get("I")
    per = int(str(opts["n"])) if isinstance(opts.get("n"), str) else 0
    if isinstance(replace, str):
        batches = [[a.replace(replace, item) for a in command] for item in items]
    else:
        step = per or max(len(items), 1)
        batches = [command + items[i : i + step] for i in range(0, len(items), step)]
        if not items and "r" not in opts:
            batches = [list(command)]
    status = 0
    for batch in batches:
        if "t" in opts:
            yield from proc.error(" ".join(batch) + "\n")
        if not proc.available(batch[0].rsplit("/", 1)[-1]) and "/" not in batch[0]:
            yield from proc.error(f"xargs: {batch[0]}: No such file or directory\n")
            return 127
        code = yield from _run(proc, batch, redirect)
        if code == 255:
            yield from proc.error(f"xargs: {batch[0]}: exited with status 255; aborting\n")
            return 124
        if code:
            status = 123
    return status


# -- commands ---------------------------------------------------------------------------


def _path_lookup(proc: Process, name: str) -> str | None:
    for directory in proc.env.get("PATH", "/usr/local/bin:/usr/bin:/bin").split(":"):
        candidate = f"{directory.rstrip('/')}/{name}"
        node = proc.fs.lookup(candidate)
        if node is not None and getattr(node, "mode", 0) & 0o111:
            return candidate
    return None


@utility("which")
def which(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``which [-a] COMMAND...``: its path in ``$PATH``; status 1 if one is missing."""
    names = [a for a in argv[1:] if a != "-a"]
    status = 0
    out: list[str] = []
    for name in names:
        if "/" in name:
            found = name if proc.fs.lookup(proc.abspath(name)) is not None else None
        else:
            found = _path_lookup(proc, name)
        if found is None:
            status = 1
        else:
            out.append(found + "\n")
    yield from proc.write("".join(out), redirect)
    return status


@utility("command")
def command(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``command [-v|-V] NAME...`` and ``command CMD [ARGS]`` (no function lookup)."""
    args = argv[1:]
    if args and args[0] in ("-v", "-V"):
        verbose = args[0] == "-V"
        status = 0
        for name in args[1:]:
            if name in proc.functions:
                text = f"{name} is a function" if verbose else name
            elif name in BUILTINS and name != "command":
                text = f"{name} is a shell builtin" if verbose else name
            else:
                found = _path_lookup(proc, name) if "/" not in name else name
                if found is None:
                    if verbose:
                        yield from proc.error(f"{name}: not found\n")
                    status = 1
                    continue
                text = f"{name} is {found}" if verbose else found
            yield from proc.write(text + "\n", redirect)
        return status
    if not args:
        return 0
    saved = proc.functions
    proc.functions = {}
    try:
        return (yield from proc.exec(args, redirect))
    finally:
        proc.functions = saved
