"""The kube-controller-manager of a run: which controllers start, in which order.

Each controller is a class taking a ``ControlContext`` with a ``start()``
that registers its watches. They start in the order of ``CONTROLLERS``, so
their handlers run in that order for the same watch event (see DESIGN.md,
"The control plane"). Add a controller here when it exists.
"""

from __future__ import annotations

from typing import Protocol

from ..pipeline.controller import PipelineController
from ..rbac.aggregation import RbacController
from .context import ControlContext
from .cronjob.controller import CronJobController
from .daemonset.controller import DaemonSetController
from .deployment.controller import DeploymentController
from .disruption import DisruptionController
from .garbage_collector import GarbageCollector
from .job.controller import JobController
from .job.ttl import TTLAfterFinishedController
from .replicaset import ReplicaSetController, ReplicationManager
from .statefulset.controller import StatefulSetController
from .taint_eviction import TaintEvictionController
from .workload_records import WorkloadRecords


class Controller(Protocol):
    def __init__(self, ctx: ControlContext) -> None: ...

    def start(self) -> None: ...


CONTROLLERS: tuple[type[Controller], ...] = (
    RbacController,  # the RBAC kinds and the bootstrap policy before anything is applied
    GarbageCollector,
    ReplicaSetController,
    ReplicationManager,
    DeploymentController,
    JobController,
    TTLAfterFinishedController,
    DaemonSetController,
    StatefulSetController,
    CronJobController,
    DisruptionController,
    TaintEvictionController,
    WorkloadRecords,
    PipelineController,  # issue #16: the Pipeline kind; after every controller it drives
)


def start_controllers(ctx: ControlContext) -> list[Controller]:
    controllers = [cls(ctx) for cls in CONTROLLERS]
    for controller in controllers:
        controller.start()
    return controllers
