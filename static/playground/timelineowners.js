/* Pod Playground timeline: owners. Workloads group what they made, one under
 * the other (Deployment -> ReplicaSets -> Pods, CronJob -> Jobs -> Pods,
 * indented), each with a lane of its own. What differs between kinds (the
 * counts a lane draws, its marks, the order of its Pods) is a kind's hooks:
 * Deployments, ReplicaSets and ReplicationControllers here, Jobs, CronJobs,
 * DaemonSets and StatefulSets in timelinebatch.js (registerOwnerKind). What an
 * owner is (its samples, marks, actions, parent, how many Pods it has had) is
 * the run store's (ownerlanes.js); what is drawn and folded is the timeline's.
 *
 * An owner's lane draws, over time, from its workload records:
 *   desired   a dashed step line (spec.replicas)
 *   current   a step line (status.replicas: the Pods it has)
 *   ready     a filled area (status.readyReplicas)
 * on a scale from 0 to the most the owner ever had, with a mark per rollout
 * step (a ScalingReplicaSet event), per FailedCreate, per Progressing
 * condition that says ProgressDeadlineExceeded, and per action on it (scale,
 * set image, rollout undo / pause / resume, delete).
 *
 * Hundreds of short-lived Pods: once an owner has had more than FOLD_AFTER
 * Pods (or owners, a CronJob's Jobs), those deleted by the time shown fold
 * into one summary row ("12 deleted Pods"); a click on the row unfolds them
 * (and folds them again). A click on an owner's triangle collapses the whole group; a click
 * elsewhere on its row selects it for the inspector (a "workload-select"
 * event on the timeline element).
 *
 * The owner group's element carries the counts at the time shown
 * (data-desired, data-current, data-ready, data-available, data-updated),
 * so what the page shows can be read back.
 */
import { Timeline, kit } from "./timeline.js";
import { emptySample, isWorkloadObject } from "./ownerlanes.js";
import { at as sampleAt } from "./runstore.js"; // the last sample at or before t
import { actionText } from "./timelineactions.js";

const { LABEL_WIDTH, svgEl, setAttr, tip, at, truncate } = kit;
const OWNER_ROW = 30;
const CHART_TOP = 5;
const CHART_H = 20;
const FOLD_ROW = 16;
const INDENT = 9;
const FOLD_AFTER = 6;

/* ---------- kinds ---------- */

/**
 * What a kind's lane shows (what the store keeps of it, its samples and marks, is
 * ownerlanes.js's). short: kubectl's short name in labels; series: which sample field is drawn as the
 * filled area, the line, the dashed line and the red line (null: none);
 * counts(s): the text beside the name; summary(s): the tooltip's counts;
 * data(s, o): more data-* attributes of the owner group; bands(o, end): shaded spans
 * {start, end, cls, text}; sortPods(pods, o): the order of its Pods;
 * podNote(pod, o, t, timeline): a note at the right of an owned Pod's label
 * ({text, title, data}) or null; podLabel(name, o): the label of an owned Pod;
 * shortUnder: under its parent, its label keeps only what its name adds.
 */
const DEFAULT_KIND = {
  short: "",
  series: { area: "ready", line: "current", dashed: "desired", warn: null },
  counts: (s) => `${s.ready}/${s.desired}`,
  summary: (s) => `${s.desired} desired, ${s.current} current, ${s.ready} ready, ${s.available} available` +
    `${s.updated === null ? "" : `, ${s.updated} up-to-date`}`,
  data: () => ({}),
  bands: () => [],
  sortPods: (pods) => pods,
  podNote: () => null,
  podLabel: null,
  shortUnder: false,
};
const KINDS = new Map();

/** What the timeline draws for a kind of owner: its short name, events and samples. */
export function registerOwnerKind(kindOf, hooks) {
  KINDS.set(kindOf, { ...DEFAULT_KIND, short: kindOf, ...hooks });
}

function kindHooks(key) {
  return KINDS.get(String(key).split("/")[0]) || { ...DEFAULT_KIND, short: String(key).split("/")[0] };
}

