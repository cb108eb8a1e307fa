/* Pod Playground timeline: the lanes of Jobs, CronJobs, DaemonSets and
 * StatefulSets (issue #12), as kinds of owner (timelineowners.js; their samples,
 * a Job's STATUS among them, are the store's: ownerlanes.js).
 *
 *   Job          COMPLETIONS beside its name (kubectl's "1/3", "0/1 of 3"); its
 *                lane fills succeeded Pods (green) under the completions wanted
 *                (dashed), with the active Pods as a line and the failed ones
 *                as a red line; a shaded span per Pod-failure back-off (from a
 *                failure to the next Pod), a hatched one while suspended; a
 *                mark per event (SuccessfulCreate, Completed,
 *                BackoffLimitExceeded...). data-status is kubectl's STATUS. An
 *                Indexed Job's Pods are in completion-index order.
 *   CronJob      its active Jobs as a line, "N active" or "suspended" beside
 *                its name, hatched while suspended, a mark per event
 *                (SuccessfulCreate of each Job, SawCompletedJob,
 *                JobAlreadyActive...) and per action (suspend, resume,
 *                trigger). Its Jobs are its rows, each with its Pods; deleted
 *                Jobs fold as deleted Pods do.
 *   DaemonSet    desired, current and ready counts (nodes), each Pod labelled
 *                with the node it runs on.
 *   StatefulSet  replicas and ready; its Pods in ordinal order under their full
 *                names (web-0, web-1), each with a "pvc" note whose tooltip
 *                lists the ordinal's claims from the claim records.
 */
import { Timeline, kit } from "./timeline.js";
import { registerOwnerKind } from "./timelineowners.js";
import { at as lastAt } from "./runstore.js";

const { at, setAttr } = kit;

/** kubectl get job's COMPLETIONS: "1/3", or "0/1 of 3" for a work queue run in parallel. */
function jobCompletions(s) {
  if (s.completions !== null) return `${s.succeeded}/${s.completions}`;
  return s.parallelism > 1 ? `${s.succeeded}/1 of ${s.parallelism}` : `${s.succeeded}/1`;
}

/** Spans where `test(sample)` holds, each {start, end}. */
function spans(samples, end, test) {
  const out = [];
  let open = null;
  for (const s of samples) {
    if (test(s) && open === null) open = s.t;
    else if (!test(s) && open !== null) {
      out.push({ start: open, end: s.t });
      open = null;
    }
  }
  if (open !== null && end > open) out.push({ start: open, end });
  return out;
}

function suspendedBands(o, end, what) {
  return spans(o.samples, end, (s) => s.suspended).map((span) => ({
    ...span, cls: "owner-suspended",
    text: `${what} suspended from ${at(span.start)}${span.end < end || o.deletedAt !== null ? ` to ${at(span.end)}` : ""}`,
  }));
}

/**
 * Pod-failure back-off of a Job: from a sample where a Pod failed and fewer Pods
 * run than it wants, to the sample where the next Pod runs (or the Job stops).
 */
function backoffBands(o, end) {
  const out = [];
  const samples = o.samples;
  for (let i = 1; i < samples.length; i += 1) {
    const s = samples[i];
    const wanted = Math.min(s.parallelism || 1, s.completions === null ? s.parallelism || 1 : s.completions - s.succeeded);
    if (!(s.failed > samples[i - 1].failed && s.current < wanted && s.status === "Running" && !s.suspended)) continue;
    let j = i + 1;
    while (j < samples.length && samples[j].current <= s.current && samples[j].status === "Running") j += 1;
    const stop = j < samples.length ? samples[j].t : end;
    if (stop <= s.t) continue;
    const next = j < samples.length && samples[j].current > s.current;
    out.push({
      start: s.t, end: stop, cls: "owner-backoff",
      text: `Pod failure back-off after ${s.failed} failed Pod${s.failed === 1 ? "" : "s"} (${at(s.t)})` +
        (next ? `: the next Pod at ${at(stop)}, ${(stop - s.t).toFixed(1)} s later` : ""),
    });
  }
  return out;
}

registerOwnerKind("Job", {
  short: "job",
  shortUnder: true, // job/…-29453761 under cronjob/hello
  series: { area: "succeeded", line: "current", dashed: "desired", warn: "failed" },
  counts: jobCompletions,
  summary: (s) => `${s.status}, completions ${jobCompletions(s)}, ${s.current} active, ${s.failed} failed` +
    (s.suspended ? " (suspended)" : ""),
  data: (s) => ({ succeeded: s.succeeded, failed: s.failed, active: s.current, status: s.status, completions: jobCompletions(s) }),
  bands: (o, end) => [...backoffBands(o, end), ...suspendedBands(o, end, "Job")],
  sortPods(pods, o) { // an Indexed Job's Pods (<job>-<index>-xxxxx) by completion index
    if (!(o.record && o.record.indexed)) return pods;
    const job = o.key.split("/").slice(2).join("/");
    const index = (pod) => {
      const name = pod.key.split("/").slice(1).join("/");
      const match = name.startsWith(`${job}-`) ? /^(\d+)-/.exec(name.slice(job.length + 1)) : null;
      return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
    };
    return [...pods].sort((a, b) => index(a) - index(b) || a.firstSeen - b.firstSeen);
  },
});

