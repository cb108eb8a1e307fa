/* Pod Playground timeline: the model, what the records say about each Pod and container.
 *
 * Timeline.addRecord(record, live) folds a record of any kind into the Pods and
 * their lanes (segments of state, restarts, readiness, probes, grace periods,
 * signals, hooks, memory, throttling, OOM kills, actions); kinds the timeline
 * does not draw are ignored. Only the model changes here: drawing happens once
 * per frame (timeline.js).
 */
import { Timeline, kit } from "./timeline.js";
import { isWorkloadObject } from "./timelineowners.js";

const { PROBE_TYPES, msKey, podKey } = kit;


Timeline.prototype.pod = function pod(key, t) {
  let pod = this.pods.get(key);
  if (!pod) {
    pod = {
      key,
      lanes: new Map(),
      order: [],
      firstSeen: t,
      status: "",
      qosClass: "",
      terminatingSince: null,
      deletes: [],
      actions: [], // Pod actions without a container (unhealthy / healthy of every container)
      deletedAt: null,
      owner: null, // "ReplicaSet/default/web-abc": its controller (timelineowners.js)
      view: null,
    };
    this.pods.set(key, pod);
    this.layoutDirty = true;
  }
  return pod;
};

Timeline.prototype.lane = function lane(record) {
  const pod = this.pod(record.pod, record.t);
  const key = `${record.init ? "init" : "app"}/${record.container}`;
  let lane = pod.lanes.get(key);
  if (!lane) {
    lane = {
      pod,
      firstSeen: record.t,
      container: record.container,
      init: Boolean(record.init),
      sidecar: Boolean(record.sidecar),
      segments: [],
      endsSeen: new Set(),
      restarts: [],
      restartCount: record.restartCount || 0,
      ready: [],
      probes: {},
      probeTypes: [],
      graces: [],
      signals: [],
      hooks: [],
      ooms: [],
      actions: [], // actions on this container: kill, unhealthy, healthy, fillMemory
      memory: [], // [t, bytes] or [t, null] where a run ended
      memoryLimit: null,
      throttles: [],
      resources: null,
      view: null,
    };
    pod.lanes.set(key, lane);
    const lanes = [...pod.lanes.values()];
    pod.order = lanes.filter((l) => l.init).concat(lanes.filter((l) => !l.init));
    this.layoutDirty = true;
  }
  return lane;
};

Timeline.prototype.findLane = function findLane(podName, container) {
  const pod = this.pods.get(podName);
  if (!pod) return null;
  return pod.lanes.get(`app/${container}`) || pod.lanes.get(`init/${container}`) || null;
};

/** Apply one record of any kind; kinds the timeline does not draw are ignored.
 * `live` marks an action taken from the page rather than by the Scenario. */
Timeline.prototype.addRecord = function addRecord(record, live) {
  switch (record.kind) {
    case "container": this.addContainer(record); break;
    case "pod": this.addPod(record); break;
    case "probe": this.addProbe(record); break;
    case "termination": this.addTermination(record); break;
    case "hook": this.addHook(record); break;
    case "resources": this.addResources(record); break;
    case "oom": this.addOom(record); break;
    case "action": this.addAction(record, Boolean(live)); break;
    case "deleted":
      if (record.workload) this.addOwnerDeleted(record);
      else this.addDeleted(record);
      break;
    case "workload": this.addWorkload(record); break;
    case "claim": this.addClaim(record); break; // a StatefulSet's claims (timelinebatch.js)
    case "connection": if (this.addConnection) this.addConnection(record); break; // netpol.js
    case "event":
      if (!isWorkloadObject(record.object)) return;
      this.addOwnerEvent(record);
      break;
    default: return;
  }
  this.started = true;
  this.scheduleRender();
};

Timeline.prototype.closeSegment = function closeSegment(lane, t) {
  const last = lane.segments[lane.segments.length - 1];
  if (last && last.end === null) last.end = Math.max(t, last.start);
};