registerOwnerKind("Deployment", { short: "deploy" });
registerOwnerKind("ReplicaSet", { short: "rs" });
registerOwnerKind("ReplicationController", { short: "rc" });

/** "deploy/web" for "Deployment/default/web" ("deploy/shop/web" in another namespace). */
function ownerLabel(key) {
  const [kind, namespace, name] = String(key).split("/");
  const short = kindHooks(key).short || kind;
  return namespace === "default" ? `${short}/${name}` : `${short}/${namespace}/${name}`;
}

/** The label of an owner row: a Job under the CronJob whose name starts its own, the rest ("job/…-29453761"). */
function rowLabel(o) {
  const name = ownerName(o.key);
  const parent = o.parent ? ownerName(o.parent) : "";
  if (!kindHooks(o.key).shortUnder || !parent || !name.startsWith(`${parent}-`) || String(o.key).split("/")[1] !== String(o.parent).split("/")[1]) {
    return ownerLabel(o.key);
  }
  return `${kindHooks(o.key).short}/…${name.slice(parent.length)}`;
}

function ownerName(key) {
  return String(key).split("/").slice(2).join("/");
}

export { ownerLabel, isWorkloadObject, kindHooks };

/* ---------- the order of the rows ---------- */

/** What the user folded of an owner's rows, {collapsed, unfolded}: the timeline's, not the store's. */
Timeline.prototype.folding = function folding(o) {
  let rows = this.ownerRows.get(o.key);
  if (!rows) {
    rows = { collapsed: false, unfolded: false };
    this.ownerRows.set(o.key, rows);
  }
  return rows;
};

/** The rows top to bottom: {owner, depth}, {fold: owner, depth} or {pod, depth}. */
Timeline.prototype.layoutOrder = function layoutOrder() {
  const owners = this.owners;
  if (!owners || !owners.size) {
    const rows = [];
    for (const pod of this.pods.values()) rows.push({ pod, depth: 0 });
    return rows;
  }
  const childOwners = new Map();
  const childPods = new Map();
  const top = [];
  for (const o of owners.values()) {
    if (o.parent && owners.has(o.parent)) {
      if (!childOwners.has(o.parent)) childOwners.set(o.parent, []);
      childOwners.get(o.parent).push(o);
    } else {
      top.push({ t: o.firstSeen, owner: o });
    }
  }
  for (const pod of this.pods.values()) {
    if (pod.owner && owners.has(pod.owner)) {
      if (!childPods.has(pod.owner)) childPods.set(pod.owner, []);
      childPods.get(pod.owner).push(pod);
    } else {
      top.push({ t: pod.firstSeen, pod });
    }
  }
  top.sort((a, b) => a.t - b.t); // stable: first seen first, owners before their Pods
  const rows = [];
  const visit = (o, depth) => {
    rows.push({ owner: o, depth });
    const owned = childOwners.get(o.key) || [];
    for (const child of owned) visit(child, depth + 1);
    const pods = kindHooks(o.key).sortPods(childPods.get(o.key) || [], o);
    for (const pod of pods) rows.push({ pod, depth: depth + 1, owner: o });
    if (o.podCount > FOLD_AFTER || o.ownerCount > FOLD_AFTER) rows.push({ fold: o, depth: depth + 1, pods, owned });
  };
  for (const item of top) {
    if (item.owner) visit(item.owner, 0);
    else rows.push({ pod: item.pod, depth: 0 });
  }
  return rows;
};

/** Whether a Pod's row is tucked away at t: a collapsed owner above it, or folded as deleted. */
Timeline.prototype.podTucked = function podTucked(pod, t) {
  const owners = this.owners;
  if (!owners || !pod.owner) return false;
  const direct = owners.get(pod.owner);
  if (!direct) return false;
  if (direct.podCount > FOLD_AFTER && !this.folding(direct).unfolded && pod.deletedAt !== null && pod.deletedAt <= t) return true;
  return this.folding(direct).collapsed || this.ownerTucked(direct, t);
};

