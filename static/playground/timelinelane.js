/* Pod Playground timeline: a container's lane, drawn from the store's lane (podlanes.js).
 *
 * A lane, top to bottom (lane-local y):
 *   0..BAR_Y      restart ▼, lifecycle hook spans, Scenario kill actions
 *   bar           state segments coloured by reason; the end of every run;
 *                 grace-period hatching, CPU throttling, memory use vs limit,
 *                 SIGTERM / SIGKILL / OOM markers
 *   ready band    when the container was ready
 *   probe rows    one row per probe type the container has
 * Each lane's view keeps the elements it already drew and how far into each of
 * the lane's lists it has drawn: a frame adds the new marks and stretches what
 * is still open.
 */
import { formatBytes } from "./format.js";
import { msKey } from "./podlanes.js";
import { Timeline, kit } from "./timeline.js";

const { BAR_Y, BAR_H, READY_Y, READY_H, LABEL_WIDTH, svgEl, setAttr, tip, at, truncate } = kit;
const BUCKET_PX = 7; // about one probe mark's width

/* ---------- formatting ---------- */

/** A cgroup's memory use, never past its limit (what a program asks for past it is the OOM kill). */
function usedMemory(res) {
  return res.memoryLimit ? Math.min(Number(res.memory), Number(res.memoryLimit)) : res.memory;
}

/** " (throttled)", with the CFS periods counted so far when the record has them. */
function throttledText(res) {
  return res.cpuThrottledPeriods
    ? ` (throttled in ${res.cpuThrottledPeriods} of ${res.cpuPeriods} CFS periods)`
    : " (throttled)";
}

function formatMilli(milli) {
  return milli === null || milli === undefined ? "?" : `${milli}m`;
}

function stateLabel(seg) {
  let text = seg.state;
  if (seg.reason) text += ` (${seg.reason})`;
  if (seg.exitCode !== null && seg.exitCode !== undefined) text += `, exit code ${seg.exitCode}`;
  return text;
}

// Centred on (x, 4.5) in their probe row.
const PROBE_SHAPES = {
  startup: (x) => ["rect", { x: x - 3.4, y: 1.1, width: 6.8, height: 6.8 }],
  readiness: (x) => ["circle", { cx: x, cy: 4.5, r: 3.6 }],
  liveness: (x) => ["path", { d: `M ${x} 0.2 L ${x + 4.3} 4.5 L ${x} 8.8 L ${x - 4.3} 4.5 Z` }],
};

function burstPath(x, y, r) {
  const points = [];
  for (let i = 0; i < 12; i += 1) {
    const angle = (Math.PI / 6) * i - Math.PI / 2;
    const radius = i % 2 === 0 ? r : r * 0.45;
    points.push(`${(x + radius * Math.cos(angle)).toFixed(2)} ${(y + radius * Math.sin(angle)).toFixed(2)}`);
  }
  return `M ${points.join(" L ")} Z`;
}

/* ---------- drawing ---------- */

Timeline.prototype.createLaneView = function createLaneView(lane) {
  const pod = lane.pod;
  const g = svgEl("g", {
    class: "lane", "data-pod": pod.key, "data-container": lane.container,
    "data-init": lane.init, "data-sidecar": lane.sidecar, "data-restarts": lane.restartCount,
  }, this.views.get(pod).g);
  const label = svgEl("text", { class: "lane-label", x: 14, y: BAR_Y + 12 }, g);
  tip(label, () => this.laneTitle(lane));
  const kind = lane.sidecar ? "sidecar" : lane.init ? "init" : "";
  if (kind) svgEl("tspan", { class: `lane-kind kind-${kind}` }, label).textContent = `${kind}: `;
  svgEl("tspan", {}, label).textContent = truncate(lane.container, kind ? 21 - kind.length - 2 : 21);
  const bg = svgEl("rect", { class: "lane-bg", x: this.x(0), y: BAR_Y, width: 0, height: BAR_H, "clip-path": "url(#timeline-plot-clip)" }, g);
  const layers = {};
  for (const name of ["segs", "ends", "overlay", "memory", "ready", "marks", "signals", "probes"]) {
    layers[name] = svgEl("g", { class: `layer-${name}`, "clip-path": "url(#timeline-plot-clip)" }, g);
  }
  const memPath = svgEl("path", { class: "mem-line", d: "" }, layers.memory);
  this.views.set(lane, {
    g, label, bg, layers, memPath,
    segs: [], ready: [], graces: [], hooks: [], throttles: [],
    restarts: 0, signals: 0, ooms: 0, actions: 0,
    probeLayers: {}, probeCursor: {}, buckets: {},
    mem: { cursor: 0, parts: [], lastPx: null, penDown: false },
    hidden: false,
  });
  this.layoutDirty = true;
};

