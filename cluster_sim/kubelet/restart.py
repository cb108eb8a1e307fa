"""When the kubelet restarts a container: ``restartPolicy`` as ``ShouldContainerBeRestarted``."""

from __future__ import annotations

from ..status import ContainerStatus, Running, Terminated


def should_restart(restart_policy: str, exit_code: int) -> bool:
    """``ShouldContainerBeRestarted`` for a container that has exited."""
    if restart_policy == "Never":
        return False
    return not (restart_policy == "OnFailure" and exit_code == 0)


def should_container_be_restarted(
    status: ContainerStatus | None, restart_policy: str, deleting: bool = False
) -> bool:
    """``ShouldContainerBeRestarted`` (pkg/kubelet/container/helpers.go), whole.

    A Pod being deleted restarts nothing; a container with no status (never
    created, or garbage-collected) is started; a running one is left alone;
    one the runtime reports as created but not started (or unknown) is
    restarted whatever the policy; an exited one follows ``restartPolicy``.
    """
    if deleting:
        return False
    if status is None:
        return True
    if isinstance(status.state, Running):
        return False
    last = status.state if isinstance(status.state, Terminated) else status.last_state
    if last is None:
        return True  # created (or unknown): never ran to an exit
    return should_restart(restart_policy, last.exit_code)


def succeeded(s: ContainerStatus) -> bool:
    return (
        isinstance(s.state, Terminated) and s.state.exit_code == 0 and s.state.reason != "OOMKilled"
    )


# The pod worker's sync that notices a crash-loop back-off has ended comes this long after
# the back-off ends (the kubelet's backOffPeriod, before its jitter; DESIGN.md "Restarts
# after a probe kill"), and a failed start (CreateContainerConfigError) is retried this long
# after the failed sync: ``completeWork`` requeues a Pod whose sync failed after
# ``wait.Jitter(backOffPeriod, 0.5)``, 10 to 15 s; the simulator takes the base, 10 s.
BACKOFF_RESYNC_MS = 10_000
SYNC_RETRY_MS = 10_000


def previous_exit(status: ContainerStatus) -> Terminated | None:
    """The newest exited run of a container as the runtime lists it at this sync.

    ``doBackOff`` takes the first exited container of the Pod's runtime status; for a
    running container that is the run before it (``lastState``), for an exited one the
    exited run itself.
    """
    if isinstance(status.state, Terminated):
        return status.state
    return status.last_state
