/* Pod Playground inspector: one Pod at the time shown, three ways.
 *
 *   Describe   `kubectl describe pod`: conditions (status, reason), each
 *              container's state, last state, readiness, restarts, probes,
 *              env and mounts as asked for, and the Pod's events; folded from
 *              the records up to the time shown.
 *   Logs       `kubectl logs -c C [--previous]`: the lines of each run of a
 *              container, split at the runs' start times. Lines the server
 *              held back (log-held records) are counted, and the current or
 *              previous run's surviving file can be fetched (logs request).
 *   Container  the view from inside the running container (printenv with the
 *              source of each variable, mounted files, /etc/hosts,
 *              /etc/resolv.conf, hostname, reachable Services). These come
 *              from the server (inspect, exec) and are always the live edge.
 *
 * A workload (Deployment, ReplicaSet, ReplicationController, Job, CronJob,
 * DaemonSet, StatefulSet: its timeline lane clicked, or picked under Workload)
 * shows above the tabs: `kubectl get` at the time shown (a fold of its
 * workload records, workloadget.js: a Deployment's ReplicaSets, a CronJob's
 * Jobs, a StatefulSet's claims under it; `kubectl rollout status` where kubectl
 * has one) and `kubectl describe` from the server at the live edge (the
 * kubectl request), with the namespace's PodDisruptionBudgets if it has any.
 */

import { formatBytes, heldText, humanDuration } from "./format.js";
import { logNote, render as renderNetworkPolicy } from "./netpol.js";
import { el } from "./pagekit.js";
import { podName } from "./podkey.js";
import { RunStore } from "./runstore.js";
import { ownerLabel } from "./timelineowners.js";
import { view as workloadGet, workloadArgs } from "./workloadget.js";

const MASK = "••••••";
const CONDITION_ORDER = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];

function secs(t) {
  return t === null || t === undefined ? "<unknown>" : `t=${Number(t).toFixed(1)}s`;
}

function pad(text, width) {
  return text.length >= width ? `${text} ` : text + " ".repeat(width - text.length);
}

/** A kubectl describe document: lines of [text, class] segments. */
class Doc {
  constructor() {
    this.lines = [];
  }

  line(...segments) {
    this.lines.push(segments.map((s) => (typeof s === "string" ? [s, ""] : s)));
  }

  field(indent, label, value, cls) {
    this.line(" ".repeat(indent) + pad(`${label}:`, Math.max(18 - indent, label.length + 2)), [String(value), cls || ""]);
  }

  text() {
    return this.lines.map((l) => l.map((s) => s[0]).join("")).join("\n");
  }

  render(pre) {
    const fragment = document.createDocumentFragment();
    this.lines.forEach((segments, i) => {
      for (const [text, cls] of segments) {
        if (cls) fragment.append(el("span", { class: cls, text }));
        else fragment.append(text);
      }
      if (i < this.lines.length - 1) fragment.append("\n");
    });
    pre.replaceChildren(fragment);
  }
}

class Inspector {
  /**
   * root: the inspector section; store: the RunStore; request(action, fields):
   * a Promise of the server's answer; onSelect(podKey): the selection changed.
   */
  constructor({ root, store, request, onSelect, onSelectWorkload }) {
    this.root = root;
    this.store = store;
    this.request = request;
    this.onSelect = onSelect || (() => {});
    this.onSelectWorkload = onSelectWorkload || (() => {});
    this.pod = null;
    this.container = null;
    this.tab = "describe";
    this.run = "current";
    this.shownKey = "";
    this.liveView = null; // {pod, container, now, view} from the server
    this.files = new Map(); // path -> {output, status, now}
    this.revealed = new Set(); // env names / file paths revealed
    this.revealAll = false;
    this.live = true;
    this.liveNow = 0;
    this.t = 0;

    this.podSelect = root.querySelector("#inspect-pod");
    this.containerSelect = root.querySelector("#inspect-container");
    this.tabs = [...root.querySelectorAll("[role=tab]")];
    this.describePre = root.querySelector("#describe");
    this.runSelect = root.querySelector("#log-run");
    this.logsPre = root.querySelector("#container-logs");
    this.logsCommand = root.querySelector("#logs-command");
    this.fullLogs = null; // {pod, container, run, now, status, output} from the server
    this.heldBox = el("div", { class: "logs-held", id: "logs-held", hidden: true, "aria-live": "polite" });
    this.logsPre.before(this.heldBox);
    this.envBody = root.querySelector("#env-body");
    this.envHint = root.querySelector("#env-hint");
    this.envAsOf = root.querySelector("#env-asof");
    this.refreshButton = root.querySelector("#env-refresh");
    this.revealBox = root.querySelector("#env-reveal");
    this.empty = root.querySelector("#inspector-empty");
    this.workload = null; // "Deployment/default/web"
    this.workloadDescribe = null; // {key, now, status, output} from the server
    this.workloadShown = "";
    this.workloadSelect = root.querySelector("#inspect-workload");
    this.workloadView = root.querySelector("#workload-view");
    this.workloadSelect.addEventListener("change", () => this.selectWorkload(this.workloadSelect.value || null));
    root.querySelector("#workload-refresh").addEventListener("click", () => this.loadWorkloadDescribe());
    document.addEventListener("workload-select", (event) => this.selectWorkload(event.detail.key));

    this.podSelect.addEventListener("change", () => this.select(this.podSelect.value || null));
    this.containerSelect.addEventListener("change", () => {
      this.container = this.containerSelect.value || null;
      this.run = "current";
      this.fullLogs = null;
      this.liveView = null;
      this.files.clear();
      this.refresh();
    });
    this.runSelect.addEventListener("change", () => {
      this.run = this.runSelect.value;
      this.fullLogs = null;
      this.refresh();
    });
    this.tabs.forEach((tab) => {
      tab.addEventListener("click", () => this.showTab(tab.dataset.tab));
      tab.addEventListener("keydown", (event) => this.tabKey(event));
    });
    this.refreshButton.addEventListener("click", () => this.loadLiveView());
    this.revealBox.addEventListener("change", () => {
      this.revealAll = this.revealBox.checked;
      this.revealed.clear();
      this.renderLiveView();
    });
  }