/** The restart count of a lane at the time shown. */
Timeline.prototype.restartsAt = function restartsAt(lane) {
  if (this.view === null) return lane.restartCount;
  let count = 0;
  for (const restart of lane.restarts) if (restart.t <= this.view) count = restart.count;
  return count;
};

Timeline.prototype.laneEnd = function laneEnd(lane) {
  return lane.pod.deletedAt === null ? this.now : lane.pod.deletedAt;
};

Timeline.prototype.renderLane = function renderLane(lane) {
  const v = this.views.get(lane);
  const end = this.laneEnd(lane);
  setAttr(v.g, "data-restarts", this.restartsAt(lane));
  setAttr(v.g, "data-sidecar", lane.sidecar);
  setAttr(v.bg, "width", Math.max(0, this.x(end) - this.x(0)));
  this.syncIntervals(lane.segments, v.segs, (seg) => this.makeSegment(lane, seg), (seg, el) => this.updateSegment(lane, seg, el, end));
  this.syncIntervals(lane.ready, v.ready, (item) => {
    const el = svgEl("rect", { class: "ready-band", y: READY_Y, height: READY_H }, v.layers.ready);
    tip(el, () => `${lane.container} ready from ${at(item.start)}${item.end === null ? "" : ` to ${at(item.end)}`}`);
    return el;
  }, (item, el) => this.placeInterval(el, item, end, 1));
  this.syncIntervals(lane.graces, v.graces, (item) => {
    const el = svgEl("rect", { class: "grace-band", y: BAR_Y, height: BAR_H, "data-grace": item.grace, "data-start": item.start, "data-mark": "grace" }, v.layers.overlay);
    el._mark = () => this.markInfo(lane, "killing", item.start, { grace: item.grace, message: item.message });
    tip(el, () => `grace period ${item.grace}s from ${at(item.start)} (deadline ${at(item.start + Number(item.grace || 0))}): ` +
      `${item.message}${item.end === null ? "" : `; ${this.howRunEnded(lane, item.end)}`}`);
    return el;
  }, (item, el) => {
    this.placeInterval(el, item, end, 0);
    setAttr(el, "data-end", item.end === null ? "" : item.end);
  });
  this.syncIntervals(lane.throttles, v.throttles, (item) => {
    const el = svgEl("rect", { class: "throttle-band", y: BAR_Y, height: 3 }, v.layers.overlay);
    tip(el, () => `CPU throttled from ${at(item.start)}${item.end === null ? "" : ` to ${at(item.end)}`}: ` +
      `the container wants more than its ${formatMilli(item.cpuLimit)} CPU limit`);
    return el;
  }, (item, el) => this.placeInterval(el, item, end, 1));
  this.syncIntervals(lane.hooks, v.hooks, (item) => {
    const el = svgEl("rect", { class: "hook-span", "data-hook": item.hook, y: 3, height: 6 }, v.layers.marks);
    if (item.hook === "preStop") {
      el.setAttribute("data-mark", "prestop");
      el._mark = () => this.markInfo(lane, "prestop", item.start, {});
    }
    tip(el, () => `${item.hook} hook of ${lane.container}: ${at(item.start)} – ` +
      `${item.end === null ? "running" : at(item.end)}${item.result ? `, ${item.result}` : ""}` +
      `${item.message ? `: ${item.message}` : ""}`);
    return el;
  }, (item, el) => {
    this.placeInterval(el, item, end, 2);
    setAttr(el, "data-result", item.result || "");
  });
  for (; v.restarts < lane.restarts.length; v.restarts += 1) this.drawRestart(lane, lane.restarts[v.restarts]);
  for (; v.signals < lane.signals.length; v.signals += 1) this.drawSignal(lane, lane.signals[v.signals]);
  for (; v.ooms < lane.ooms.length; v.ooms += 1) this.drawOom(lane, lane.ooms[v.ooms]);
  for (; v.actions < lane.actions.length; v.actions += 1) this.drawLaneAction(lane, lane.actions[v.actions]);
  for (const type of lane.probeTypes) this.drawProbes(lane, type);
  this.drawMemory(lane, end);
};

