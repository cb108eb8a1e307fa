/* Pod Playground run store: what the records say about each Pod over time, as lanes.
 *
 * PodLanes.add(record, live) folds a record of any kind into the Pods and their
 * containers' lanes: segments of container state, restarts, readiness, probes,
 * grace periods, signals, hooks, memory, CPU throttling, OOM kills, actions; a
 * Pod's status, Terminating span, deletion, owner and connections; the actions
 * on the cluster row; a Pipeline's runs and steps; and, through OwnerLanes
 * (ownerlanes.js), each owner's desired / current / ready history. Kinds it does
 * not keep are ignored. The run store (runstore.js) feeds it every record as it
 * arrives; the timeline (timeline.js) reads it when it draws, and draws it "as of
 * t" by hiding what came later. No DOM here: tests/js/podlanes.test.js runs it
 * under Node.
 *
 * `version` changes with every record kept; `layoutVersion` when a row appears,
 * moves or changes height (a Pod, a lane, a probe row, an owner, a step...).
 */
import { OwnerLanes, isWorkloadObject } from "./ownerlanes.js";
import { podKey } from "./podkey.js";

const PROBE_TYPES = ["startup", "readiness", "liveness"];

/** Milliseconds as an integer: the key of an instant. */
function msKey(t) {
  return Math.round(Number(t) * 1000);
}

/** Close the last interval of a list if it is open. */
function closeOpen(list, t) {
  const last = list[list.length - 1];
  if (last && last.end === null) last.end = Math.max(t, last.start);
}

class PodLanes {
  constructor() {
    this.pods = new Map(); // pod key -> Pod
    this.clusterActions = []; // node actions, apply, and actions on what is not drawn yet
    this.pipelineRuns = new Map(); // run name -> {run, pipeline, commit, firstSeen, steps, outcome}
    this.started = false; // a record the timeline draws has arrived
    this.version = 0;
    this.layoutVersion = 0;
    this.ownerLanes = new OwnerLanes(() => this.relayout());
    this.owners = this.ownerLanes.owners; // workload key -> owner (ownerlanes.js)
  }

  relayout() {
    this.layoutVersion += 1;
  }