Timeline.prototype.closeOpen = function closeOpen(list, t) {
  const last = list[list.length - 1];
  if (last && last.end === null) last.end = Math.max(t, last.start);
};

/** A run of the container ended at t (seen as terminated, or from lastState). */
Timeline.prototype.runEnded = function runEnded(lane, t) {
  lane.endsSeen.add(msKey(t));
  this.closeOpen(lane.ready, t);
  this.closeOpen(lane.throttles, t);
  for (const grace of lane.graces) if (grace.end === null) grace.end = Math.max(t, grace.start);
  const lastMem = lane.memory[lane.memory.length - 1];
  if (lastMem && lastMem[1] !== null) lane.memory.push([t, null]);
};

Timeline.prototype.addContainer = function addContainer(r) {
  const lane = this.lane(r);
  const t = r.t;
  lane.sidecar = lane.sidecar || Boolean(r.sidecar);
  const count = r.restartCount || 0;
  const restarted = count > lane.restartCount;
  lane.restartCount = Math.max(lane.restartCount, count);

  // The end of the previous run when no record showed it terminated: the
  // kubelet killed and restarted it (or it went straight to back-off) in
  // one instant, so only lastState tells how and when it ended.
  const last = r.lastState;
  if (last && last.finishedAt !== null && last.finishedAt !== undefined &&
      !lane.endsSeen.has(msKey(last.finishedAt))) {
    const end = Number(last.finishedAt);
    this.closeSegment(lane, end);
    lane.segments.push({
      start: end, end, instant: true, state: "terminated", reason: last.reason || null,
      exitCode: last.exitCode, message: "", startedAt: last.startedAt, finishedAt: end,
    });
    this.runEnded(lane, end);
  }
  if (restarted) lane.restarts.push({ t, count, last: last || null });

  const prev = lane.segments[lane.segments.length - 1];
  const reason = r.reason || null;
  if (prev && !prev.instant && !restarted && prev.state === r.state && prev.reason === reason) {
    prev.exitCode = r.exitCode;
    prev.message = r.message || prev.message;
    if (r.finishedAt !== null && r.finishedAt !== undefined) prev.finishedAt = r.finishedAt;
  } else {
    this.closeSegment(lane, t);
    lane.segments.push({
      start: t, end: null, instant: false, state: r.state, reason, exitCode: r.exitCode,
      message: r.message || "", startedAt: r.startedAt, finishedAt: r.finishedAt,
    });
  }
  if (r.state === "terminated") {
    const end = r.finishedAt === null || r.finishedAt === undefined ? t : Number(r.finishedAt);
    if (!lane.endsSeen.has(msKey(end))) this.runEnded(lane, end);
  }

  const readyOpen = lane.ready.length && lane.ready[lane.ready.length - 1].end === null;
  if (r.ready && !readyOpen) lane.ready.push({ start: t, end: null });
  else if (!r.ready && readyOpen) this.closeOpen(lane.ready, t);
};

Timeline.prototype.addPod = function addPod(r) {
  const pod = this.pod(r.pod, r.t);
  if (pod.deletedAt !== null && r.t >= pod.deletedAt) {
    // Made again under the same name (a StatefulSet's Pod): the row goes on.
    pod.recreated = [...(pod.recreated || []), pod.deletedAt];
    pod.deletedAt = null;
    pod.terminatingSince = null;
  }
  pod.status = r.status || "";
  pod.qosClass = r.qosClass || "";
  if (r.node) pod.node = r.node; // a DaemonSet's Pods are labelled with it (timelinebatch.js)
  if ((r.owner || null) !== pod.owner) {
    pod.owner = r.owner || null; // adopted or orphaned: it moves
    this.layoutDirty = true;
  }
  if (r.status === "Terminating" && pod.terminatingSince === null) pod.terminatingSince = r.t;
};