/** "the container ended at 50.0s: SIGKILL, exit code 137" from the marks at that time. */
Timeline.prototype.howRunEnded = function howRunEnded(lane, t) {
  const key = msKey(t);
  const killed = lane.signals.some((signal) => signal.signal === "SIGKILL" && msKey(signal.t) === key);
  const seg = lane.segments.find((s) => s.state === "terminated" && msKey(s.start) === key);
  const parts = [];
  if (killed) parts.push("SIGKILL");
  if (seg) parts.push(`${seg.reason ? `${seg.reason}, ` : ""}exit code ${seg.exitCode}`);
  return `the container ended at ${at(t)}${parts.length ? ` (${parts.join(", ")})` : ""}`;
};

/** What a clicked mark stands for (the page links it to an event and a manifest line). */
Timeline.prototype.markInfo = function markInfo(lane, kind, t, extra) {
  const hook = lane.hooks.find((h) => h.hook === "preStop" && h.start <= t + 0.05);
  return {
    kind, t, pod: lane.pod.key, container: lane.container, init: lane.init,
    preStop: Boolean(hook), ...extra,
  };
};

Timeline.prototype.laneTitle = function laneTitle(lane) {
  const res = lane.resources;
  let text = `${lane.sidecar ? "sidecar (restartable init) container" : lane.init ? "init container" : "container"} ${lane.container}` +
    `, restarts: ${lane.restartCount}`;
  if (res) {
    text += `\nmemory ${formatBytes(usedMemory(res))}${res.memoryLimit ? ` of ${formatBytes(res.memoryLimit)} limit` : " (no limit)"}`;
    text += `, CPU ${formatMilli(res.cpu)}${res.cpuLimit ? ` of ${formatMilli(res.cpuLimit)} limit` : ""}`;
    if (res.throttled) text += throttledText(res);
  }
  return text;
};

/** Create elements for new items; update the last drawn one (it may have been open). */
Timeline.prototype.syncIntervals = function syncIntervals(items, els, make, update) {
  for (let i = Math.max(0, els.length - 1); i < items.length; i += 1) {
    if (i >= els.length) els.push(make(items[i]));
    update(items[i], els[i]);
  }
};

Timeline.prototype.placeInterval = function placeInterval(el, item, end, minWidth) {
  const x0 = this.x(item.start);
  const x1 = this.x(item.end === null ? end : item.end);
  setAttr(el, "x", x0);
  setAttr(el, "width", Math.max(minWidth, x1 - x0));
};

Timeline.prototype.makeSegment = function makeSegment(lane, seg) {
  const { layers } = this.views.get(lane);
  const layer = seg.instant ? layers.ends : layers.segs;
  const el = svgEl("rect", {
    class: seg.instant ? "seg run-end" : "seg", "data-state": seg.state,
    "data-reason": seg.reason || "", y: BAR_Y, height: BAR_H,
  }, layer);
  tip(el, () => this.segmentTitle(lane, seg));
  return el;
};

Timeline.prototype.segmentTitle = function segmentTitle(lane, seg) {
  if (seg.instant) {
    const ran = seg.startedAt === null || seg.startedAt === undefined ? ""
      : ` (this run: ${at(seg.startedAt)} – ${at(seg.finishedAt)})`;
    return `${lane.container}: run ended at ${at(seg.start)}: terminated` +
      `${seg.reason ? ` (${seg.reason})` : ""}, exit code ${seg.exitCode}${ran}`;
  }
  let text = `${lane.container}: ${stateLabel(seg)}, ${at(seg.start)} – ${seg.end === null ? "now" : at(seg.end)}`;
  if (seg.message) text += `\n${seg.message}`;
  const res = lane.resources;
  if (seg.state === "running" && seg.end === null && res) {
    text += `\nmemory ${formatBytes(usedMemory(res))}${res.memoryLimit ? ` of ${formatBytes(res.memoryLimit)} limit` : ""}` +
      `, CPU ${formatMilli(res.cpu)}${res.cpuLimit ? ` of ${formatMilli(res.cpuLimit)} limit` : ""}` +
      `${res.throttled ? throttledText(res) : ""}`;
  }
  return text;
};