/** Whether an owner is folded at t: deleted under a parent that has had more than FOLD_AFTER. */
Timeline.prototype.ownerFolded = function ownerFolded(o, t) {
  const parent = o.parent ? this.owners.get(o.parent) : null;
  return Boolean(parent) && parent.ownerCount > FOLD_AFTER && !this.folding(parent).unfolded && o.deletedAt !== null && o.deletedAt <= t;
};

/** Whether an owner's row is tucked away at t: folded, or under a collapsed or folded owner. */
Timeline.prototype.ownerTucked = function ownerTucked(o, t) {
  if (this.ownerFolded(o, t)) return true;
  for (let p = this.owners.get(o.parent), guard = 0; p && guard < 8; p = this.owners.get(p.parent), guard += 1) {
    if (this.folding(p).collapsed || this.ownerFolded(p, t)) return true;
  }
  return false;
};

/** Indent a Pod's label and its lanes' labels under their owner. */
Timeline.prototype.indentPod = function indentPod(pod, depth) {
  const v = this.views.get(pod);
  if (!v) return;
  setAttr(v.label, "x", 4 + depth * INDENT);
  const text = v.label.lastChild;
  const o = pod.owner && this.owners ? this.owners.get(pod.owner) : null;
  if (text && (v.depth !== depth || v.owner !== pod.owner)) {
    v.depth = depth;
    v.owner = pod.owner;
    const owner = pod.owner ? ownerName(pod.owner) : "";
    const name = pod.key.split("/").slice(1).join("/");
    let short = depth && owner && name.startsWith(`${owner}-`) ? `…${name.slice(owner.length)}` : name;
    if (depth && o && kindHooks(o.key).podLabel) short = kindHooks(o.key).podLabel(name, o);
    text.textContent = truncate(short, 22 - depth);
  }
  const note = o ? kindHooks(o.key).podNote(pod, o, this.shownTime(), this) : null;
  if (note && !v.note) {
    v.note = svgEl("text", { class: "pod-note owned-note", x: LABEL_WIDTH - 8, y: 14, "text-anchor": "end" }, v.g);
    tip(v.note, () => {
      const owner = pod.owner && this.owners ? this.owners.get(pod.owner) : null;
      const now = owner ? kindHooks(owner.key).podNote(pod, owner, this.shownTime(), this) : null;
      return now ? now.title : "";
    });
  }
  if (v.note) {
    if (v.note.textContent !== (note ? note.text : "")) v.note.textContent = note ? note.text : "";
    for (const [name, value] of Object.entries((note && note.data) || {})) setAttr(v.g, `data-${name}`, value);
  }
  for (const lane of pod.order) {
    const lv = this.views.get(lane);
    if (lv) setAttr(lv.label, "x", 14 + depth * INDENT);
  }
};

/* ---------- drawing ---------- */

Timeline.prototype.ownerHeight = function ownerHeight() {
  return OWNER_ROW;
};

Timeline.prototype.createOwnerView = function createOwnerView(o) {
  const g = svgEl("g", { class: "owner-group", "data-workload": o.key, "data-kind": o.kindOf }, this.podLayer);
  const toggle = svgEl("text", { class: "owner-toggle", x: 4, y: 17, "data-toggle": "collapse" }, g);
  toggle.textContent = "▾";
  tip(toggle, () => (this.folding(o).collapsed ? "Show what it owns" : "Hide what it owns"));
  const label = svgEl("text", { class: "owner-label", x: 15, y: 17 }, g);
  label.textContent = truncate(rowLabel(o), 17);
  tip(label, () => this.ownerTitle(o));
  const counts = svgEl("text", { class: "owner-counts", x: LABEL_WIDTH - 8, y: 17, "text-anchor": "end" }, g);
  tip(counts, () => this.ownerTitle(o));
  const chart = svgEl("g", { class: "owner-chart", "clip-path": "url(#timeline-plot-clip)" }, g);
  const bg = svgEl("rect", { class: "owner-bg", x: this.x(0), y: CHART_TOP - 1, width: 0, height: CHART_H + 2 }, chart);
  tip(bg, () => this.ownerTitle(o));
  const bands = svgEl("g", { class: "owner-bands" }, chart);
  const ready = svgEl("path", { class: "owner-ready", d: "" }, chart);
  const current = svgEl("path", { class: "owner-current", d: "" }, chart);
  const desired = svgEl("path", { class: "owner-desired", d: "" }, chart);
  const warn = svgEl("path", { class: "owner-warn", d: "" }, chart);
  const marks = svgEl("g", { class: "owner-marks", "clip-path": "url(#timeline-plot-clip)" }, g);
  const deleted = svgEl("line", { class: "owner-deleted", x1: 0, x2: 0, y1: 2, y2: OWNER_ROW - 2, visibility: "hidden" }, g);
  const fold = svgEl("g", { class: "owner-fold", "data-fold": o.key, display: "none" }, this.podLayer);
  const foldText = svgEl("text", { class: "fold-label", x: 14, y: 11 }, fold);
  this.views.set(o, { g, toggle, label, counts, bg, bands, ready, current, desired, warn, marks, deleted, fold, foldText, drawn: 0, actions: 0, key: "", hidden: false, foldCount: -1 });
  if (this.selectedWorkload === o.key) g.classList.add("selected");
  this.layoutDirty = true;
};

