"""The file commands: ``cat``, ``touch``, ``rm``, ``mkdir``, ``ln``, ``cp``, ``mv``,
``ls``, ``tee``, ``basename``, ``dirname``.
"""

from __future__ import annotations

from ..security.identity import parse_group, parse_passwd
from .filesystem import (
    EISDIR,
    ENAMETOOLONG,
    ENOENT,
    Directory,
    File,
    Filesystem,
    FsError,
    Stat,
    Symlink,
    wall_time,
)
from .process import (
    Log,
    Process,
    Program,
    Target,
    basename,
    utility,
)
from .toolkit import (
    COPY_DEPTH,
    LINE_US,
    Lines,
    Options,
    options,
    usage,
)

# -- files -------------------------------------------------------------------


@utility("cat")
@options("nbvteAsu")
def cat(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    status = 0
    chunks: list[str] = []
    numbering = "n" in opts or "b" in opts
    counter = [0]
    for path in paths or ["-"]:
        if path == "-" and not numbering:  # streamed: each read written as it comes
            if chunks:
                yield from proc.write("".join(chunks), redirect)
                chunks.clear()
            to_log = isinstance(proc.stdout if redirect is None else redirect, Log)
            while (chunk := (yield from proc.read_chunk())) is not None:
                if to_log:  # the log is read line by line (DESIGN.md, "Container CPU")
                    yield from proc.spend(chunk.count("\n") * LINE_US)
                yield from proc.write(chunk, redirect)
            continue
        if path == "-":  # -n/-b: numbered as each line arrives
            if chunks:
                yield from _cat_numbered(
                    proc, "".join(chunks).splitlines(True), opts, redirect, counter
                )
                chunks.clear()
            reader = Lines(proc)
            while (batch := (yield from reader.batch())) is not None:
                yield from _cat_numbered(proc, batch, opts, redirect, counter)
            continue
        try:
            chunks.append(proc.fs.read(proc.abspath(path)))
        except FsError as exc:
            if chunks:
                yield from proc.write("".join(chunks), redirect)
                chunks.clear()
            if exc.reason == EISDIR:
                yield from proc.error("cat: read error: Is a directory\n")
            else:
                yield from proc.error(f"cat: can't open '{path}': {exc.reason}\n")
            status = 1
    text = "".join(chunks)
    if numbering:
        yield from _cat_numbered(proc, text.splitlines(keepends=True), opts, redirect, counter)
        return status
    yield from proc.write(text, redirect)
    return status


def _cat_numbered(
    proc: Process,
    lines: list[str],
    opts: dict[str, str | bool],
    redirect: Target | None,
    counter: list[int],
) -> Program:
    """``cat -n`` / ``-b``: ``counter`` carries the line number from one call to the next."""
    number = counter[0]
    numbered = []
    for line in lines:
        if "b" in opts and line == "\n":
            numbered.append(line)
            continue
        number += 1
        numbered.append(f"{number:6d}\t{line}")
    counter[0] = number
    yield from proc.write("".join(numbered), redirect)
    return 0


@utility("touch")
@options("cham", "dtr")
def touch(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    if not paths:
        return (yield from usage(proc, "touch"))
    status = 0
    for path in paths:
        absolute = proc.abspath(path)
        if "c" in opts and not proc.fs.exists(absolute):
            continue
        try:
            proc.fs.touch(absolute)
        except FsError as exc:
            yield from proc.error(f"touch: {path}: {exc.reason}\n")
            status = 1
    return status


@utility("rm")
@options("fiRrv")
def rm(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    force, recursive = "f" in opts, "r" in opts or "R" in opts
    if not paths:
        return 0 if force else (yield from usage(proc, "rm"))
    status = 0
    for path in paths:
        try:
            proc.fs.remove(proc.abspath(path), recursive=recursive)
        except FsError as exc:
            if exc.reason == ENOENT and force and exc.path == proc.abspath(path):
                continue
            if exc.reason == EISDIR and not recursive:
                yield from proc.error(f"rm: '{path}' is a directory\n")
            else:
                shown = path if exc.path == proc.abspath(path) else exc.path
                yield from proc.error(f"rm: can't remove '{shown}': {exc.reason}\n")
            status = 1
    return status


@utility("mkdir")
@options("pv", "m")
def mkdir(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    if not paths:
        return (yield from usage(proc, "mkdir"))
    mode = int(str(opts["m"]), 8) if isinstance(opts.get("m"), str) else 0o755
    status = 0
    for path in paths:
        try:
            proc.fs.mkdir(proc.abspath(path), parents="p" in opts, mode=mode)
        except FsError as exc:
            shown = path if exc.path == proc.abspath(path) else exc.path
            yield from proc.error(f"mkdir: can't create directory '{shown}': {exc.reason}\n")
            status = 1
    return status


@utility("rmdir")
@options("p")
def rmdir(proc: Process, _opts: Options, paths: list[str], redirect: Target | None) -> Program:
    if not paths:
        return (yield from usage(proc, "rmdir"))
    status = 0
    for path in paths:
        try:
            proc.fs.rmdir(proc.abspath(path))
        except FsError as exc:
            yield from proc.error(f"rmdir: '{path}': {exc.reason}\n")
            status = 1
    return status


@utility("ln")
@options("sfnv")
def ln(proc: Process, opts: Options, args: list[str], redirect: Target | None) -> Program:
    if len(args) != 2 or "s" not in opts:
        return (yield from usage(proc, "ln"))
    target, link = args
    path = proc.abspath(link)
    if proc.fs.is_dir(path):
        path = f"{path.rstrip('/')}/{basename(target)}"
    try:
        if "f" in opts and proc.fs.lexists(path):
            proc.fs.remove(path)
        proc.fs.symlink(target, path)
    except FsError as exc:
        yield from proc.error(f"ln: {link}: {exc.reason}\n")
        return 1
    return 0


@utility("cp")
@options("rRfapdv")
def cp(proc: Process, opts: Options, args: list[str], redirect: Target | None) -> Program:
    if len(args) < 2:
        return (yield from usage(proc, "cp"))
    *sources, dest = args
    fs = proc.fs
    into_dir = fs.is_dir(proc.abspath(dest))
    status = 0

    def copy(src: str, dst: str, depth: int = 0) -> None:
        if depth > COPY_DEPTH:  # Python's stack, not ash's: a playground limit
            raise FsError(ENAMETOOLONG, dst)
        node = fs.lookup(src, follow=False)
        if isinstance(node, Symlink) and src != source:  # inside a tree: copied as a link
            fs.symlink(node.target, dst)
            return
        node = fs.lookup(src)
        if isinstance(node, Directory):
            if not fs.exists(dst):
                fs.mkdir(dst)
            for name in fs.listdir(src):
                copy(f"{src.rstrip('/')}/{name}", f"{dst.rstrip('/')}/{name}", depth + 1)
        else:
            fs.write(dst, fs.read(src))

    for src in sources:
        source = proc.abspath(src)
        target = proc.abspath(dest)
        if into_dir:
            target = f"{target.rstrip('/')}/{basename(src)}"
        if not fs.exists(source):
            yield from proc.error(f"cp: can't stat '{src}': {ENOENT}\n")
            status = 1
            continue
        if fs.is_dir(source) and not ("r" in opts or "R" in opts or "a" in opts):
            yield from proc.error(f"cp: omitting directory '{src}'\n")
            status = 1
            continue
        if fs.is_dir(source) and (target + "/").startswith(source.rstrip("/") + "/"):
            yield from proc.error(f"cp: recursion detected, omitting directory '{src}'\n")
            status = 1
            continue
        try:
            copy(source, target)
        except FsError as exc:
            yield from proc.error(f"cp: can't create '{dest}': {exc.reason}\n")
            status = 1
    return status


@utility("mv")
@options("fin")
def mv(proc: Process, _opts: Options, args: list[str], redirect: Target | None) -> Program:
    if len(args) < 2:
        return (yield from usage(proc, "mv"))
    *sources, dest = args
    status = 0
    for src in sources:
        try:
            proc.fs.rename(proc.abspath(src), proc.abspath(dest))
        except FsError as exc:
            if exc.reason == ENOENT and not proc.fs.lexists(proc.abspath(src)):
                yield from proc.error(f"mv: can't rename '{src}': {exc.reason}\n")
            else:
                yield from proc.error(f"mv: can't rename '{src}': {exc.reason}\n")
            status = 1
    return status


def _ls_time(ms: int, now: int) -> str:
    when = wall_time(ms)
    age = (now - ms) / 1000
    if -15 * 60 < age < 365 * 24 * 3600 / 2:
        return f"{when:%b} {when.day:2d} {when:%H:%M}"
    return f"{when:%b} {when.day:2d}  {when.year}"


Names = tuple[dict[int, str], dict[int, str]]


def owner_names(fs: Filesystem) -> Names:
    """uid and gid names as the container's /etc/passwd and /etc/group give them."""
    texts = []
    for path in ("/etc/passwd", "/etc/group"):
        node = fs.lookup(path)
        texts.append(node.content if isinstance(node, File) else "")
    users: dict[int, str] = {}
    for u in parse_passwd(texts[0]):
        users.setdefault(u.uid, u.name)
    groups: dict[int, str] = {}
    for g in parse_group(texts[1]):
        groups.setdefault(g.gid, g.name)
    return users, groups


def _ls_long(name: str, st: Stat, now: int, names: Names = ({}, {})) -> str:
    size = f"{st.rdev[0]:4d}, {st.rdev[1]:3d}" if st.kind == "device" else f"{st.size:9d}"
    user = names[0].get(st.uid, str(st.uid))[:8]
    group = names[1].get(st.gid, str(st.gid))[:8]
    line = f"{st.mode_string:<10} {st.nlink:4d} {user:<8} {group:<8} {size} "
    line += f"{_ls_time(st.mtime, now)} {name}"
    if st.kind == "symlink":
        line += f" -> {st.target}"
    return line


@utility("ls")
@options("aAlL1dFrtRhinCsSe", failure=2)
def ls(proc: Process, opts: Options, operands: list[str], redirect: Target | None) -> Program:
    """busybox ``ls`` writing to a pipe: one name per line; ``-l`` long format."""
    long = "l" in opts or "n" in opts
    fs = proc.fs
    now = fs.now()
    status = 0
    files: list[tuple[str, Stat]] = []
    dirs: list[tuple[str, str]] = []
    for operand in operands or ["."]:
        path = proc.abspath(operand)
        try:
            st = fs.lstat(path)
            if (st.kind == "symlink" and not long and "d" not in opts) or "L" in opts:
                st = fs.stat(path)
        except FsError as exc:
            yield from proc.error(f"ls: {operand}: {exc.reason}\n")
            status = 1
            continue
        if st.kind == "directory" and "d" not in opts:
            dirs.append((operand, path))
        else:
            files.append((operand, st))

    def order(rows: list[tuple[str, Stat]]) -> list[tuple[str, Stat]]:
        rows = sorted(rows, key=lambda row: row[0].encode())
        if "t" in opts:
            rows.sort(key=lambda row: -row[1].mtime)
        if "r" in opts:
            rows.reverse()
        return rows

    names: Names = ({}, {}) if "n" in opts else owner_names(fs)

    def show(name: str, st: Stat) -> str:
        if long:
            return _ls_long(name, st, now, names)
        return name

    out: list[str] = [show(name, st) + "\n" for name, st in order(files)]
    header = len(operands) > 1
    first = not files
    for operand, path in sorted(dirs, key=lambda d: d[0].encode()):
        if header:
            out.append(("" if first else "\n") + f"{operand}:\n")
        first = False
        try:
            rows = fs.listing(path, all="a" in opts)
        except FsError as exc:
            yield from proc.error(f"ls: {operand}: {exc.reason}\n")
            status = 1
            continue
        if not ("a" in opts or "A" in opts):
            rows = [row for row in rows if not row[0].startswith(".")]
        if "L" in opts:  # -L: what each link points to (a dangling one stays a link)
            rows = [(name, _deref(fs, path, name, st)) for name, st in rows]
        if long:
            out.append(f"total {sum(st.blocks for _, st in rows)}\n")
        out += [show(name, st) + "\n" for name, st in order(rows)]
    yield from proc.write("".join(out), redirect)
    return status


def _deref(fs: Filesystem, directory: str, name: str, st: Stat) -> Stat:
    if st.kind != "symlink":
        return st
    try:
        return fs.stat(f"{directory.rstrip('/')}/{name}")
    except FsError:
        return st


@utility("tee")
@options("ai")
def tee(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    status = 0
    sinks: list[str] = []
    for path in paths:  # opened (truncated unless -a) before anything is read
        try:
            proc.fs.write(proc.abspath(path), "", append="a" in opts)
            sinks.append(path)
        except FsError as exc:
            yield from proc.error(f"tee: {path}: {exc.reason}\n")
            status = 1
    to_log = isinstance(proc.stdout if redirect is None else redirect, Log)
    while (text := (yield from proc.read_chunk())) is not None:  # each read as it comes
        for path in list(sinks):
            try:
                proc.fs.write(proc.abspath(path), text, append=True)
            except FsError as exc:
                yield from proc.error(f"tee: {path}: {exc.reason}\n")
                sinks.remove(path)
                status = 1
        if to_log:
            yield from proc.spend(text.count("\n") * LINE_US)
        yield from proc.write(text, redirect)
    return status


@utility("basename")
def basename_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if len(argv) < 2:
        return (yield from usage(proc, "basename"))
    name = basename(argv[1]) or "/"
    if len(argv) > 2 and name != argv[2] and name.endswith(argv[2]):
        name = name[: -len(argv[2])]
    yield from proc.write(name + "\n", redirect)
    return 0


@utility("dirname")
def dirname(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if len(argv) < 2:
        return (yield from usage(proc, "dirname"))
    path = argv[1].rstrip("/") or "/"
    head = path.rsplit("/", 1)[0] if "/" in path else "."
    yield from proc.write((head.rstrip("/") or "/") + "\n", redirect)
    return 0
