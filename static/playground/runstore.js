/* Pod Playground run store: every record of the run, and the page as it was at any instant.
 *
 * The server streams records up to the live edge; the store keeps all of them
 * (so scrubbing never loses anything) with per-subject indexes, and answers
 * "what did kubectl show at simulated time t?" by folding the records up to t:
 * the last pod/container/resources/node record of each subject at or before t
 * (binary search in its history), the events aggregated as kubectl aggregates
 * them, the log lines, the notices. No DOM here.
 *
 * What the records say about each Pod and owner over time (the lanes the
 * timeline draws) is folded as they arrive, in `lanes` (podlanes.js).
 *
 * An ES module (no globals); tests/js/runstore.test.js runs it under Node.
 */
import { PodLanes } from "./podlanes.js";

import { podKey } from "./podkey.js";

/** Index of the first item with item.t > t (items sorted by t). */
function upperBound(items, t) {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid].t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first number > t in a sorted array of numbers. */
function upperBoundNumbers(values, t) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The last item with item.t <= t, or null. */
function at(items, t) {
  const i = upperBound(items, t);
  return i > 0 ? items[i - 1] : null;
}

class RunStore {
  constructor() {
    this.reset();
  }

  reset() {
    this.records = []; // every record, in stream order
    this.now = 0; // the live edge: the server has sent everything up to here
    this.pods = new Map(); // pod key -> {key, history, firstSeen, deletedAt}
    this.containers = new Map(); // "pod/container" -> container entry
    this.podContainers = new Map(); // pod key -> [container entries], init ones first
    this.events = []; // event records, each with its aggregation key entry
    this.eventKeys = new Map(); // aggregation key -> {record, times, seqs}
    this.logs = [];
    this.notices = []; // notice and action records
    this.nodes = new Map(); // node -> [node records]
    this.endpoints = new Map(); // service -> [endpoints records]
    this.specs = new Map(); // pod key -> [{t, spec}]
    this.configMaps = new Map(); // "ns/name" -> [{t, namespace, name, data}]
    this.liveActions = new Set(); // "t|kind" of actions taken from the page (or replayed)
    // "Deployment/default/web" -> {key, kindOf, history, firstSeen, deletedAt}: the
    // workload records of Deployments, ReplicaSets and ReplicationControllers.
    this.workloads = new Map();
    this.claims = new Map(); // "ns/name" -> [claim records]: PersistentVolumeClaims
    this.lanes = new PodLanes(); // Pods' and owners' lanes, as the timeline draws them
  }

  /* ---------- adding ---------- */

  addRecords(records, now) {
    for (const record of records) this.add(record);
    if (now !== undefined) this.now = Math.max(this.now, now);
  }

  add(r) {
    this.records.push(r);
    this.lanes.add(r, r.kind === "action" && this.isLiveAction(r));
    switch (r.kind) {
      case "pod": {
        const pod = this.podEntry(r.pod, r.t);
        if (pod.deletedAt !== null && r.t >= pod.deletedAt) pod.deletedAt = null; // made again, same name
        pod.history.push(r);
        break;
      }
      case "container": this.addContainer(r); break;
      case "resources": {
        const c = this.containerEntry(r.pod, r.container, r.t, false);
        c.resources.push(r);
        break;
      }
      case "oom": this.containerEntry(r.pod, r.container, r.t, false).ooms.push(r); break;
      case "event": this.addEvent(r); break;
      case "log":
      case "log-held": {
        // log-held: lines of that container the server held back in one simulated
        // second; they sit among the lines, where the second ends.
        this.logs.push(r);
        this.containerEntry(r.pod, r.container, r.t, false).logs.push(r);
        break;
      }
      case "notice": this.notices.push(r); break;
      case "action": this.notices.push(r); break;
      case "workload": this.workloadEntry(r.workload, r.t).history.push(r); break;
      case "claim": {
        if (!this.claims.has(r.claim)) this.claims.set(r.claim, []);
        this.claims.get(r.claim).push(r);
        break;
      }
      case "deleted": {
        if (r.workload) {
          const workload = this.workloadEntry(r.workload, r.t);
          if (workload.deletedAt === null) workload.deletedAt = r.t;
          break;
        }
        const pod = this.podEntry(r.pod, r.t);
        if (pod.deletedAt === null) pod.deletedAt = r.t;
        break;
      }
      case "node": {
        if (!this.nodes.has(r.node)) this.nodes.set(r.node, []);
        this.nodes.get(r.node).push(r);
        break;
      }
      case "endpoints": {
        if (!this.endpoints.has(r.service)) this.endpoints.set(r.service, []);
        this.endpoints.get(r.service).push(r);
        break;
      }
      default: break;
    }
  }

