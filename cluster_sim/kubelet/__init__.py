"""The kubelet: pod workers, the container runtime and the prober.

- ``pod_worker``: ``SyncPod`` for one Pod (start, restart with back-off,
  kill on probe failure, terminate on deletion);
- ``runtime``: running containers, signals, ports and memory;
- ``prober``: probe workers and probe execution.
"""

from ..nodestate import PodRuntime
from .pod_worker import PodWorker
from .restart import should_container_be_restarted, should_restart

__all__ = ["PodRuntime", "PodWorker", "should_container_be_restarted", "should_restart"]
