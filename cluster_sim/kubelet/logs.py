"""Container logs as a node keeps them: CRI log files, size rotation, ``kubectl logs``.

containerd writes what a container prints to the container's log file, one
CRI entry per line (``2016-10-06T00:17:09.669794202Z stdout F log content``),
cutting a line longer than ``max_container_log_line_size`` (16 KiB) into
partial (``P``) entries; the bytes left when the stream closes without a
newline are a partial entry too (containerd's ``redirectLogs``). Every
``containerLogMonitorInterval`` (10 s) the kubelet's container log manager
rotates the file of each *running* container whose size reached
``containerLogMaxSize``: the file is renamed (older rotations are compressed,
at most ``containerLogMaxFiles`` files are kept) and the runtime reopens an
empty one. ``kubectl logs`` reads only the current file (kubernetes#59902), so
what was rotated away is no longer shown; ``--previous`` reads the file of
the last terminated container, which is never rotated again.

The playground keeps the same shape with smaller numbers (see DESIGN.md, "Container
logs"): 32 KiB files, checked every 10 s of simulated time, and it holds at
most ``HOLD_BYTES`` of a file between two checks (a real file would hold
everything until the next check rotates it away). Rotated files are counted,
not kept: nothing the playground shows can read them. A file is a few joined
blocks of text, so holding it costs about its size in characters.

:class:`LogRate` is the playground's own: how many entries of one container
reach the record stream per simulated second.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple, Protocol

import simpy

from ..status import ContainerStatus, Running, Terminated, Waiting

if TYPE_CHECKING:
    from ..records import Recorder

LogRecords = Literal["limited", "all"]
"""``Simulation(log_records=...)``: "limited" shows up to the run's
``log_lines_per_container_second``; "all" shows every entry (the CLI's flag)."""

KiB = 1024
MAX_LINE = 16 * KiB
"""containerd's ``max_container_log_line_size`` (characters here; bytes there)."""
CONTAINER_LOG_MAX_SIZE = 32 * KiB
"""The playground's ``containerLogMaxSize`` (the kubelet's default is 10Mi)."""
CONTAINER_LOG_MAX_FILES = 5
"""``containerLogMaxFiles``, as the kubelet's default: the current file, the
latest rotation and three compressed ones. Only their number is tracked."""
HOLD_BYTES = 2 * CONTAINER_LOG_MAX_SIZE
"""The most of one current file the playground holds between two checks."""
LOG_MONITOR_PERIOD_MS = 10_000
"""``containerLogMonitorInterval``: how often the kubelet looks for files to rotate."""
ENTRY_OVERHEAD = len("2016-10-06T00:17:09.669794202Z stdout F \n")
"""Bytes a CRI entry adds to its content: timestamp, stream, tag, spaces, newline."""
BLOCK_BYTES = 4 * KiB
"""Entries are joined into blocks of about this many file bytes (dropped whole)."""


def entry_size(content: str) -> int:
    """The bytes a CRI entry with ``content`` takes in the log file."""
    n = len(content) if content.isascii() else len(content.encode("utf-8", "surrogatepass"))
    return ENTRY_OVERHEAD + n


class Entry(NamedTuple):
    """One CRI log entry: a line (``partial`` False, tag ``F``) or a piece of one (``P``)."""

    content: str
    partial: bool = False

    @property
    def text(self) -> str:
        """What ``kubectl logs`` prints for it: the kubelet adds the newline of full lines."""
        return self.content if self.partial else self.content + "\n"


class LogFile:
    """The log of one container ID: its current file, and what rotation took from it.

    ``write`` cuts the text a program prints into CRI entries and returns them
    (the caller decides which reach the record stream). Rotation checks are
    applied lazily, whenever the file is touched: the file changes only when
    written, so a check at 10 s that nobody looked at gives the same result
    when it is applied at the next write or read.
    """

    # one per container start: slots make the crash loop's new file cheaper to build
    __slots__ = (
        "_blocks",
        "_open",
        "_open_size",
        "_pending",
        "_settled_ms",
        "_totals",
        "container_id",
        "dropped",
        "rotations",
        "running",
        "size",
    )

    def __init__(self, container_id: str, now_ms: int, totals: LogTotals) -> None:
        self.container_id = container_id
        self.running = True
        self.size = 0  # bytes of the current file (those held)
        self.rotations = 0  # files rotated away since the container started
        self.dropped = 0  # entries let go between two checks (beyond HOLD_BYTES)
        self._totals = totals
        self._settled_ms = now_ms  # rotation checks up to here have been applied
        self._blocks: deque[tuple[str, int]] = deque()  # (joined text, file bytes), oldest first
        self._open: list[str] = []  # entries of the newest block, not joined yet
        self._open_size = 0
        self._pending: dict[str, str] = {}  # stream -> the line being printed (<= MAX_LINE)

    # -- writing ---------------------------------------------------------------

    def write(self, now_ms: int, text: str, stream: str = "stdout") -> list[Entry]:
        """The program printed ``text`` on ``stream``: the entries it completes."""
        if now_ms > self._settled_ms:
            self._settle(now_ms)
        if (
            text
            and stream not in self._pending
            and text.find("\n") == len(text) - 1  # one line, ended (echo, printf '%s\n')
            and len(text) <= MAX_LINE + 1
        ):
            entry = Entry(text[:-1])
            self._append(entry)
            return [entry]
        if text.count("\n") > 1 and text.isascii():
            parts = text.split("\n")  # many short lines at once (seq, yes): one block
            head = self._pending.get(stream, "")
            parts[0] = head + parts[0]
            if head.isascii() and max(map(len, parts)) <= MAX_LINE:
                self._pending.pop(stream, None)
                rest = parts.pop()
                self._append_lines(parts)
                if rest:
                    self._pending[stream] = rest
                return [Entry(line) for line in parts]
        out: list[Entry] = []
        head = self._pending.pop(stream, "")
        start = 0
        while True:
            newline = text.find("\n", start)
            if newline < 0:
                break
            self._cut(head, text, start, newline, True, out, stream)
            head = ""
            start = newline + 1
        if start < len(text) or head:
            self._cut(head, text, start, len(text), False, out, stream)
        for entry in out:
            self._append(entry)
        return out

    def close(self, now_ms: int) -> list[Entry]:
        """The container exited: what it printed without a final newline, as partial entries."""
        self._settle(now_ms)
        self.running = False
        if not self._pending:  # every line ended (most programs): nothing to flush
            return []
        out = [Entry(rest, partial=True) for rest in self._pending.values() if rest]
        self._pending.clear()
        for entry in out:
            self._append(entry)
        return out

    def _cut(
        self,
        head: str,
        text: str,
        start: int,
        end: int,
        ends_line: bool,
        out: list[Entry],
        stream: str,
    ) -> None:
        """``head + text[start:end]``: 16 KiB partial entries, then the rest.

        As containerd does, a piece is written only once more than ``MAX_LINE``
        is buffered, so a line of exactly 16 KiB is one full entry. Slicing
        ``text`` by index never copies more than one entry at a time, however
        long the line.
        """
        if len(head) + end - start > MAX_LINE:
            take = MAX_LINE - len(head)
            out.append(Entry(head + text[start : start + take], partial=True))
            start += take
            head = ""
            while end - start > MAX_LINE:
                out.append(Entry(text[start : start + MAX_LINE], partial=True))
                start += MAX_LINE
        rest = head + text[start:end]
        if ends_line:
            out.append(Entry(rest))
        else:
            self._pending[stream] = rest

    def _append(self, entry: Entry) -> None:
        content = entry.content
        size = ENTRY_OVERHEAD + (
            len(content) if content.isascii() else len(content.encode("utf-8", "surrogatepass"))
        )
        self._open.append(content if entry.partial else content + "\n")
        self._open_size += size
        self.size += size
        self._totals.bytes += size
        if self._open_size >= BLOCK_BYTES:
            self._seal()
        while self.size > HOLD_BYTES and self._blocks:
            _, dropped = self._blocks.popleft()
            self.size -= dropped
            self._totals.bytes -= dropped
            self.dropped += 1

    def _append_lines(self, lines: list[str]) -> None:
        """Full ASCII entries, as one block (its newest entries only, if it is over HOLD_BYTES)."""
        size = sum(map(len, lines)) + len(lines) * ENTRY_OVERHEAD
        if size > HOLD_BYTES:
            kept = 0
            size = 0
            for line in reversed(lines):
                if size + len(line) + ENTRY_OVERHEAD > HOLD_BYTES:
                    break
                size += len(line) + ENTRY_OVERHEAD
                kept += 1
            lines = lines[len(lines) - kept :]
        if self._open:
            self._seal()
        self._blocks.append(("\n".join(lines) + "\n" if lines else "", size))
        self.size += size
        self._totals.bytes += size
        while self.size > HOLD_BYTES and len(self._blocks) > 1:
            _, dropped = self._blocks.popleft()
            self.size -= dropped
            self._totals.bytes -= dropped
            self.dropped += 1

    def _seal(self) -> None:
        self._blocks.append(("".join(self._open), self._open_size))
        self._open = []
        self._open_size = 0

    # -- rotation ------------------------------------------------------------

    def _settle(self, now_ms: int) -> None:
        """Apply the kubelet's rotation checks that happened since the file last changed."""
        if now_ms <= self._settled_ms:
            return
        checked = now_ms // LOG_MONITOR_PERIOD_MS > self._settled_ms // LOG_MONITOR_PERIOD_MS
        self._settled_ms = now_ms
        if checked and self.running and self.size >= CONTAINER_LOG_MAX_SIZE:
            self.rotations += 1
            self.release()

    def reopen(self, container_id: str, now_ms: int) -> None:
        """This run was removed: the object becomes the empty file of a new container ID,
        as ``__init__`` builds one (``ContainerLogs.started``)."""
        self.release()
        self.container_id = container_id
        self.running = True
        self.rotations = 0
        self.dropped = 0
        self._settled_ms = now_ms
        self._pending.clear()

    def release(self) -> None:
        """Let go of the current file's content (rotated away, or the container removed)."""
        self._totals.bytes -= self.size
        self.size = 0
        self._blocks.clear()
        self._open = []
        self._open_size = 0

    # -- reading ---------------------------------------------------------------

    def read(self, now_ms: int) -> str:
        """What ``kubectl logs`` prints: the current file's entries, oldest first."""
        self._settle(now_ms)
        return "".join([text for text, _ in self._blocks] + self._open)


@dataclass(slots=True)
class LogTotals:
    """The bytes of log files a whole run holds (the run's memory budget counts them)."""

    bytes: int = 0


class ContainerLogs:
    """The log files of one container of a Pod: its latest run and the one before.

    The kubelet's container garbage collector keeps one dead container per
    container name (``MaxPerPodContainer``), so ``--previous`` can read it; older
    runs and their logs are removed.
    """

    def __init__(self, totals: LogTotals) -> None:
        self._totals = totals
        self.files: list[LogFile] = []  # at most two: [previous, latest]

    def started(self, container_id: str, now_ms: int) -> LogFile:
        """A new container ID (a start, or a start that failed): a new, empty file.

        The run before the latest is removed by the container garbage collector: its
        ``LogFile``, emptied, becomes the new run's file, so a crash loop's restart
        builds no file and frees none (nothing holds a removed run's file: ``kubectl
        logs`` and the termination message read ``files`` when they are asked).
        """
        files = self.files
        if not files:
            log = LogFile(container_id, now_ms, self._totals)
            files.append(log)
            return log
        latest = files[-1]
        if latest.running:
            latest.close(now_ms)
        if len(files) == 1:
            log = LogFile(container_id, now_ms, self._totals)
            files.append(log)
            return log
        log = files[0]
        log.reopen(container_id, now_ms)
        files[0] = latest
        files[1] = log
        return log

    @property
    def latest(self) -> LogFile | None:
        return self.files[-1] if self.files else None

    @property
    def previous(self) -> LogFile | None:
        return self.files[-2] if len(self.files) > 1 else None

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)

    def release(self) -> None:
        for f in self.files:
            f.release()
        self.files = []


