/* Pod Playground page: websocket client, playback, the page at any instant, live actions, sharing.
 *
 * Protocol (see playground/protocol.py): the page sends start/speed/pause/
 * resume/step/jump/stop and act/inspect/exec/share requests; the server
 * answers with started, specs, records, clock, acted, inspect, exec, shared,
 * error and end frames.
 *
 * Time. The server paces the simulation and streams every record up to the
 * live edge; the store (runstore.js) keeps them all. The page shows one
 * instant, the view time: the live edge while following it, or any earlier
 * instant once scrubbed back. Everything drawn (timeline, tables, events,
 * logs, inspector) is a fold of the records up to the view time, redrawn at
 * most once per animation frame. Scrubbing pauses the server; Play while
 * scrubbed back replays the recorded history at the chosen speed and, on
 * reaching the live edge, resumes the server.
 */
(function () {
  "use strict";

  const MAX_EVENT_ROWS = 5000; // aggregated rows kept; only those in view are in the DOM
  const VIRTUAL_OVERSCAN = 4; // rows drawn above and below the visible ones
  const MAX_NOTICES = 200;
  const MAX_FLASHING_ROWS = 10;
  const SCRUB_STEP = 1; // seconds per Shift+arrow (scrubber: arrow)
  const SCRUB_BIG_STEP = 10; // seconds per Shift+arrow on the scrubber
  const FEEDBACK_ITEMS = 6;
  const TEXT_FRAME_MS = 100; // text views of a live run: at most 10 updates a second

  const $ = (id) => document.getElementById(id);
  const root = $("playground");
  const form = $("run-form");
  const manifest = $("manifest");
  const exampleSelect = $("example");
  const exampleManifests = JSON.parse($("example-manifests").textContent);
  const sharedData = $("shared-run") ? JSON.parse($("shared-run").textContent) : null;
  const runButton = $("run");
  const stopButton = $("stop");
  const speedSelect = $("speed");
  const seedInput = $("seed");
  const statusLine = $("status");
  const runInfo = $("run-info");
  const errorList = $("errors");
  const noticeList = $("notices");
  const simNow = $("sim-now");
  const liveNow = $("live-now");
  const viewNote = $("view-note");
  const playButton = $("play");
  const stepButton = $("step");
  const backButton = $("step-back");
  const startButton = $("to-start");
  const liveButton = $("to-live");
  const jumpButton = $("jump");
  const scrubber = $("scrubber");
  const podsBody = document.querySelector("#pods tbody");
  const containersBody = document.querySelector("#containers tbody");
  const eventsBody = document.querySelector("#events tbody");
  const eventsWrap = eventsBody.closest(".scroll");
  const nodesLine = $("nodes");
  const logs = $("logs");
  const shareButton = $("share");
  const shareResult = $("share-result");
  const shareLink = $("share-link");
  const copyButton = $("share-copy");
  const exportRecordsButton = $("export-records");
  const exportSvgButton = $("export-svg");
  const sharedBanner = $("shared-banner");
  const forkButton = $("fork");

  const store = new window.RunStore();
  const timeline = new window.PodTimeline($("timeline"));
  const formatSeconds = window.PodTimeline.formatSeconds;
  const formatBytes = window.PodTimeline.formatBytes;
  const humanDuration = window.RunStore.humanDuration;

  /* ---------- state ---------- */

  let socket = null;
  let reconnectDelay = 500;
  let awaitingStart = false;
  let firstConnect = true;
  // The run on the server: null before the first start.
  // state: playing | paused | jumping | seeking | finished | stopped | error
  let run = null;
  let follow = true; // the view follows the live edge
  let viewT = 0; // the view time while not following
  let localPlay = null; // {wall, t}: replaying recorded history towards the live edge
  let requestSeq = 0;
  const requests = new Map(); // id -> {resolve, reject, kind}
  let actionNotices = null; // {t} while the records of a live action are expected
  let replayedActions = [];
  let forked = false;

  const viewTime = () => (follow ? store.now : Math.min(viewT, store.now));
  const liveState = () => run !== null && ["playing", "paused", "jumping", "seeking"].includes(run.state);
  const serverRunning = () => run !== null && ["playing", "jumping", "seeking"].includes(run.state);

  /* ---------- status and errors ---------- */

  function setStatus(state, text) {
    statusLine.dataset.state = state;
    statusLine.textContent = text;
  }

  function errorLocation(error) {
    if (error.line === null || error.line === undefined) return error.file || "";
    return `${error.file}:${error.line}:${error.column}`;
  }

  function showErrors(errors) {
    errorList.replaceChildren();
    for (const error of errors) {
      const item = document.createElement("li");
      item.className = "error";
      const where = errorLocation(error);
      if (where) {
        const loc = document.createElement(error.line ? "button" : "span");
        loc.className = "error-loc";
        loc.textContent = where;
        if (error.line) {
          loc.type = "button";
          loc.title = "Show in the editor";
          loc.addEventListener("click", () => selectLine(error.line, error.column));
        }
        item.append(loc, ": ");
      }
      item.append(error.message);
      errorList.append(item);
    }
    errorList.hidden = errors.length === 0;
  }

  function selectLine(line, column) {
    const lines = manifest.value.split("\n");
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i += 1) offset += lines[i].length + 1;
    const lineText = lines[line - 1] || "";
    const start = offset + Math.max(0, Math.min((column || 1) - 1, lineText.length));
    manifest.focus();
    manifest.setSelectionRange(start, offset + lineText.length);
    const lineHeight = parseFloat(getComputedStyle(manifest).lineHeight) || 18;
    manifest.scrollTop = Math.max(0, (line - 4) * lineHeight);
  }

  function podName(pod) {
    return pod.startsWith("default/") ? pod.slice("default/".length) : pod;
  }

  function describeAction(record) {
    const args = record.args || {};
    switch (record.action) {
      case "delete": {
        const grace = args.gracePeriodSeconds === undefined ? "" : ` --grace-period=${args.gracePeriodSeconds}`;
        return `kubectl delete pod ${args.pod}${grace}`;
      }
      case "kill":
        return `kill container ${args.container} of pod ${args.pod}` +
          (args.exitCode === undefined ? "" : ` (exit code ${args.exitCode})`);
      case "unhealthy":
      case "healthy":
        return `make ${args.container ? `container ${args.container} of ` : ""}pod ${args.pod} ${record.action}`;
      case "fillMemory":
        return `fill ${args.mib ?? 100} MiB of memory in container ${args.container} of pod ${args.pod}`;
      case "cordon":
      case "uncordon":
      case "drain":
        return `kubectl ${record.action} ${args.node}`;
      case "failNode":
        return `node ${args.node} fails`;
      case "apply":
        return "kubectl apply -f -";
      default:
        return `${record.action} ${JSON.stringify(args)}`;
    }
  }

  /* ---------- DOM helpers ---------- */

  // Writes only what changed: an attribute set to its own value still makes
  // the browser recompute styles, and these run for every row on every frame.
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function setData(node, key, value) {
    if (node.dataset[key] !== value) node.dataset[key] = value;
  }

  function setTitle(node, text) {
    if (node.title !== text) node.title = text;
  }

  function setProp(node, name, value) {
    if (node[name] !== value) node[name] = value;
  }

  function setAria(node, name, value) {
    if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  }

  function cellsRow(cols) {
    const row = document.createElement("tr");
    for (const col of cols) {
      const cell = document.createElement("td");
      cell.className = `col-${col}`;
      row.append(cell);
    }
    return row;
  }

  /** Make parent's children exactly `nodes`, in order, moving as few as possible. */
  function reconcileChildren(parent, nodes) {
    const current = parent.children;
    if (current.length === nodes.length) {
      let same = true;
      for (let i = 0; i < nodes.length; i += 1) {
        if (current[i] !== nodes[i]) {
          same = false;
          break;
        }
      }
      if (same) return;
    }
    const wanted = new Map(nodes.map((node, i) => [node, i]));
    for (const child of [...current]) if (!wanted.has(child)) child.remove();
    // Keep the longest run of children already in the wanted order; move the rest.
    const present = [...parent.children];
    const positions = present.map((node) => wanted.get(node));
    const keep = new Set(longestIncreasing(positions).map((i) => present[i]));
    let next = null;
    for (let i = nodes.length - 1; i >= 0; i -= 1) {
      const node = nodes[i];
      if (!keep.has(node)) parent.insertBefore(node, next);
      next = node;
    }
  }

  /** Indexes of a longest strictly increasing subsequence of values. */
  function longestIncreasing(values) {
    const tails = [];
    const tailIndex = [];
    const previous = new Array(values.length);
    values.forEach((value, i) => {
      let lo = 0;
      let hi = tails.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (tails[mid] < value) lo = mid + 1;
        else hi = mid;
      }
      tails[lo] = value;
      tailIndex[lo] = i;
      previous[i] = lo > 0 ? tailIndex[lo - 1] : -1;
    });
    const out = [];
    for (let i = tailIndex[tails.length - 1] ?? -1; i >= 0; i = previous[i]) out.push(i);
    return out.reverse();
  }

  /** Children of `parent` made from items[start..end), updated at either end. */
  class WindowedList {
    constructor(parent, make, max) {
      this.parent = parent;
      this.make = make;
      this.max = max;
      this.start = 0;
      this.end = 0;
    }

    reset() {
      this.parent.replaceChildren();
      this.start = 0;
      this.end = 0;
    }

    show(items, end) {
      const start = Math.max(0, end - this.max);
      if (start === this.start && end === this.end) return false;
      if (start >= this.end || end <= this.start) {
        const fragment = document.createDocumentFragment();
        for (let i = start; i < end; i += 1) fragment.append(this.make(items[i]));
        this.parent.replaceChildren(fragment);
      } else {
        for (let i = this.start; i < start; i += 1) this.parent.firstElementChild.remove();
        for (let i = end; i < this.end; i += 1) this.parent.lastElementChild.remove();
        if (start < this.start) {
          const fragment = document.createDocumentFragment();
          for (let i = start; i < this.start; i += 1) fragment.append(this.make(items[i]));
          this.parent.prepend(fragment);
        }
        if (end > this.end) {
          const fragment = document.createDocumentFragment();
          for (let i = this.end; i < end; i += 1) fragment.append(this.make(items[i]));
          this.parent.append(fragment);
        }
      }
      this.start = start;
      this.end = end;
      return true;
    }
  }

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
      if (follow && view.shown !== null && view.shown !== shown) flashing.add(row);
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
        if (resources) {
          setText(cells[6], `${formatBytes(resources.memory)}${resources.memoryLimit ? ` / ${formatBytes(resources.memoryLimit)}` : ""}`);
          setText(cells[7], `${resources.cpu}m${resources.cpuLimit ? ` / ${resources.cpuLimit}m` : ""}${resources.throttled ? " throttled" : ""}`);
          setData(cells[7], "throttled", resources.throttled ? "true" : "false");
        } else {
          setText(cells[6], "");
          setText(cells[7], "");
        }
        const oom = window.RunStore.at(entry.ooms, t);
        setTitle(cells[6], oom ? `OOM killed at ${oom.t.toFixed(1)}s: ${formatBytes(oom.memory)} in use, limit ${formatBytes(oom.limit)}` : "");
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

  /**
   * A list whose rows all have the same height, with only the rows in view
   * (and a few more) in the DOM, between two spacers. Busy runs have thousands
   * of aggregated events and log lines; laying them all out on every frame, or
   * rebuilding them on every scrub, would cost more than the rest of the page.
   * Frame protocol: measure() reads (before any write), render() writes,
   * settle() scrolls. A list scrolled to its bottom follows new rows.
   */
  class VirtualList {
    constructor({ scroller, body, spacer, make, fallbackHeight }) {
      this.scroller = scroller;
      this.body = body;
      this.make = make;
      this.rowHeight = 0;
      this.fallbackHeight = fallbackHeight;
      this.top = spacer();
      this.bottom = spacer();
      this.total = 0;
      this.atBottom = true;
      this.follow = false;
      scroller.addEventListener("scroll", () => schedulePageFrame(), { passive: true });
    }

    measure() {
      this.scrollTop = this.scroller.scrollTop;
      this.clientHeight = this.scroller.clientHeight;
      if (this.body === this.scroller) {
        if (this.padding === undefined) this.padding = parseFloat(getComputedStyle(this.scroller).paddingTop) || 0;
        this.offset = this.padding;
      } else {
        this.offset = this.body.offsetTop; // below the table's header
      }
      const full = this.offset + this.total * (this.rowHeight || this.fallbackHeight);
      this.atBottom = this.scrollTop + this.clientHeight >= full - 4;
    }

    render(items, count) {
      const h = this.rowHeight || this.fallbackHeight;
      this.total = count;
      const visible = Math.max(1, Math.ceil(this.clientHeight / h));
      const scrollTop = this.atBottom ? Math.max(0, this.offset + count * h - this.clientHeight) : this.scrollTop;
      const first = Math.min(count, Math.max(0, Math.floor((scrollTop - this.offset) / h) - VIRTUAL_OVERSCAN));
      const last = Math.min(count, first + visible + 2 * VIRTUAL_OVERSCAN);
      const nodes = [this.top];
      for (let i = first; i < last; i += 1) nodes.push(this.make(items[i], i));
      nodes.push(this.bottom);
      setProp(this.top, "hidden", first === 0);
      setProp(this.bottom, "hidden", last === count);
      spacerHeight(this.top, first * h);
      spacerHeight(this.bottom, (count - last) * h);
      reconcileChildren(this.body, nodes);
      this.follow = this.atBottom;
      this.first = first;
      this.last = last;
    }

    settle() {
      if (!this.rowHeight && this.last > this.first) {
        this.rowHeight = this.body.children[1].getBoundingClientRect().height || this.fallbackHeight;
        if (this.rowHeight !== this.fallbackHeight) schedulePageFrame(); // redo with the real height
      }
      if (this.follow) this.scroller.scrollTop = this.scroller.scrollHeight;
    }

    reset() {
      this.total = 0;
      this.atBottom = true;
      this.body.replaceChildren();
      this.scroller.scrollTop = 0;
    }
  }

  function spacerHeight(spacer, px) {
    const target = spacer.firstElementChild || spacer;
    const value = `${px}px`;
    if (target.style.height !== value) target.style.height = value;
  }

  function tableSpacer(columns) {
    return () => {
      const row = document.createElement("tr");
      row.className = "spacer";
      row.setAttribute("aria-hidden", "true");
      const cell = document.createElement("td");
      cell.colSpan = columns;
      row.append(cell);
      return row;
    };
  }

  function divSpacer() {
    const div = document.createElement("div");
    div.className = "spacer";
    div.setAttribute("aria-hidden", "true");
    return div;
  }

  let eventTime = 0;
  let selectedEventKey = null; // the event a clicked timeline mark stands for
  const eventList = new VirtualList({
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

  const heldText = window.RunStore.heldText;

  const logLines = new WeakMap(); // record -> its line, while it stays in view
  const logList = new VirtualList({
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
      line.title = text;
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

  /* ---------- the page at the view time, once per animation frame ---------- */

  // A frame from the server only changes the store; everything else happens
  // once per animation frame: the DOM writes, then the reads (one layout),
  // then scrolling the followed lists.
  let pageFrameRequested = false;
  let lastTextFrame = -Infinity;
  let textPending = false;
  const perf = { frames: 0, renderMs: [], maxRenderMs: 0 };

  function schedulePageFrame() {
    if (pageFrameRequested) return;
    pageFrameRequested = true;
    window.requestAnimationFrame(pageFrame);
  }

  function pageFrame(time) {
    pageFrameRequested = false;
    const began = performance.now();
    if (localPlay) advanceLocalPlay(time);
    const t = viewTime();
    // The timeline and the clock follow a live run on every frame; the text
    // views (tables, events, logs, inspector) at most TEXT_FRAME_MS apart, which
    // reads the same and leaves the frame budget to the timeline. A scrub, a
    // pause or a step shows everything at once.
    const textDue = !follow || !serverRunning() || time - lastTextFrame >= TEXT_FRAME_MS;
    if (textDue) {
      lastTextFrame = time;
      textPending = false;
      eventList.measure();
      logList.measure();
      renderPods(t);
      renderContainers(t);
      renderEvents(t);
      logList.render(store.logs, store.logIndexAt(t));
      noticeItems.show(store.notices, store.noticeIndexAt(t));
      setProp(noticeList, "hidden", noticeItems.end === noticeItems.start);
      renderNodes(t);
      inspector.render(t, { live: follow, liveNow: store.now });
    } else {
      textPending = true;
    }
    timeline.setNow(store.now);
    timeline.setView(follow ? null : t);
    timeline.flush(); // in this frame, not the next
    renderClock(t);
    renderControls();
    if (textDue) {
      flashChangedRows();
      // Follow new lines only if the reader was at the bottom of the old ones.
      eventList.settle();
      logList.settle();
    }
    const spent = performance.now() - began;
    perf.frames += 1;
    perf.renderMs.push(spent);
    if (perf.renderMs.length > 600) perf.renderMs.shift();
    perf.maxRenderMs = Math.max(perf.maxRenderMs, spent);
    if (localPlay || textPending) schedulePageFrame();
  }

  function renderClock(t) {
    setText(simNow, t.toFixed(1));
    setText(liveNow, store.now.toFixed(1));
    setData(simNow, "live", String(follow));
    const max = Math.max(store.now, 0.001);
    if (scrubber.max !== String(max)) scrubber.max = String(max);
    if (Number(scrubber.value) !== t) scrubber.value = String(t);
    setAria(scrubber, "aria-valuetext", follow
      ? `${t.toFixed(1)} seconds, the live edge`
      : `${t.toFixed(1)} seconds of ${store.now.toFixed(1)}`);
    if (follow) {
      setProp(viewNote, "hidden", true);
    } else {
      setProp(viewNote, "hidden", false);
      setText(viewNote, `Viewing t = ${t.toFixed(1)} s, scrubbed back from the live edge at ${store.now.toFixed(1)} s. ` +
        "Live actions wait for the live edge: press End (or Live) to return.");
    }
  }

  /* ---------- playback controls ---------- */

  function playing() {
    return localPlay !== null || (follow && serverRunning());
  }

  function renderControls() {
    const isPlaying = playing();
    const label = isPlaying ? "Pause" : "Play";
    setText(playButton.querySelector(".label"), label);
    setAria(playButton, "aria-label", `${label} (Space)`);
    setData(playButton, "state", isPlaying ? "playing" : "paused");
    setAria(playButton, "aria-pressed", String(isPlaying));
    const haveRecords = store.records.length > 0;
    const canRunOn = liveState() && !(run.state === "paused" && run.next === null);
    // Play: replay history when scrubbed back, run the server at the live edge,
    // or (before any run) start one.
    setProp(playButton, "disabled", follow ? !(liveState() || (run === null && socketOpen())) : false);
    setProp(stepButton, "disabled", follow ? !canRunOn : !haveRecords);
    setProp(backButton, "disabled", !haveRecords || viewTime() <= 0);
    setProp(startButton, "disabled", !haveRecords || viewTime() <= 0);
    setProp(liveButton, "disabled", follow);
    setProp(liveButton, "hidden", follow);
    setProp(jumpButton, "disabled", !canRunOn || (run && run.state === "jumping"));
    setProp(scrubber, "disabled", !haveRecords);
    setProp(shareButton, "disabled", run === null || !haveRecords || awaitingStart);
    setProp(exportRecordsButton, "disabled", !haveRecords);
    setProp(exportSvgButton, "disabled", !haveRecords);
    actions.render();
  }

  function socketOpen() {
    return socket !== null && socket.readyState === WebSocket.OPEN;
  }

  function leaveLive(t) {
    localPlay = null;
    if (serverRunning()) send({ action: "pause" }); // scrubbing pauses the run
    follow = false;
    viewT = Math.max(0, Math.min(t, store.now));
    if (viewT >= store.now) follow = true;
    schedulePageFrame();
  }

  function scrubTo(t) {
    leaveLive(t);
  }

  function goLive() {
    localPlay = null;
    follow = true;
    schedulePageFrame();
  }

  function togglePlay() {
    if (playing()) {
      pause();
      return;
    }
    if (run === null && !store.records.length) {
      start();
      return;
    }
    if (!follow) {
      localPlay = { wall: performance.now(), t: viewTime() };
      schedulePageFrame();
      return;
    }
    if (liveState()) send({ action: "resume" });
  }

  function pause() {
    if (localPlay) {
      viewT = viewTime();
      localPlay = null;
    }
    if (serverRunning()) send({ action: "pause" });
    schedulePageFrame();
  }

  function advanceLocalPlay(time) {
    const t = localPlay.t + ((time - localPlay.wall) / 1000) * Number(speedSelect.value);
    if (t >= store.now) {
      localPlay = null;
      follow = true;
      if (liveState() && run.state === "paused") send({ action: "resume" });
    } else {
      viewT = Math.max(localPlay.t, t);
    }
  }

  function stepForward() {
    if (follow) {
      if (liveState()) send({ action: "step" });
      return;
    }
    localPlay = null;
    const next = store.nextTimeAfter(viewTime());
    if (next === null || next >= store.now) goLive();
    else scrubTo(next);
  }

  function stepBack() {
    const previous = store.previousTimeBefore(viewTime());
    scrubTo(previous === null ? 0 : previous);
  }

  function scrubBy(seconds) {
    scrubTo(viewTime() + seconds);
  }

  function jumpToEnd() {
    localPlay = null;
    follow = true;
    send({ action: "jump" });
    schedulePageFrame();
  }

  playButton.addEventListener("click", togglePlay);
  stepButton.addEventListener("click", stepForward);
  backButton.addEventListener("click", stepBack);
  startButton.addEventListener("click", () => scrubTo(0));
  liveButton.addEventListener("click", goLive);
  jumpButton.addEventListener("click", jumpToEnd);
  scrubber.addEventListener("input", () => scrubTo(Number(scrubber.value)));
  scrubber.addEventListener("keydown", (event) => {
    const big = event.shiftKey ? SCRUB_BIG_STEP : SCRUB_STEP;
    let handled = true;
    switch (event.key) {
      case "ArrowLeft": case "ArrowDown": scrubBy(-big); break;
      case "ArrowRight": case "ArrowUp": scrubBy(big); break;
      case "PageDown": scrubBy(-store.now / 10); break;
      case "PageUp": scrubBy(store.now / 10); break;
      case "Home": scrubTo(0); break;
      case "End": goLive(); break;
      case " ": togglePlay(); break;
      default: handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  });
  timeline.onSeek = (t) => scrubTo(t);
  timeline.onSelectPod = (key) => selectPod(key);
  timeline.onSelectMark = (mark) => selectMark(mark);
  $("zoom-in").addEventListener("click", () => timeline.zoomBy(0.5));
  $("zoom-out").addEventListener("click", () => timeline.zoomBy(2));
  $("zoom-fit").addEventListener("click", () => timeline.fit());

  /* ---------- a clicked timeline mark: its event and its manifest line ---------- */

  const MARK_REASONS = {
    probe: ["Unhealthy"], restart: ["BackOff", "Started", "Killing"], oom: ["OOMKilled", "Killing", "BackOff"],
    sigterm: ["Killing"], sigkill: ["Killing"], killing: ["Killing"], prestop: ["Killing", "FailedPreStopHook"],
  };

  /** Select the events-table row of the event nearest the mark's time. */
  function selectEventFor(mark) {
    const items = store.eventsAt(viewTime(), MAX_EVENT_ROWS);
    const reasons = MARK_REASONS[mark.kind] || [];
    let best = -1;
    let bestScore = Infinity;
    items.forEach((item, i) => {
      const record = item.entry.record;
      const rank = reasons.indexOf(record.reason);
      if (rank < 0 || (item.entry.podKey && item.entry.podKey !== mark.pod)) return;
      if (mark.kind === "probe" && !String(record.message || "").toLowerCase().startsWith(mark.probe)) return;
      let near = Infinity;
      for (const time of item.entry.times) near = Math.min(near, Math.abs(time - mark.t));
      const score = rank * 1000 + near;
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
    schedulePageFrame();
  }

  /** Lines of the container's block in the manifest: {name, probes, limits, memory, preStop, ...}. */
  function manifestLines(text, container) {
    const lines = text.split("\n");
    const found = {};
    const indentOf = (line) => line.length - line.replace(/^[\s-]*/, "").length;
    let podLevel = null;
    for (let i = 0; i < lines.length; i += 1) {
      const line = lines[i];
      if (/^\s*(terminationGracePeriodSeconds|restartPolicy):/.test(line) && found.block === undefined) {
        const key = line.trim().split(":")[0];
        if (found[key] === undefined) found[key] = i;
      }
      if (/^\s*(containers|initContainers):/.test(line)) podLevel = true;
      const nameMatch = /^(\s*)-\s*name:\s*["']?([^"'#\s]+)/.exec(line);
      if (podLevel && nameMatch && nameMatch[2] === container && found.name === undefined) {
        found.name = i;
        const base = nameMatch[1].length;
        for (let j = i + 1; j < lines.length; j += 1) {
          const next = lines[j];
          if (!next.trim() || next.trim().startsWith("#")) continue;
          const ind = indentOf(next);
          if (ind <= base + 1 && /^\s*-/.test(next) && next.search(/-/) <= base) break;
          if (next.search(/\S/) <= base && !/^\s*-/.test(next)) break;
          const key = next.trim().replace(/^-\s*/, "").split(":")[0];
          if (["livenessProbe", "readinessProbe", "startupProbe", "limits", "memory", "preStop"].includes(key) &&
              found[key] === undefined) {
            if (key === "memory" && found.limits === undefined) continue;
            found[key] = j;
            if (key.endsWith("Probe")) {
              for (let k = j + 1; k < lines.length && indentOf(lines[k]) > indentOf(next); k += 1) {
                const m = /failureThreshold:\s*(\d+)/.exec(lines[k]);
                if (m) found[`${key}.failureThreshold`] = { line: k, value: Number(m[1]) };
              }
            }
          }
        }
      }
    }
    return found;
  }

  let markedLine = null;

  function explainMark(mark) {
    const cm = window.podEditor;
    const text = cm ? cm.getValue() : $("manifest").value;
    const f = manifestLines(text, mark.container);
    const n = (line) => line + 1;
    let line = null;
    let note = "";
    if (mark.kind === "probe") {
      const key = `${mark.probe}Probe`;
      const probe = mark.probe.charAt(0).toUpperCase() + mark.probe.slice(1);
      line = f[key] === undefined ? null : f[key];
      const ft = f[`${key}.failureThreshold`];
      const threshold = ft ? `failureThreshold: ${ft.value} at line ${n(ft.line)}`
        : "failureThreshold defaults to 3";
      const then = mark.probe === "liveness" ? " → Killing" : mark.probe === "readiness" ? " → not Ready" : " → Killing";
      note = `${probe} probe failed ${ft ? ft.value : 3} times (${threshold})${then}` +
        (line === null ? "" : `; ${key}: at line ${n(line)}`);
    } else if (mark.kind === "oom") {
      line = f.memory !== undefined ? f.memory : f.limits !== undefined ? f.limits : null;
      note = line === null ? "OOMKilled: no memory limit found in the manifest for this container"
        : `OOMKilled: memory use reached the limit (resources.limits.memory at line ${n(line)})`;
    } else if (mark.kind === "restart") {
      if (f.restartPolicy !== undefined) {
        line = f.restartPolicy;
        note = `Restarted with back-off because of restartPolicy at line ${n(line)}`;
      } else {
        line = f.name === undefined ? null : f.name;
        note = "Restarted with back-off: restartPolicy defaults to Always";
      }
    } else if (mark.kind === "prestop") {
      line = f.preStop === undefined ? null : f.preStop;
      note = `preStop hook runs before SIGTERM${line === null ? "" : ` (line ${n(line)})`}`;
    } else {
      if (f.terminationGracePeriodSeconds !== undefined) {
        line = f.terminationGracePeriodSeconds;
        note = `${mark.kind === "sigkill" ? "SIGKILL after" : "SIGTERM, then"} the grace period (terminationGracePeriodSeconds at line ${n(line)})`;
      } else {
        line = f.name === undefined ? null : f.name;
        note = `${mark.kind === "sigkill" ? "SIGKILL after" : "SIGTERM, then"} the grace period: terminationGracePeriodSeconds defaults to 30 s`;
      }
    }
    if (cm) {
      if (markedLine !== null) cm.removeLineClass(markedLine, "wrap", "cm-mark-source");
      markedLine = null;
      if (line !== null) {
        markedLine = cm.addLineClass(line, "wrap", "cm-mark-source");
        cm.scrollIntoView(window.CodeMirror.Pos(line, 0), 60);
      }
    }
    const box = $("mark-explain");
    box.textContent = `${mark.container} at ${mark.t.toFixed(1)} s: ${note}`;
    box.hidden = false;
  }

  function selectMark(mark) {
    selectEventFor(mark);
    explainMark(mark);
  }

  function typingIn(target) {
    return Boolean(target && target.closest &&
      target.closest("input:not([type=range]), textarea, select, [contenteditable=''], [contenteditable=true], .CodeMirror"));
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (typingIn(event.target)) return;
    const onControl = event.target.closest && event.target.closest("button, a, summary, [role=tab]");
    switch (event.key) {
      case " ":
      case "Spacebar":
        if (onControl) return; // Space presses the focused button
        event.preventDefault();
        togglePlay();
        break;
      case "ArrowRight":
        event.preventDefault();
        if (event.shiftKey) scrubBy(SCRUB_STEP);
        else stepForward();
        break;
      case "ArrowLeft":
        event.preventDefault();
        if (event.shiftKey) scrubBy(-SCRUB_STEP);
        else stepBack();
        break;
      case "Home":
        event.preventDefault();
        scrubTo(0);
        break;
      case "End":
        event.preventDefault();
        if (event.shiftKey) jumpToEnd();
        else goLive();
        break;
      default:
        break;
    }
  });

  /* ---------- selection and the inspector ---------- */

  let selected = null;

  function selectPod(key, container) {
    inspector.select(key, container);
  }

  function onSelected(key) {
    if (selected === key) return;
    const old = selected ? podRows.get(selected) : null;
    if (old) old.row.setAttribute("aria-selected", "false");
    selected = key;
    const entry = key ? podRows.get(key) : null;
    if (entry) entry.row.setAttribute("aria-selected", "true");
    timeline.select(key);
    actions.selectPod(key);
    schedulePageFrame();
  }

  /* ---------- requests (answers matched by id) ---------- */

  function request(kind, fields) {
    return new Promise((resolve, reject) => {
      requestSeq += 1;
      const id = requestSeq;
      if (!send({ action: kind, id, ...fields })) {
        reject(new Error("Not connected to the server."));
        return;
      }
      requests.set(id, { resolve, reject, kind });
    });
  }

  function answer(frame) {
    const pending = requests.get(frame.id);
    if (!pending) return false;
    requests.delete(frame.id);
    if (frame.type === "error") pending.reject(new Error(frame.errors.map((e) => e.message).join("; ")));
    else pending.resolve(frame);
    return true;
  }

  function failRequests(message) {
    for (const pending of requests.values()) pending.reject(new Error(message));
    requests.clear();
  }

  const inspector = new window.PodInspector({
    root: $("inspector"), store, request, onSelect: (key) => onSelected(key),
  });

  /* ---------- live actions ---------- */

  const actions = (function liveActions() {
    const panel = $("actions-panel");
    const hint = $("actions-hint");
    const podSelect = $("act-pod");
    const containerSelect = $("act-container");
    const nodeSelect = $("act-node");
    const cmSelect = $("act-configmap");
    const cmEditor = $("cm-editor");
    const cmRows = $("cm-rows");
    const feedback = $("action-feedback");
    const buttons = [...panel.querySelectorAll("button[data-act], #act-edit-cm, #cm-apply")];
    let chosenPod = null;

    function enabled() {
      // A run that went quiet (finished before its horizon) still takes actions.
      return follow && run !== null && (liveState() || run.state === "finished") &&
        run.state !== "seeking" && store.now < run.horizon;
    }

    function syncSelect(select, values, labels, keep) {
      const wanted = values.join("\n");
      if (select.dataset.values !== wanted) {
        const previous = keep ?? select.value;
        select.replaceChildren(...values.map((v, i) => {
          const option = document.createElement("option");
          option.value = v;
          option.textContent = labels ? labels[i] : v;
          return option;
        }));
        setData(select, "values", wanted);
        if (values.includes(previous)) select.value = previous;
      }
    }

    function render() {
      const t = store.now;
      const pods = store.podsAt(t).filter((p) => !p.deleted).map((p) => p.entry.key);
      syncSelect(podSelect, pods, pods.map(podName), chosenPod);
      if (chosenPod && pods.includes(chosenPod) && podSelect.value !== chosenPod) podSelect.value = chosenPod;
      const containers = podSelect.value ? store.containersOf(podSelect.value, t).map((c) => c.entry.name) : [];
      syncSelect(containerSelect, containers);
      const nodes = store.nodesAt(t).map((n) => n.node);
      syncSelect(nodeSelect, nodes);
      const maps = store.configMapsAt(t).map((cm) => `${cm.namespace}/${cm.name}`);
      syncSelect(cmSelect, maps, maps.map(podName));
      const on = enabled();
      for (const button of buttons) {
        const needs = button.dataset.needs || "";
        let ok = on;
        if (needs.includes("pod")) ok = ok && Boolean(podSelect.value);
        if (needs.includes("container")) ok = ok && Boolean(containerSelect.value);
        if (needs.includes("node")) ok = ok && Boolean(nodeSelect.value);
        if (needs.includes("configmap")) ok = ok && Boolean(cmSelect.value);
        setProp(button, "disabled", !ok);
      }
      setData(panel, "enabled", String(on));
      let text;
      if (!follow) text = "Scrubbed back: actions happen at the live edge only. Press End (or Live) to return to it.";
      else if (run !== null && run.state === "finished" && store.now >= run.horizon) text = "The run has reached its horizon.";
      else if (!enabled() && run === null) text = "Run a manifest to act on it.";
      else if (!enabled() && run.state !== "seeking") text = "The run has ended; press Run to start a new one.";
      else if (run.state === "seeking") text = "Replaying the shared run…";
      else text = `Actions happen at the live edge, now t = ${store.now.toFixed(1)} s, and join the run's action log.`;
      setText(hint, text);
      setData(hint, "scrubbed", String(!follow));
    }

    function selectPod(key) {
      chosenPod = key;
      if (key && [...podSelect.options].some((o) => o.value === key)) podSelect.value = key;
    }

    function say(text, kind) {
      const item = document.createElement("li");
      item.className = kind;
      item.textContent = text;
      if (kind === "error") item.setAttribute("role", "alert");
      feedback.prepend(item);
      while (feedback.childElementCount > FEEDBACK_ITEMS) feedback.lastElementChild.remove();
    }

    async function act(kind, args) {
      if (!enabled()) return;
      try {
        const frame = await request("act", { kind, args });
        say(`t = ${frame.action.t.toFixed(1)} s: ${describeAction(frame.action)}`, "ok");
      } catch (error) {
        say(`${kind}: ${error.message}`, "error");
      }
    }

    function intOrUndefined(input) {
      const text = input.value.trim();
      return text === "" ? undefined : Math.max(0, Math.trunc(Number(text)));
    }

    const handlers = {
      delete: () => {
        const args = { pod: podSelect.value };
        const grace = intOrUndefined($("act-grace"));
        if (grace !== undefined) args.gracePeriodSeconds = grace;
        return ["delete", args];
      },
      kill: () => ["kill", { pod: podSelect.value, container: containerSelect.value, exitCode: intOrUndefined($("act-exit")) ?? 137 }],
      unhealthy: () => ["unhealthy", { pod: podSelect.value, container: containerSelect.value }],
      healthy: () => ["healthy", { pod: podSelect.value, container: containerSelect.value }],
      fillMemory: () => ["fillMemory", { pod: podSelect.value, container: containerSelect.value, mib: Math.max(1, Number($("act-mib").value) || 100) }],
      cordon: () => ["cordon", { node: nodeSelect.value }],
      uncordon: () => ["uncordon", { node: nodeSelect.value }],
      drain: () => ["drain", { node: nodeSelect.value }],
      failNode: () => ["failNode", { node: nodeSelect.value }],
      apply: () => ["apply", { manifest: manifest.value }],
    };
    panel.querySelectorAll("button[data-act]").forEach((button) => {
      button.addEventListener("click", () => {
        const [kind, args] = handlers[button.dataset.act]();
        act(kind, args);
      });
    });
    podSelect.addEventListener("change", () => {
      selectPod(podSelect.value);
      inspector.select(podSelect.value);
    });

    /* ConfigMap: edit its data, apply it as a manifest (JSON is YAML). */
    function cmRow(key, value) {
      const row = document.createElement("div");
      row.className = "cm-row";
      const keyInput = document.createElement("input");
      keyInput.className = "cm-key";
      keyInput.value = key;
      keyInput.setAttribute("aria-label", "key");
      const valueInput = document.createElement("textarea");
      valueInput.className = "cm-value";
      valueInput.rows = 1;
      valueInput.value = value;
      valueInput.setAttribute("aria-label", `value of ${key || "the new key"}`);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-small";
      remove.textContent = "×";
      remove.setAttribute("aria-label", `remove ${key || "this key"}`);
      remove.addEventListener("click", () => row.remove());
      row.append(keyInput, valueInput, remove);
      return row;
    }

    $("act-edit-cm").addEventListener("click", () => {
      const cm = store.configMapsAt(store.now).find((c) => `${c.namespace}/${c.name}` === cmSelect.value);
      if (!cm) return;
      cmEditor.dataset.configmap = cmSelect.value;
      $("cm-title").textContent = `ConfigMap ${cm.name}`;
      cmRows.replaceChildren(...Object.entries(cm.data).map(([k, v]) => cmRow(k, v)));
      cmEditor.hidden = false;
      const first = cmRows.querySelector("textarea");
      if (first) first.focus();
    });
    $("cm-add").addEventListener("click", () => cmRows.append(cmRow("", "")));
    $("cm-cancel").addEventListener("click", () => {
      cmEditor.hidden = true;
    });
    $("cm-apply").addEventListener("click", () => {
      const [namespace, name] = String(cmEditor.dataset.configmap).split("/");
      const data = {};
      for (const row of cmRows.querySelectorAll(".cm-row")) {
        const key = row.querySelector(".cm-key").value.trim();
        if (key) data[key] = row.querySelector(".cm-value").value;
      }
      const text = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data }, null, 2);
      cmEditor.hidden = true;
      act("apply", { manifest: `${text}\n` });
    });

    return { render, selectPod, say };
  }());

  /* ---------- frames ---------- */

  function resetViews() {
    store.reset();
    for (const entry of replayedActions) store.markLiveAction(entry);
    timeline.reset();
    inspector.reset();
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
    follow = true;
    viewT = 0;
    localPlay = null;
    selected = null;
    eventList.reset();
    schedulePageFrame();
  }

  function applyRecords(frame) {
    const records = frame.records;
    store.addRecords(records, frame.now);
    for (const record of records) {
      switch (record.kind) {
        case "container":
        case "pod":
        case "resources":
        case "oom":
        case "deleted":
        case "probe":
        case "termination":
        case "hook":
          timeline.addRecord(record);
          break;
        case "action":
          timeline.addRecord(record, store.isLiveAction(record));
          break;
        case "notice":
          if (actionNotices && record.t === actionNotices.t) actions.say(record.message, "notice");
          break;
        default:
          break; // later kinds are kept in the store, drawn when the page learns them
      }
    }
    actionNotices = null;
    schedulePageFrame();
  }

  function describeState() {
    if (!run) return;
    timeline.minInterval = run.state === "jumping" || run.state === "seeking" ? 250 : 0;
    const at = formatSeconds(store.now);
    switch (run.state) {
      // The status is a live region: it changes with the state, not with every
      // tick of the clock (the clock above the timeline shows the time).
      case "playing": setStatus("running", `Playing at ${run.speed}x.`); break;
      case "paused":
        setStatus("paused", run.next === null
          ? `Paused at simulated ${at}; nothing more happens before the horizon.`
          : `Paused at simulated ${at}. Space plays, → steps to the next event.`);
        break;
      case "jumping": setStatus("running", "Jumping to the end…"); break;
      case "seeking": setStatus("running", `Replaying the run to ${run.goal.toFixed(1)} s…`); break;
      case "finished": setStatus("finished", `Finished at simulated ${at}.`); break;
      case "stopped": setStatus("stopped", `Stopped at simulated ${at}.`); break;
      default: setStatus("error", `The run failed at simulated ${at}.`); break;
    }
  }

  function onFrame(frame) {
    if (frame.type === "acted") {
      // Its records come next: the action record is then known as a live one.
      store.markLiveAction(frame.action);
      actionNotices = { t: frame.action.t };
    }
    if (frame.id !== undefined && frame.id !== null && answer(frame)) return;
    switch (frame.type) {
      case "started":
        awaitingStart = false;
        resetViews();
        run = {
          state: frame.state, speed: frame.speed, seed: frame.seed, horizon: frame.horizon,
          next: undefined, goal: pendingGoal ?? 0,
        };
        runButton.textContent = sharedData && !forked ? "Replay" : "Restart";
        stopButton.disabled = false;
        runInfo.textContent = `seed ${frame.seed} · horizon ${formatSeconds(frame.horizon)}`;
        describeState();
        // Space now plays and pauses (it would press Run again otherwise).
        if (document.activeElement === runButton) playButton.focus();
        break;
      case "specs":
        if (!awaitingStart) store.addSpecs(frame);
        schedulePageFrame();
        break;
      case "records":
        if (!awaitingStart && run) applyRecords(frame);
        break;
      case "clock":
        if (awaitingStart || !run) break;
        run.state = frame.state;
        run.speed = frame.speed;
        run.next = frame.next;
        store.now = Math.max(store.now, frame.now);
        stopButton.disabled = false;
        describeState();
        schedulePageFrame();
        break;
      case "error": {
        awaitingStart = false;
        showErrors(frame.errors);
        const n = frame.errors.length;
        setStatus("error", n === 1 ? "There is 1 problem." : `There are ${n} problems.`);
        break;
      }
      case "end":
        if (awaitingStart || !run) break; // the end of the run a new start replaced
        run.state = frame.reason === "finished" ? "finished" : frame.reason === "stopped" ? "stopped" : "error";
        run.next = null;
        store.now = Math.max(store.now, frame.now);
        stopButton.disabled = true;
        describeState();
        schedulePageFrame();
        break;
      default:
        break;
    }
  }

  /* ---------- socket ---------- */

  function send(message) {
    if (socketOpen()) {
      socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}${root.dataset.wsPath}`);
    setStatus("connecting", "Connecting…");
    socket.addEventListener("open", () => {
      reconnectDelay = 500;
      runButton.disabled = false;
      setStatus("ready", "Ready. Press Run.");
      if (firstConnect && sharedData) start({ shared: true });
      firstConnect = false;
      schedulePageFrame();
    });
    socket.addEventListener("message", (event) => onFrame(JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      runButton.disabled = true;
      stopButton.disabled = true;
      if (run && liveState()) run.state = "stopped";
      awaitingStart = false;
      failRequests("The connection to the server was lost.");
      setStatus("disconnected", "Disconnected from the server; reconnecting…");
      window.setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 10000);
      schedulePageFrame();
    });
  }

  /* ---------- starting a run ---------- */

  let pendingGoal = null;

  function start(options) {
    const replayShared = sharedData && !forked;
    const bytes = new TextEncoder().encode(manifest.value).length;
    const limit = Number(root.dataset.maxManifestBytes);
    if (bytes > limit) {
      showErrors([{ file: "editor.yaml", line: null, column: null,
        message: `The manifest is ${Math.round(bytes / 1024)} KiB; the limit is ${limit / 1024} KiB.` }]);
      setStatus("error", "The manifest is too large.");
      return;
    }
    showErrors([]);
    const seedText = seedInput.value.trim();
    const message = {
      action: "start",
      manifest: manifest.value,
      speed: Number(speedSelect.value),
      // Blank: the Scenario's seed (else 0) and the Scenario's horizon.
      seed: seedText === "" ? null : Math.max(0, Math.trunc(Number(seedText) || 0)),
      horizon: replayShared ? sharedData.horizon : null,
    };
    replayedActions = [];
    pendingGoal = null;
    if (replayShared) {
      message.actions = sharedData.actions;
      replayedActions = sharedData.actions;
      if (options && options.shared) {
        message.runTo = sharedData.moment;
        pendingGoal = sharedData.moment;
      }
    }
    if (send(message)) {
      awaitingStart = true;
      setStatus("starting", message.runTo !== undefined ? `Opening the shared run at ${message.runTo.toFixed(1)} s…` : "Starting…");
    }
  }

  /* ---------- share, fork, export ---------- */

  async function share() {
    shareResult.hidden = false;
    shareLink.value = "";
    setText($("share-status"), "Saving…");
    try {
      const frame = await request("share", { at: viewTime() });
      const url = new URL(frame.url, window.location.href).href;
      shareLink.value = url;
      shareLink.dataset.slug = frame.slug;
      setText($("share-status"), `Link to this run at t = ${frame.at.toFixed(1)} s (opens paused there):`);
      shareLink.focus();
      shareLink.select();
    } catch (error) {
      setText($("share-status"), `Could not share: ${error.message}`);
    }
  }

  async function copyLink() {
    shareLink.select();
    try {
      await navigator.clipboard.writeText(shareLink.value);
      setText($("share-status"), "Copied to the clipboard.");
    } catch (error) {
      document.execCommand("copy");
    }
  }

  function fork() {
    forked = true;
    manifest.readOnly = false;
    if (window.podEditor) window.podEditor.setOption("readOnly", false);
    sharedBanner.dataset.forked = "true";
    setText($("shared-banner-text"), `Forked from ${sharedData.url}: you are editing a copy. Share it to get a new link.`);
    forkButton.hidden = true;
    runButton.textContent = run ? "Restart" : "Run";
    window.history.replaceState(null, "", "/");
  }

  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function exportRecords() {
    download(`pod-playground-run-${store.now.toFixed(0)}s.jsonl`, "application/x-ndjson", store.toJSONLines());
  }

  function exportSvg() {
    const t = viewTime();
    const text = timeline.toSVGString(`Pod Playground — t = ${t.toFixed(1)} s${follow ? "" : ` (of ${store.now.toFixed(1)} s)`}`);
    if (text) download(`pod-playground-timeline-${t.toFixed(0)}s.svg`, "image/svg+xml", text);
  }

  shareButton.addEventListener("click", share);
  copyButton.addEventListener("click", copyLink);
  exportRecordsButton.addEventListener("click", exportRecords);
  exportSvgButton.addEventListener("click", exportSvg);
  if (forkButton) forkButton.addEventListener("click", fork);

  if (sharedData) {
    manifest.readOnly = true;
    // editor.js (if present) has made the editor by the time the page has loaded.
    window.addEventListener("load", () => {
      if (window.podEditor && !forked) window.podEditor.setOption("readOnly", true);
    });
  }

  /* ---------- examples and the form ---------- */

  function loadExample(key) {
    const text = exampleManifests[key];
    if (text === undefined) return;
    manifest.value = text;
    manifest.scrollTop = 0;
    showErrors([]);
  }

  exampleSelect.addEventListener("change", () => loadExample(exampleSelect.value));
  manifest.addEventListener("input", () => {
    // Once edited, the text is no longer the example the picker names.
    if (exampleSelect.value && manifest.value !== exampleManifests[exampleSelect.value]) {
      exampleSelect.value = "";
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    start();
  });
  stopButton.addEventListener("click", () => send({ action: "stop" }));
  speedSelect.addEventListener("change", () => {
    if (liveState()) send({ action: "speed", speed: Number(speedSelect.value) });
    if (localPlay) localPlay = { wall: performance.now(), t: viewTime() };
  });
  manifest.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      start();
    }
  });

  // For the browser tests and the console: the store and the frame timings.
  window.podPlayground = { store, timeline, perf, viewTime: () => viewTime(), scrubTo, goLive };

  connect();
  schedulePageFrame();
})();