  reset() {
    this.workload = null;
    this.workloadDescribe = null;
    this.liveView = null;
    this.fullLogs = null;
    this.files.clear();
    this.shownKey = "";
    this.refresh();
  }

  /* ---------- selection and tabs ---------- */

  select(podKey, container) {
    if (podKey === this.pod && (!container || container === this.container)) return;
    this.pod = podKey;
    this.container = container || null;
    this.run = "current";
    this.fullLogs = null;
    this.liveView = null;
    this.files.clear();
    this.revealed.clear();
    this.onSelect(podKey);
    this.refresh();
  }

  showTab(name) {
    this.tab = name;
    for (const tab of this.tabs) {
      const selected = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      document.getElementById(tab.getAttribute("aria-controls")).hidden = !selected;
    }
    if (name === "container" && !this.liveView) this.loadLiveView();
    this.refresh();
  }

  tabKey(event) {
    const i = this.tabs.indexOf(event.currentTarget);
    let next = null;
    if (event.key === "ArrowRight") next = this.tabs[(i + 1) % this.tabs.length];
    else if (event.key === "ArrowLeft") next = this.tabs[(i + this.tabs.length - 1) % this.tabs.length];
    else if (event.key === "Home") next = this.tabs[0];
    else if (event.key === "End") next = this.tabs[this.tabs.length - 1];
    if (!next) return;
    event.preventDefault();
    event.stopPropagation();
    next.focus();
    this.showTab(next.dataset.tab);
  }

  refresh() {
    this.shownKey = "";
    this.render(this.t, { live: this.live, liveNow: this.liveNow });
  }

  /* ---------- rendering at time t ---------- */

  render(t, { live, liveNow }) {
    this.t = t;
    this.live = live;
    this.liveNow = liveNow;
    const store = this.store;
    this.renderWorkload(t);
    this.syncPodOptions(t);
    const pod = this.pod ? store.podAt(this.pod, t) : null;
    if (this.empty.hidden !== Boolean(pod)) this.empty.hidden = Boolean(pod);
    if (this.root.dataset.pod !== (this.pod || "")) this.root.dataset.pod = this.pod || "";
    const containers = pod ? store.containersOf(this.pod, t) : [];
    this.syncContainerOptions(containers);
    renderNetworkPolicy(this, t); // NetworkPolicy box (netpol.js)
    const key = [this.tab, this.pod, this.container, this.run, t, store.records.length, live].join("|");
    if (key === this.shownKey) return;
    this.shownKey = key;
    if (this.tab === "describe") this.renderDescribe(pod, containers, t);
    else if (this.tab === "logs") this.renderLogs(pod, t);
    else this.renderContainerHint();
  }

  syncPodOptions(t) {
    const pods = this.store.podsAt(t);
    const keys = pods.map((p) => p.entry.key);
    if (this.pod === null && keys.length) {
      this.pod = keys[0];
      this.onSelect(this.pod);
    }
    if (this.pod !== null && !keys.includes(this.pod) && this.store.pods.has(this.pod)) keys.push(this.pod);
    const wanted = ["", ...keys].join("\n");
    if (this.podSelect.dataset.keys !== wanted) {
      this.podSelect.replaceChildren(
        el("option", { value: "", text: "(none)" }),
        ...keys.map((k) => el("option", { value: k, text: podName(k) })),
      );
      this.podSelect.dataset.keys = wanted;
    }
    if (this.podSelect.value !== (this.pod || "")) this.podSelect.value = this.pod || "";
  }