Timeline.prototype.updateSegment = function updateSegment(lane, seg, el, end) {
  if (seg.instant) {
    setAttr(el, "x", this.x(seg.start) - 1.5);
    setAttr(el, "width", 3);
    setAttr(el, "data-exit-code", seg.exitCode ?? "");
    return;
  }
  const x0 = this.x(seg.start);
  const x1 = this.x(seg.end === null ? end : seg.end);
  setAttr(el, "x", x0);
  // An instant state (a crash followed at once by back-off) stays visible.
  setAttr(el, "width", Math.max(seg.state === "terminated" ? 2 : 0.5, x1 - x0));
  setAttr(el, "data-exit-code", seg.exitCode ?? "");
};

Timeline.prototype.drawRestart = function drawRestart(lane, restart) {
  const rx = this.x(restart.t);
  const mark = svgEl("path", {
    class: "restart-marker", "data-restart": restart.count,
    d: `M ${rx - 4.5} 2 L ${rx + 4.5} 2 L ${rx} ${BAR_Y - 1} Z`,
    "data-mark": "restart",
  }, this.views.get(lane).layers.marks);
  mark._mark = () => this.markInfo(lane, "restart", restart.t, { count: restart.count, last: restart.last });
  tip(mark, () => {
    let text = `restart #${restart.count} of ${lane.container} at ${at(restart.t)}`;
    const last = restart.last;
    if (last) {
      text += `\nlast state: terminated (${last.reason}), exit code ${last.exitCode}, ` +
        `${at(last.startedAt)} – ${at(last.finishedAt)}`;
    }
    return text;
  });
};

Timeline.prototype.drawSignal = function drawSignal(lane, signal) {
  const sx = this.x(signal.t);
  const cy = BAR_Y + BAR_H / 2;
  const g = svgEl("g", { class: "signal-marker", "data-signal": signal.signal, "data-t": signal.t, "data-mark": "signal" }, this.views.get(lane).layers.signals);
  g._mark = () => this.markInfo(lane, signal.signal === "SIGKILL" ? "sigkill" : "sigterm", signal.t, { signal: signal.signal });
  svgEl("line", { class: "signal-line", x1: sx, x2: sx, y1: BAR_Y - 1, y2: BAR_Y + BAR_H + 1 }, g);
  if (signal.signal === "SIGKILL") {
    const d = `M ${sx - 3.5} ${cy - 3.5} L ${sx + 3.5} ${cy + 3.5} M ${sx + 3.5} ${cy - 3.5} L ${sx - 3.5} ${cy + 3.5}`;
    svgEl("path", { class: "signal-halo", d }, g);
    svgEl("path", { class: "signal-symbol", d }, g);
    tip(g, () => `SIGKILL to ${lane.container} at ${at(signal.t)}: the grace period is over`);
  } else {
    svgEl("circle", { class: "signal-symbol", cx: sx, cy, r: 4 }, g);
    tip(g, () => `${signal.signal} to ${lane.container} at ${at(signal.t)}`);
  }
};

Timeline.prototype.drawOom = function drawOom(lane, oom) {
  const ox = this.x(oom.t);
  const mark = svgEl("path", { class: "oom-marker", "data-mark": "oom", d: burstPath(ox, BAR_Y + BAR_H / 2, 6.5) }, this.views.get(lane).layers.signals);
  mark._mark = () => this.markInfo(lane, "oom", oom.t, { memory: oom.memory, limit: oom.limit });
  tip(mark, () => `OOM kill of ${lane.container} at ${at(oom.t)}: it asked for ${formatBytes(oom.memory)}, over its ${formatBytes(oom.limit)} limit`);
};

