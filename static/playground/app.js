/* Pod Playground page: websocket client, controls, pods/events tables and logs.
 *
 * Protocol (see playground/protocol.py): the page sends start/speed/stop
 * actions; the server answers with started, records, error and end frames.
 */
(function () {
  "use strict";

  const MAX_EVENT_ROWS = 500;
  const MAX_LOG_LINES = 2000;

  const root = document.getElementById("playground");
  const form = document.getElementById("run-form");
  const manifest = document.getElementById("manifest");
  const runButton = document.getElementById("run");
  const stopButton = document.getElementById("stop");
  const speedSelect = document.getElementById("speed");
  const seedInput = document.getElementById("seed");
  const statusLine = document.getElementById("status");
  const errorList = document.getElementById("errors");
  const noticeList = document.getElementById("notices");
  const simNow = document.getElementById("sim-now");
  const podsBody = document.querySelector("#pods tbody");
  const eventsBody = document.querySelector("#events tbody");
  const eventsWrap = eventsBody.closest(".scroll");
  const nodesLine = document.getElementById("nodes");
  const logs = document.getElementById("logs");

  const timeline = new window.PodTimeline(document.getElementById("timeline"));
  const formatSeconds = window.PodTimeline.formatSeconds;

  let socket = null;
  let reconnectDelay = 500;
  let running = false;
  let awaitingStart = false;
  let now = 0;
  let pods = new Map(); // pod -> {row, record, firstSeen}
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

  function addNotice(record) {
    const item = document.createElement("li");
    item.textContent = `[${record.t.toFixed(1)}s] ${record.message}`;
    noticeList.append(item);
    noticeList.hidden = false;
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
      for (const col of ["name", "ready", "status", "restarts", "age", "ip", "node"]) {
        const cell = document.createElement("td");
        cell.className = `col-${col}`;
        row.append(cell);
      }
      podsBody.append(row);
      entry = { row, firstSeen: record.t };
      pods.set(record.pod, entry);
    }
    entry.record = record;
    const cells = entry.row.cells;
    cells[0].textContent = podName(record.pod);
    cells[1].textContent = record.ready ?? "";
    cells[2].textContent = record.status ?? record.phase ?? "";
    cells[2].dataset.status = record.status ?? "";
    cells[3].textContent = String(record.restarts ?? 0);
    cells[5].textContent = record.podIP || "<none>";
    cells[6].textContent = record.node || "<none>";
    entry.row.dataset.status = record.status ?? "";
    entry.row.classList.remove("flash");
    void entry.row.offsetWidth; // restart the highlight animation
    entry.row.classList.add("flash");
  }

  function refreshPodAges() {
    for (const entry of pods.values()) {
      entry.row.cells[4].textContent = formatSeconds(Math.max(0, now - entry.firstSeen));
    }
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
      let text = formatSeconds(Math.max(0, now - entry.last));
      if (entry.count > 1) text += ` (x${entry.count} over ${formatSeconds(now - entry.first)})`;
      entry.row.cells[0].textContent = text;
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
    eventsBody.replaceChildren();
    logs.replaceChildren();
    noticeList.replaceChildren();
    noticeList.hidden = true;
    nodesLine.textContent = "";
    pods = new Map();
    events = new Map();
    nodes = new Map();
    simNow.textContent = "0.0";
  }

  function applyRecords(frame) {
    const stickToBottom = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
    const eventsAtBottom =
      eventsWrap.scrollTop + eventsWrap.clientHeight >= eventsWrap.scrollHeight - 4;
    const logFragment = document.createDocumentFragment();
    for (const record of frame.records) {
      switch (record.kind) {
        case "container": timeline.addContainerRecord(record); break;
        case "pod": applyPod(record); break;
        case "event": applyEvent(record); break;
        case "log": appendLog(record, logFragment); break;
        case "node": applyNode(record); break;
        case "notice": addNotice(record); break;
        default: break; // later kinds are ignored until the page learns them
      }
    }
    logs.append(logFragment);
    while (logs.childElementCount > MAX_LOG_LINES) logs.firstElementChild.remove();

    now = Math.max(now, frame.now);
    simNow.textContent = now.toFixed(1);
    timeline.setNow(now);
    refreshPodAges();
    refreshEventAges();
    // Follow new lines only if the reader was already at the bottom; this runs
    // after the refreshes above, which can make rows taller.
    if (stickToBottom) logs.scrollTop = logs.scrollHeight;
    if (eventsAtBottom) eventsWrap.scrollTop = eventsWrap.scrollHeight;
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
