"""A process's streams: the container log, files, ``/dev/null``, captures, pipes, stdin.

Writers (``Target``): ``Log`` (the container log, as ``Output`` actions),
``FileSink`` (an open file), ``NullSink`` (``/dev/null``), ``Capture`` (a
command substitution's output, unbounded but charged to the container's
memory) and ``Pipe`` (a pipeline's pipe).

Readers: ``Stdin`` (text known in advance: a file, a here-document, nothing)
and ``PipeReader`` (the read end of a ``Pipe``). Reading is a generator: a
reader of an empty pipe that still has writers blocks (a ``Block`` action)
until data comes or the last writer closes (end of file).

A ``Pipe`` holds ``PIPE_CAPACITY`` characters, Linux's default 64 KiB pipe
buffer: a writer past that blocks until the reader takes some; a writer whose
readers have all gone gets SIGPIPE (``BrokenPipe``, status 141).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator

from .actions import Action, Block, Output
from .control import BrokenPipe
from .filesystem import File, Filesystem
from .memory import Memory

PIPE_CAPACITY = 1 << 16  # Linux's default pipe buffer (16 pages of 4 KiB)


class Log:
    """The container log: writes become ``Output`` actions on ``stream``.

    ``last``: the ``Output`` of the latest write, which a write of the same text yields
    again (``OsProcess.write``) instead of building an equal one: a crash loop writes the
    same line at every start. An ``Output`` is frozen and compared by value, so sharing
    one is safe (from any thread: a write that finds another text builds its own).
    """

    __slots__ = ("last", "stream")

    def __init__(self, stream: str) -> None:
        self.stream = stream
        self.last = Output("", stream)


class Capture:
    """An in-memory stdout: a command substitution's result (``$(...)``).

    It holds ``limit`` characters at most; a writer past that gets SIGPIPE
    (``BrokenPipe``). What it holds is the container's memory while held.
    """

    def __init__(self, limit: float = math.inf, memory: Memory | None = None) -> None:
        self.chunks: list[str] = []
        self.size = 0
        self.limit = limit
        self.memory = memory  # the container's meter: what is held here is its memory

    def write(self, text: str) -> None:
        room = self.limit - self.size
        if len(text) > room:
            text = text[: int(room)]
            self._hold(text)
            raise BrokenPipe()
        self._hold(text)

    def _hold(self, text: str) -> None:
        if self.memory is not None:
            self.memory.grow(len(text))  # the OOM killer may strike before it is kept
        self.chunks.append(text)
        self.size += len(text)

    def release(self) -> None:
        """The reader is done with it: the memory goes back."""
        if self.memory is not None:
            self.memory.shrink(self.size)
        self.chunks.clear()
        self.size = 0

    @property
    def text(self) -> str:
        return "".join(self.chunks)


class FileSink:
    """An open file: writes land in the node even if it is unlinked meanwhile."""

    __slots__ = ("fs", "node")

    def __init__(self, fs: Filesystem, node: File) -> None:
        self.fs = fs
        self.node = node

    def write(self, text: str) -> None:
        self.fs.append(self.node, text)


class NullSink:
    """``/dev/null``."""

    def write(self, text: str) -> None:
        pass


class Pipe:
    """A pipe between two stages of a pipeline: a bounded buffer with counted ends.

    ``writers`` and ``readers`` count the open ends (the pipeline closes a
    stage's ends when it exits). The buffered text is the container's memory.
    """

    def __init__(self, memory: Memory | None = None, capacity: int = PIPE_CAPACITY) -> None:
        self.chunks: deque[str] = deque()
        self.size = 0
        self.capacity = capacity
        self.memory = memory
        self.writers = 1
        self.readers = 1

    def writable(self) -> bool:
        return self.size < self.capacity or not self.readers

    def readable(self) -> bool:
        return self.size > 0 or not self.writers

    def put(self, text: str) -> Generator[Action, None, None]:
        """Write ``text``, blocking while the pipe is full; SIGPIPE once no one reads."""
        while True:
            if not self.readers:
                raise BrokenPipe()
            room = self.capacity - self.size
            if room > 0:
                part, text = text[:room], text[room:]
                if self.memory is not None:
                    self.memory.grow(len(part))
                self.chunks.append(part)
                self.size += len(part)
                if not text:
                    return
            yield Block(math.inf, self.writable)

    def take(self, *, release: bool = True) -> str:
        """Everything buffered, removed from the pipe.

        ``release=False``: the reader keeps holding it (still the container's
        memory) and lets it go with ``Pipe.release`` once consumed.
        """
        text = "".join(self.chunks)
        self.chunks.clear()
        self.size = 0
        if release:
            self.release(len(text))
        return text

    def release(self, size: int) -> None:
        if self.memory is not None and size:
            self.memory.shrink(size)

    def close_reader(self) -> None:
        self.readers -= 1
        if not self.readers:  # nobody will read it: the buffer goes
            self.take()

    def close_writer(self) -> None:
        self.writers -= 1


class Stdin:
    """A process's standard input: text read front to back (empty: EOF at once).

    The generator methods (``chunk``, ``line``, ``rest``) are the reading
    interface every utility uses; a ``PipeReader`` blocks in them.
    """

    def __init__(self, data: str = "") -> None:
        self.data = data
        self.pos = 0

    def read(self) -> str:
        rest = self.data[self.pos :]
        self.pos = len(self.data)
        return rest

    def readline(self) -> str | None:
        """The next line with its newline; None at end of input."""
        if self.pos >= len(self.data):
            return None
        end = self.data.find("\n", self.pos)
        end = len(self.data) if end < 0 else end + 1
        line = self.data[self.pos : end]
        self.pos = end
        return line

    def chunk(self) -> Generator[Action, None, str | None]:
        """What can be read now (blocking until something can); None at end of input."""
        yield from ()
        rest = self.read()
        return rest or None

    def line(self) -> Generator[Action, None, str | None]:
        """The next line with its newline (the last may have none); None at end of input."""
        yield from ()
        return self.readline()

    def rest(self) -> Generator[Action, None, str]:
        """Everything up to end of input."""
        yield from ()
        return self.read()


class PipeReader(Stdin):
    """The read end of a ``Pipe``: reads block until data comes or the writers close.

    Text taken from the pipe and not yet handed out (a partial line, or all
    of it for ``rest``) stays charged to the container's memory: ``yes |
    sort`` grows until the OOM killer strikes, as it does for real.
    """

    def __init__(self, pipe: Pipe) -> None:
        super().__init__()
        self.pipe = pipe
        self.pending = ""  # taken from the pipe, not yet handed out (still charged)

    def _pull(self) -> None:
        self.pending += self.pipe.take(release=False)

    def _hand(self, end: int) -> str:
        text, self.pending = self.pending[:end], self.pending[end:]
        self.pipe.release(len(text))
        return text

    def read(self) -> str:  # what is there now, without blocking
        self._pull()
        return self._hand(len(self.pending))

    def readline(self) -> str | None:  # a line already there, without blocking
        self._pull()
        end = self.pending.find("\n")
        if end >= 0:
            return self._hand(end + 1)
        if self.pending and not self.pipe.writers:
            return self._hand(len(self.pending))
        return None

    def _wait(self) -> Generator[Action, None, None]:
        pipe = self.pipe
        while not pipe.readable():
            yield Block(math.inf, pipe.readable)

    def chunk(self) -> Generator[Action, None, str | None]:
        if not self.pending:
            yield from self._wait()
        return self.read() or None

    def line(self) -> Generator[Action, None, str | None]:
        end = self.pending.find("\n")
        if end >= 0:
            return self._hand(end + 1)
        parts = [self.pending]  # a long line comes in many chunks: joined once
        self.pending = ""
        while True:
            yield from self._wait()
            if not self.pipe.size:  # end of file
                self.pending = "".join(parts)
                return self._hand(len(self.pending)) or None
            chunk = self.pipe.take(release=False)
            end = chunk.find("\n")
            parts.append(chunk)
            if end >= 0:
                self.pending = "".join(parts)
                return self._hand(len(self.pending) - len(chunk) + end + 1)

    def rest(self) -> Generator[Action, None, str]:
        parts = [self.pending]
        self.pending = ""
        while True:
            yield from self._wait()
            if not self.pipe.size:
                self.pending = "".join(parts)
                return self._hand(len(self.pending))
            parts.append(self.pipe.take(release=False))


STDOUT_LOG = Log("stdout")
STDERR_LOG = Log("stderr")
NULL = NullSink()
Target = Log | Capture | FileSink | NullSink | Pipe