/** Probe ticks, one mark per few pixels: a mark stands for every probe in its bucket. */
Timeline.prototype.drawProbes = function drawProbes(lane, type) {
  const v = this.views.get(lane);
  const list = lane.probes[type];
  let layer = v.probeLayers[type];
  if (!layer) {
    layer = v.probeLayers[type] = svgEl("g", { class: "probe-row", "data-probe": type }, v.layers.probes);
    v.probeCursor[type] = 0;
    v.buckets[type] = new Map();
    this.layoutDirty = true;
  }
  const buckets = v.buckets[type];
  const shape = PROBE_SHAPES[type] || PROBE_SHAPES.readiness;
  for (let i = v.probeCursor[type]; i < list.length; i += 1) {
    const probe = list[i];
    const px = this.x(probe.t);
    const index = Math.floor((px - LABEL_WIDTH) / BUCKET_PX);
    let bucket = buckets.get(index);
    if (!bucket) {
      const [tag, attrs] = shape(px);
      const el = svgEl(tag, { class: "probe-tick", "data-probe": type, ...attrs }, layer);
      bucket = { el, first: probe.t, last: probe.t, successes: 0, failures: 0, message: "", probe };
      buckets.set(index, bucket);
      const b = bucket;
      tip(el, () => this.probeTitle(lane, type, b, b.probe));
      el._mark = () => this.markInfo(lane, "probe", b.failures ? b.lastFailure : b.probe.t,
        { probe: type, failed: b.failures > 0, failures: b.failures, message: b.message });
    }
    bucket.last = probe.t;
    bucket.probe = probe;
    if (probe.failed) {
      bucket.failures += 1;
      bucket.message = probe.message;
      bucket.lastFailure = probe.t;
    } else {
      bucket.successes += 1;
    }
    setAttr(bucket.el, "data-result", bucket.failures ? "Failure" : "Success");
    if (bucket.failures) setAttr(bucket.el, "data-mark", "probe");
  }
  v.probeCursor[type] = list.length;
};

Timeline.prototype.probeTitle = function probeTitle(lane, type, bucket, probe) {
  const total = bucket.successes + bucket.failures;
  if (total === 1) {
    return `${type} probe of ${lane.container} at ${at(probe.t)}: ${probe.result}` +
      `${probe.message ? `\n${probe.message}` : ""}`;
  }
  let text = `${type} probe of ${lane.container}, ${total} runs ${at(bucket.first)} – ${at(bucket.last)}: ` +
    `${bucket.successes} Success, ${bucket.failures} Failure`;
  if (bucket.message) text += `\nlast failure: ${bucket.message}`;
  return text;
};

/** Memory use as a step line inside the bar: its top edge is the memory limit. */
Timeline.prototype.drawMemory = function drawMemory(lane, end) {
  const v = this.views.get(lane);
  const m = v.mem;
  if (!lane.memoryLimit) return;
  const limit = Number(lane.memoryLimit);
  let changed = false;
  for (; m.cursor < lane.memory.length; m.cursor += 1) {
    const [t, bytes] = lane.memory[m.cursor];
    const px = Math.round(this.x(t) * 2) / 2;
    if (bytes === null) {
      if (m.penDown) m.parts.push(`H ${px}`);
      m.penDown = false;
      changed = true;
      continue;
    }
    const fraction = Math.min(1, Math.max(0, bytes / limit));
    const py = (BAR_Y + BAR_H - 1 - fraction * (BAR_H - 2)).toFixed(1);
    if (!m.penDown) {
      m.parts.push(`M ${px} ${py}`);
      m.penDown = true;
    } else if (px === m.lastPx && m.parts.length && m.parts[m.parts.length - 1].startsWith("V")) {
      m.parts[m.parts.length - 1] = `V ${py}`;
    } else {
      m.parts.push(`H ${px}`, `V ${py}`);
    }
    m.lastPx = px;
    changed = true;
  }
  const tail = m.penDown ? ` H ${this.x(end)}` : "";
  if (changed || m.penDown) setAttr(v.memPath, "d", m.parts.join(" ") + tail);
  if (!v.memPath._tip) {
    tip(v.memPath, () => {
      const res = lane.resources;
      const pct = Math.round((100 * usedMemory(res)) / limit);
      return `memory of ${lane.container}: ${formatBytes(usedMemory(res))} of ${formatBytes(limit)} limit (${pct}%) at ${at(res.t)}`;
    });
  }
};