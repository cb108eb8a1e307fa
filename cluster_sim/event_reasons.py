"""Every reason an ``event`` record can carry, as one ``StrEnum``.

An Event's ``reason`` is a short CamelCase word that tools match on (``kubectl get
events --field-selector reason=BackOff``, the page's filters), so the simulator
names each one once, here, grouped by the component that records it. The comment
on a member names the upstream constant it copies where there is one (kubelet:
``pkg/kubelet/events/event.go``; controllers: ``pkg/controller/...``); a member
without one is a literal in the upstream source, or the simulator's own (the
pipeline's). Several upstream constants share one word (the kubelet's
``FailedToCreateContainer``, ``FailedToStartContainer`` and ``FailedToPullImage``
are all ``"Failed"``): one member stands for all of them.

``Recorder.event`` and every component's ``event`` helper take an ``EventReason``
(and an ``EventType``), so mypy refuses a reason written as a bare string. The one
exception is ``ConditionReason``: the Job controller records its ``Failed``
condition's reason as the event's (``finishedCondition.Reason``), whatever wrote
that condition. Conditions' own reasons (a Deployment's ``Progressing``...) are
not events and keep their own vocabularies.

A ``StrEnum`` member *is* its string: records built from these are byte-identical
to records built from the literals.
"""

from __future__ import annotations

from enum import StrEnum, unique
from typing import NewType

ConditionReason = NewType("ConditionReason", str)
"""A reason read from an object's condition and recorded as an event's (see above)."""


@unique
class EventReason(StrEnum):
    # -- kubelet: containers and images (pkg/kubelet/events/event.go) --------------------
    CREATED = "Created"  # CreatedContainer
    STARTED = "Started"  # StartedContainer
    FAILED = "Failed"  # FailedToCreateContainer, FailedToStartContainer, FailedToPullImage
    KILLING = "Killing"  # KillingContainer
    BACK_OFF = "BackOff"  # BackOffStartContainer, BackOffPullImage
    PULLING = "Pulling"  # PullingImage
    PULLED = "Pulled"  # PulledImage
    INSPECT_FAILED = "InspectFailed"  # FailedToInspectImage
    ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull"  # ErrImageNeverPullPolicy
    FAILED_MOUNT = "FailedMount"  # FailedMountVolume
    UNHEALTHY = "Unhealthy"  # ContainerUnhealthy
    FAILED_POST_START_HOOK = "FailedPostStartHook"  # FailedPostStartHook
    FAILED_PRE_STOP_HOOK = "FailedPreStopHook"  # FailedPreStopHook

    # -- kubelet: the node (event.go; nodestatus/setters.go; eviction) --------------------
    NODE_SCHEDULABLE = "NodeSchedulable"  # NodeSchedulable
    NODE_NOT_SCHEDULABLE = "NodeNotSchedulable"  # NodeNotSchedulable
    NODE_HAS_SUFFICIENT_MEMORY = "NodeHasSufficientMemory"  # setters.go MemoryPressureCondition
    NODE_HAS_INSUFFICIENT_MEMORY = "NodeHasInsufficientMemory"  # setters.go, likewise
    EVICTION_THRESHOLD_MET = "EvictionThresholdMet"  # eviction_manager.go synchronize
    EVICTED = "Evicted"  # eviction/helpers.go Reason

    # -- kubelet: admission (pkg/kubelet/sysctl) ------------------------------------------
    SYSCTL_FORBIDDEN = "SysctlForbidden"  # sysctl.ForbiddenReason

    # -- scheduler (pkg/scheduler/schedule_one.go) ----------------------------------------
    SCHEDULED = "Scheduled"
    FAILED_SCHEDULING = "FailedScheduling"

    # -- node lifecycle and taint eviction (pkg/controller/nodelifecycle, tainteviction) --
    REGISTERED_NODE = "RegisteredNode"  # nodeutil.RecordNodeEvent
    NODE_NOT_READY = "NodeNotReady"  # events.NodeNotReady; MarkPodsNotReady on each Pod
    TAINT_MANAGER_EVICTION = "TaintManagerEviction"  # taint_eviction.go

    # -- controllers creating and deleting (pkg/controller/controller_utils.go) -----------
    # ReplicaSet, ReplicationController, DaemonSet, Job, CronJob, StatefulSet.
    SUCCESSFUL_CREATE = "SuccessfulCreate"  # SuccessfulCreatePodReason
    FAILED_CREATE = "FailedCreate"  # FailedCreatePodReason
    SUCCESSFUL_DELETE = "SuccessfulDelete"  # SuccessfulDeletePodReason
    FAILED_DELETE = "FailedDelete"  # FailedDeletePodReason

    # -- DaemonSet (pkg/controller/daemon/daemon_controller.go) ---------------------------
    FAILED_DAEMON_POD = "FailedDaemonPod"  # FailedDaemonPodReason

    # -- Deployment (pkg/controller/deployment) -------------------------------------------
    SCALING_REPLICA_SET = "ScalingReplicaSet"  # sync.go scaleReplicaSet
    REPLICA_SET_CREATE_ERROR = "ReplicaSetCreateError"  # deploymentutil.FailedRSCreateReason

    # -- StatefulSet (pkg/controller/statefulset/stateful_set_control.go) -----------------
    RECREATING_FAILED_POD = "RecreatingFailedPod"
    RECREATING_TERMINATED_POD = "RecreatingTerminatedPod"

    # -- Job (pkg/controller/job/job_controller.go; batch/v1 JobReason*) ------------------
    COMPLETED = "Completed"
    TOO_MANY_SUCCEEDED_PODS = "TooManySucceededPods"
    SUSPENDED = "Suspended"
    RESUMED = "Resumed"
    # The Failed condition's reason, recorded as the event's.
    BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded"  # JobReasonBackoffLimitExceeded
    DEADLINE_EXCEEDED = "DeadlineExceeded"  # JobReasonDeadlineExceeded
    FAILED_INDEXES = "FailedIndexes"  # JobReasonFailedIndexes
    MAX_FAILED_INDEXES_EXCEEDED = "MaxFailedIndexesExceeded"  # JobReasonMaxFailedIndexesExceeded
    POD_FAILURE_POLICY = "PodFailurePolicy"  # JobReasonPodFailurePolicy

    # -- CronJob (pkg/controller/cronjob/cronjob_controllerv2.go) -------------------------
    SAW_COMPLETED_JOB = "SawCompletedJob"
    UNEXPECTED_JOB = "UnexpectedJob"
    MISSING_JOB = "MissingJob"
    UNKNOWN_TIME_ZONE = "UnknownTimeZone"
    UNPARSEABLE_SCHEDULE = "UnparseableSchedule"
    INVALID_SCHEDULE = "InvalidSchedule"
    TOO_MANY_MISSED_TIMES = "TooManyMissedTimes"
    MISS_SCHEDULE = "MissSchedule"
    JOB_ALREADY_ACTIVE = "JobAlreadyActive"

    # -- PodDisruptionBudget (pkg/controller/disruption/disruption.go) --------------------
    NO_CONTROLLERS = "NoControllers"
    NO_PODS = "NoPods"

    # -- the simulator's build pipeline (no upstream) -------------------------------------
    TESTS_FAILED = "TestsFailed"
    BUILD_FAILED = "BuildFailed"
    PUSHED = "Pushed"
    ATTESTATION_REFUSED = "AttestationRefused"
    CANARY_FAILED = "CanaryFailed"
    PROMOTED = "Promoted"