Timeline.prototype.addProbe = function addProbe(r) {
  const lane = this.findLane(r.pod, r.container);
  if (!lane) return;
  let list = lane.probes[r.probe];
  if (!list) {
    list = lane.probes[r.probe] = [];
    lane.probeTypes = PROBE_TYPES.filter((type) => lane.probes[type])
      .concat(Object.keys(lane.probes).filter((type) => !PROBE_TYPES.includes(type)));
    this.layoutDirty = true;
  }
  list.push({ t: r.t, failed: r.result !== "Success", result: r.result, message: r.message || "" });
};

Timeline.prototype.addTermination = function addTermination(r) {
  const lane = this.findLane(r.pod, r.container);
  if (!lane) return;
  if (r.step === "killing") {
    lane.graces.push({ start: r.t, end: null, grace: r.grace, message: r.message || "" });
  } else {
    lane.signals.push({ t: r.t, signal: String(r.step) });
  }
};

Timeline.prototype.addHook = function addHook(r) {
  const lane = this.findLane(r.pod, r.container);
  if (!lane) return;
  if (r.phase === "start") {
    lane.hooks.push({ hook: r.hook, start: r.t, end: null, result: null, message: "" });
    return;
  }
  let hook = null;
  for (let i = lane.hooks.length - 1; i >= 0; i -= 1) {
    if (lane.hooks[i].hook === r.hook && lane.hooks[i].end === null) {
      hook = lane.hooks[i];
      break;
    }
  }
  if (!hook) {
    hook = { hook: r.hook, start: r.t, end: null };
    lane.hooks.push(hook);
  }
  hook.end = r.t;
  hook.result = r.result || null;
  hook.message = r.message || "";
};

Timeline.prototype.addResources = function addResources(r) {
  const lane = this.findLane(r.pod, r.container);
  if (!lane) return;
  lane.resources = r;
  if (r.memoryLimit) lane.memoryLimit = r.memoryLimit;
  lane.memory.push([r.t, Number(r.memory) || 0]);
  const open = lane.throttles.length && lane.throttles[lane.throttles.length - 1].end === null;
  if (r.throttled && !open) {
    lane.throttles.push({ start: r.t, end: null, cpu: r.cpu, cpuLimit: r.cpuLimit });
  } else if (!r.throttled && open) {
    this.closeOpen(lane.throttles, r.t);
  }
};

Timeline.prototype.addOom = function addOom(r) {
  const lane = this.findLane(r.pod, r.container);
  if (lane) lane.ooms.push({ t: r.t, memory: r.memory, limit: r.limit });
};

/** Every action leaves a mark: on its container's lane, on its Pod's
 * header, or (node actions, apply, and actions on what is not drawn yet)
 * on the cluster row above the Pods. */
Timeline.prototype.addAction = function addAction(r, live) {
  const args = r.args || {};
  const item = { t: r.t, action: r.action, args, live };
  const pod = args.pod ? this.pods.get(podKey(args.pod)) : null;
  const owner = this.actionOwner(args, r.action);
  if (owner) {
    owner.actions.push(item);
    return;
  }
  if (r.action === "delete" && args.pod) {
    this.pod(podKey(args.pod), r.t).deletes.push(item);
    return;
  }
  const lane = pod && args.container ? this.findLane(pod.key, args.container) : null;
  if (lane) lane.actions.push(item);
  else if (pod && !args.container) pod.actions.push(item);
  else {
    if (!this.clusterActions.length) this.layoutDirty = true;
    this.clusterActions.push(item);
  }
};

Timeline.prototype.addDeleted = function addDeleted(r) {
  const pod = this.pod(r.pod, r.t);
  pod.deletedAt = r.t;
  for (const lane of pod.lanes.values()) {
    this.closeSegment(lane, r.t);
    this.closeOpen(lane.ready, r.t);
    this.closeOpen(lane.throttles, r.t);
    for (const list of [lane.graces, lane.hooks]) {
      for (const item of list) if (item.end === null) item.end = Math.max(r.t, item.start);
    }
  }
};