/** "Deployment default/web at 12.0s: 3 desired, 4 current, 3 ready, 3 available, 1 up-to-date". */
Timeline.prototype.ownerTitle = function ownerTitle(o) {
  const s = sampleAt(o.samples, this.shownTime());
  const [kind, namespace, name] = o.key.split("/");
  let text = `${kind} ${namespace}/${name}`;
  if (o.parent) text += `, owned by ${o.parent.split("/")[0]} ${o.parent.split("/")[2]}`;
  if (s) text += `\nat ${at(this.shownTime())}: ${kindHooks(o.key).summary(s, o)}`;
  const r = o.record;
  if (r && r.images && r.images.length) text += `\nimages: ${r.images.join(", ")}`;
  if (r && r.revision) text += `, revision ${r.revision}`;
  if (r && r.paused) text += " (paused)";
  if (o.deletedAt !== null) text += `\ndeleted at ${at(o.deletedAt)}`;
  return `${text}\nClick to inspect it (kubectl get / describe).`;
};

/** A step path through (t, value) samples, up to `end`; `area` closes it to the base line. */
Timeline.prototype.stepPath = function stepPath(samples, field, end, yOf, area) {
  if (!samples.length) return "";
  const parts = [];
  const base = yOf(0);
  let first = true;
  for (const s of samples) {
    const v = s[field];
    if (v === null || v === undefined) continue;
    const x = this.x(s.t).toFixed(1);
    const y = yOf(v).toFixed(1);
    if (first) {
      parts.push(area ? `M ${x} ${base} V ${y}` : `M ${x} ${y}`);
      first = false;
    } else {
      parts.push(`H ${x} V ${y}`);
    }
  }
  if (first) return "";
  parts.push(`H ${this.x(end).toFixed(1)}`);
  if (area) parts.push(`V ${base} Z`);
  return parts.join(" ");
};