class LogRate:
    """The playground's per-container rate of log records: ``rate`` entries per simulated second.

    Entries past the rate are held back from the record stream (the log file
    keeps them) and counted per second, until ``take_held`` reports them.
    """

    __slots__ = ("_held", "_second", "_shown", "rate")

    def __init__(self, rate: int | None) -> None:
        self.rate = rate  # None: every entry is shown
        self._second = -1
        self._shown = 0
        self._held: dict[int, int] = {}  # second -> entries held back in it, not reported yet

    def admit(self, now_ms: int) -> int:
        """0 if one more entry may be shown now, else how many this second held back (with it)."""
        second = now_ms // 1000
        if second != self._second:
            self._second = second
            self._shown = 0
        if self.rate is None or self._shown < self.rate:
            self._shown += 1
            return 0
        held = self._held[second] = self._held.get(second, 0) + 1
        return held

    def hold(self, now_ms: int, entries: int) -> int:
        """Hold back ``entries`` more now (the rate is used up); how many this second held."""
        second = now_ms // 1000
        held = self._held[second] = self._held.get(second, 0) + entries
        return held

    def held(self, second: int) -> int:
        return self._held.get(second, 0)

    def take_held(self, second: int) -> int:
        """The entries held back in ``second``; they are reported once."""
        return self._held.pop(second, 0)