  syncContainerOptions(containers) {
    const names = containers.map((c) => c.entry.name);
    if ((this.container === null || !names.includes(this.container)) && names.length) {
      const main = containers.find((c) => !c.entry.init) || containers[0];
      if (this.container !== null && this.store.containers.has(`${this.pod}/${this.container}`)) {
        names.push(this.container); // scrubbed back before it existed: keep the choice
      } else {
        this.container = main.entry.name;
      }
    }
    const wanted = names.join("\n");
    if (this.containerSelect.dataset.names !== wanted) {
      this.containerSelect.replaceChildren(...names.map((n) => {
        const c = containers.find((x) => x.entry.name === n);
        const kind = c && c.entry.sidecar ? " (sidecar)" : c && c.entry.init ? " (init)" : "";
        return el("option", { value: n, text: n + kind });
      }));
      this.containerSelect.dataset.names = wanted;
    }
    if (this.container && this.containerSelect.value !== this.container) this.containerSelect.value = this.container;
    if (this.containerSelect.disabled !== (names.length === 0)) this.containerSelect.disabled = names.length === 0;
  }

  /* ----- describe ----- */

  renderDescribe(pod, containers, t) {
    if (!pod) {
      this.describePre.textContent = "";
      return;
    }
    const store = this.store;
    const r = pod.record;
    const spec = store.specAt(this.pod, t) || {};
    const doc = new Doc();
    const [namespace, name] = this.pod.split("/");
    doc.field(0, "Name", name);
    doc.field(0, "Namespace", namespace);
    const node = r.node ? store.nodeAt(r.node, t) : null;
    doc.field(0, "Node", r.node ? `${r.node}/${node ? node.nodeIP : ""}` : "<none>");
    doc.field(0, "Start Time", secs(pod.entry.firstSeen));
    doc.field(0, "Labels", formatMap(spec.labels, "="));
    doc.field(0, "Annotations", formatMap(spec.annotations, ": "));
    let status = r.phase;
    if (r.deletionTimestamp !== null && r.deletionTimestamp !== undefined) {
      status = `Terminating (lasts ${r.deletionGracePeriodSeconds}s)`;
    }
    doc.field(0, "Status", status, `status-${String(r.status).replace(/[^A-Za-z]/g, "")}`);
    if (pod.deleted) doc.field(0, "Deleted", `${secs(pod.entry.deletedAt)} (the API object is gone)`, "deleted");
    if (r.reason) doc.field(0, "Reason", r.reason);
    if (r.message) doc.field(0, "Message", r.message);
    if (spec.seccompProfile) { // describe.go: the pod's profile after Message
      doc.field(0, "SeccompProfile", spec.seccompProfile.type);
      if (spec.seccompProfile.type === "Localhost") doc.field(0, "LocalhostProfile", spec.seccompProfile.localhostProfile);
    }
    doc.field(0, "IP", r.podIP || "<none>");
    // "ReplicaSet/default/web-abc" -> kubectl's "ReplicaSet/web-abc".
    if (r.owner) doc.field(0, "Controlled By", `${r.owner.split("/")[0]}/${r.owner.split("/").slice(2).join("/")}`);
    const specContainers = new Map((spec.containers || []).map((c) => [c.name, c]));
    const inits = containers.filter((c) => c.entry.init);
    const mains = containers.filter((c) => !c.entry.init);
    if (inits.length) {
      doc.line("Init Containers:");
      for (const c of inits) this.describeContainer(doc, c, specContainers.get(c.entry.name));
    }
    doc.line("Containers:");
    for (const c of mains) this.describeContainer(doc, c, specContainers.get(c.entry.name));
    if (!containers.length) doc.line("  <none yet>");

    doc.line("Conditions:");
    const conditions = Object.entries(r.conditions || {});
    conditions.sort((a, b) => rank(a[0]) - rank(b[0]));
    doc.line("  ", pad("Type", 28), pad("Status", 8), "Reason");
    for (const [type, value] of conditions) {
      const reason = value === "True" ? "" : conditionReason(type, r, containers, node);
      doc.line("  ", pad(type, 28), [pad(value, 8), value === "True" ? "cond-true" : "cond-false"], reason);
    }
    if (spec.volumes && spec.volumes.length) {
      doc.line("Volumes:");
      for (const v of spec.volumes) {
        doc.line(`  ${v.name}:`);
        doc.field(4, "Type", v.type || "<unknown>");
        if (v.detail) doc.field(4, "Name", v.detail);
      }
    }
    doc.field(0, "QoS Class", r.qosClass || "");
    if (spec.nodeSelector && Object.keys(spec.nodeSelector).length) doc.field(0, "Node-Selectors", formatMap(spec.nodeSelector, "="));
    doc.line("Events:");
    const events = store.eventsAt(t, 0, this.pod);
    if (!events.length) {
      doc.line("  <none>");
    } else {
      const ages = events.map((e) => (e.count > 1
        ? `${humanDuration(t - e.last)} (x${e.count} over ${humanDuration(t - e.first)})`
        : humanDuration(t - e.last)));
      const ageWidth = Math.max(4, ...ages.map((a) => a.length)) + 2;
      const reasonWidth = Math.max(6, ...events.map((e) => e.entry.record.reason.length)) + 2;
      const fromWidth = Math.max(4, ...events.map((e) => String(e.entry.record.source || "").length)) + 2;
      doc.line("  ", pad("Type", 9), pad("Reason", reasonWidth), pad("Age", ageWidth), pad("From", fromWidth), "Message");
      doc.line("  ", pad("----", 9), pad("------", reasonWidth), pad("----", ageWidth), pad("----", fromWidth), "-------");
      events.forEach((e, i) => {
        const rec = e.entry.record;
        const cls = rec.type === "Warning" ? "ev-warning" : "";
        doc.line("  ", [pad(rec.type, 9), cls], [pad(rec.reason, reasonWidth), cls], pad(ages[i], ageWidth),
          pad(String(rec.source || ""), fromWidth), rec.message);
      });
    }
    doc.render(this.describePre);
  }

