"""The kubelet: pod workers, the container runtime and the prober.

- ``pod_worker``: ``SyncPod`` for one Pod (start, restart with back-off,
  kill on probe failure, terminate on deletion), with its parts in
  ``kuberuntime_container`` (one container's start, hooks, kill, exit),
  ``prober_manager`` (probe results into the status) and
  ``container_resources`` (``resources`` records), over ``pod_worker_base``;
- ``runtime``: running containers, signals, ports and memory;
- ``prober``: probe workers and probe execution.
"""

from ..nodestate import PodRuntime
from .pod_worker import PodWorker
from .restart import should_container_be_restarted, should_restart

__all__ = ["PodRuntime", "PodWorker", "should_container_be_restarted", "should_restart"]
