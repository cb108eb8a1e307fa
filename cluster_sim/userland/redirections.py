"""Redirections: where a command's standard input, output and error go.

``<``, ``>``, ``>>``, ``<<`` (a here-document), ``>&`` and ``<&``, applied in
order as ash applies them, with ash's messages when a file cannot be opened.
A mixin of the shell (``interpreter``) over word expansion: a target is a word.
"""

from __future__ import annotations

from collections.abc import Generator

from .actions import Action
from .expansion import WordExpansion
from .filesystem import Device, FsError
from .os_process import errmsg
from .streams import NULL, FileSink, Stdin, Target
from .syntax_tree import Redirect


class Redirections(WordExpansion):
    """A process that opens redirections (``open_redirects``)."""

    def open_redirects(
        self, redirects: tuple[Redirect, ...]
    ) -> Generator[Action, None, tuple[Stdin, Target, Target] | None]:
        """Apply ``redirects`` in order; None (after ash's message) if one fails."""
        stdin, out = self.stdin, {1: self.stdout, 2: self.stderr}
        for r in redirects:
            target = yield from self.expand_string(r.target)
            if r.op == "<<":
                stdin = Stdin(target)
                continue
            if r.op in (">&", "<&"):
                if target == "-":
                    if r.fd == 0:
                        stdin = Stdin()
                    else:
                        out[r.fd] = NULL
                elif r.fd in out and target.isdigit() and int(target) in out:
                    out[r.fd] = out[int(target)]
                elif not (r.fd == 0 and target == "0"):
                    yield from self.write(f"sh: {target}: Bad file descriptor\n", out[2])
                    return None
                continue
            path = self.abspath(target)
            if r.op == "<":
                node = self.fs.lookup(path)
                if isinstance(node, Device) and node.name == "stdin":
                    continue
                try:
                    content = self.fs.read(path)
                except FsError as exc:
                    if exc.reason == "Is a directory":
                        content = ""
                    else:
                        message = f"sh: can't open {target}: {errmsg(exc, 'no such file')}\n"
                        yield from self.write(message, out[2])
                        return None
                if r.fd == 0:
                    stdin = Stdin(content)
                continue
            try:
                node = self.fs.open(path, append=r.op == ">>")
            except FsError as exc:
                message = f"sh: can't create {target}: {errmsg(exc, 'nonexistent directory')}\n"
                yield from self.write(message, out[2])
                return None
            if r.fd not in out:
                continue
            if isinstance(node, Device):
                streams = {"stdout": out[1], "stderr": out[2]}
                out[r.fd] = streams.get(node.name, NULL)
            else:
                out[r.fd] = FileSink(self.fs, node)
        return stdin, out[1], out[2]
