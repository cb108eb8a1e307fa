/* Pod Playground: `kubectl get` and `kubectl rollout status` of a workload at the
 * time shown, folded from its workload records (and claim records), with
 * kubectl's columns (pkg/printers/internalversion/printers.go, as
 * cluster_sim/kubectl/get_batch.py and get_sets.py print them at the live edge).
 *
 *   Deployment      its row, then its ReplicaSets; rollout status
 *   ReplicaSet, RC  its row
 *   Job             NAME STATUS COMPLETIONS DURATION AGE
 *   CronJob         NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE,
 *                   then its Jobs
 *   DaemonSet       NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE;
 *                   rollout status
 *   StatefulSet     NAME READY AGE, then its PersistentVolumeClaims (NAME STATUS
 *                   VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS
 *                   AGE); rollout status
 *
 * view(store, key, t) -> {command, text, rollout: {command, text} | null}.
 */

import { humanDuration } from "./format.js";
import { jobStatus } from "./ownerlanes.js";
import { kubectlTable as replicaTable, workloadRow } from "./tables.js";

// kubectl's resource name and API group of each kind (for commands and NotFound errors).
const RESOURCE = {
  Deployment: ["deployment", "apps"], ReplicaSet: ["replicaset", "apps"],
  ReplicationController: ["replicationcontroller", ""], Job: ["job", "batch"], CronJob: ["cronjob", "batch"],
  DaemonSet: ["daemonset", "apps"], StatefulSet: ["statefulset", "apps"],
};
const HEADERS = {
  Job: ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
  CronJob: ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"],
  DaemonSet: ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
  StatefulSet: ["NAME", "READY", "AGE"],
  PersistentVolumeClaim: ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"],
};
const ACCESS_MODES = { ReadWriteOnce: "RWO", ReadOnlyMany: "ROX", ReadWriteMany: "RWX", ReadWriteOncePod: "RWOP" };
const ONLY_ROLLING_UPDATE = "error: rollout status is only available for RollingUpdate strategy type";

/** ["deployment", "web", "-n", "shop"] for "Deployment/shop/web" (no -n for default). */
function workloadArgs(key) {
  const [kind, namespace, name] = key.split("/");
  return [(RESOURCE[kind] || [kind.toLowerCase()])[0], name, ...(namespace === "default" ? [] : ["-n", namespace])];
}

/** kubectl get's text: columns padded as its tabwriter pads them (3 spaces). */
function table(headers, rows) {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join("")).join("\n");
}

function ms(t) {
  return Math.round(t * 1000);
}

function jobCompletions(r) {
  const succeeded = Number(r.succeeded) || 0;
  if (r.completions !== null && r.completions !== undefined) return `${succeeded}/${r.completions}`;
  return r.parallelism > 1 ? `${succeeded}/1 of ${r.parallelism}` : `${succeeded}/1`;
}

function formatLabels(map) {
  const keys = Object.keys(map || {}).sort();
  return keys.length ? keys.map((k) => `${k}=${map[k]}`).join(",") : "<none>";
}

/** One row of kubectl get for a workload record at t (firstSeen: its creation). */
function row(r, firstSeen, t) {
  const name = String(r.workload).split("/").slice(2).join("/");
  const age = humanDuration(t - firstSeen);
  switch (r.kindOf) {
    case "Job": {
      const duration = r.startTime === null || r.startTime === undefined ? ""
        : humanDuration(((r.completionTime ?? ms(t)) - r.startTime) / 1000);
      return [name, jobStatus(r), jobCompletions(r), duration, age];
    }
    case "CronJob":
      return [name, String(r.schedule || ""), r.timeZone || "<none>", r.suspended ? "True" : "False", String(r.active || 0),
        r.lastScheduleTime === null || r.lastScheduleTime === undefined ? "<none>" : humanDuration((ms(t) - r.lastScheduleTime) / 1000), age];
    case "DaemonSet":
      return [name, String(r.desired), String(r.current), String(r.ready), String(r.updated ?? 0), String(r.available), formatLabels(r.nodeSelector), age];
    case "StatefulSet":
      return [name, `${r.ready}/${r.desired}`, age];
    default:
      return workloadRow(r, firstSeen, t);
  }
}

function kubectlTable(kindOf, rows) {
  return HEADERS[kindOf] ? table(HEADERS[kindOf], rows) : replicaTable(kindOf, rows);
}

function claimRow(entry, t) {
  const c = entry.record;
  const bound = c.phase === "Bound";
  return [String(c.claim).split("/").slice(1).join("/"), c.deleting ? "Terminating" : c.phase || "Pending", c.volume || "",
    bound ? c.capacity || "" : "", bound ? Object.keys(ACCESS_MODES).filter((m) => (c.accessModes || []).includes(m)).map((m) => ACCESS_MODES[m]).join(",") : "",
    c.storageClass || "", "<unset>", humanDuration(t - entry.firstSeen)];
}