  describeContainer(doc, c, spec) {
    const r = c.record;
    const s = spec || {};
    doc.line(`  ${c.entry.name}:`);
    if (s.image) doc.field(4, "Image", s.image);
    // describeContainerBasicInfo: "Image ID" from the container's status (issue #16)
    if (r && r.imageID !== undefined) doc.field(4, "Image ID", r.imageID);
    if (s.ports && s.ports.length) doc.field(4, s.ports.length > 1 ? "Ports" : "Port", s.ports.join(", "));
    else doc.field(4, "Port", "<none>");
    if (s.seccompProfile) { // describeContainerBasicInfo: a container's, one level deeper
      doc.field(4, "SeccompProfile", s.seccompProfile.type);
      if (s.seccompProfile.type === "Localhost") doc.field(6, "LocalhostProfile", s.seccompProfile.localhostProfile);
    }
    if (s.command) {
      doc.line("    Command:");
      for (const part of s.command) doc.line(`      ${part}`);
    }
    if (s.args) {
      doc.line("    Args:");
      for (const part of s.args) doc.line(`      ${part}`);
    }
    const stateCls = `state-${r.state}${r.reason ? ` reason-${r.reason}` : ""}`;
    if (r.state === "running") {
      doc.field(4, "State", "Running", stateCls);
      doc.field(6, "Started", secs(r.startedAt));
    } else if (r.state === "waiting") {
      doc.field(4, "State", "Waiting", stateCls);
      if (r.reason) doc.field(6, "Reason", r.reason, stateCls);
      if (r.message) doc.field(6, "Message", r.message);
    } else {
      doc.field(4, "State", "Terminated", stateCls);
      doc.field(6, "Reason", r.reason || "", stateCls);
      if (r.message) doc.field(6, "Message", r.message);
      doc.field(6, "Exit Code", r.exitCode);
      doc.field(6, "Started", secs(r.startedAt));
      doc.field(6, "Finished", secs(r.finishedAt));
    }
    const last = r.lastState;
    if (last) {
      doc.field(4, "Last State", "Terminated", "state-terminated");
      doc.field(6, "Reason", last.reason || "", `reason-${last.reason}`);
      if (last.message) doc.field(6, "Message", last.message);
      doc.field(6, "Exit Code", last.exitCode);
      doc.field(6, "Started", secs(last.startedAt));
      doc.field(6, "Finished", secs(last.finishedAt));
    }
    doc.field(4, "Ready", r.ready ? "True" : "False", r.ready ? "cond-true" : "cond-false");
    doc.field(4, "Restart Count", r.restartCount || 0, "restart-count");
    if (s.limits && Object.keys(s.limits).length) {
      doc.line("    Limits:");
      for (const [k, v] of Object.entries(s.limits)) doc.field(6, k, v);
    }
    if (s.requests && Object.keys(s.requests).length) {
      doc.line("    Requests:");
      for (const [k, v] of Object.entries(s.requests)) doc.field(6, k, v);
    }
    const titles = { liveness: "Liveness", readiness: "Readiness", startup: "Startup" };
    for (const kind of ["liveness", "readiness", "startup"]) {
      if (s.probes && s.probes[kind]) doc.field(4, titles[kind], s.probes[kind], "probe");
    }
    for (const [hook, text] of Object.entries(s.hooks || {})) doc.field(4, hook === "preStop" ? "PreStop" : "PostStart", text);
    if (c.resources) {
      const res = c.resources;
      // A cgroup never uses more than its limit: past it is the OOM kill.
      const used = res.memoryLimit ? Math.min(Number(res.memory), Number(res.memoryLimit)) : res.memory;
      const mem = formatBytes(used);
      doc.field(4, "Usage", `memory ${mem}${res.memoryLimit ? ` of ${formatBytes(res.memoryLimit)}` : ""}, ` +
        `cpu ${res.cpu}m${res.throttled ? " (throttled)" : ""}`);
    }
    if (s.envFrom && s.envFrom.length) {
      doc.line("    Environment Variables from:");
      for (const item of s.envFrom) doc.line(`      ${item}`);
    }
    if (s.env && s.env.length) {
      doc.line("    Environment:");
      for (const item of s.env) doc.line(`      ${pad(`${item.name}:`, 20)}${item.value}`);
    } else if (spec) {
      doc.field(4, "Environment", "<none>");
    }
    if (s.mounts && s.mounts.length) {
      doc.line("    Mounts:");
      for (const mount of s.mounts) doc.line(`      ${mount}`);
    } else if (spec) {
      doc.field(4, "Mounts", "<none>");
    }
  }

