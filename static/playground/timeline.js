/* Pod Playground timeline: one SVG lane per container, grouped by Pod.
 *
 * Fed with `container` records ({t, pod, container, init, state, reason,
 * exitCode, restartCount}); each record whose state or reason differs from
 * the lane's current one closes the current segment and opens a new one.
 * A rising restartCount puts a restart marker on the lane.
 */
(function () {
  "use strict";

  const SVG_NS = "http://www.w3.org/2000/svg";
  const LABEL_WIDTH = 150;
  const RIGHT_PAD = 16;
  const AXIS_HEIGHT = 22;
  const POD_HEADER = 22;
  const LANE_HEIGHT = 16;
  const LANE_GAP = 8;
  const MIN_DOMAIN = 30;
  const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

  function escapeXml(value) {
    return String(value).replace(/[&<>"']/g, (c) => ({
      "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    })[c]);
  }

  function formatSeconds(seconds) {
    const s = Math.round(seconds);
    if (s < 60) return `${s}s`;
    if (s < 3600) {
      const m = Math.floor(s / 60);
      const rest = s % 60;
      return rest ? `${m}m${rest}s` : `${m}m`;
    }
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return m ? `${h}h${m}m` : `${h}h`;
  }

  function segmentLabel(seg) {
    let text = seg.state;
    if (seg.reason) text += ` (${seg.reason})`;
    if (seg.exitCode !== null && seg.exitCode !== undefined) text += ` exit ${seg.exitCode}`;
    return text;
  }

  class Timeline {
    constructor(element) {
      this.element = element;
      this.frameRequested = false;
      this.reset();
      window.addEventListener("resize", () => this.scheduleRender());
    }

    reset() {
      this.pods = new Map(); // pod -> {name, lanes: Map(key -> lane)}
      this.now = 0;
      this.started = false;
      this.scheduleRender();
    }

    /** Apply one `container` record. */
    addContainerRecord(record) {
      this.started = true;
      let pod = this.pods.get(record.pod);
      if (!pod) {
        pod = { name: record.pod, lanes: new Map() };
        this.pods.set(record.pod, pod);
      }
      const key = `${record.init ? "init" : "app"}/${record.container}`;
      let lane = pod.lanes.get(key);
      if (!lane) {
        lane = {
          container: record.container,
          init: Boolean(record.init),
          segments: [],
          restarts: [],
          restartCount: record.restartCount || 0,
        };
        pod.lanes.set(key, lane);
      }
      const count = record.restartCount || 0;
      const restarted = count > lane.restartCount;
      if (restarted) {
        lane.restarts.push({ t: record.t, count });
      }
      lane.restartCount = Math.max(lane.restartCount, count);

      // A restart is a new container instance, so it always opens a segment.
      const last = lane.segments[lane.segments.length - 1];
      const same = last && last.state === record.state && last.reason === (record.reason || null);
      if (same && !restarted) {
        last.exitCode = record.exitCode;
        return;
      }
      if (last) last.end = record.t;
      lane.segments.push({
        start: record.t,
        end: null,
        state: record.state,
        reason: record.reason || null,
        exitCode: record.exitCode,
      });
    }

    setNow(now) {
      this.now = Math.max(this.now, now);
      this.scheduleRender();
    }

    scheduleRender() {
      if (this.frameRequested) return;
      this.frameRequested = true;
      window.requestAnimationFrame(() => {
        this.frameRequested = false;
        this.render();
      });
    }

    orderedLanes(pod) {
      // Init containers first, then app containers, each in order of appearance.
      const lanes = [...pod.lanes.values()];
      return lanes.filter((l) => l.init).concat(lanes.filter((l) => !l.init));
    }

    render() {
      if (!this.started) {
        this.element.innerHTML = '<p class="empty">Press Run to start the simulation.</p>';
        return;
      }
      const width = Math.max(360, this.element.clientWidth || 720);
      const plotWidth = width - LABEL_WIDTH - RIGHT_PAD;
      const domain = Math.max(this.now, MIN_DOMAIN);
      const x = (t) => LABEL_WIDTH + (Math.min(t, domain) / domain) * plotWidth;

      const parts = [];
      let y = AXIS_HEIGHT + 4;
      for (const pod of this.pods.values()) {
        parts.push(
          `<g class="pod-group" data-pod="${escapeXml(pod.name)}">` +
          `<text class="pod-label" x="4" y="${y + 14}">${escapeXml(pod.name)}</text>`,
        );
        y += POD_HEADER;
        for (const lane of this.orderedLanes(pod)) {
          parts.push(this.renderLane(pod, lane, y, x));
          y += LANE_HEIGHT + LANE_GAP;
        }
        parts.push("</g>");
      }
      const height = y + 4;
      const nowX = x(this.now);
      const svg =
        `<svg xmlns="${SVG_NS}" class="timeline-svg" width="${width}" height="${height}" ` +
        `viewBox="0 0 ${width} ${height}" role="img" aria-label="Container timeline">` +
        this.renderAxis(domain, plotWidth, height, x) +
        parts.join("") +
        `<line class="now-line" x1="${nowX}" x2="${nowX}" y1="${AXIS_HEIGHT}" y2="${height}"/>` +
        "</svg>";
      this.element.innerHTML = svg;
    }

    renderAxis(domain, plotWidth, height, x) {
      const maxTicks = Math.max(2, Math.floor(plotWidth / 70));
      const step = TICK_STEPS.find((s) => domain / s <= maxTicks) || TICK_STEPS[TICK_STEPS.length - 1];
      const out = ['<g class="axis">'];
      for (let t = 0; t <= domain + 1e-9; t += step) {
        const tx = x(t);
        out.push(
          `<line class="tick" x1="${tx}" x2="${tx}" y1="${AXIS_HEIGHT - 4}" y2="${height}"/>` +
          `<text class="tick-label" x="${tx}" y="${AXIS_HEIGHT - 8}">${formatSeconds(t)}</text>`,
        );
      }
      out.push("</g>");
      return out.join("");
    }

    renderLane(pod, lane, y, x) {
      const out = [
        `<g class="lane" data-pod="${escapeXml(pod.name)}" data-container="${escapeXml(lane.container)}"` +
        ` data-init="${lane.init}" data-restarts="${lane.restartCount}">`,
        `<text class="lane-label" x="14" y="${y + 12}">${lane.init ? "init: " : ""}${escapeXml(lane.container)}</text>`,
        `<rect class="lane-bg" x="${x(0)}" y="${y}" width="${x(this.now) - x(0)}" height="${LANE_HEIGHT}"/>`,
      ];
      for (const seg of lane.segments) {
        const end = seg.end === null ? this.now : seg.end;
        const x0 = x(seg.start);
        // Instant states (a crash followed at once by back-off) stay visible.
        const w = Math.max(seg.state === "terminated" ? 2 : 0.5, x(end) - x0);
        out.push(
          `<rect class="seg state-${escapeXml(seg.state)}" data-state="${escapeXml(seg.state)}"` +
          ` data-reason="${escapeXml(seg.reason || "")}" x="${x0}" y="${y}" width="${w}" height="${LANE_HEIGHT}">` +
          `<title>${escapeXml(lane.container)}: ${escapeXml(segmentLabel(seg))}, ` +
          `${seg.start.toFixed(1)}s – ${seg.end === null ? "now" : `${seg.end.toFixed(1)}s`}</title></rect>`,
        );
      }
      for (const restart of lane.restarts) {
        const rx = x(restart.t);
        out.push(
          `<path class="restart-marker" data-restart="${restart.count}" ` +
          `d="M ${rx - 4} ${y - 7} L ${rx + 4} ${y - 7} L ${rx} ${y - 1} Z">` +
          `<title>restart #${restart.count} at ${restart.t.toFixed(1)}s</title></path>`,
        );
      }
      out.push("</g>");
      return out.join("");
    }
  }

  window.PodTimeline = Timeline;
  window.PodTimeline.formatSeconds = formatSeconds;
})();