  /** Apply one record of any kind. `live` marks an action taken from the page, not by the Scenario. */
  add(record, live) {
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
        if (record.workload) this.ownerLanes.addDeleted(record);
        else this.addDeleted(record);
        break;
      case "workload": this.ownerLanes.addWorkload(record); break;
      case "claim": this.relayout(); break; // a StatefulSet Pod's claims note may change
      case "connection": this.addConnection(record); break;
      case "pipeline": this.addPipeline(record); break;
      case "event":
        if (!isWorkloadObject(record.object)) return;
        this.ownerLanes.addEvent(record);
        break;
      default: return;
    }
    this.started = true;
    this.version += 1;
  }

  /* ---------- Pods and lanes ---------- */

  pod(key, t) {
    let pod = this.pods.get(key);
    if (!pod) {
      pod = {
        key,
        lanes: new Map(), // "app/name" or "init/name" -> lane
        order: [], // init lanes first
        firstSeen: t,
        status: "",
        qosClass: "",
        node: undefined,
        terminatingSince: null,
        deletes: [], // delete actions on it
        actions: [], // Pod actions without a container (unhealthy / healthy of every container)
        connections: [], // connection records from it (netpol.js draws them)
        deletedAt: null,
        recreated: null, // when it was deleted before being made again under its name
        owner: null, // "ReplicaSet/default/web-abc": its controller
      };
      this.pods.set(key, pod);
      this.relayout();
    }
    return pod;
  }

  lane(record) {
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
        segments: [], // {start, end, instant, state, reason, exitCode, message, startedAt, finishedAt}
        endsSeen: new Set(), // msKey of every run's end already drawn
        restarts: [], // {t, count, last}
        restartCount: record.restartCount || 0,
        ready: [], // {start, end}
        probes: {}, // probe type -> [{t, failed, result, message}]
        probeTypes: [],
        graces: [], // {start, end, grace, message}
        signals: [], // {t, signal}
        hooks: [], // {hook, start, end, result, message}
        ooms: [], // {t, memory, limit}
        actions: [], // actions on this container: kill, unhealthy, healthy, fillMemory
        memory: [], // [t, bytes] or [t, null] where a run ended
        memoryLimit: null,
        throttles: [], // {start, end, cpu, cpuLimit}
        resources: null, // the last resources record
      };
      pod.lanes.set(key, lane);
      const lanes = [...pod.lanes.values()];
      pod.order = lanes.filter((l) => l.init).concat(lanes.filter((l) => !l.init));
      this.relayout();
    }
    return lane;
  }

  findLane(podName, container) {
    const pod = this.pods.get(podName);
    if (!pod) return null;
    return pod.lanes.get(`app/${container}`) || pod.lanes.get(`init/${container}`) || null;
  }

  /** A run of the container ended at t (seen as terminated, or from lastState). */
  runEnded(lane, t) {
    lane.endsSeen.add(msKey(t));
    closeOpen(lane.ready, t);
    closeOpen(lane.throttles, t);
    for (const grace of lane.graces) if (grace.end === null) grace.end = Math.max(t, grace.start);
    const lastMem = lane.memory[lane.memory.length - 1];
    if (lastMem && lastMem[1] !== null) lane.memory.push([t, null]);
  }

  addContainer(r) {
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
      closeOpen(lane.segments, end);
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
      closeOpen(lane.segments, t);
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
    else if (!r.ready && readyOpen) closeOpen(lane.ready, t);
  }

  addPod(r) {
    const pod = this.pod(r.pod, r.t);
    if (pod.deletedAt !== null && r.t >= pod.deletedAt) {
      // Made again under the same name (a StatefulSet's Pod): the row goes on.
      pod.recreated = [...(pod.recreated || []), pod.deletedAt];
      pod.deletedAt = null;
      pod.terminatingSince = null;
    }
    pod.status = r.status || "";
    pod.qosClass = r.qosClass || "";
    if (r.node) pod.node = r.node; // a DaemonSet's Pods are labelled with it
    if ((r.owner || null) !== pod.owner) {
      this.ownerLanes.ownsPod(pod.owner, r.owner || null); // adopted or orphaned: it moves
      pod.owner = r.owner || null;
      this.relayout();
    }
    if (r.status === "Terminating" && pod.terminatingSince === null) pod.terminatingSince = r.t;
  }

  addProbe(r) {
    const lane = this.findLane(r.pod, r.container);
    if (!lane) return;
    let list = lane.probes[r.probe];
    if (!list) {
      list = lane.probes[r.probe] = [];
      lane.probeTypes = PROBE_TYPES.filter((type) => lane.probes[type])
        .concat(Object.keys(lane.probes).filter((type) => !PROBE_TYPES.includes(type)));
      this.relayout();
    }
    list.push({ t: r.t, failed: r.result !== "Success", result: r.result, message: r.message || "" });
  }

  addTermination(r) {
    const lane = this.findLane(r.pod, r.container);
    if (!lane) return;
    if (r.step === "killing") {
      lane.graces.push({ start: r.t, end: null, grace: r.grace, message: r.message || "" });
    } else {
      lane.signals.push({ t: r.t, signal: String(r.step) });
    }
  }

  addHook(r) {
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
  }

  addResources(r) {
    const lane = this.findLane(r.pod, r.container);
    if (!lane) return;
    lane.resources = r;
    if (r.memoryLimit) lane.memoryLimit = r.memoryLimit;
    lane.memory.push([r.t, Number(r.memory) || 0]);
    const open = lane.throttles.length && lane.throttles[lane.throttles.length - 1].end === null;
    if (r.throttled && !open) {
      lane.throttles.push({ start: r.t, end: null, cpu: r.cpu, cpuLimit: r.cpuLimit });
    } else if (!r.throttled && open) {
      closeOpen(lane.throttles, r.t);
    }
  }

  addOom(r) {
    const lane = this.findLane(r.pod, r.container);
    if (lane) lane.ooms.push({ t: r.t, memory: r.memory, limit: r.limit });
  }

  /** Every action leaves a mark: on its owner, its container's lane, its Pod's
   * header, or (node actions, apply, and actions on what is not drawn yet) the
   * cluster row above the Pods. */
  addAction(r, live) {
    const args = r.args || {};
    const item = { t: r.t, action: r.action, args, live };
    const pod = args.pod ? this.pods.get(podKey(args.pod)) : null;
    const owner = this.ownerLanes.actionOwner(args, r.action);
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
      if (!this.clusterActions.length) this.relayout();
      this.clusterActions.push(item);
    }
  }

  addDeleted(r) {
    const pod = this.pod(r.pod, r.t);
    pod.deletedAt = r.t;
    for (const lane of pod.lanes.values()) {
      closeOpen(lane.segments, r.t);
      closeOpen(lane.ready, r.t);
      closeOpen(lane.throttles, r.t);
      for (const list of [lane.graces, lane.hooks]) {
        for (const item of list) if (item.end === null) item.end = Math.max(r.t, item.start);
      }
    }
  }

  /** A connection record: a mark on the client Pod's header row. */
  addConnection(r) {
    this.pod(r.from, r.t).connections.push(r);
  }

  /* ---------- a Pipeline's runs (cluster_sim/pipeline/controller.py) ---------- */

  addPipeline(r) {
    let run = this.pipelineRuns.get(r.run);
    if (!run) {
      run = { run: r.run, pipeline: r.pipeline, commit: r.commit, firstSeen: r.t, steps: new Map(), outcome: null };
      this.pipelineRuns.set(r.run, run);
      this.relayout();
    }
    if (r.step === "run") {
      run.outcome = { phase: r.phase, t: r.t, message: r.message };
      return;
    }
    let step = run.steps.get(r.step);
    if (!step) {
      step = { name: r.step, start: r.t, end: null, phase: r.phase, message: r.message };
      run.steps.set(r.step, step);
      this.relayout();
    }
    if (r.phase === "Running") {
      step.start = r.t;
      step.message = r.message;
    } else {
      step.end = r.t;
      step.phase = r.phase;
      step.message = r.message || step.message;
      if (r.phase === "Skipped") step.start = r.t;
    }
  }
}

export { PodLanes, PROBE_TYPES, msKey };