registerOwnerKind("CronJob", {
  short: "cronjob",
  series: { area: null, line: "current", dashed: null, warn: null },
  counts: (s) => (s.suspended ? "suspended" : `${s.current} active`),
  summary: (s, o) => {
    const r = o.record || {};
    const last = s.lastSchedule === null ? "<none>" : at(s.lastSchedule / 1000);
    return `schedule "${r.schedule || ""}"${r.timeZone ? ` in ${r.timeZone}` : ""}, ${s.current} active Job${s.current === 1 ? "" : "s"}, ` +
      `suspend ${s.suspended ? "True" : "False"}, last schedule ${last}`;
  },
  data: (s) => ({ active: s.current, suspended: String(s.suspended) }),
  bands: (o, end) => suspendedBands(o, end, "CronJob"),
});

registerOwnerKind("DaemonSet", {
  short: "ds",
  summary: (s) => `${s.desired} desired (nodes that should run its Pod), ${s.current} current, ${s.ready} ready, ` +
    `${s.updated ?? 0} up-to-date, ${s.available} available${s.misscheduled ? `, ${s.misscheduled} misscheduled` : ""}`,
  podNote: (pod) => (pod.node ? { text: pod.node, title: `Pod ${pod.key} runs on ${pod.node}: one per eligible node`, data: { node: pod.node } } : null),
});

/** The ordinal of a StatefulSet's Pod ("web-2" of "web": 2), or null. */
function ordinalOf(podName, set) {
  if (!podName.startsWith(`${set}-`)) return null;
  const text = podName.slice(set.length + 1);
  return /^\d+$/.test(text) ? Number(text) : null;
}

registerOwnerKind("StatefulSet", {
  short: "sts",
  summary: (s, o) => `${s.desired} replicas, ${s.current} current, ${s.ready} ready, ${s.updated ?? 0} updated` +
    ((o.record && o.record.podManagementPolicy) ? `, ${o.record.podManagementPolicy}` : ""),
  sortPods(pods, o) {
    const set = o.key.split("/").slice(2).join("/");
    const ord = (pod) => ordinalOf(pod.key.split("/").slice(1).join("/"), set) ?? Number.MAX_SAFE_INTEGER;
    return [...pods].sort((a, b) => ord(a) - ord(b) || a.firstSeen - b.firstSeen);
  },
  podLabel: (name) => name, // the name is its identity: web-0, web-1
  podNote(pod, o, t, timeline) {
    const [namespace, set] = [o.key.split("/")[1], o.key.split("/").slice(2).join("/")];
    const name = pod.key.split("/").slice(1).join("/");
    const ordinal = ordinalOf(name, set);
    const templates = (o.record && o.record.claimTemplates) || [];
    if (ordinal === null || !templates.length) return null;
    const keys = templates.map((tpl) => `${namespace}/${tpl}-${set}-${ordinal}`);
    const lines = keys.map((key) => {
      const c = timeline.claimAt(key, t);
      const claimName = key.split("/").slice(1).join("/");
      if (!c) return `${claimName}: not created yet`;
      if (c.deleted) return `${claimName}: deleted`;
      return `${claimName}: ${c.deleting ? "Terminating" : c.phase}, volume ${c.volume || "<none>"}, ` +
        `${c.capacity || "?"} ${(c.accessModes || []).join(",")}, class ${c.storageClass || "<none>"}`;
    });
    const again = (pod.recreated || []).filter((when) => when <= t).map((when) => at(when));
    return {
      text: "pvc",
      title: `PersistentVolumeClaims of ordinal ${ordinal} (they outlive the Pod):\n${lines.join("\n")}` +
        (again.length ? `\n${name} was deleted and made again (same name, same claims) at ${again.join(", ")}` : ""),
      data: { ordinal, claims: keys.map((k) => k.split("/").slice(1).join("/")).join(" ") },
    };
  },
});

/* ---------- Pods made again under the same name; claims ---------- */

// timeline.js is at its size limit: this wraps one of its methods.
const renderPod = Timeline.prototype.renderPod;
/** A Pod made again (the store un-deletes it, podlanes.js): its old deleted and Terminating marks go. */
Timeline.prototype.renderPod = function renderPodAgain(pod) {
  renderPod.call(this, pod);
  const v = this.views.get(pod);
  if (!pod.recreated || pod.deletedAt !== null || !v) return;
  for (const el of [v.deleted, v.deletedText, v.band, v.termText]) setAttr(el, "visibility", "hidden");
};

/** The claim's last record at or before t, or null: read from the run's store. */
Timeline.prototype.claimAt = function claimAt(key, t) {
  const history = this.store.claims.get(key);
  return history ? lastAt(history, t) : null;
};
