"""client-go's ``flowcontrol.Backoff`` as the kubelet configures it.

Per-key exponential back-off with no jitter. The kubelet's crash-loop
back-off starts at 10 s, doubles to a 300 s cap and forgets a key whose last
update is more than 600 s before the event being judged (``HasExpiredFunc``).
Times are integer milliseconds on the simulation clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

INITIAL_CRASH_LOOP_MS = 10_000
MAX_CRASH_LOOP_MS = 300_000
CRASH_LOOP_RESET_MS = 600_000
INITIAL_IMAGE_BACKOFF_MS = 10_000
MAX_IMAGE_BACKOFF_MS = 300_000


@dataclass(slots=True)
class _Entry:
    backoff: int
    last_update: int


class Backoff:
    """Per-key back-off. An entry expires (the next failure starts afresh) once more
    than ``reset_ms`` passed between its last update and the event judged: client-go's
    default is 2*max. ``expired`` (event, last update, max) replaces that rule; the
    kubelet's is a plain ``reset_ms``, judged without a call at every restart."""

    def __init__(
        self,
        initial_ms: int,
        max_ms: int,
        now: Callable[[], int],
        expired: Callable[[int, int, int], bool] | None = None,
        *,
        reset_ms: int | None = None,
    ) -> None:
        self.initial_ms = initial_ms
        self.max_ms = max_ms
        self._now = now
        # key -> its back-off; empty until a first failure (the image manager reads that
        # to skip the check at every start when no pull has failed)
        self.entries: dict[str, _Entry] = {}
        self._expired = expired
        self._reset_ms = 2 * max_ms if reset_ms is None else reset_ms

    def _stale(self, event_time: int, entry: _Entry) -> bool:
        expired = self._expired
        if expired is None:
            return event_time - entry.last_update > self._reset_ms
        return expired(event_time, entry.last_update, self.max_ms)

    def get(self, key: str) -> int:
        entry = self.entries.get(key)
        return entry.backoff if entry else 0

    def next(self, key: str, event_time: int, now: int | None = None) -> None:
        """Record a failure at ``event_time``: start at initial, else double up to max.

        ``now`` is the clock's time if the caller has it (else it is read)."""
        entry = self.entries.get(key)
        if entry is None or (
            event_time - entry.last_update > self._reset_ms  # ``_stale``, inlined
            if self._expired is None
            else self._expired(event_time, entry.last_update, self.max_ms)
        ):
            entry = self.entries[key] = _Entry(self.initial_ms, 0)
        else:
            entry.backoff = min(entry.backoff * 2, self.max_ms)
        entry.last_update = self._now() if now is None else now

    def is_in_backoff_since(self, key: str, event_time: int, now: int | None = None) -> bool:
        """True while less than the current back-off has passed since ``event_time``
        (at ``now``, the clock's time, read if not given)."""
        entry = self.entries.get(key)
        if entry is None or (
            event_time - entry.last_update > self._reset_ms  # ``_stale``, inlined
            if self._expired is None
            else self._expired(event_time, entry.last_update, self.max_ms)
        ):
            return False
        return (self._now() if now is None else now) - event_time < entry.backoff

    def is_in_backoff_since_update(self, key: str) -> bool:
        entry = self.entries.get(key)
        if entry is None or self._stale(self._now(), entry):
            return False
        return self._now() - entry.last_update < entry.backoff

    def retry_at(self, key: str) -> int:
        """When ``is_in_backoff_since_update(key)`` turns false."""
        entry = self.entries.get(key)
        return entry.last_update + entry.backoff if entry else self._now()


def crash_loop_backoff(now: Callable[[], int]) -> Backoff:
    """``newCrashLoopBackOff`` with default feature gates, plus the 600 s reset."""
    return Backoff(INITIAL_CRASH_LOOP_MS, MAX_CRASH_LOOP_MS, now, reset_ms=CRASH_LOOP_RESET_MS)


def image_pull_backoff(now: Callable[[], int]) -> Backoff:
    return Backoff(INITIAL_IMAGE_BACKOFF_MS, MAX_IMAGE_BACKOFF_MS, now)


@lru_cache(maxsize=1024)
def go_duration(ms: int | float) -> str:
    """Format like Go's ``time.Duration.String()``: ``10s``, ``1m20s``, ``423ms``, ``1.18s``.

    Cached: back-off delays and pull times repeat at every start of a crash loop. (An
    int and a float of equal value share an entry, and format the same: ``int(ms)``.)
    """
    ms = int(ms)
    if ms == 0:
        return "0s"
    if ms < 1000:
        return f"{ms}ms"
    hours, rem = divmod(ms, 3_600_000)
    minutes, rem = divmod(rem, 60_000)
    seconds = f"{rem / 1000:.3f}".rstrip("0").rstrip(".")
    out = f"{seconds}s"
    if hours:
        return f"{hours}h{minutes}m{out}"
    if minutes:
        return f"{minutes}m{out}"
    return out
