/* Pod Playground tables: kubectl get pods -w, the containers of kubectl
 * describe, kubectl get events, the log pane, the notices and the nodes line,
 * each a fold of the store's records up to the view time.
 *
 * new PodTables({store, following, onSelectPod, schedule}): `following()` says
 * whether the page follows the live edge (changed rows flash only then),
 * `onSelectPod(key, container)` is called for a clicked row, `schedule()` asks
 * for a page frame. Frame protocol as VirtualList's: measure(), render(t),
 * settle().
 */

import { formatBytes, heldText, humanDuration } from "./format.js";
import { logNote } from "./netpol.js";
import {
  podName, describeAction, setText, setData, setTitle, setProp, cellsRow, reconcileChildren,
  WindowedList, VirtualList, tableSpacer, divSpacer,
} from "./pagekit.js";
import { at } from "./runstore.js";

const MAX_EVENT_ROWS = 5000; // aggregated rows kept; only those in view are in the DOM
const MAX_NOTICES = 200;
const MAX_FLASHING_ROWS = 10;


export function PodTables({ store, following, onSelectPod, schedule }) {
  const podsBody = document.querySelector("#pods tbody");
  const containersBody = document.querySelector("#containers tbody");
  const eventsBody = document.querySelector("#events tbody");
  const eventsWrap = eventsBody.closest(".scroll");
  const nodesLine = document.getElementById("nodes");
  const logs = document.getElementById("logs");
  const noticeList = document.getElementById("notices");
  const selectPod = onSelectPod;

  /* ---------- pods table ---------- */

  const podRows = new Map(); // pod key -> {row, statusText, badge, shown}
  let flashing = new Set();

  function podRow(key) {
    let entry = podRows.get(key);
    if (!entry) {
      const row = cellsRow(["name", "ready", "status", "restarts", "age", "ip", "node", "qos"]);
      setData(row, "pod", key);
      row.tabIndex = 0;
      row.setAttribute("aria-selected", "false");
      const statusText = document.createElement("span");
      statusText.className = "status-text";
      row.cells[2].append(statusText);
      const badge = document.createElement("span");
      badge.className = "deleted-badge";
      badge.textContent = "deleted";
      row.addEventListener("click", () => selectPod(key));
      row.addEventListener("keydown", (event) => {
        if (event.key === "Enter") selectPod(key);
      });
      entry = { row, statusText, badge, shown: null };
      podRows.set(key, entry);
    }
    return entry;
  }

  function renderPods(t) {
    const rows = [];
    for (const { entry, record, deleted } of store.podsAt(t)) {
      const view = podRow(entry.key);
      const row = view.row;
      const cells = row.cells;
      setText(cells[0], podName(entry.key));
      setTitle(cells[0], entry.key);
      setText(cells[1], record.ready ?? "");
      setText(view.statusText, record.status ?? record.phase ?? "");
      setData(cells[2], "status", record.status ?? "");
      setText(cells[3], String(record.restarts ?? 0));
      const end = deleted ? entry.deletedAt : t;
      setText(cells[4], humanDuration(end - entry.firstSeen));
      setText(cells[5], record.podIP || "<none>");
      setText(cells[6], record.node || "<none>");
      setText(cells[7], record.qosClass || "");
      setData(row, "status", record.status ?? "");
      setData(row, "phase", record.phase ?? "");
      if ((row.dataset.deleted === "true") !== deleted) {
        setData(row, "deleted", String(deleted));
        row.classList.toggle("deleted", deleted);
        row.title = deleted ? `${entry.key} was deleted at ${entry.deletedAt.toFixed(1)}s; ` +
          "this is the last status kubectl get pods -w printed for it" : "";
        if (deleted) cells[2].append(" ", view.badge);
        else view.badge.remove();
      }
      const shown = `${record.status}|${record.ready}|${record.restarts}|${deleted}`;
      if (following() && view.shown !== null && view.shown !== shown) flashing.add(row);
      view.shown = shown;
      rows.push(row);
    }
    reconcileChildren(podsBody, rows);
  }

  function flashChangedRows() {
    if (!flashing.size) return;
    // A highlight says "this one changed"; when many rows change at once it
    // says nothing and only costs paint, so busy frames skip it.
    if (flashing.size <= MAX_FLASHING_ROWS) {
      for (const row of flashing) {
        row.animate([{ backgroundColor: "#fff1c2" }, { backgroundColor: "rgba(255, 241, 194, 0)" }],
          { duration: 900, easing: "ease-out" });
      }
    }
    flashing = new Set();
  }

  /* ---------- containers table ---------- */

  const containerRows = new Map();

  function stateText(record) {
    switch (record.state) {
      case "running":
        return record.startedAt === null || record.startedAt === undefined
          ? "Running" : `Running since ${record.startedAt.toFixed(1)}s`;
      case "waiting":
        return record.reason ? `Waiting: ${record.reason}` : "Waiting";
      case "terminated":
        return `Terminated: ${record.reason || "?"}, exit code ${record.exitCode}`;
      default:
        return record.state || "";
    }
  }

  function lastStateText(last) {
    // The previous run; always a terminated one, as in kubectl describe.
    if (!last) return "";
    let text = `${last.reason || "Terminated"}, exit code ${last.exitCode}`;
    if (last.startedAt !== null && last.startedAt !== undefined && last.finishedAt !== null && last.finishedAt !== undefined) {
      text += ` (${last.startedAt.toFixed(1)}–${last.finishedAt.toFixed(1)}s)`;
    }
    return text;
  }

  /** "100Mi / 100Mi OOMKilled": a cgroup's usage never passes its limit; what
   * the program asked for past it is the OOM kill (the cell's title says how much). */
  function memoryText(resources, oom) {
    const limit = resources.memoryLimit;
    const killedHere = oom && oom.t >= resources.t;
    const used = limit ? Math.min(Number(resources.memory), Number(limit)) : resources.memory;
    return `${formatBytes(used)}${limit ? ` / ${formatBytes(limit)}` : ""}${killedHere ? " OOMKilled" : ""}`;
  }

  function containerRow(entry) {
    let view = containerRows.get(entry.key);
    if (!view) {
      const row = cellsRow(["pod", "container", "state", "ready", "restarts", "last-state", "memory", "cpu"]);
      setData(row, "pod", entry.pod);
      setData(row, "container", entry.name);
      row.cells[0].textContent = podName(entry.pod);
      row.cells[1].textContent = entry.name;
      row.addEventListener("click", () => selectPod(entry.pod, entry.name));
      view = { row, tagged: false };
      containerRows.set(entry.key, view);
    }
    return view;
  }

  function renderContainers(t) {
    const rows = [];
    for (const pod of store.podsAt(t)) {
      for (const { entry, record, resources } of store.containersOf(pod.entry.key, t)) {
        const view = containerRow(entry);
        const row = view.row;
        const cells = row.cells;
        const kind = entry.sidecar ? "sidecar" : entry.init ? "init" : "";
        setData(row, "kind", kind || "main");
        if (kind && !view.tagged) {
          const tag = document.createElement("span");
          tag.className = "kind-tag";
          tag.textContent = kind;
          cells[1].append(" ", tag);
          view.tagged = true;
        }
        setText(cells[2], stateText(record));
        setData(cells[2], "state", record.state || "");
        setData(cells[2], "reason", record.reason || "");
        setTitle(cells[2], record.message || "");
        setText(cells[3], record.ready ? "true" : "false");
        setText(cells[4], String(record.restartCount ?? 0));
        setText(cells[5], lastStateText(record.lastState));
        setData(cells[5], "reason", record.lastState ? record.lastState.reason || "" : "");
        const oom = at(entry.ooms, t);
        if (resources) {
          setText(cells[6], memoryText(resources, oom));
          setText(cells[7], `${resources.cpu}m${resources.cpuLimit ? ` / ${resources.cpuLimit}m` : ""}${resources.throttled ? " throttled" : ""}`);
          setData(cells[7], "throttled", resources.throttled ? "true" : "false");
        } else {
          setText(cells[6], "");
          setText(cells[7], "");
        }
        setTitle(cells[6], oom ? `OOM killed at ${oom.t.toFixed(1)}s: it asked for ${formatBytes(oom.memory)}, ` +
          `over its ${formatBytes(oom.limit)} limit; the kernel killed it instead` : "");
        const deleted = pod.deleted;
        if ((row.dataset.deleted === "true") !== deleted) {
          setData(row, "deleted", String(deleted));
          row.classList.toggle("deleted", deleted);
        }
        rows.push(row);
      }
    }
    reconcileChildren(containersBody, rows);
  }

  /* ---------- events table ---------- */

  const eventRows = new Map(); // aggregation key -> row

  function eventObject(object) {
    // "Pod/default/web" is shown the way kubectl shows it: "pod/web".
    const parts = String(object || "").split("/");
    if (parts.length >= 2) return `${parts[0].toLowerCase()}/${parts[parts.length - 1]}`;
    return object || "";
  }

  function eventRow(entry) {
    let row = eventRows.get(entry.key);
    if (!row) {
      const record = entry.record;
      row = cellsRow(["last-seen", "type", "reason", "object", "message"]);
      setData(row, "reason", record.reason);
      setData(row, "type", record.type);
      row.cells[1].textContent = record.type;
      row.cells[2].textContent = record.reason;
      row.cells[3].textContent = eventObject(record.object);
      setTitle(row.cells[3], record.object);
      row.cells[4].textContent = record.message;
      setTitle(row.cells[4], record.source ? `from ${record.source}` : "");
      eventRows.set(entry.key, row);
    }
    return row;
  }

  let eventTime = 0;
  let selectedEventKey = null; // the event a clicked timeline mark stands for
  const eventList = new VirtualList({
    onScroll: schedule,
    scroller: eventsWrap,
    body: eventsBody,
    spacer: tableSpacer(5),
    fallbackHeight: 21,
    make: (item) => {
      const row = eventRow(item.entry);
      let text = humanDuration(eventTime - item.last);
      if (item.count > 1) text += ` (x${item.count} over ${humanDuration(eventTime - item.first)})`;
      setText(row.cells[0], text);
      setData(row, "count", String(item.count));
      const chosen = item.entry.key === selectedEventKey;
      if (row.classList.contains("selected") !== chosen) {
        row.classList.toggle("selected", chosen);
        row.setAttribute("aria-selected", String(chosen));
      }
      return row;
    },
  });

  function renderEvents(t) {
    eventTime = t;
    const items = store.eventsAt(t, MAX_EVENT_ROWS);
    eventList.render(items, items.length);
  }

  /* ---------- logs, notices, nodes ---------- */

  const logLines = new WeakMap(); // record -> its line, while it stays in view
  const logList = new VirtualList({
    onScroll: schedule,
    scroller: logs,
    body: logs,
    spacer: divSpacer,
    fallbackHeight: 18,
    make: (record) => {
      let line = logLines.get(record);
      if (line) return line;
      line = document.createElement("div");
      line.className = "log-line";
      line.dataset.container = record.container;
      const stamp = document.createElement("span");
      stamp.className = "log-t";
      stamp.textContent = `${record.t.toFixed(1)}s`;
      const src = document.createElement("span");
      src.className = "log-src";
      src.textContent = `${podName(record.pod)}/${record.container}`;
      const text = record.kind === "log-held" ? heldText(record.lines) : record.line;
      if (record.kind === "log-held") line.classList.add("log-held");
      else if (record.partial) line.classList.add("log-partial"); // goes on in the next line
      line.append(stamp, src, document.createTextNode(text));
      const dropped = logNote(store, record.pod, record);
      if (dropped) line.classList.add("log-dropped"); // a NetworkPolicy dropped it (netpol.js)
      line.title = dropped ? `${text}\n${dropped}` : text;
      logLines.set(record, line);
      return line;
    },
  });

  const noticeItems = new WindowedList(noticeList, (record) => {
    const item = document.createElement("li");
    if (record.kind === "action") {
      const live = store.isLiveAction(record);
      item.className = live ? "action live-action" : "action";
      item.textContent = `[${record.t.toFixed(1)}s] ${live ? "Live" : "Scenario"} action: ${describeAction(record)}`;
    } else {
      item.textContent = `[${record.t.toFixed(1)}s] ${record.message}`;
    }
    return item;
  }, MAX_NOTICES);

  function formatCpu(value) {
    const text = String(value);
    const milli = /^(\d+)m$/.exec(text);
    return milli ? String(Number(milli[1]) / 1000) : text;
  }

  function formatMemory(value) {
    const text = String(value);
    if (!/^\d+$/.test(text)) return text;
    let amount = Number(text);
    for (const unit of ["", "Ki", "Mi", "Gi", "Ti"]) {
      if (amount < 1024 || unit === "Ti") return `${Number(amount.toFixed(1))}${unit}`;
      amount /= 1024;
    }
    return text;
  }

  function renderNodes(t) {
    const parts = store.nodesAt(t).map((n) => {
      const flags = [n.unschedulable ? "SchedulingDisabled" : "", n.ready === false ? "NotReady" : ""].filter(Boolean);
      return `${n.node} (${formatCpu(n.cpu)} CPU, ${formatMemory(n.memory)}, ${n.pods} pods${flags.length ? `, ${flags.join(", ")}` : ""})`;
    });
    setText(nodesLine, parts.length ? `Nodes: ${parts.join(", ")}` : "");
  }


  /* ---------- a clicked timeline mark: its event ---------- */

  const MARK_REASONS = {
    probe: ["Unhealthy"], restart: ["BackOff", "Started", "Killing"], oom: ["OOMKilled", "Killing", "BackOff"],
    sigterm: ["Killing"], sigkill: ["Killing"], killing: ["Killing"], prestop: ["Killing", "FailedPreStopHook"],
    owner: ["ScalingReplicaSet", "FailedCreate", "DeploymentRollback"],
  };
  let shownT = 0;

  /** Select the events-table row of the event nearest the mark's time. */
  function selectEventFor(mark, t) {
    const items = store.eventsAt(t, MAX_EVENT_ROWS);
    const reasons = MARK_REASONS[mark.kind] || [];
    let best = -1;
    let bestScore = Infinity;
    items.forEach((item, i) => {
      const record = item.entry.record;
      const rank = reasons.indexOf(record.reason);
      if (rank < 0 || (item.entry.podKey && item.entry.podKey !== mark.pod)) return;
      if (mark.kind === "owner" && (record.object !== mark.object || record.reason !== mark.reason)) return;
      if (mark.kind === "probe" && !String(record.message || "").toLowerCase().startsWith(mark.probe)) return;
      let near = Infinity;
      for (const time of item.entry.times) near = Math.min(near, Math.abs(time - mark.t));
      // The nearest event in time; the reason's rank only breaks ties (a
      // restart's Started at its own time, not a BackOff a minute later).
      const score = near + rank * 0.001;
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    });
    selectedEventKey = best < 0 ? null : items[best].entry.key;
    if (best >= 0) {
      const h = eventList.rowHeight || eventList.fallbackHeight;
      const offset = eventsBody.offsetTop;
      eventsWrap.scrollTop = Math.max(0, offset + best * h - eventsWrap.clientHeight / 2);
      window.requestAnimationFrame(() => window.requestAnimationFrame(() => {
        const row = eventsBody.querySelector("tr.selected");
        if (row) row.scrollIntoView({ block: "nearest" });
      }));
    }
    schedule();
  }


  // A rollout step clicked on an owner's lane (timelineowners.js): its event.
  document.addEventListener("workload-mark", (event) => selectEventFor({ kind: "owner", ...event.detail }, shownT));

  /* ---------- the selected Pod's row ---------- */

  let selected = null;

  function markSelected(key) {
    const old = selected ? podRows.get(selected) : null;
    if (old) old.row.setAttribute("aria-selected", "false");
    selected = key;
    const entry = key ? podRows.get(key) : null;
    if (entry) entry.row.setAttribute("aria-selected", "true");
  }

  function measure() {
    eventList.measure();
    logList.measure();
  }

  function render(t) {
    shownT = t;
    renderPods(t);
    renderContainers(t);
    renderEvents(t);
    logList.render(store.logs, store.logIndexAt(t));
    noticeItems.show(store.notices, store.noticeIndexAt(t));
    setProp(noticeList, "hidden", noticeItems.end === noticeItems.start);
    renderNodes(t);
  }

  function settle() {
    flashChangedRows();
    // Follow new lines only if the reader was at the bottom of the old ones.
    eventList.settle();
    logList.settle();
  }

  function reset() {
    podRows.clear();
    containerRows.clear();
    eventRows.clear();
    podsBody.replaceChildren();
    containersBody.replaceChildren();
    eventsBody.replaceChildren();
    logList.reset();
    noticeItems.reset();
    setProp(noticeList, "hidden", true);
    nodesLine.textContent = "";
    flashing = new Set();
    selected = null;
    selectedEventKey = null;
    eventList.reset();
  }

  /** Rows changed height (another layout): measure them again on the next frame. */
  function remeasure() {
    eventList.rowHeight = 0;
    logList.rowHeight = 0;
  }

  return { measure, render, settle, reset, selectEventFor, markSelected, remeasure };
}

/* ---------- kubectl get deployment / replicaset / replicationcontroller ---------- */

// kubectl's printers (pkg/printers/internalversion) for the three kinds of issue #11.
const WORKLOAD_COLUMNS = {
  Deployment: ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
  ReplicaSet: ["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
  ReplicationController: ["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
};

/** One row of kubectl get for a workload record at time t (`firstSeen`: its creation). */
function workloadRow(record, firstSeen, t) {
  const name = String(record.workload).split("/").slice(2).join("/");
  const age = humanDuration(t - firstSeen);
  if (record.kindOf === "Deployment") {
    return [name, `${record.ready}/${record.desired}`, String(record.updated ?? 0), String(record.available), age];
  }
  return [name, String(record.desired), String(record.current), String(record.ready), age];
}

/** kubectl get's text: columns padded as its tabwriter pads them (3 spaces). */
function kubectlTable(kindOf, rows) {
  const table = [WORKLOAD_COLUMNS[kindOf], ...rows];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join("")).join("\n");
}

export { workloadRow, kubectlTable };