  podEntry(key, t) {
    let pod = this.pods.get(key);
    if (!pod) {
      pod = { key, history: [], firstSeen: t, deletedAt: null };
      this.pods.set(key, pod);
      this.podContainers.set(key, []);
    }
    return pod;
  }

  workloadEntry(key, t) {
    let workload = this.workloads.get(key);
    if (!workload) {
      workload = { key, kindOf: String(key).split("/")[0], history: [], firstSeen: t, deletedAt: null };
      this.workloads.set(key, workload);
    }
    return workload;
  }

  containerEntry(pod, name, t, init) {
    const key = `${pod}/${name}`;
    let entry = this.containers.get(key);
    if (!entry) {
      this.podEntry(pod, t);
      entry = {
        key, pod, name, init: Boolean(init), sidecar: false, firstSeen: t,
        history: [], resources: [], ooms: [], logs: [],
        starts: [], // starts[n]: when run n (restartCount n) started
      };
      this.containers.set(key, entry);
      const list = this.podContainers.get(pod);
      list.push(entry);
      list.sort((a, b) => Number(b.init) - Number(a.init));
    }
    return entry;
  }

  addContainer(r) {
    const entry = this.containerEntry(r.pod, r.container, r.t, r.init);
    if (r.init && !entry.init) {
      entry.init = true;
      this.podContainers.get(r.pod).sort((a, b) => Number(b.init) - Number(a.init));
    }
    entry.sidecar = entry.sidecar || Boolean(r.sidecar);
    entry.history.push(r);
    const n = r.restartCount || 0;
    if (r.startedAt !== null && r.startedAt !== undefined) entry.starts[n] = Number(r.startedAt);
    const last = r.lastState;
    if (n > 0 && last && last.startedAt !== null && last.startedAt !== undefined &&
        entry.starts[n - 1] === undefined) {
      entry.starts[n - 1] = Number(last.startedAt);
    }
  }

  addEvent(r) {
    const key = [r.type, r.reason, r.object, r.message].join("\u0000");
    let entry = this.eventKeys.get(key);
    if (!entry) {
      entry = { key, record: r, times: [], seqs: [], podKey: eventPod(r.object) };
      this.eventKeys.set(key, entry);
    }
    entry.times.push(r.t);
    entry.seqs.push(this.events.length);
    this.events.push({ t: r.t, entry });
  }

  addSpecs(frame) {
    for (const [key, spec] of Object.entries(frame.pods || {})) {
      if (!this.specs.has(key)) this.specs.set(key, []);
      this.specs.get(key).push({ t: frame.t, spec });
    }
    for (const cm of frame.configMaps || []) {
      const key = `${cm.namespace}/${cm.name}`;
      if (!this.configMaps.has(key)) this.configMaps.set(key, []);
      this.configMaps.get(key).push({ t: frame.t, ...cm });
    }
  }

  markLiveAction(entry) {
    this.liveActions.add(`${Number(entry.t).toFixed(3)}|${entry.action}`);
  }

  isLiveAction(record) {
    return this.liveActions.has(`${Number(record.t).toFixed(3)}|${record.action}`);
  }

  /* ---------- the page at time t ---------- */