class LogSettings(Protocol):
    """What the run says about logs (the ``Cluster``)."""

    log_totals: LogTotals
    log_rate: int | None


class PodLogs:
    """The logs of one Pod's containers, and the ``log`` records they make.

    ``write`` puts what a program prints into its container's current file and
    writes ``log`` records for the entries, up to the run's rate per container
    per simulated second. An entry cut at 16 KiB carries ``partial: true`` (the
    line goes on in the next record); the end of a stream that had no newline
    is shown as a line. Entries past the rate are counted, and a ``log-held``
    record at the end of that second says how many.
    """

    def __init__(self, env: simpy.Environment, rec: Recorder, pod: str, run: LogSettings) -> None:
        self.env = env
        self.rec = rec
        self.pod = pod
        self.run = run
        self.containers: dict[str, ContainerLogs] = {}
        self._rates: dict[str, LogRate] = {}

    def __getitem__(self, name: str) -> ContainerLogs:
        return self.containers[name]

    def get(self, name: str) -> ContainerLogs | None:
        return self.containers.get(name)

    def started(self, name: str, container_id: str) -> None:
        """A new container ID for ``name`` (a start, or a start that failed)."""
        logs = self.containers.get(name)
        if logs is None:
            logs = self.containers[name] = ContainerLogs(self.run.log_totals)
        logs.started(container_id, int(self.env._now))

    def write(self, name: str, text: str, stream: str = "stdout") -> None:
        logs = self.containers.get(name)
        # ``logs.latest`` without the property's call, here and in ``close``: every line
        latest = logs.files[-1] if logs is not None and logs.files else None
        if latest is not None:
            now = int(self.env._now)  # SimPy's clock without the property's call (and below)
            self._show(name, latest.write(now, text, stream), now, closing=False)

    def close(self, name: str) -> None:
        """The container exited: what it printed without a final newline."""
        logs = self.containers.get(name)
        latest = logs.files[-1] if logs is not None and logs.files else None
        if latest is not None and latest.running:
            now = int(self.env._now)
            entries = latest.close(now)
            if entries:
                self._show(name, entries, now, closing=True)

    @property
    def bytes(self) -> int:
        return sum(logs.bytes for logs in self.containers.values())

    def release(self) -> None:
        """The Pod is gone: the kubelet removes its containers and their logs."""
        for logs in self.containers.values():
            logs.release()

    def _show(self, name: str, entries: list[Entry], now: int, *, closing: bool) -> None:
        rate = self._rates.get(name)
        if rate is None:
            rate = self._rates[name] = LogRate(self.run.log_rate)
        # ``emit("log", ...)``'s records, built here: no keyword packing at every line
        append = self.rec.append
        t = self.env._now / 1000
        pod = self.pod
        for i, entry in enumerate(entries):
            held = rate.admit(now)
            if not held:
                line = entry.content
                record = {"t": t, "kind": "log", "pod": pod, "container": name, "line": line}
                if entry.partial and not closing:
                    record["partial"] = True
                append(record)
                continue
            if held == 1:  # the first entry held back this second: report at its end
                second = now // 1000
                timer = self.env.timeout((second + 1) * 1000 - now)

                def report(_event: simpy.Event, s: int = second) -> None:
                    self._report_held(name, rate, s)

                timer.callbacks.append(report)
            if i + 1 < len(entries):  # the rate is used up: the rest of this write is held too
                rate.hold(now, len(entries) - i - 1)
            break

    def _report_held(self, name: str, rate: LogRate, second: int) -> None:
        lines = rate.take_held(second)
        if lines:
            self.rec.emit("log-held", pod=self.pod, container=name, lines=lines, since=second)