/** The claims of a StatefulSet's ordinals at t ("www-web-0" for template www of set web), by name. */
function claimsOf(store, r, t) {
  const [, namespace, set] = String(r.workload).split("/");
  const templates = r.claimTemplates || [];
  const mine = (key) => {
    const [ns, name] = key.split("/");
    return ns === namespace && templates.some((tpl) => new RegExp(`^${escape(tpl)}-${escape(set)}-\\d+$`).test(name));
  };
  return (store.claimsAt ? store.claimsAt(t) : []).filter((c) => mine(c.record.claim))
    .sort((a, b) => (a.record.claim < b.record.claim ? -1 : 1));
}

function escape(text) {
  return String(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** What `kubectl rollout status` prints for a Deployment (kubectl's DeploymentStatusViewer). */
function deploymentRollout(r, name) {
  const progressing = (r.conditions || {}).Progressing;
  if (progressing && progressing.reason === "ProgressDeadlineExceeded") {
    return `error: deployment "${name}" exceeded its progress deadline`;
  }
  const waiting = `Waiting for deployment "${name}" rollout to finish: `;
  const updated = r.updated || 0;
  if (updated < r.desired) return `${waiting}${updated} out of ${r.desired} new replicas have been updated...`;
  if (r.current > updated) return `${waiting}${r.current - updated} old replicas are pending termination...`;
  if (r.available < updated) return `${waiting}${r.available} of ${updated} updated replicas are available...`;
  return `deployment "${name}" successfully rolled out`;
}

/** DaemonSetStatusViewer (the records are written once the controller has seen the change). */
function daemonSetRollout(r, name) {
  if (r.strategy !== "RollingUpdate") return ONLY_ROLLING_UPDATE;
  const waiting = `Waiting for daemon set "${name}" rollout to finish: `;
  if ((r.updated || 0) < r.desired) return `${waiting}${r.updated || 0} out of ${r.desired} new pods have been updated...`;
  if (r.available < r.desired) return `${waiting}${r.available} of ${r.desired} updated pods are available...`;
  return `daemon set "${name}" successfully rolled out`;
}

/** StatefulSetStatusViewer. */
function statefulSetRollout(r) {
  if (r.strategy !== "RollingUpdate") return ONLY_ROLLING_UPDATE;
  if (r.ready < r.desired) return `Waiting for ${r.desired - r.ready} pods to be ready...`;
  const updated = r.updated || 0;
  if (r.partition !== null && r.partition !== undefined) {
    const wanted = r.desired - r.partition;
    if (updated < wanted) return `Waiting for partitioned roll out to finish: ${updated} out of ${wanted} new pods have been updated...`;
    return `partitioned roll out complete: ${updated} new pods have been updated...`;
  }
  if (r.updateRevision !== r.currentRevision) {
    return `waiting for statefulset rolling update to complete ${updated} pods at revision ${r.updateRevision}...`;
  }
  return `statefulset rolling update complete ${r.current} pods at revision ${r.currentRevision}...`;
}

const ROLLOUT = { Deployment: deploymentRollout, DaemonSet: daemonSetRollout, StatefulSet: statefulSetRollout };
const CHILDREN = { Deployment: "replicaset (its ReplicaSets)", CronJob: "jobs (its Jobs)", StatefulSet: "pvc (its claims)" };

function view(store, key, t) {
  const [kind] = key.split("/");
  const args = workloadArgs(key);
  const [resource, group] = RESOURCE[kind] || [args[0], ""];
  const plural = `${resource}s${group ? `.${group}` : ""}`;
  const command = `kubectl get ${args.join(" ")}` + (CHILDREN[kind] ? `; kubectl get ${CHILDREN[kind]}` : "");
  const shown = store.workloadAt(key, t);
  if (!shown) return { command, text: `Error from server (NotFound): ${plural} "${args[1]}" not found (not yet at t=${t.toFixed(1)}s)`, rollout: null };
  if (shown.deleted) {
    return { command, text: `Error from server (NotFound): ${plural} "${args[1]}" not found (deleted at t=${shown.entry.deletedAt.toFixed(1)}s)`, rollout: null };
  }
  const r = shown.record;
  let text = kubectlTable(r.kindOf, [row(r, shown.entry.firstSeen, t)]);
  if (kind === "StatefulSet") {
    const claims = claimsOf(store, r, t);
    text += `\n\n${claims.length ? table(HEADERS.PersistentVolumeClaim, claims.map((c) => claimRow(c, t))) : "No resources found (no claims yet)."}`;
  } else {
    const children = store.workloadsAt(t).filter((w) => !w.deleted && w.record.owner === key)
      .sort((a, b) => (a.entry.key < b.entry.key ? -1 : 1)); // the API server lists by name
    if (children.length) {
      text += `\n\n${kubectlTable(children[0].record.kindOf, children.map((w) => row(w.record, w.entry.firstSeen, t)))}`;
    }
  }
  const rollout = ROLLOUT[kind]
    ? { command: `kubectl rollout status ${resource}/${args.slice(1).join(" ")}`, text: ROLLOUT[kind](r, args[1]) }
    : null;
  return { command, text, rollout };
}

export { view, workloadArgs, table, row };