Timeline.prototype.renderOwner = function renderOwner(o) {
  const v = this.views.get(o);
  const end = o.deletedAt === null ? this.now : o.deletedAt;
  const series = kindHooks(o.key).series;
  const drawn = [series.area, series.line, series.dashed, series.warn].filter(Boolean);
  const top = Math.max(1, ...o.samples.map((s) => Math.max(...drawn.map((f) => Number(s[f]) || 0))));
  const yOf = (n) => CHART_TOP + CHART_H - (CHART_H * n) / top;
  const key = `${o.samples.length}|${end}|${this.built.width}|${this.built.domain}|${this.built.t0}`;
  if (key !== v.key) {
    v.key = key;
    setAttr(v.bg, "x", this.x(o.firstSeen));
    setAttr(v.bg, "width", Math.max(0, this.x(end) - this.x(o.firstSeen)));
    setAttr(v.ready, "d", series.area ? this.stepPath(o.samples, series.area, end, yOf, true) : "");
    setAttr(v.current, "d", series.line ? this.stepPath(o.samples, series.line, end, yOf, false) : "");
    setAttr(v.desired, "d", series.dashed ? this.stepPath(o.samples, series.dashed, end, yOf, false) : "");
    const warned = series.warn && o.samples.some((x) => Number(x[series.warn]) > 0); // no red line at 0
    setAttr(v.warn, "d", warned ? this.stepPath(o.samples, series.warn, end, yOf, false) : "");
    setAttr(v.g, "data-max", top);
    v.bands.replaceChildren();
    for (const band of kindHooks(o.key).bands(o, end)) {
      const rect = svgEl("rect", {
        class: `owner-band ${band.cls}`, x: this.x(band.start), y: CHART_TOP - 1,
        width: Math.max(1, this.x(band.end) - this.x(band.start)), height: CHART_H + 2,
        "data-start": band.start, "data-end": band.end,
      }, v.bands);
      tip(rect, () => band.text);
    }
  }
  for (; v.drawn < o.marks.length; v.drawn += 1) {
    const m = o.marks[v.drawn];
    const x = this.x(m.t);
    const mark = svgEl("path", {
      class: "owner-mark", "data-reason": m.reason, "data-type": m.type, "data-t": m.t,
      d: `M ${x - 3.5} ${OWNER_ROW - 1} L ${x + 3.5} ${OWNER_ROW - 1} L ${x} ${OWNER_ROW - 7} Z`,
    }, v.marks);
    tip(mark, () => `${at(m.t)}: ${m.reason}: ${m.message}`);
    mark._mark = { t: m.t, reason: m.reason, object: o.key };
  }
  for (; v.actions < o.actions.length; v.actions += 1) {
    const item = o.actions[v.actions];
    const x = this.x(item.t);
    const mark = svgEl("path", {
      class: "action-marker", "data-action": item.action, "data-t": item.t,
      d: `M ${x - 4} 0 L ${x + 4} 0 L ${x} 7 Z`,
    }, v.marks);
    setAttr(mark, "data-live", String(Boolean(item.live)));
    tip(mark, () => `${at(item.t)}: ${actionText(item)} (${item.live ? "live" : "Scenario"} action)`);
  }
  if (o.deletedAt !== null) {
    setAttr(v.deleted, "x1", this.x(o.deletedAt));
    setAttr(v.deleted, "x2", this.x(o.deletedAt));
    setAttr(v.deleted, "visibility", "visible");
  }
  // The counts at the time shown, for the eye and for whoever reads the page.
  const t = this.shownTime();
  const s = sampleAt(o.samples, t) || emptySample(o.key);
  setAttr(v.g, "data-desired", s.desired);
  setAttr(v.g, "data-current", s.current);
  setAttr(v.g, "data-ready", s.ready);
  setAttr(v.g, "data-available", s.available);
  setAttr(v.g, "data-updated", s.updated === null ? "" : s.updated);
  setAttr(v.g, "data-deleted", String(o.deletedAt !== null && o.deletedAt <= t));
  for (const [name, value] of Object.entries(kindHooks(o.key).data(s, o, t))) setAttr(v.g, `data-${name}`, value);
  const countText = kindHooks(o.key).counts(s, o);
  if (v.counts.textContent !== countText) {
    v.counts.textContent = countText;
    this.layoutDirty = true; // the label's room depends on it
  }
  const hidden = o.firstSeen > t || this.ownerTucked(o, t);
  if (hidden !== v.hidden) {
    v.hidden = hidden;
    setAttr(v.g, "display", hidden ? "none" : "inline");
    this.layoutDirty = true;
  }
  const glyph = this.folding(o).collapsed ? "▸" : "▾";
  if (v.toggle.textContent !== glyph) v.toggle.textContent = glyph;
};

/** Draw every owner (called once per render, before the view is applied). */
Timeline.prototype.renderOwners = function renderOwners() {
  if (!this.owners || !this.owners.size) return;
  if (this.svg && !this.svg._ownersWired) {
    this.svg._ownersWired = true;
    this.svg.addEventListener("click", (event) => this.ownerClick(event));
  }
  for (const o of this.owners.values()) {
    if (!this.views.has(o)) this.createOwnerView(o);
    this.renderOwner(o);
  }
};

