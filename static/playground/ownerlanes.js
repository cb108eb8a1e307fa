/* Pod Playground run store: the owners' history, what their workload records say over time.
 *
 * An owner (Deployment, ReplicaSet, ReplicationController, Job, CronJob,
 * DaemonSet, StatefulSet) keeps its samples (desired, current, ready,
 * available, updated, and what its kind adds: a Job's succeeded and failed...),
 * its marks (rollout steps and other events on it, a Progressing condition that
 * gave up), the actions on it, its parent owner, and how many Pods and owners it
 * has had. PodLanes (podlanes.js) feeds it; the timeline (timelineowners.js,
 * timelinebatch.js) draws it. No DOM here.
 */

function condition(r, type) {
  const c = (r.conditions || {})[type];
  return Boolean(c) && c.status === "True";
}

/** kubectl get job's STATUS (printJob): the first of these conditions that holds. */
function jobStatus(r) {
  if (condition(r, "Complete")) return "Complete";
  if (condition(r, "Failed")) return "Failed";
  if (r.deleting) return "Terminating";
  for (const type of ["Suspended", "FailureTarget", "SuccessCriteriaMet"]) if (condition(r, type)) return type;
  return "Running";
}

const REPLICA_EVENTS = ["ScalingReplicaSet", "FailedCreate", "DeploymentRollback", "DeploymentPaused", "DeploymentResumed"];
const NO_MARKS = () => [];

/**
 * What the store keeps of a kind of owner. sample(r): fields a sample keeps
 * beside desired, current, ready, available, updated; events: the event
 * reasons that become marks (null: every event on the object); marks(o, r,
 * before): marks a workload record adds (a condition that turned).
 */
const KINDS = new Map(Object.entries({
  Deployment: {
    sample: () => ({}),
    events: REPLICA_EVENTS,
    marks(o, r, before) { // the moment the Progressing condition gave up
      const progressing = (r.conditions || {}).Progressing;
      const was = before && (before.conditions || {}).Progressing;
      if (progressing && progressing.reason === "ProgressDeadlineExceeded" &&
          !(was && was.reason === "ProgressDeadlineExceeded")) {
        return [{ t: r.t, reason: "ProgressDeadlineExceeded", type: "Warning", message: progressing.message || "" }];
      }
      return [];
    },
  },
  ReplicaSet: { sample: () => ({}), events: REPLICA_EVENTS, marks: NO_MARKS },
  ReplicationController: { sample: () => ({}), events: REPLICA_EVENTS, marks: NO_MARKS },
  Job: {
    sample: (r) => ({
      succeeded: Number(r.succeeded) || 0, failed: Number(r.failed) || 0,
      completions: r.completions === undefined || r.completions === null ? null : Number(r.completions),
      parallelism: Number(r.parallelism) || 0, status: r.kind ? jobStatus(r) : "Running", suspended: Boolean(r.paused),
    }),
    events: null,
    marks: NO_MARKS,
  },
  CronJob: {
    sample: (r) => ({ suspended: Boolean(r.suspended), lastSchedule: r.lastScheduleTime ?? null }),
    events: null,
    marks: NO_MARKS,
  },
  DaemonSet: { sample: (r) => ({ misscheduled: Number(r.misscheduled) || 0 }), events: null, marks: NO_MARKS },
  StatefulSet: { sample: () => ({}), events: null, marks: NO_MARKS },
}));
const UNKNOWN_KIND = { sample: () => ({}), events: [], marks: NO_MARKS };

function kindOf(key) {
  return String(key || "").split("/")[0];
}

function isWorkloadObject(object) {
  return KINDS.has(kindOf(object));
}

/** An owner's counts before its first workload record: all zero. */
function emptySample(key) {
  return { desired: 0, current: 0, ready: 0, available: 0, updated: null, ...(KINDS.get(kindOf(key)) || UNKNOWN_KIND).sample({}) };
}

const OWNER_ACTIONS = ["scale", "setImage", "rolloutUndo", "rolloutPause", "rolloutResume", "delete",
  "triggerCronJob", "suspendCronJob", "resumeCronJob"];