  /** Pods that existed at t, in the order they appeared: {entry, record, deleted}. */
  podsAt(t) {
    const out = [];
    for (const pod of this.pods.values()) {
      const record = at(pod.history, t);
      if (!record) continue;
      out.push({ entry: pod, record, deleted: pod.deletedAt !== null && pod.deletedAt <= t });
    }
    return out;
  }

  podAt(key, t) {
    const pod = this.pods.get(key);
    if (!pod) return null;
    const record = at(pod.history, t);
    if (!record) return null;
    return { entry: pod, record, deleted: pod.deletedAt !== null && pod.deletedAt <= t };
  }

  /** The containers of a Pod at t: {entry, record, resources, restartCount}. */
  containersOf(podKeyValue, t) {
    const out = [];
    for (const entry of this.podContainers.get(podKeyValue) || []) {
      const record = at(entry.history, t);
      if (!record) continue;
      out.push({ entry, record, resources: at(entry.resources, t) });
    }
    return out;
  }

  containerAt(pod, name, t) {
    const entry = this.containers.get(`${pod}/${name}`);
    if (!entry) return null;
    const record = at(entry.history, t);
    return record ? { entry, record, resources: at(entry.resources, t) } : null;
  }

  /** Deployments, ReplicaSets and ReplicationControllers at t: {entry, record, deleted}. */
  workloadsAt(t) {
    const out = [];
    for (const entry of this.workloads.values()) {
      const record = at(entry.history, t);
      if (!record) continue;
      out.push({ entry, record, deleted: entry.deletedAt !== null && entry.deletedAt <= t });
    }
    return out;
  }

  workloadAt(key, t) {
    const entry = this.workloads.get(key);
    const record = entry ? at(entry.history, t) : null;
    return record ? { entry, record, deleted: entry.deletedAt !== null && entry.deletedAt <= t } : null;
  }

  /** The Pods a workload owned at t (its ReplicaSets' Pods too, for a Deployment). */
  podsOwnedAt(key, t) {
    const owners = new Set([key]);
    for (const w of this.workloadsAt(t)) if (w.record.owner === key) owners.add(w.entry.key);
    return this.podsAt(t).filter((p) => owners.has(p.record.owner));
  }

  /** The PersistentVolumeClaims at t: {record, firstSeen}; a deleted one's last record says so. */
  claimsAt(t) {
    const out = [];
    for (const history of this.claims.values()) {
      const record = at(history, t);
      if (record && !record.deleted) out.push({ record, firstSeen: history[0].t });
    }
    return out;
  }

  nodesAt(t) {
    const out = [];
    for (const history of this.nodes.values()) {
      const record = at(history, t);
      if (record) out.push(record);
    }
    return out;
  }

  nodeAt(name, t) {
    const history = this.nodes.get(name);
    return history ? at(history, t) : null;
  }

  /** Each Service's endpoints at t, as whole lists. A Service's first record (and one after
   *  its ports changed) has the whole lists and `pods`; the others only what changed:
   *  `added` (IP -> {pod, list}), `moved` (IP -> list), `removed` (IP -> pod). Folded from the
   *  last whole record at or before t (cluster_sim/endpoints_records.py). */
  endpointsAt(t) {
    const lists = ["ready", "notReady", "terminating"];
    const byIp = (a, b) => { // as Python sorts the tuples of octets
      const x = a.split(".").map(Number);
      const y = b.split(".").map(Number);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
      return x.length - y.length;
    };
    const out = [];
    for (const history of this.endpoints.values()) {
      const end = upperBound(history, t);
      if (end === 0) continue;
      if (history.folded && history.folded.end === end) {
        out.push(history.folded.record);
        continue;
      }
      let start = end - 1;
      while (start > 0 && !history[start].pods) start -= 1;
      const whole = history[start];
      const shown = new Map(); // IP -> [list, pod]
      for (const list of lists) for (const ip of whole[list] || []) shown.set(ip, [list, whole.pods[ip]]);
      for (let i = start + 1; i < end; i++) {
        const change = history[i];
        for (const ip of Object.keys(change.removed || {})) shown.delete(ip);
        for (const [ip, a] of Object.entries(change.added || {})) shown.set(ip, [a.list, a.pod]);
        for (const [ip, list] of Object.entries(change.moved || {})) shown.set(ip, [list, shown.get(ip)[1]]);
      }
      const ips = [...shown.keys()].sort(byIp);
      const record = { t: history[end - 1].t, kind: "endpoints", service: whole.service };
      for (const list of lists) record[list] = ips.filter((ip) => shown.get(ip)[0] === list);
      record.pods = Object.fromEntries(ips.map((ip) => [ip, shown.get(ip)[1]]));
      record.ports = whole.ports;
      history.folded = { end, record };
      out.push(record);
    }
    return out;
  }