  /* ----- logs ----- */

  renderLogs(pod, t) {
    const store = this.store;
    const c = pod && this.container ? store.containerAt(this.pod, this.container, t) : null;
    if (!c) {
      this.runSelect.replaceChildren();
      this.logsCommand.textContent = "";
      this.logsPre.textContent = "";
      this.logsPre.dataset.run = "";
      this.heldBox.hidden = true;
      return;
    }
    const current = c.record.restartCount || 0;
    const options = [];
    for (let n = current; n >= 0; n -= 1) {
      const label = n === current ? `current run (#${n})` : n === current - 1 ? `previous run (#${n}, --previous)` : `run #${n}`;
      options.push([n === current ? "current" : n === current - 1 ? "previous" : String(n), label]);
    }
    const wanted = options.map((o) => o.join("=")).join("\n");
    if (this.runSelect.dataset.options !== wanted) {
      this.runSelect.replaceChildren(...options.map(([value, label]) => el("option", { value, text: label })));
      this.runSelect.dataset.options = wanted;
    }
    if (!options.some(([value]) => value === this.run)) this.run = "current";
    this.runSelect.value = this.run;
    const run = this.run === "current" ? current : this.run === "previous" ? current - 1 : Number(this.run);
    const name = podName(this.pod);
    this.logsCommand.textContent = `kubectl logs ${name} -c ${this.container}${this.run === "previous" ? " --previous" : ""}`;
    const lines = store.logsOf(this.pod, this.container, run, t);
    this.logsPre.dataset.run = String(run);
    const full = this.fullLogs;
    if (full && full.pod === this.pod && full.container === this.container && full.run === this.run) {
      this.renderFullLogs(full);
      return;
    }
    this.renderHeld(RunStore.heldIn(lines));
    if (!lines.length) {
      this.logsPre.replaceChildren(el("span", { class: "muted", text: "(no output)" }));
      return;
    }
    const fragment = document.createDocumentFragment();
    let continued = false; // the previous record was a 16 KiB piece of a longer line
    for (const line of lines) {
      if (line.kind === "log-held") {
        if (continued) fragment.append("\n");
        fragment.append(el("span", { class: "log-held-line muted", text: `… ${heldText(line.lines)}\n` }));
        continued = false;
        continue;
      }
      if (!continued) fragment.append(el("span", { class: "log-t", text: `${line.t.toFixed(1)}s ` }));
      const dropped = logNote(store, this.pod, line);
      const text = line.partial ? line.line : `${line.line}\n`;
      fragment.append(dropped ? el("span", { class: "log-dropped", title: dropped, text }) : text);
      continued = Boolean(line.partial);
    }
    this.logsPre.replaceChildren(fragment);
  }

  /** "N lines not shown", and the way to read them with kubectl logs. */
  renderHeld(held) {
    this.heldBox.hidden = held === 0;
    if (held === 0) {
      this.heldBox.replaceChildren();
      return;
    }
    const readable = this.run === "current" || this.run === "previous";
    const text = `${heldText(held)}. The playground streams a limited number of lines per ` +
      "container per simulated second; the node's log file keeps what rotation leaves.";
    this.heldBox.replaceChildren(
      el("span", { text: readable ? `${text} ` : `${text} kubectl logs reads only the current and previous runs.` }),
      readable ? el("button", { type: "button", class: "logs-fetch", text: "Show kubectl logs", onclick: () => this.fetchFullLogs() }) : null,
    );
  }

  /** The server's kubectl logs answer, in place of the streamed lines. */
  renderFullLogs(full) {
    const back = el("button", { type: "button", class: "logs-back", text: "Back to the streamed lines", onclick: () => { this.fullLogs = null; this.refresh(); } });
    this.heldBox.hidden = false;
    if (full.loading) {
      this.heldBox.replaceChildren(el("span", { text: "Asking the node for kubectl logs… " }), back);
      this.logsPre.replaceChildren(el("span", { class: "muted", text: "loading…" }));
      return;
    }
    const when = full.now === null ? "" : ` at the live edge (t = ${full.now.toFixed(1)} s)`;
    const scrubbed = !this.live && full.now !== null ? "; the view is scrubbed back, these lines are the live edge's" : "";
    this.heldBox.replaceChildren(el("span", { text: `Every line the node still has${when}${scrubbed}. ` }), back);
    if (full.status !== 0) {
      this.logsPre.replaceChildren(el("span", { class: "request-error", role: "alert", text: full.output }));
    } else if (!full.output) {
      this.logsPre.replaceChildren(el("span", { class: "muted", text: "(no output)" }));
    } else {
      this.logsPre.textContent = full.output;
    }
  }