const LONG_KINDS = {
  deploy: "Deployment", deployment: "Deployment", rs: "ReplicaSet", replicaset: "ReplicaSet",
  rc: "ReplicationController", replicationcontroller: "ReplicationController", job: "Job", cronjob: "CronJob",
  cj: "CronJob", ds: "DaemonSet", daemonset: "DaemonSet", sts: "StatefulSet", statefulset: "StatefulSet",
};

class OwnerLanes {
  /** `relayout()`: called when an owner row appears or moves. */
  constructor(relayout) {
    this.relayout = relayout;
    this.owners = new Map(); // workload key -> owner
    this.podsOwned = new Map(); // owner key -> how many Pods have named it their owner
    this.ownersOwned = new Map(); // owner key -> how many owners have named it their parent
  }

  owner(key, t) {
    let o = this.owners.get(key);
    if (!o) {
      o = {
        key, kindOf: kindOf(key), parent: null, firstSeen: t, deletedAt: null,
        samples: [], marks: [], actions: [], record: null,
        podCount: this.podsOwned.get(key) || 0, ownerCount: this.ownersOwned.get(key) || 0,
      };
      this.owners.set(key, o);
      this.relayout();
    }
    return o;
  }

  /** A Pod's owner changed from `before` to `after` (either may be null). */
  ownsPod(before, after) {
    this.count(this.podsOwned, before, after, "podCount");
  }

  count(counts, before, after, field) {
    for (const [key, step] of [[before, -1], [after, 1]]) {
      if (!key) continue;
      const n = (counts.get(key) || 0) + step;
      counts.set(key, n);
      const o = this.owners.get(key);
      if (o) o[field] = n;
    }
  }

  addWorkload(r) {
    const o = this.owner(r.workload, r.t);
    if ((r.owner || null) !== o.parent) {
      this.count(this.ownersOwned, o.parent, r.owner || null, "ownerCount");
      o.parent = r.owner || null;
      this.relayout();
    }
    const kind = KINDS.get(o.kindOf) || UNKNOWN_KIND;
    const sample = {
      t: r.t, desired: Number(r.desired) || 0, current: Number(r.current) || 0,
      ready: Number(r.ready) || 0, available: Number(r.available) || 0,
      updated: r.updated === null || r.updated === undefined ? null : Number(r.updated),
      ...kind.sample(r),
    };
    const last = o.samples[o.samples.length - 1];
    const same = last && Object.keys(sample).every((k) => k === "t" || last[k] === sample[k]);
    if (!same) {
      if (last && last.t === sample.t) o.samples[o.samples.length - 1] = sample;
      else o.samples.push(sample);
    }
    for (const mark of kind.marks(o, r, o.record)) o.marks.push(mark);
    o.record = r;
  }

  addEvent(r) {
    if (!isWorkloadObject(r.object)) return;
    const events = KINDS.get(kindOf(r.object)).events;
    if (events !== null && !events.includes(r.reason)) return;
    this.owner(r.object, r.t).marks.push({ t: r.t, reason: r.reason, type: r.type, message: r.message || "" });
  }

  addDeleted(r) {
    const o = this.owner(r.workload, r.t);
    if (o.deletedAt === null) o.deletedAt = r.t;
  }

  /** The owner an action on a workload acts on ("rollout*" act on a Deployment), or null. */
  actionOwner(args, action) {
    if (!args.name || !OWNER_ACTIONS.includes(action)) return null;
    if (action === "delete" && (!args.kind || args.kind === "Pod")) return null;
    // Workload actions act on a Deployment unless they say another kind (as kubectl's).
    let kind = action.startsWith("rollout") ? "Deployment" : args.kind || "Deployment";
    if (action.endsWith("CronJob")) kind = "CronJob";
    const long = LONG_KINDS[String(kind || "").toLowerCase()] || kind;
    const name = String(args.name);
    const key = name.includes("/") ? `${long}/${name}` : `${long}/${args.namespace || "default"}/${name}`;
    return this.owners.get(key) || null;
  }
}

export { OwnerLanes, isWorkloadObject, emptySample, jobStatus };