Timeline.prototype.ownerClick = function ownerClick(event) {
  const target = event.target;
  const fold = target.closest && target.closest(".owner-fold");
  if (fold) {
    const o = this.owners.get(fold.dataset.fold);
    if (o) this.folding(o).unfolded = !this.folding(o).unfolded; // fold or unfold its deleted rows
    this.layoutDirty = true;
    this.scheduleRender();
    return;
  }
  const group = target.closest && target.closest(".owner-group");
  if (!group) return;
  const o = this.owners.get(group.dataset.workload);
  if (!o) return;
  const mark = target.closest(".owner-mark");
  if (mark && mark._mark) { // a rollout step: its event in the events table
    this.element.dispatchEvent(new CustomEvent("workload-mark", { detail: mark._mark, bubbles: true }));
    return;
  }
  if (target.dataset && target.dataset.toggle === "collapse") {
    const rows = this.folding(o);
    rows.collapsed = !rows.collapsed;
    this.layoutDirty = true;
    this.scheduleRender();
    return;
  }
  this.selectWorkload(o.key);
  this.element.dispatchEvent(new CustomEvent("workload-select", { detail: { key: o.key }, bubbles: true }));
};

/** Highlight an owner (the one the inspector shows); null for none. */
Timeline.prototype.selectWorkload = function selectWorkload(key) {
  if (this.selectedWorkload === key) return;
  const old = this.selectedWorkload && this.owners ? this.owners.get(this.selectedWorkload) : null;
  const oldView = old ? this.views.get(old) : null;
  if (oldView) oldView.g.classList.remove("selected");
  this.selectedWorkload = key;
  const o = key && this.owners ? this.owners.get(key) : null;
  const view = o ? this.views.get(o) : null;
  if (view) view.g.classList.add("selected");
};

/** Place an owner row or a fold row at y; the y under it. */
Timeline.prototype.layoutOwner = function layoutOwner(item, y) {
  if (item.fold) {
    const o = item.fold;
    const v = this.views.get(o);
    if (!v) return y;
    const t = this.shownTime();
    const gone = (list, over) => (over > FOLD_AFTER ? list.filter((x) => x.deletedAt !== null && x.deletedAt <= t).length : 0);
    const pods = gone(item.pods, o.podCount);
    const owned = gone(item.owned, o.ownerCount);
    const count = pods + owned;
    const show = count > 0 && !v.hidden && !this.folding(o).collapsed;
    setAttr(v.fold, "display", show ? "inline" : "none");
    if (!show) return y;
    setAttr(v.fold, "transform", `translate(0 ${y})`);
    setAttr(v.foldText, "x", 4 + item.depth * INDENT);
    setAttr(v.fold, "data-count", count);
    const nounOf = (n, noun) => `${n} deleted ${noun}${n === 1 ? "" : "s"}`;
    const childNoun = item.owned.length ? item.owned[0].kindOf : "";
    const what = [owned ? nounOf(owned, childNoun) : "", pods ? nounOf(pods, "Pod") : ""].filter(Boolean).join(" and ");
    v.foldText.textContent = this.folding(o).unfolded ? `▾ ${what} shown (click to fold)` : `▸ ${what} folded (click to show)`;
    return y + FOLD_ROW;
  }
  const o = item.owner;
  const v = this.views.get(o);
  if (!v || v.hidden) return y;
  setAttr(v.g, "transform", `translate(0 ${y})`);
  setAttr(v.toggle, "x", 4 + item.depth * INDENT);
  setAttr(v.label, "x", 15 + item.depth * INDENT);
  // What fits between the indent and the counts (12px and 11px monospace: about 7.2 and 6.6 px a character).
  const room = Math.floor((LABEL_WIDTH - 29 - item.depth * INDENT - Math.max(3, v.counts.textContent.length) * 6.6) / 7.2);
  v.label.textContent = truncate(rowLabel(o), Math.max(6, room));
  return y + OWNER_ROW + 4;
};