  async fetchFullLogs() {
    const { pod, container, run } = this;
    if (!pod || !container) return;
    this.fullLogs = { pod, container, run, loading: true };
    this.refresh();
    let full;
    try {
      const answer = await this.request("logs", { pod, container, previous: run === "previous" });
      full = { pod, container, run, now: answer.now, status: answer.status, output: answer.output };
    } catch (error) {
      full = { pod, container, run, now: null, status: 1, output: String(error.message || error) };
    }
    if (this.fullLogs && this.fullLogs.pod === pod && this.fullLogs.container === container && this.fullLogs.run === run) {
      this.fullLogs = full;
      this.refresh();
    }
  }

  /* ----- the container view (live edge only) ----- */

  renderContainerHint() {
    let text;
    if (!this.live) {
      text = `Scrubbed back to ${this.t.toFixed(1)} s. Inspect and exec answer for the live edge ` +
        `(t = ${this.liveNow.toFixed(1)} s), not for the moment shown.`;
    } else {
      text = "The container as it is at the live edge: what kubectl exec would show.";
    }
    this.envHint.textContent = text;
    this.envHint.dataset.scrubbed = String(!this.live);
  }

  async loadLiveView() {
    if (!this.pod || !this.container) return;
    const pod = this.pod;
    const container = this.container;
    this.envAsOf.textContent = "loading…";
    try {
      const answer = await this.request("inspect", { pod, container });
      if (pod !== this.pod || container !== this.container) return;
      this.liveView = { pod, container, now: answer.now, view: answer.view };
      this.files.clear();
    } catch (error) {
      this.liveView = { pod, container, now: null, view: null, error: String(error.message || error) };
    }
    this.renderLiveView();
  }

  renderLiveView() {
    const body = this.envBody;
    const lv = this.liveView;
    this.renderContainerHint();
    if (!lv) {
      body.replaceChildren();
      this.envAsOf.textContent = "";
      return;
    }
    if (lv.error) {
      this.envAsOf.textContent = "";
      body.replaceChildren(el("p", { class: "request-error", role: "alert", text: lv.error }));
      return;
    }
    this.envAsOf.textContent = `as of t = ${lv.now.toFixed(1)} s (live edge)`;
    const v = lv.view;
    if (!v.running) {
      body.replaceChildren(el("p", { class: "muted", text: `error: container "${lv.container}" of Pod ${podName(lv.pod)} is not running at t = ${lv.now.toFixed(1)} s; there is nothing to exec into.` }));
      return;
    }
    const sections = [];
    sections.push(el("h4", { text: "Hostname" }), el("pre", { class: "file", "data-testid": "env-hostname", text: v.hostname }));

    // printenv, with where each value came from.
    const table = el("table", { class: "kubectl env-table", "data-testid": "env-table" },
      el("thead", {}, el("tr", {}, el("th", { text: "NAME" }), el("th", { text: "VALUE" }), el("th", { text: "SOURCE" }))));
    const tbody = el("tbody");
    for (const variable of v.env || []) {
      const secret = String(variable.source || "").startsWith("secret ");
      const shown = !secret || this.revealAll || this.revealed.has(`env:${variable.name}`);
      const value = el("td", { class: `col-value${secret ? " secret" : ""}`, "data-masked": String(!shown), text: shown ? variable.value : MASK });
      if (secret) {
        value.append(" ", el("button", {
          type: "button", class: "reveal", "aria-pressed": String(shown),
          "aria-label": `${shown ? "Hide" : "Reveal"} the value of ${variable.name}`,
          text: shown ? "hide" : "reveal",
          onclick: () => this.toggleReveal(`env:${variable.name}`),
        }));
      }
      tbody.append(el("tr", { "data-name": variable.name, "data-source-kind": String(variable.source || "").split(" ")[0] },
        el("td", { class: "col-name", text: variable.name }), value,
        el("td", { class: "col-source", text: variable.source || "" })));
    }
    table.append(tbody);
    sections.push(el("h4", {}, "Environment ", el("code", { class: "cmd", text: `kubectl exec ${podName(lv.pod)} -c ${lv.container} -- printenv` })), table);

    // Mounted files: ls -al of each mount, contents on click.
    sections.push(el("h4", { text: "Mounted files" }));
    for (const mount of v.mounts || []) {
      const box = el("div", { class: "mount", "data-path": mount.path });
      box.append(el("p", { class: "mount-head" }, el("code", { text: mount.path }),
        ` from ${mount.volume} (${mount.kind || "volume"}, ${mount.readOnly ? "ro" : "rw"})`));
      box.append(this.listing(mount));
      sections.push(box);
    }
    if (!(v.mounts || []).length) sections.push(el("p", { class: "muted", text: "No volumes mounted." }));

    sections.push(el("h4", {}, el("code", { text: "/etc/hosts" })), el("pre", { class: "file", "data-testid": "env-hosts", text: v.hosts }));
    sections.push(el("h4", {}, el("code", { text: "/etc/resolv.conf" })), el("pre", { class: "file", "data-testid": "env-resolv", text: v.resolv }));

    const services = el("table", { class: "kubectl services-table", "data-testid": "env-services" },
      el("thead", {}, el("tr", {}, ...["SERVICE", "DNS NAME", "CLUSTER-IP", "PORTS", "READY ENDPOINTS"].map((h) => el("th", { text: h })))));
    const sbody = el("tbody");
    for (const svc of v.services || []) {
      const [ns, svcName] = String(svc.service).split("/");
      sbody.append(el("tr", { "data-service": svc.service },
        el("td", { text: svc.service }),
        el("td", { text: `${svcName}.${ns}.svc.cluster.local` }),
        el("td", { text: svc.clusterIP || "None" }),
        el("td", { text: (svc.ports || []).join(",") }),
        el("td", { text: (svc.ready || []).length ? svc.ready.join(", ") : "<none>" })));
    }
    services.append(sbody);
    sections.push(el("h4", { text: "Services it can reach" }), services);
    body.replaceChildren(...sections);
  }

