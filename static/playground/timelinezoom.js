/* Pod Playground timeline: the time window, zoom and pan.
 *
 * Unzoomed, the window is the whole run (fitDomain); zoomed, it is
 * {t0, span}. Ctrl/Cmd+wheel zooms around the pointer, Shift+wheel or a
 * middle-button drag pans, Fit returns to the whole run. A zoom or a pan
 * redraws everything, once per frame.
 */
import { Timeline, kit } from "./timeline.js";

const { LABEL_WIDTH, pickDomain } = kit;


/** The whole run's time axis: a run that is over fits exactly; a live one
 * grows in steps (each step redraws everything) but never past the horizon. */
Timeline.prototype.fitDomain = function fitDomain() {
  if (this.ended) return Math.max(1, this.now);
  const domain = pickDomain(this.now);
  return this.horizon ? Math.max(this.now, 1, Math.min(domain, this.horizon)) : domain;
};

/** The run's horizon (seconds) and whether the run is over; both fit the axis. */
Timeline.prototype.setRunExtent = function setRunExtent(horizon, ended) {
  const h = horizon ? Number(horizon) : null;
  if (h === this.horizon && Boolean(ended) === this.ended) return;
  this.horizon = h;
  this.ended = Boolean(ended);
  this.scheduleRender();
  // An ended run's axis is drawn before its status says so: whoever reads the
  // timeline once the page says "stopped" or "finished" sees its final shape.
  if (this.ended) this.flush();
};

/** The time window shown: {t0, span}. */
Timeline.prototype.window = function window() {
  return this.zoom ? { t0: this.zoom.t0, span: this.zoom.span } : { t0: 0, span: this.fitDomain() };
};

/** Zoom by `factor` (< 1 zooms in) around the time `anchor` (default: the middle). */
Timeline.prototype.zoomBy = function zoomBy(factor, anchor) {
  const w = this.window();
  const full = Math.max(this.fitDomain(), w.t0 + w.span);
  const span = Math.min(full, Math.max(2, w.span * factor));
  const at = anchor === undefined || anchor === null ? w.t0 + w.span / 2 : anchor;
  const t0 = at - ((at - w.t0) * span) / w.span;
  this.setWindow(t0, span);
};

Timeline.prototype.panBy = function panBy(seconds) {
  const w = this.window();
  if (!this.zoom) return;
  this.setWindow(w.t0 + seconds, w.span);
};

Timeline.prototype.setWindow = function setWindow(t0, span) {
  const full = this.fitDomain();
  if (span >= full - 1e-9 && t0 <= 1e-9) {
    this.fit();
    return;
  }
  const limit = Math.max(full, this.now) - span;
  const start = Math.round(Math.min(Math.max(0, t0), Math.max(0, limit)) * 1000) / 1000;
  this.zoom = { t0: start, span: Math.round(span * 1000) / 1000 };
  this.scheduleRender();
};

/** Back to the whole run. */
Timeline.prototype.fit = function fit() {
  if (!this.zoom) return;
  this.zoom = null;
  this.scheduleRender();
};

/** The time under a client x anywhere over the timeline, unclamped to the live edge. */
Timeline.prototype.timeUnder = function timeUnder(clientX) {
  const svg = this.axisSvg;
  if (!svg) return null;
  const box = svg.getBoundingClientRect();
  const x = (clientX - box.left) * (this.width / Math.max(1, box.width));
  if (x < LABEL_WIDTH) return null;
  return this.t0 + (x - LABEL_WIDTH) / this.scale;
};

Timeline.prototype.installZoom = function installZoom() {
  const el = this.element;
  el.addEventListener("wheel", (event) => {
    if (!this.started) return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      const delta = event.deltaY || event.deltaX;
      this.zoomBy(delta > 0 ? 1.25 : 0.8, this.timeUnder(event.clientX));
    } else if (event.shiftKey && this.zoom) {
      event.preventDefault();
      const delta = event.deltaY || event.deltaX;
      this.panBy((Math.sign(delta) * this.zoom.span) / 10);
    }
  }, { passive: false });
  el.addEventListener("pointerdown", (event) => {
    if (event.button !== 1 || !this.zoom) return;
    event.preventDefault();
    el.setPointerCapture(event.pointerId);
    const startX = event.clientX;
    const start = this.zoom.t0;
    const span = this.zoom.span;
    const box = this.axisSvg.getBoundingClientRect();
    const perPx = (this.width / Math.max(1, box.width)) / this.scale;
    const move = (e) => this.setWindow(start - (e.clientX - startX) * perPx, span);
    const up = () => {
      el.removeEventListener("pointermove", move);
      el.removeEventListener("pointerup", up);
      el.removeEventListener("pointercancel", up);
    };
    el.addEventListener("pointermove", move);
    el.addEventListener("pointerup", up);
    el.addEventListener("pointercancel", up);
  });
  el.addEventListener("auxclick", (event) => { if (event.button === 1) event.preventDefault(); });
};