def kubectl_logs(
    pod: str,
    container: str,
    status: ContainerStatus | None,
    logs: ContainerLogs | None,
    *,
    previous: bool,
    now_ms: int,
) -> tuple[int, str]:
    """``kubectl logs POD -c CONTAINER [--previous]``: (exit status, what it prints).

    Which run's file is read follows the kubelet's ``validateContainerLogStatus``,
    with its errors as kubectl prints them.
    """
    if status is None:
        return _bad_request(f"container {container} is not valid for pod {pod}")
    state = status.state
    name = f'container "{container}" in pod "{pod}"'  # Go's %q
    if previous:
        if status.last_state is None:
            return _bad_request(f"previous terminated {name} not found")
        # In back-off (waiting) the last terminated run is the latest file.
        wanted = "latest" if isinstance(state, Waiting) else "previous"
    elif isinstance(state, (Running, Terminated)) or status.last_state is not None:
        wanted = "latest"
    elif state.reason == "ErrImagePull":
        return _bad_request(f"{name} is waiting to start: image can't be pulled")
    elif state.reason == "ImagePullBackOff":
        return _bad_request(f"{name} is waiting to start: trying and failing to pull image")
    else:
        return _bad_request(f"{name} is waiting to start: {state.reason}")
    log = None if logs is None else logs.latest if wanted == "latest" else logs.previous
    return 0, log.read(now_ms) if log is not None else ""


def _bad_request(message: str) -> tuple[int, str]:
    return 1, f"Error from server (BadRequest): {message}\n"