  specAt(key, t) {
    const list = this.specs.get(key);
    if (!list) return null;
    let found = null;
    for (const item of list) if (item.t <= t) found = item.spec;
    return found || list[0].spec; // a Pod applied at t has its spec from that t on
  }

  configMapsAt(t) {
    const out = [];
    for (const list of this.configMaps.values()) {
      let found = null;
      for (const item of list) if (item.t <= t) found = item;
      if (found) out.push(found);
    }
    return out;
  }

  /** kubectl get events at t: aggregated rows, most recent last, at most `limit`. */
  eventsAt(t, limit, podKeyValue) {
    const rows = [];
    for (const entry of this.eventKeys.values()) {
      if (podKeyValue !== undefined && entry.podKey !== podKeyValue) continue;
      const count = upperBoundNumbers(entry.times, t);
      if (!count) continue;
      rows.push({
        entry, count, first: entry.times[0], last: entry.times[count - 1], seq: entry.seqs[count - 1],
      });
    }
    rows.sort((a, b) => a.seq - b.seq);
    return limit && rows.length > limit ? rows.slice(rows.length - limit) : rows;
  }

  eventIndexAt(t) {
    return upperBound(this.events, t);
  }

  logIndexAt(t) {
    return upperBound(this.logs, t);
  }

  noticeIndexAt(t) {
    return upperBound(this.notices, t);
  }

  /** The run (restartCount) of a container that wrote a log line at time t. */
  runAt(entry, t) {
    let run = 0;
    for (let n = 0; n < entry.starts.length; n += 1) {
      if (entry.starts[n] !== undefined && entry.starts[n] <= t) run = n;
    }
    return run;
  }

  /**
   * Log lines of one run of a container, up to t (kubectl logs [--previous]),
   * with the log-held records of that run among them. A log-held record
   * belongs to the run that was going when its second began.
   */
  logsOf(pod, name, run, t) {
    const entry = this.containers.get(`${pod}/${name}`);
    if (!entry) return [];
    const end = upperBound(entry.logs, t);
    const lines = [];
    for (let i = 0; i < end; i += 1) {
      const r = entry.logs[i];
      if (this.runAt(entry, r.kind === "log-held" ? r.since : r.t) === run) lines.push(r);
    }
    return lines;
  }

  /** Lines held back from the stream in these log records (logsOf's, or store.logs'). */
  static heldIn(records) {
    let held = 0;
    for (const r of records) if (r.kind === "log-held") held += r.lines;
    return held;
  }

  /** The next instant after t at which a record was streamed, or null. */
  nextTimeAfter(t) {
    const i = upperBound(this.records, t);
    return i < this.records.length ? this.records[i].t : null;
  }

  /** The last instant before t at which a record was streamed, or null. */
  previousTimeBefore(t) {
    let i = upperBound(this.records, t) - 1;
    while (i >= 0 && this.records[i].t >= t) i -= 1;
    return i >= 0 ? this.records[i].t : null;
  }
}

/** "Pod/default/web" -> "default/web"; other objects -> null. */
function eventPod(object) {
  const text = String(object || "");
  if (!text.startsWith("Pod/")) return null;
  return podKey(text.slice(4));
}

export { RunStore, upperBound, at };
