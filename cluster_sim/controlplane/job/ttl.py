"""The TTL-after-finished controller (``pkg/controller/ttlafterfinished``).

A finished Job (``Complete`` or ``Failed``) with ``ttlSecondsAfterFinished``
is deleted that many seconds after its finish condition's time, with
``propagationPolicy: Foreground`` as upstream's ``processJob`` asks (its Pods
go first, then the Job).
"""

from __future__ import annotations

from ..context import ControlContext
from ..store import ApiError, ApiObject, Propagation, WatchType
from .kind import finish_time


class TTLAfterFinishedController:
    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx
        self._scheduled: dict[str, int] = {}

    def start(self) -> None:
        self.ctx.store.watch("Job", self._on_job)

    def _on_job(self, event: WatchType, job: ApiObject) -> None:
        if event is WatchType.DELETED:
            self._scheduled.pop(job.uid, None)
            return
        ttl = job.spec.get("ttlSecondsAfterFinished")
        finished = finish_time(job)
        if not isinstance(ttl, int) or finished is None or job.deletion_timestamp is not None:
            return
        at = finished + ttl * 1000
        if self._scheduled.get(job.uid) == at:
            return
        self._scheduled[job.uid] = at
        timer = self.ctx.env.timeout(max(0, at - self.ctx.now_ms))
        uid = job.uid
        timer.callbacks.append(lambda _e: self._expire(uid, at))

    def _expire(self, uid: str, at: int) -> None:
        if self._scheduled.get(uid) != at:
            return
        job = self.ctx.store.by_uid(uid)
        if job is None or job.deletion_timestamp is not None:
            return
        try:
            self.ctx.store.delete("Job", job.namespace, job.name, Propagation.FOREGROUND)
        except ApiError:
            return
