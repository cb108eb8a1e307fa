/* Pod Playground timeline: one SVG lane per container, grouped by Pod.
 *
 * A view over the run store (runstore.js): the store folds the records (see
 * cluster_sim/DESIGN.md) into Pods, lanes and owners as they arrive
 * (store.lanes, podlanes.js); the timeline keeps only what it drew (the SVG
 * elements of each Pod, lane and owner, in `views`), the layout and the zoom,
 * and reads the store when it draws. The page gives it the simulated time with
 * setNow(). The SVG is brought up to date at most once per animation frame,
 * and incrementally: each lane keeps the elements it already drew and only
 * adds new marks and stretches what is still open. The time axis grows in
 * steps (30 s, 1 min, 2 min, ...), and only a step, a resize or a reset
 * redraws everything.
 *
 * A container's lane is drawn by timelinelane.js; a Pod's header row (here)
 * shows the Terminating band and its deletion.
 *
 * The view time: setView(t) shows the timeline as it was at t (the page is
 * scrubbed back): a veil covers everything after t, Pods and lanes that did
 * not exist yet are hidden, and a playhead marks t. setView(null) follows the
 * live edge again. Nothing is redrawn for that: the veil is an HTML layer of
 * its own, moved with a transform, so scrubbing repaints none of the marks.
 */

import { formatSeconds } from "./format.js";
import { podName as shortPod } from "./podkey.js";

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
const DOMAINS = [30, 60, 120, 180, 300, 450, 600, 900, 1200, 1800, 2400, 3600, 5400, 7200,
  10800, 14400, 21600, 28800, 43200, 86400];
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600];

/* ---------- formatting ---------- */

function at(t) {
  return `${Number(t).toFixed(1)}s`;
}

function truncate(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
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

  /* The store's model, read where it is drawn (podlanes.js, ownerlanes.js). */
  get pods() { return this.store.lanes.pods; } // pod key -> Pod, its lanes in `order`
  get owners() { return this.store.lanes.owners; } // workload key -> owner
  get clusterActions() { return this.store.lanes.clusterActions; } // actions on the cluster row
  get started() { return this.store.lanes.started; }

  reset() {
    this.views = new WeakMap(); // Pod, lane, owner or pipeline run (the store's) -> its drawn elements
    this.ownerRows = new Map(); // owner key -> {collapsed, unfolded}: what the user folded
    this.seenLayout = -1; // the store's layoutVersion last laid out
    this.horizon = null; // the run's horizon: the time axis never goes past it
    this.ended = false; // the run is over: the time axis fits it exactly
    this.now = 0;
    this.view = null; // null: follow the live edge; else the simulated time shown
    this.shownView = undefined; // the view the SVG shows
    this.selected = this.selected || null;
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
    const oldView = old ? this.views.get(old) : null;
    if (oldView) oldView.g.classList.remove("selected");
    this.selected = key;
    const pod = key ? this.pods.get(key) : null;
    const view = pod ? this.views.get(pod) : null;
    if (view) view.g.classList.add("selected");
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
    const lanes = this.store.lanes;
    if (lanes.layoutVersion !== this.seenLayout) { // rows appeared or moved
      this.seenLayout = lanes.layoutVersion;
      this.layoutDirty = true;
    }
    const width = Math.max(360, this.measuredWidth || 720);
    const zoom = this.zoom;
    const domain = zoom ? zoom.span : this.fitDomain();
    const t0 = zoom ? zoom.t0 : 0;
    if (!this.built || this.built.width !== width || this.built.domain !== domain || this.built.t0 !== t0) {
      this.build(width, domain, t0);
    }
    for (const pod of this.pods.values()) {
      if (!this.views.has(pod)) this.createPodView(pod);
      this.renderPod(pod);
      for (const lane of pod.order) {
        if (!this.views.has(lane)) this.createLaneView(lane);
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
      const v = this.views.get(pod);
      if (!v) continue;
      const hidden = pod.firstSeen > t || this.podTucked(pod, t);
      if (v.hidden !== hidden) {
        v.hidden = hidden;
        setAttr(v.g, "display", hidden ? "none" : "inline");
        this.layoutDirty = true;
      }
      for (const lane of pod.order) {
        const lv = this.views.get(lane);
        if (!lv) continue;
        const laneHidden = lane.firstSeen > t;
        if (lv.hidden !== laneHidden) {
          lv.hidden = laneHidden;
          setAttr(lv.g, "display", laneHidden ? "none" : "inline");
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

    this.views = new WeakMap(); // everything is drawn again
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
      const v = this.views.get(pod);
      if (!v || v.hidden) continue;
      this.indentPod(pod, item.depth);
      const podTop = y;
      setAttr(v.g, "transform", `translate(0 ${podTop})`);
      y += POD_HEADER;
      for (const lane of pod.order) {
        const lv = this.views.get(lane);
        if (!lv || lv.hidden) continue;
        setAttr(lv.g, "transform", `translate(0 ${y - podTop})`);
        lane.probeTypes.forEach((type, i) => {
          const layer = lv.probeLayers[type];
          if (layer) setAttr(layer, "transform", `translate(0 ${PROBE_Y + i * PROBE_ROW})`);
        });
        y += this.laneHeight(lane) + LANE_GAP;
      }
      const height = y - podTop;
      setAttr(v.deletedLine, "y2", height - LANE_GAP);
      setAttr(v.deletedHit, "height", height - LANE_GAP - 2);
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
    this.views.set(pod, { g, label, band, termText, marks, deleted, deletedHit, deletedLine, deletedText, deletes: 0, actions: 0, hidden: false });
    if (this.selected === pod.key) g.classList.add("selected");
    this.layoutDirty = true;
  }

  renderPod(pod) {
    const v = this.views.get(pod);
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

}

// For the modules that extend the timeline (timelinelane.js, timelinezoom.js,
// timelineactions.js, timelineowners.js, timelinebatch.js, timelineexport.js, netpol.js).
const kit = {
  SVG_NS, LABEL_WIDTH, AXIS_HEIGHT, BAR_Y, BAR_H, READY_Y, READY_H,
  svgEl, setAttr, tip, at, shortPod, truncate, pickDomain,
};

export { Timeline, kit };