  toggleReveal(key) {
    if (this.revealed.has(key)) this.revealed.delete(key);
    else this.revealed.add(key);
    this.renderLiveView();
  }

  /** `ls -al` output with each name a button that shows the file (cat) or lists the directory. */
  listing(mount) {
    const pre = el("pre", { class: "file listing" });
    for (const line of String(mount.listing || "").split("\n")) {
      if (!line) continue;
      const match = /^([dl-][rwx-]{9})\s+.*?\d\d:\d\d (.+)$/.exec(line);
      if (!match) {
        pre.append(`${line}\n`);
        continue;
      }
      const [, mode, rest] = match;
      const fileName = rest.split(" -> ")[0];
      if (fileName === "." || fileName === "..") {
        pre.append(`${line}\n`);
        continue;
      }
      const path = `${mount.path.replace(/\/$/, "")}/${fileName}`;
      const isDir = mode.startsWith("d");
      pre.append(line.slice(0, line.length - rest.length));
      pre.append(el("button", {
        type: "button", class: "file-link", "data-path": path, text: fileName,
        title: isDir ? `ls -al ${path}` : `cat ${path}`,
        onclick: () => this.openFile(mount, path, isDir),
      }));
      pre.append(`${rest.slice(fileName.length)}\n`);
    }
    const shown = this.files.get(mount.path);
    const wrap = el("div", { class: "listing-wrap" }, pre);
    if (shown) {
      const secret = mount.kind === "secret" || /\/token$/.test(shown.path);
      const visible = !secret || this.revealAll || this.revealed.has(`file:${shown.path}`);
      const head = el("p", { class: "file-head" }, el("code", { text: `${shown.argv.join(" ")}` }),
        shown.status ? ` (exit status ${shown.status})` : "", ` at t = ${shown.now.toFixed(1)} s`);
      if (secret) {
        head.append(" ", el("button", {
          type: "button", class: "reveal", "aria-pressed": String(visible), text: visible ? "hide" : "reveal",
          "aria-label": `${visible ? "Hide" : "Reveal"} the contents of ${shown.path}`,
          onclick: () => this.toggleReveal(`file:${shown.path}`),
        }));
      }
      wrap.append(head, el("pre", { class: "file file-content", "data-path": shown.path, "data-masked": String(!visible), text: visible ? shown.output : MASK }));
    }
    return wrap;
  }

  async openFile(mount, path, isDir) {
    const argv = isDir ? ["ls", "-al", path] : ["cat", path];
    const lv = this.liveView;
    if (!lv) return;
    try {
      const answer = await this.request("exec", { pod: lv.pod, container: lv.container, argv });
      this.files.set(mount.path, { path, argv, output: answer.output, status: answer.status, now: answer.now });
    } catch (error) {
      this.files.set(mount.path, { path, argv, output: String(error.message || error), status: 1, now: this.liveNow });
    }
    this.renderLiveView();
  }
}

/* ---------- a workload: kubectl get at t, kubectl describe at the live edge ---------- */

Inspector.prototype.selectWorkload = function selectWorkload(key) {
  if (key === this.workload) return;
  this.workload = key || null;
  this.workloadDescribe = null;
  this.workloadShown = "";
  this.onSelectWorkload(this.workload); // the timeline marks its lane
  if (this.workload) this.loadWorkloadDescribe();
  this.refresh();
};

