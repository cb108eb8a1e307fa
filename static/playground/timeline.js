/* Pod Playground timeline: one SVG lane per container, grouped by Pod.
 *
 * The page feeds it records (see cluster_sim/DESIGN.md) with addRecord() and
 * the simulated time with setNow(). Records only change the model; the SVG is
 * brought up to date at most once per animation frame, and incrementally:
 * each lane keeps the elements it already drew and only adds new marks and
 * stretches what is still open. The time axis grows in steps (30 s, 1 min,
 * 2 min, ...), and only a step, a resize or a reset redraws everything.
 *
 * A lane, top to bottom (lane-local y):
 *   0..BAR_Y      restart ▼, lifecycle hook spans, Scenario kill actions
 *   bar           state segments coloured by reason; the end of every run;
 *                 grace-period hatching, CPU throttling, memory use vs limit,
 *                 SIGTERM / SIGKILL / OOM markers
 *   ready band    when the container was ready
 *   probe rows    one row per probe type the container has
 * A Pod's header row shows the Terminating band and its deletion.
 *
 * The view time: setView(t) shows the timeline as it was at t (the page is
 * scrubbed back): a veil covers everything after t, Pods and lanes that did
 * not exist yet are hidden, and a playhead marks t. setView(null) follows the
 * live edge again. Nothing is redrawn for that: the veil is an HTML layer of
 * its own, moved with a transform, so scrubbing repaints none of the marks.
 */

import { formatBytes, formatSeconds } from "./format.js";
import { podKey } from "./runstore.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const LABEL_WIDTH = 172;
const RIGHT_PAD = 14;
const AXIS_HEIGHT = 20;
const POD_HEADER = 20;
const BAR_Y = 12;
const BAR_H = 16;
const READY_Y = BAR_Y + BAR_H + 1;
const READY_H = 3;
const PROBE_Y = READY_Y + READY_H + 3;
const PROBE_ROW = 11;
const LANE_GAP = 6;
const POD_GAP = 8;
const BUCKET_PX = 7; // about one probe mark's width
const PROBE_TYPES = ["startup", "readiness", "liveness"];
const DOMAINS = [30, 60, 120, 180, 300, 450, 600, 900, 1200, 1800, 2400, 3600, 5400, 7200,
  10800, 14400, 21600, 28800, 43200, 86400];
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600];

/* ---------- formatting ---------- */

function at(t) {
  return `${Number(t).toFixed(1)}s`;
}

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

function shortPod(key) {
  return key.startsWith("default/") ? key.slice("default/".length) : key;
}

function truncate(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function msKey(t) {
  return Math.round(Number(t) * 1000);
}

function stateLabel(seg) {
  let text = seg.state;
  if (seg.reason) text += ` (${seg.reason})`;
  if (seg.exitCode !== null && seg.exitCode !== undefined) text += `, exit code ${seg.exitCode}`;
  return text;
}

/* ---------- SVG helpers ---------- */

function svgEl(tag, attrs, parent) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, String(value));
  if (parent) parent.appendChild(el);
  return el;
}

function setAttr(el, name, value) {
  const text = String(value);
  if (el.getAttribute(name) !== text) el.setAttribute(name, text);
}

function setTitle(el, text) {
  if (!el._title) {
    el._title = svgEl("title", {}, null);
    el.insertBefore(el._title, el.firstChild);
  }
  if (el._title.textContent !== text) el._title.textContent = text;
}

/** Give a mark a tooltip. Its <title> is written when the pointer reaches the
 * mark, from the model as it is then: thousands of marks cost no text nodes,
 * and an open interval needs no title update per frame. */
function tip(el, text) {
  el._tip = text;
}

function showTip(event) {
  for (let el = event.target; el && el !== event.currentTarget; el = el.parentNode) {
    if (el._tip) {
      setTitle(el, el._tip());
      return;
    }
  }
}

