/* Pod Playground page: websocket client, controls, pods/events tables and logs.
 *
 * Protocol (see playground/protocol.py): the page sends start/speed/stop
 * actions; the server answers with started, records, error and end frames.
 */
(function () {
  "use strict";

  const MAX_EVENT_ROWS = 500;
  const MAX_LOG_LINES = 2000;
  const AGE_REFRESH_MS = 250;
  const MAX_FLASHING_ROWS = 10;

  const root = document.getElementById("playground");
  const form = document.getElementById("run-form");
  const manifest = document.getElementById("manifest");
  const exampleSelect = document.getElementById("example");
  const exampleManifests = JSON.parse(document.getElementById("example-manifests").textContent);
  const runButton = document.getElementById("run");
  const stopButton = document.getElementById("stop");
  const speedSelect = document.getElementById("speed");
  const seedInput = document.getElementById("seed");
  const statusLine = document.getElementById("status");
  const errorList = document.getElementById("errors");
  const noticeList = document.getElementById("notices");
  const simNow = document.getElementById("sim-now");
  const podsBody = document.querySelector("#pods tbody");
  const containersBody = document.querySelector("#containers tbody");
  const eventsBody = document.querySelector("#events tbody");
  const eventsWrap = eventsBody.closest(".scroll");
  const nodesLine = document.getElementById("nodes");
  const logs = document.getElementById("logs");

  const timeline = new window.PodTimeline(document.getElementById("timeline"));
  const formatSeconds = window.PodTimeline.formatSeconds;

  /** kubectl's AGE and LAST SEEN (apimachinery duration.HumanDuration). */
  function humanDuration(seconds) {
    const s = Math.floor(seconds);
    if (s < 0) return "0s";
    if (s < 120) return `${s}s`;
    const m = Math.floor(s / 60);
    if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
    if (m < 180) return `${m}m`;
    const h = Math.floor(s / 3600);
    if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
    if (h < 48) return `${h}h`;
    return `${Math.floor(h / 24)}d`;
  }
  const formatBytes = window.PodTimeline.formatBytes;

  let socket = null;
  let reconnectDelay = 500;
  let running = false;
  let awaitingStart = false;
  let now = 0;
  let pods = new Map(); // pod -> {row, record, firstSeen, deletedAt}
  let containers = new Map(); // "pod/init|app/container" -> {row, record, resources}
  let flashing = new Set(); // pod rows changed in this frame
  let events = new Map(); // aggregation key -> {row, first, last, count}
  let nodes = new Map();

  /* ---------- status ---------- */

  function setStatus(state, text) {
    statusLine.dataset.state = state;
    statusLine.textContent = text;
  }

  function setRunning(value) {
    running = value;
    stopButton.disabled = !value;
    runButton.textContent = value ? "Restart" : "Run";
  }

  /* ---------- errors and notices ---------- */

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

  function addNotice(record, className) {
    const item = document.createElement("li");
    if (className) item.className = className;
    item.textContent = `[${record.t.toFixed(1)}s] ${record.message}`;
    noticeList.append(item);
    noticeList.hidden = false;
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
      case "cordon":
      case "uncordon":
      case "drain":
        return `kubectl ${record.action} ${args.node}`;
      case "apply":
        return "kubectl apply -f - (a manifest from the Scenario)";
      default:
        return `${record.action} ${JSON.stringify(args)}`;
    }
  }

  function addAction(record) {
    addNotice({ t: record.t, message: `Scenario action: ${describeAction(record)}` }, "action");
  }

  /* ---------- pods table ---------- */

  function podName(pod) {
    return pod.startsWith("default/") ? pod.slice("default/".length) : pod;
  }

  function applyPod(record) {
    let entry = pods.get(record.pod);
    if (!entry) {
      const row = document.createElement("tr");
      row.dataset.pod = record.pod;
      for (const col of ["name", "ready", "status", "restarts", "age", "ip", "node", "qos"]) {
        const cell = document.createElement("td");
        cell.className = `col-${col}`;
        row.append(cell);
      }
      const statusText = document.createElement("span");
      statusText.className = "status-text";
      row.cells[2].append(statusText);
      podsBody.append(row);
      entry = { row, statusText, firstSeen: record.t, deletedAt: null, ageText: "" };
      pods.set(record.pod, entry);
    }
    const before = entry.record;
    entry.record = record;
    const cells = entry.row.cells;
    setText(cells[0], podName(record.pod));
    cells[0].title = record.pod;
    setText(cells[1], record.ready ?? "");
    setText(entry.statusText, record.status ?? record.phase ?? "");
    cells[2].dataset.status = record.status ?? "";
    setText(cells[3], String(record.restarts ?? 0));
    setText(cells[5], record.podIP || "<none>");
    setText(cells[6], record.node || "<none>");
    setText(cells[7], record.qosClass || "");
    entry.row.dataset.status = record.status ?? "";
    entry.row.dataset.phase = record.phase ?? "";
    if (!before || before.status !== record.status || before.ready !== record.ready ||
        before.restarts !== record.restarts) {
      flashing.add(entry.row);
    }
  }

  function markPodDeleted(record) {
    const entry = pods.get(record.pod);
    if (!entry) return;
    entry.deletedAt = record.t;
    entry.row.dataset.deleted = "true";
    entry.row.classList.add("deleted");
    entry.row.title = `${record.pod} was deleted at ${record.t.toFixed(1)}s; ` +
      "this is the last status kubectl get pods -w printed for it";
    const badge = document.createElement("span");
    badge.className = "deleted-badge";
    badge.textContent = "deleted";
    entry.row.cells[2].append(" ", badge);
    flashing.add(entry.row);
    for (const container of containers.values()) {
      if (container.record.pod === record.pod) {
        container.row.dataset.deleted = "true";
        container.row.classList.add("deleted");
      }
    }
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

  function setText(cell, text) {
    if (cell.textContent !== text) cell.textContent = text;
  }

  function refreshPodAges() {
    for (const entry of pods.values()) {
      const end = entry.deletedAt === null ? now : entry.deletedAt;
      setText(entry.row.cells[4], humanDuration(end - entry.firstSeen));
    }
  }

  /* ---------- containers table ---------- */

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

  function containerEntry(pod, container) {
    return containers.get(`${pod}/app/${container}`) || containers.get(`${pod}/init/${container}`);
  }

  function applyContainer(record) {
    const key = `${record.pod}/${record.init ? "init" : "app"}/${record.container}`;
    let entry = containers.get(key);
    if (!entry) {
      const row = document.createElement("tr");
      row.dataset.pod = record.pod;
      row.dataset.container = record.container;
      for (const col of ["pod", "container", "state", "ready", "restarts", "last-state", "memory", "cpu"]) {
        const cell = document.createElement("td");
        cell.className = `col-${col}`;
        row.append(cell);
      }
      row.cells[0].textContent = podName(record.pod);
      row.cells[1].textContent = record.container;
      entry = { row, record, resources: null };
      containers.set(key, entry);
      containersBody.append(row);
    }
    entry.record = record;
    const cells = entry.row.cells;
    const kind = record.sidecar ? "sidecar" : record.init ? "init" : "";
    entry.row.dataset.kind = kind || "main";
    if (kind && !cells[1].querySelector(".kind-tag")) {
      const tag = document.createElement("span");
      tag.className = "kind-tag";
      tag.textContent = kind;
      cells[1].append(" ", tag);
    }
    setText(cells[2], stateText(record));
    cells[2].dataset.state = record.state || "";
    cells[2].dataset.reason = record.reason || "";
    cells[2].title = record.message || "";
    setText(cells[3], record.ready ? "true" : "false");
    setText(cells[4], String(record.restartCount ?? 0));
    setText(cells[5], lastStateText(record.lastState));
    cells[5].dataset.reason = record.lastState ? record.lastState.reason || "" : "";
  }

  function applyResources(record) {
    const entry = containerEntry(record.pod, record.container);
    if (!entry) return;
    entry.resources = record;
    const cells = entry.row.cells;
    setText(cells[6], `${formatBytes(record.memory)}${record.memoryLimit ? ` / ${formatBytes(record.memoryLimit)}` : ""}`);
    setText(cells[7], `${record.cpu}m${record.cpuLimit ? ` / ${record.cpuLimit}m` : ""}${record.throttled ? " throttled" : ""}`);
    cells[7].dataset.throttled = record.throttled ? "true" : "false";
  }

  function applyOom(record) {
    const entry = containerEntry(record.pod, record.container);
    if (!entry) return;
    entry.row.cells[6].title = `OOM killed at ${record.t.toFixed(1)}s: ` +
      `${formatBytes(record.memory)} in use, limit ${formatBytes(record.limit)}`;
  }

  /* ---------- events table ---------- */

  function eventObject(object) {
    // "Pod/default/web" is shown the way kubectl shows it: "pod/web".
    const parts = String(object || "").split("/");
    if (parts.length >= 2) return `${parts[0].toLowerCase()}/${parts[parts.length - 1]}`;
    return object || "";
  }

  function applyEvent(record) {
    const key = [record.type, record.reason, record.object, record.message].join("\u0000");
    let entry = events.get(key);
    if (!entry) {
      const row = document.createElement("tr");
      row.dataset.reason = record.reason;
      row.dataset.type = record.type;
      for (const col of ["last-seen", "type", "reason", "object", "message"]) {
        const cell = document.createElement("td");
        cell.className = `col-${col}`;
        row.append(cell);
      }
      row.cells[1].textContent = record.type;
      row.cells[2].textContent = record.reason;
      row.cells[3].textContent = eventObject(record.object);
      row.cells[3].title = record.object;
      row.cells[4].textContent = record.message;
      row.cells[4].title = record.source ? `from ${record.source}` : "";
      entry = { row, first: record.t, last: record.t, count: 0 };
      events.set(key, entry);
      if (events.size > MAX_EVENT_ROWS) {
        const [oldestKey, oldest] = events.entries().next().value;
        oldest.row.remove();
        events.delete(oldestKey);
      }
    } else {
      // Most recent last, like `kubectl get events --sort-by=.lastTimestamp`.
      events.delete(key);
      events.set(key, entry);
    }
    entry.count += 1;
    entry.last = record.t;
    entry.row.dataset.count = String(entry.count);
    eventsBody.append(entry.row);
  }

  function refreshEventAges() {
    for (const entry of events.values()) {
      let text = humanDuration(now - entry.last);
      if (entry.count > 1) text += ` (x${entry.count} over ${humanDuration(now - entry.first)})`;
      setText(entry.row.cells[0], text);
    }
  }

  /* ---------- nodes and logs ---------- */

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

  function applyNode(record) {
    nodes.set(record.node, record);
    const parts = [...nodes.values()].map(
      (n) => `${n.node} (${formatCpu(n.cpu)} CPU, ${formatMemory(n.memory)}, ${n.pods} pods)`,
    );
    nodesLine.textContent = `Nodes: ${parts.join(", ")}`;
  }

  function appendLog(record, fragment) {
    const line = document.createElement("div");
    line.className = "log-line";
    line.dataset.container = record.container;
    const t = document.createElement("span");
    t.className = "log-t";
    t.textContent = `${record.t.toFixed(1)}s`;
    const src = document.createElement("span");
    src.className = "log-src";
    src.textContent = `${podName(record.pod)}/${record.container}`;
    line.append(t, src, document.createTextNode(record.line));
    fragment.append(line);
  }

  /* ---------- frames ---------- */

  function resetViews() {
    now = 0;
    timeline.reset();
    podsBody.replaceChildren();
    containersBody.replaceChildren();
    eventsBody.replaceChildren();
    logs.replaceChildren();
    noticeList.replaceChildren();
    noticeList.hidden = true;
    nodesLine.textContent = "";
    pods = new Map();
    containers = new Map();
    flashing = new Set();
    events = new Map();
    nodes = new Map();
    simNow.textContent = "0.0";
    for (const follower of followers) follower.height = 0;
  }

  /* ---------- once per animation frame ---------- */

  // A frame from the server only changes the DOM; everything that needs layout
  // (following the newest log line or event) happens once per animation frame,
  // after the timeline has drawn, so that a busy run costs one layout per frame.
  const followers = [
    { el: logs, height: 0 },
    { el: eventsWrap, height: 0 },
  ];
  let pageFrameRequested = false;
  let lastAgeRefresh = -Infinity;

  function schedulePageFrame() {
    if (pageFrameRequested) return;
    pageFrameRequested = true;
    window.requestAnimationFrame(pageFrame);
  }

  function pageFrame(time) {
    pageFrameRequested = false;
    // Writes first ...
    flashChangedRows();
    if (!running || time - lastAgeRefresh >= AGE_REFRESH_MS) {
      lastAgeRefresh = time;
      refreshPodAges();
      refreshEventAges();
    }
    // ... then the reads (one layout), then scrolling.
    for (const follower of followers) {
      const el = follower.el;
      // Follow new rows only if the reader was at the bottom of the old ones.
      const wasAtBottom = el.scrollTop + el.clientHeight >= follower.height - 4;
      if (wasAtBottom) el.scrollTop = el.scrollHeight;
      follower.height = el.scrollHeight;
    }
  }

  function applyRecords(frame) {
    const logFragment = document.createDocumentFragment();
    for (const record of frame.records) {
      switch (record.kind) {
        case "container": timeline.addRecord(record); applyContainer(record); break;
        case "pod": timeline.addRecord(record); applyPod(record); break;
        case "event": applyEvent(record); break;
        case "log": appendLog(record, logFragment); break;
        case "node": applyNode(record); break;
        case "notice": addNotice(record); break;
        case "resources": timeline.addRecord(record); applyResources(record); break;
        case "oom": timeline.addRecord(record); applyOom(record); break;
        case "action": timeline.addRecord(record); addAction(record); break;
        case "deleted": timeline.addRecord(record); markPodDeleted(record); break;
        case "probe":
        case "termination":
        case "hook":
          timeline.addRecord(record);
          break;
        default: break; // later kinds are ignored until the page learns them
      }
    }
    logs.append(logFragment);
    while (logs.childElementCount > MAX_LOG_LINES) logs.firstElementChild.remove();

    now = Math.max(now, frame.now);
    simNow.textContent = now.toFixed(1);
    timeline.setNow(now); // the timeline's frame callback runs before the page's
    schedulePageFrame();
    setStatus("running", `Running at ${speedSelect.value}x — simulated ${formatSeconds(now)}.`);
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "started":
        awaitingStart = false;
        resetViews();
        setRunning(true);
        setStatus("running", `Running at ${frame.speed}x…`);
        break;
      case "records":
        if (!awaitingStart && running) applyRecords(frame);
        break;
      case "error": {
        awaitingStart = false;
        showErrors(frame.errors);
        const n = frame.errors.length;
        setStatus("error", n === 1 ? "There is 1 problem." : `There are ${n} problems.`);
        break;
      }
      case "end":
        if (awaitingStart) break; // the end of the run a new start replaced
        setRunning(false);
        schedulePageFrame(); // final ages
        if (frame.reason === "finished") {
          setStatus("finished", `Finished at simulated ${formatSeconds(frame.now)}.`);
        } else if (frame.reason === "stopped") {
          setStatus("stopped", `Stopped at simulated ${formatSeconds(frame.now)}.`);
        } else {
          setStatus("error", `The run failed at simulated ${formatSeconds(frame.now)}.`);
        }
        break;
      default:
        break;
    }
  }

  /* ---------- socket ---------- */

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
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
    });
    socket.addEventListener("message", (event) => onFrame(JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      runButton.disabled = true;
      setRunning(false);
      awaitingStart = false;
      setStatus("disconnected", "Disconnected from the server; reconnecting…");
      window.setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 10000);
    });
  }

  /* ---------- controls ---------- */

  function start() {
    const bytes = new TextEncoder().encode(manifest.value).length;
    const limit = Number(root.dataset.maxManifestBytes);
    if (bytes > limit) {
      showErrors([{ file: "editor.yaml", line: null, column: null,
        message: `The manifest is ${Math.round(bytes / 1024)} KiB; the limit is ${limit / 1024} KiB.` }]);
      setStatus("error", "The manifest is too large.");
      return;
    }
    showErrors([]);
    const sent = send({
      action: "start",
      manifest: manifest.value,
      speed: Number(speedSelect.value),
      seed: Math.max(0, Math.trunc(Number(seedInput.value) || 0)),
    });
    if (sent) {
      awaitingStart = true;
      setStatus("starting", "Starting…");
    }
  }

  /* ---------- examples ---------- */

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
    if (running) send({ action: "speed", speed: Number(speedSelect.value) });
  });
  manifest.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      start();
    }
  });

  connect();
})();