Inspector.prototype.renderWorkload = function renderWorkload(t) {
  const store = this.store;
  const keys = store.workloadsAt(t).map((w) => w.entry.key);
  if (this.workload && !keys.includes(this.workload) && store.workloads.has(this.workload)) keys.push(this.workload);
  const wanted = ["", ...keys].join("\n");
  if (this.workloadSelect.dataset.keys !== wanted) {
    this.workloadSelect.replaceChildren(
      el("option", { value: "", text: "(none)" }),
      ...keys.map((k) => el("option", { value: k, text: ownerLabel(k) })),
    );
    this.workloadSelect.dataset.keys = wanted;
  }
  if (this.workloadSelect.value !== (this.workload || "")) this.workloadSelect.value = this.workload || "";
  this.workloadView.hidden = !this.workload;
  if (!this.workload) return;
  const key = [this.workload, t, store.records.length, this.workloadDescribe && this.workloadDescribe.now].join("|");
  if (key === this.workloadShown) return;
  this.workloadShown = key;
  const args = workloadArgs(this.workload);
  const root = this.root;
  const get = workloadGet(store, this.workload, t); // kubectl's columns (workloadget.js)
  root.querySelector("#workload-get-command").textContent = get.command;
  root.querySelector("#workload-get").textContent = get.text;
  root.querySelector("#workload-rollout-box").hidden = get.rollout === null;
  if (get.rollout !== null) {
    root.querySelector("#workload-rollout-command").textContent = get.rollout.command;
    root.querySelector("#workload-rollout").textContent = get.rollout.text;
  }
  root.querySelector("#workload-describe-command").textContent = `kubectl describe ${args.join(" ")}`;
  const d = this.workloadDescribe;
  root.querySelector("#workload-asof").textContent = d ? `at the live edge, t = ${d.now.toFixed(1)} s` : "asking the server…";
  root.querySelector("#workload-describe").textContent = d ? d.output : "";
  root.querySelector("#workload-describe").dataset.status = d ? String(d.status) : "";
  // The namespace's PodDisruptionBudgets, when it has any (they limit a drain's evictions).
  const budgets = d && d.budgets && d.budgets.status === 0 && !d.budgets.output.startsWith("No resources") ? d.budgets : null;
  root.querySelector("#workload-pdb-box").hidden = budgets === null;
  if (budgets) {
    root.querySelector("#workload-pdb-command").textContent = `kubectl get pdb${args.includes("-n") ? ` -n ${args[args.length - 1]}` : ""}`;
    root.querySelector("#workload-pdb").textContent = budgets.output.replace(/\n$/, "");
  }
};

/** kubectl describe from the server, at the live edge. */
Inspector.prototype.loadWorkloadDescribe = async function loadWorkloadDescribe() {
  const key = this.workload;
  if (!key) return;
  let answer;
  try {
    const args = workloadArgs(key);
    const frame = await this.request("kubectl", { argv: ["describe", ...args] });
    // The namespace's budgets: nothing shown if that request fails.
    const budgets = await this.request("kubectl", { argv: ["get", "pdb", ...args.slice(2)] }).catch(() => null);
    answer = { key, now: frame.now, status: frame.status, output: frame.output,
      budgets: budgets && { status: budgets.status, output: budgets.output } };
  } catch (error) {
    answer = { key, now: this.liveNow, status: 1, output: `error: ${error.message}` };
  }
  if (this.workload !== key) return;
  this.workloadDescribe = answer;
  this.workloadShown = "";
  this.refresh();
};

function rank(type) {
  const i = CONDITION_ORDER.indexOf(type);
  return i < 0 ? CONDITION_ORDER.length : i;
}

function formatMap(map, sep) {
  const entries = Object.entries(map || {});
  if (!entries.length) return "<none>";
  return entries.map(([k, v]) => `${k}${sep}${v}`).join("\n                  ");
}

/** The reason Kubernetes gives a False condition (the records carry statuses only). */
function conditionReason(type, pod, containers, node) {
  // MarkPodsNotReady turns Ready False on a NotReady node and leaves its reason (none while True).
  if (type === "Ready" && node && node.ready === false && (pod.conditions || {}).ContainersReady === "True") return "";
  if ((type === "Ready" || type === "ContainersReady") && (pod.phase === "Succeeded" || pod.phase === "Failed")) return "PodCompleted";
  if (type === "Ready" || type === "ContainersReady") {
    const unready = containers.filter((c) => !c.entry.init || c.entry.sidecar).filter((c) => !c.record.ready).map((c) => c.entry.name);
    return `ContainersNotReady (containers with unready status: [${unready.join(" ")}])`;
  }
  if (type === "Initialized") {
    const pending = containers.filter((c) => c.entry.init && !c.entry.sidecar && !(c.record.state === "terminated" && c.record.exitCode === 0))
      .map((c) => c.entry.name);
    return `ContainersNotInitialized (containers with incomplete status: [${pending.join(" ")}])`;
  }
  if (type === "PodScheduled") return "Unschedulable";
  return "";
}

export { Inspector };