function pickDomain(now) {
  const want = now * 1.05;
  return DOMAINS.find((d) => d >= want) || Math.ceil(want / 86400) * 86400;
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

/* ---------- the timeline ---------- */

class Timeline {
  /** `store`: the run's RunStore (runstore.js), which the timeline reads where it keeps no copy. */
  constructor(element, store) {
    this.element = element;
    this.store = store;
    this.frameRequested = false;
    this.measuredWidth = 0;
    this.renderMs = []; // how long each render took (bench/page_timeline.py reads them)
    // Fewer renders while a run goes flat out: every time-axis step there
    // redraws all marks, and the records arrive faster than anyone can read.
    this.minInterval = 0;
    this.lastRender = -Infinity;
    this.zoom = null; // null: fit the whole run; else {t0, span} in seconds
    this.reset();
    this.installZoom();
    // The width is read when the element resizes, never while drawing: a
    // layout read there would force a layout of everything the page changed.
    new ResizeObserver((entries) => {
      const width = Math.floor(entries[entries.length - 1].contentRect.width);
      if (width !== this.measuredWidth) {
        this.measuredWidth = width;
        this.scheduleRender();
      }
    }).observe(element);
  }

  reset() {
    this.pods = new Map(); // pod key -> pod model
    this.owners = new Map(); // workload key -> owner model (timelineowners.js)
    this.clusterActions = []; // actions drawn on the cluster row
    this.horizon = null; // the run's horizon: the time axis never goes past it
    this.ended = false; // the run is over: the time axis fits it exactly
    this.now = 0;
    this.view = null; // null: follow the live edge; else the simulated time shown
    this.shownView = undefined; // the view the SVG shows
    this.selected = this.selected || null;
    this.started = false;
    this.zoom = null;
    this.built = null; // {width, domain} of the drawn SVG
    this.layoutDirty = true;
    this.scheduleRender();
  }

  setNow(now) {
    this.now = Math.max(this.now, now);
    this.scheduleRender();
  }

  /** Show the timeline as it was at t; null follows the live edge. */
  setView(t) {
    const view = t === null || t === undefined || t >= this.now ? null : Math.max(0, t);
    if (view === this.view) return;
    this.view = view;
    this.scheduleRender();
  }

  /** Highlight a Pod (the one the inspector shows). */
  select(key) {
    if (this.selected === key) return;
    const old = this.selected ? this.pods.get(this.selected) : null;
    if (old && old.view) old.view.g.classList.remove("selected");
    this.selected = key;
    const pod = key ? this.pods.get(key) : null;
    if (pod && pod.view) pod.view.g.classList.add("selected");
  }

  /** The time shown: the view time, or the live edge. */
  shownTime() {
    return this.view === null ? this.now : this.view;
  }

  scheduleRender() {
    if (this.frameRequested) return;
    this.frameRequested = true;
    window.requestAnimationFrame(() => this.flush());
  }

  /** Render now if a render is due (the page calls it from its own frame callback). */
  flush() {
    if (!this.frameRequested) return;
    const began = performance.now();
    if (this.minInterval && began - this.lastRender < this.minInterval) {
      window.requestAnimationFrame(() => this.flush()); // later, not never
      return;
    }
    this.frameRequested = false;
    this.lastRender = began;
    this.render();
    this.renderMs.push(performance.now() - began);
    if (this.renderMs.length > 600) this.renderMs.shift();
  }

  /* ----- drawing ----- */

  x(t) {
    const lo = this.t0 - this.domain;
    const hi = this.t0 + 2 * this.domain;
    return LABEL_WIDTH + (Math.min(Math.max(t, lo, 0), hi) - this.t0) * this.scale;
  }

  render() {
    if (!this.started) {
      if (!this.emptyShown) {
        this.element.innerHTML = '<p class="empty">Press Run to start the simulation.</p>';
        this.emptyShown = true;
        this.built = null;
      }
      return;
    }
    this.emptyShown = false;
    const width = Math.max(360, this.measuredWidth || 720);
    const zoom = this.zoom;
    const domain = zoom ? zoom.span : this.fitDomain();
    const t0 = zoom ? zoom.t0 : 0;
    if (!this.built || this.built.width !== width || this.built.domain !== domain || this.built.t0 !== t0) {
      this.build(width, domain, t0);
    }
    for (const pod of this.pods.values()) {
      if (!pod.view) this.createPodView(pod);
      this.renderPod(pod);
      for (const lane of pod.order) {
        if (!lane.view) this.createLaneView(lane);
        this.renderLane(lane);
      }
    }
    this.renderClusterActions();
    this.renderOwners(); // Deployments, ReplicaSets, ReplicationControllers (timelineowners.js)
    this.applyView();
    if (this.layoutDirty) this.layout();
    const nowX = this.x(this.now);
    setAttr(this.nowLine, "x1", nowX);
    setAttr(this.nowLine, "x2", nowX);
    setAttr(this.nowHead, "transform", `translate(${nowX} 0)`);
  }

  /** Clip what happened after the view time; hide Pods and lanes that did not exist yet. */
  applyView() {
    const view = this.view;
    const t = this.shownTime();
    for (const pod of this.pods.values()) {
      if (!pod.view) continue;
      const hidden = pod.firstSeen > t || this.podTucked(pod, t);
      if (pod.view.hidden !== hidden) {
        pod.view.hidden = hidden;
        setAttr(pod.view.g, "display", hidden ? "none" : "inline");
        this.layoutDirty = true;
      }
      for (const lane of pod.order) {
        if (!lane.view) continue;
        const laneHidden = lane.firstSeen > t;
        if (lane.view.hidden !== laneHidden) {
          lane.view.hidden = laneHidden;
          setAttr(lane.view.g, "display", laneHidden ? "none" : "inline");
          this.layoutDirty = true;
        }
      }
    }
    if (view === null) {
      if (this.shownView !== null) {
        this.veil.hidden = true;
        setAttr(this.viewHead, "visibility", "hidden");
        setAttr(this.svg, "data-view", "live");
      }
    } else {
      const vx = this.x(view);
      // In CSS pixels of the body: the SVG is drawn 1:1 (width = its viewBox).
      this.veil.hidden = false;
      this.veil.style.transform = `translateX(${vx.toFixed(2)}px)`;
      this.veil.style.width = `${Math.max(0, this.width - vx)}px`;
      setAttr(this.viewHead, "transform", `translate(${vx} 0)`);
      setAttr(this.viewHead, "visibility", "visible");
      setAttr(this.svg, "data-view", view.toFixed(3));
    }
    this.shownView = view;
  }

  /** The simulated time under a client x coordinate of the axis or the lanes. */
  timeAt(clientX) {
    const svg = this.axisSvg;
    if (!svg) return 0;
    const box = svg.getBoundingClientRect();
    const x = (clientX - box.left) * (this.width / Math.max(1, box.width));
    return Math.min(this.now, Math.max(0, this.t0 + (x - LABEL_WIDTH) / this.scale));
  }

  /** Draw everything from scratch for a new width or time domain. */
  build(width, domain, t0) {
    const oldBody = this.body;
    const scrollTop = oldBody ? oldBody.scrollTop : 0;
    this.built = { width, domain, t0: t0 || 0 };
    this.width = width;
    this.domain = domain;
    this.t0 = t0 || 0;
    this.plotWidth = width - LABEL_WIDTH - RIGHT_PAD;
    this.scale = this.plotWidth / domain;

    const head = document.createElement("div");
    head.className = "timeline-head";
    const axis = svgEl("svg", {
      class: "timeline-svg timeline-axis", width, height: AXIS_HEIGHT,
      viewBox: `0 0 ${width} ${AXIS_HEIGHT}`, "aria-hidden": "true",
    }, head);
    this.axisSvg = axis;
    // Click or drag on the axis to scrub (the scrubber is the keyboard way).
    svgEl("rect", { class: "axis-hit", "data-skip-export": "true", x: LABEL_WIDTH, y: 0, width: this.plotWidth, height: AXIS_HEIGHT }, axis);
    axis.addEventListener("pointerdown", (event) => {
      if (!this.onSeek || event.button !== 0) return;
      axis.setPointerCapture(event.pointerId);
      this.onSeek(this.timeAt(event.clientX));
      const move = (e) => this.onSeek(this.timeAt(e.clientX));
      const up = () => {
        axis.removeEventListener("pointermove", move);
        axis.removeEventListener("pointerup", up);
        axis.removeEventListener("pointercancel", up);
      };
      axis.addEventListener("pointermove", move);
      axis.addEventListener("pointerup", up);
      axis.addEventListener("pointercancel", up);
    });
    const body = document.createElement("div");
    body.className = "timeline-body";
    const svg = svgEl("svg", {
      class: "timeline-svg timeline-lanes", width, height: 40, viewBox: `0 0 ${width} 40`,
      role: "img", "aria-label": "Container timeline",
    }, body);
    this.svg = svg;
    this.body = body;
    svg.addEventListener("pointerover", showTip);
    // Marks drawn past the ends of a zoomed window are clipped to the plot.
    const defs = svgEl("defs", { "data-skip-export": "true" }, svg);
    const clip = svgEl("clipPath", { id: "timeline-plot-clip" }, defs);
    this.clipRect = svgEl("rect", { x: LABEL_WIDTH - 6, y: -10, width: this.plotWidth + 12, height: 100000 }, clip);
    svg.addEventListener("click", (event) => {
      const markEl = event.target.closest && event.target.closest("[data-mark]");
      if (markEl && markEl._mark && this.onSelectMark) {
        this.onSelectMark(markEl._mark());
        return;
      }
      const group = event.target.closest && event.target.closest(".pod-group");
      if (group && this.onSelectPod) this.onSelectPod(group.dataset.pod);
    });
    // What happened after the view time, hidden (see setView).
    this.veil = document.createElement("div");
    this.veil.className = "timeline-veil view-line";
    this.veil.hidden = true;
    this.veil.setAttribute("aria-hidden", "true");
    this.veil.title = "Not yet: this is after the time shown";
    body.append(this.veil);

    const maxTicks = Math.max(2, Math.floor(this.plotWidth / 70));
    const step = TICK_STEPS.find((s) => domain / s <= maxTicks) || TICK_STEPS[TICK_STEPS.length - 1];
    this.grid = svgEl("g", { class: "grid" }, svg);
    this.gridLines = [];
    for (let t = Math.ceil(this.t0 / step) * step; t <= this.t0 + domain + 1e-9; t += step) {
      const tx = this.x(t);
      svgEl("text", { class: "tick-label", x: tx, y: AXIS_HEIGHT - 7 }, axis).textContent = formatSeconds(t);
      svgEl("line", { class: "tick", x1: tx, x2: tx, y1: AXIS_HEIGHT - 4, y2: AXIS_HEIGHT }, axis);
      this.gridLines.push(svgEl("line", { class: "tick", x1: tx, x2: tx, y1: 0, y2: 40 }, this.grid));
    }
    setAttr(axis, "data-t0", this.t0);
    setAttr(axis, "data-span", domain);
    this.nowHead = svgEl("path", { class: "now-head", d: `M -4 ${AXIS_HEIGHT - 5} L 4 ${AXIS_HEIGHT - 5} L 0 ${AXIS_HEIGHT} Z` }, axis);
    this.viewHead = svgEl("path", { class: "view-head", visibility: "hidden", d: `M -5.5 1 L 5.5 1 L 5.5 ${AXIS_HEIGHT - 6} L 0 ${AXIS_HEIGHT} L -5.5 ${AXIS_HEIGHT - 6} Z` }, axis);
    this.podLayer = svgEl("g", { class: "pods", "data-layer": "pods" }, svg);
    this.clusterView = null; // the cluster row, drawn once it has an action (timelineactions.js)
    this.nowLine = svgEl("line", { class: "now-line", x1: 0, x2: 0, y1: 0, y2: 40 }, svg);
    this.shownView = undefined;

    for (const pod of this.pods.values()) {
      pod.view = null;
      for (const lane of pod.lanes.values()) lane.view = null;
    }
    for (const owner of this.owners.values()) owner.view = null;
    this.element.replaceChildren(head, body);
    body.scrollTop = scrollTop;
    this.layoutDirty = true;
  }

  /** Position Pods and lanes one under the other. */
  layout() {
    this.layoutDirty = false;
    let y = 4 + this.clusterRowHeight();
    for (const item of this.layoutOrder()) { // Pods under their owners (timelineowners.js)
      const pod = item.pod;
      if (!pod) { y = this.layoutOwner(item, y); continue; }
      if (!pod.view || pod.view.hidden) continue;
      this.indentPod(pod, item.depth);
      const podTop = y;
      setAttr(pod.view.g, "transform", `translate(0 ${podTop})`);
      y += POD_HEADER;
      for (const lane of pod.order) {
        if (!lane.view || lane.view.hidden) continue;
        setAttr(lane.view.g, "transform", `translate(0 ${y - podTop})`);
        lane.probeTypes.forEach((type, i) => {
          const layer = lane.view.probeLayers[type];
          if (layer) setAttr(layer, "transform", `translate(0 ${PROBE_Y + i * PROBE_ROW})`);
        });
        y += this.laneHeight(lane) + LANE_GAP;
      }
      const height = y - podTop;
      setAttr(pod.view.deletedLine, "y2", height - LANE_GAP);
      setAttr(pod.view.deletedHit, "height", height - LANE_GAP - 2);
      y += POD_GAP;
    }
    const height = Math.max(40, y);
    // The body is size-contained (a layout root), so its height is set here.
    this.body.style.height = `${height}px`;
    setAttr(this.svg, "height", height);
    setAttr(this.svg, "viewBox", `0 0 ${this.width} ${height}`);
    for (const line of this.gridLines) setAttr(line, "y2", height);
    setAttr(this.nowLine, "y2", height);
    this.veil.style.height = `${height}px`;
  }

  laneHeight(lane) {
    const rows = lane.probeTypes.length;
    return rows ? PROBE_Y + rows * PROBE_ROW : READY_Y + READY_H + 1;
  }

  /* ----- a Pod's header ----- */

  createPodView(pod) {
    const g = svgEl("g", { class: "pod-group", "data-pod": pod.key }, this.podLayer);
    const label = svgEl("text", { class: "pod-label", x: 4, y: 14 }, g);
    tip(label, () => `Pod ${pod.key}${pod.status ? `: ${pod.status}` : ""}` +
      `${pod.qosClass ? `, QoS ${pod.qosClass}` : ""}` +
      `${pod.deletedAt !== null ? `, deleted at ${at(pod.deletedAt)}` : ""}`);
    const labelText = svgEl("tspan", {}, label);
    labelText.textContent = truncate(shortPod(pod.key), 22);
    const band = svgEl("rect", { class: "terminating-band", x: 0, y: 12, width: 0, height: 7, visibility: "hidden" }, g);
    tip(band, () => {
      const grace = pod.deletes.length && pod.deletes[0].args.gracePeriodSeconds !== undefined
        ? `, grace period ${pod.deletes[0].args.gracePeriodSeconds}s` : "";
      return `Pod ${shortPod(pod.key)} Terminating since ${at(pod.terminatingSince)}${grace}` +
        (pod.deletedAt === null ? "" : `; deleted at ${at(pod.deletedAt)}`);
    });
    const termText = svgEl("text", { class: "pod-note terminating-note", x: 0, y: 9, visibility: "hidden" }, g);
    termText.textContent = "Terminating";
    const marks = svgEl("g", { class: "pod-marks", "clip-path": "url(#timeline-plot-clip)" }, g);
    const deleted = svgEl("g", { class: "deleted-marker", visibility: "hidden" }, g);
    // A wider transparent strip makes the thin line easy to hover.
    const deletedHit = svgEl("rect", { class: "hit", x: -3, y: 2, width: 6, height: POD_HEADER }, deleted);
    const deletedLine = svgEl("line", { x1: 0, x2: 0, y1: 2, y2: POD_HEADER }, deleted);
    tip(deleted, () => `Pod ${pod.key} deleted at ${at(pod.deletedAt)}`);
    const deletedText = svgEl("text", { class: "pod-note deleted-note", x: 0, y: 9, visibility: "hidden" }, g);
    deletedText.textContent = "deleted";
    pod.view = { g, label, band, termText, marks, deleted, deletedHit, deletedLine, deletedText, deletes: 0, actions: 0, hidden: false };
    if (this.selected === pod.key) g.classList.add("selected");
    this.layoutDirty = true;
  }

  renderPod(pod) {
    const v = pod.view;
    setAttr(v.g, "data-status", pod.status);
    const end = pod.deletedAt === null ? this.now : pod.deletedAt;
    if (pod.terminatingSince !== null) {
      const x0 = this.x(pod.terminatingSince);
      setAttr(v.band, "visibility", "visible");
      setAttr(v.band, "x", x0);
      setAttr(v.band, "width", Math.max(2, this.x(end) - x0));
      setAttr(v.band, "data-start", pod.terminatingSince);
      setAttr(v.termText, "x", x0 + 2);
      setAttr(v.termText, "visibility", pod.deletedAt === null || pod.deletedAt > this.shownTime() ? "visible" : "hidden");
    }
    for (; v.deletes < pod.deletes.length; v.deletes += 1) {
      const del = pod.deletes[v.deletes];
      const dx = this.x(del.t);
      const mark = svgEl("path", {
        class: "action-marker", "data-action": "delete",
        d: `M ${dx - 4} 1 L ${dx + 4} 1 L ${dx} 8 Z`,
      }, v.marks);
      const grace = del.args.gracePeriodSeconds === undefined ? "" : ` --grace-period=${del.args.gracePeriodSeconds}`;
      tip(mark, () => `${at(del.t)}: kubectl delete pod ${shortPod(pod.key)}${grace} (${del.live ? "live" : "Scenario"} action)`);
    }
    for (; v.actions < pod.actions.length; v.actions += 1) this.drawPodAction(pod, pod.actions[v.actions]);
    const deletedAtView = pod.deletedAt !== null && pod.deletedAt <= this.shownTime();
    if (deletedAtView !== (v.g.dataset.deleted === "true")) {
      v.g.dataset.deleted = String(deletedAtView);
      v.g.classList.toggle("deleted", deletedAtView);
      setAttr(v.label, "class", deletedAtView ? "pod-label deleted" : "pod-label");
    }
    if (pod.deletedAt !== null) {
      setAttr(v.deleted, "transform", `translate(${this.x(pod.deletedAt)} 0)`);
      setAttr(v.deleted, "visibility", "visible");
      setAttr(v.deletedText, "x", this.x(pod.deletedAt) + 3);
      setAttr(v.deletedText, "visibility", "visible");
    }
  }

  /* ----- a container lane ----- */

  createLaneView(lane) {
    const pod = lane.pod;
    const g = svgEl("g", {
      class: "lane", "data-pod": pod.key, "data-container": lane.container,
      "data-init": lane.init, "data-sidecar": lane.sidecar, "data-restarts": lane.restartCount,
    }, pod.view.g);
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
    lane.view = {
      g, label, bg, layers, memPath,
      segs: [], ready: [], graces: [], hooks: [], throttles: [],
      restarts: 0, signals: 0, ooms: 0, actions: 0,
      probeLayers: {}, probeCursor: {}, buckets: {},
      mem: { cursor: 0, parts: [], lastPx: null, penDown: false },
      hidden: false,
    };
    this.layoutDirty = true;
  }

  /** The restart count of a lane at the time shown. */
  restartsAt(lane) {
    if (this.view === null) return lane.restartCount;
    let count = 0;
    for (const restart of lane.restarts) if (restart.t <= this.view) count = restart.count;
    return count;
  }

  laneEnd(lane) {
    return lane.pod.deletedAt === null ? this.now : lane.pod.deletedAt;
  }

  renderLane(lane) {
    const v = lane.view;
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
  }

  /** "the container ended at 50.0s: SIGKILL, exit code 137" from the marks at that time. */
  howRunEnded(lane, t) {
    const key = msKey(t);
    const killed = lane.signals.some((signal) => signal.signal === "SIGKILL" && msKey(signal.t) === key);
    const seg = lane.segments.find((s) => s.state === "terminated" && msKey(s.start) === key);
    const parts = [];
    if (killed) parts.push("SIGKILL");
    if (seg) parts.push(`${seg.reason ? `${seg.reason}, ` : ""}exit code ${seg.exitCode}`);
    return `the container ended at ${at(t)}${parts.length ? ` (${parts.join(", ")})` : ""}`;
  }

  /** What a clicked mark stands for (the page links it to an event and a manifest line). */
  markInfo(lane, kind, t, extra) {
    const hook = lane.hooks.find((h) => h.hook === "preStop" && h.start <= t + 0.05);
    return {
      kind, t, pod: lane.pod.key, container: lane.container, init: lane.init,
      preStop: Boolean(hook), ...extra,
    };
  }

  laneTitle(lane) {
    const res = lane.resources;
    let text = `${lane.sidecar ? "sidecar (restartable init) container" : lane.init ? "init container" : "container"} ${lane.container}` +
      `, restarts: ${lane.restartCount}`;
    if (res) {
      text += `\nmemory ${formatBytes(usedMemory(res))}${res.memoryLimit ? ` of ${formatBytes(res.memoryLimit)} limit` : " (no limit)"}`;
      text += `, CPU ${formatMilli(res.cpu)}${res.cpuLimit ? ` of ${formatMilli(res.cpuLimit)} limit` : ""}`;
      if (res.throttled) text += throttledText(res);
    }
    return text;
  }

  /** Create elements for new items; update the last drawn one (it may have been open). */
  syncIntervals(items, els, make, update) {
    for (let i = Math.max(0, els.length - 1); i < items.length; i += 1) {
      if (i >= els.length) els.push(make(items[i]));
      update(items[i], els[i]);
    }
  }

  placeInterval(el, item, end, minWidth) {
    const x0 = this.x(item.start);
    const x1 = this.x(item.end === null ? end : item.end);
    setAttr(el, "x", x0);
    setAttr(el, "width", Math.max(minWidth, x1 - x0));
  }

  makeSegment(lane, seg) {
    const layer = seg.instant ? lane.view.layers.ends : lane.view.layers.segs;
    const el = svgEl("rect", {
      class: seg.instant ? "seg run-end" : "seg", "data-state": seg.state,
      "data-reason": seg.reason || "", y: BAR_Y, height: BAR_H,
    }, layer);
    tip(el, () => this.segmentTitle(lane, seg));
    return el;
  }

  segmentTitle(lane, seg) {
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
  }

  updateSegment(lane, seg, el, end) {
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
  }

  drawRestart(lane, restart) {
    const rx = this.x(restart.t);
    const mark = svgEl("path", {
      class: "restart-marker", "data-restart": restart.count,
      d: `M ${rx - 4.5} 2 L ${rx + 4.5} 2 L ${rx} ${BAR_Y - 1} Z`,
      "data-mark": "restart",
    }, lane.view.layers.marks);
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
  }

  drawSignal(lane, signal) {
    const sx = this.x(signal.t);
    const cy = BAR_Y + BAR_H / 2;
    const g = svgEl("g", { class: "signal-marker", "data-signal": signal.signal, "data-t": signal.t, "data-mark": "signal" }, lane.view.layers.signals);
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
  }

  drawOom(lane, oom) {
    const ox = this.x(oom.t);
    const mark = svgEl("path", { class: "oom-marker", "data-mark": "oom", d: burstPath(ox, BAR_Y + BAR_H / 2, 6.5) }, lane.view.layers.signals);
    mark._mark = () => this.markInfo(lane, "oom", oom.t, { memory: oom.memory, limit: oom.limit });
    tip(mark, () => `OOM kill of ${lane.container} at ${at(oom.t)}: it asked for ${formatBytes(oom.memory)}, over its ${formatBytes(oom.limit)} limit`);
  }

  /** Probe ticks, one mark per few pixels: a mark stands for every probe in its bucket. */
  drawProbes(lane, type) {
    const v = lane.view;
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
  }

  probeTitle(lane, type, bucket, probe) {
    const total = bucket.successes + bucket.failures;
    if (total === 1) {
      return `${type} probe of ${lane.container} at ${at(probe.t)}: ${probe.result}` +
        `${probe.message ? `\n${probe.message}` : ""}`;
    }
    let text = `${type} probe of ${lane.container}, ${total} runs ${at(bucket.first)} – ${at(bucket.last)}: ` +
      `${bucket.successes} Success, ${bucket.failures} Failure`;
    if (bucket.message) text += `\nlast failure: ${bucket.message}`;
    return text;
  }

  /** Memory use as a step line inside the bar: its top edge is the memory limit. */
  drawMemory(lane, end) {
    const v = lane.view;
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
  }
}

// For the modules that extend the timeline (timelinemodel.js, timelinezoom.js,
// timelineactions.js, timelineowners.js, timelinebatch.js, timelineexport.js, netpol.js).
const kit = {
  SVG_NS, LABEL_WIDTH, AXIS_HEIGHT, BAR_Y, PROBE_TYPES,
  svgEl, setAttr, tip, at, shortPod, truncate, pickDomain, msKey, podKey,
};

export { Timeline, kit };
