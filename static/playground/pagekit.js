/* Pod Playground page kit: small DOM helpers and the list widgets the page's views share.
 *
 * Nothing here knows about runs or records: setters that write only what
 * changed, keyed reconciliation of children, a windowed list (the last N
 * items) and a virtual list (only the rows in view are in the DOM). Also the
 * wording the page uses for Pods and actions (podName, from podkey.js, and
 * describeAction).
 */

import { podName } from "./podkey.js";

const VIRTUAL_OVERSCAN = 4; // rows drawn above and below the visible ones

function describeAction(record) {
  const args = record.args || {};
  switch (record.action) {
    case "delete": {
      const grace = args.gracePeriodSeconds === undefined ? "" : ` --grace-period=${args.gracePeriodSeconds}`;
      return `kubectl delete pod ${args.pod}${grace}${args.force ? " --force" : ""}`;
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
      return `kubectl ${record.action} ${args.node}`;
    case "drain": { // kubectl drain and the flags given (issue #12)
      const flags = [["force", "--force"], ["ignoreDaemonsets", "--ignore-daemonsets"],
        ["deleteEmptydirData", "--delete-emptydir-data"], ["disableEviction", "--disable-eviction"]]
        .filter(([name]) => args[name]).map(([, flag]) => ` ${flag}`).join("");
      const grace = args.gracePeriod === undefined ? "" : ` --grace-period=${args.gracePeriod}`;
      const timeout = args.timeout ? ` --timeout=${args.timeout}s` : "";
      return `kubectl drain ${args.node}${flags}${grace}${timeout}`;
    }
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

/**
 * A list whose rows all have the same height, with only the rows in view
 * (and a few more) in the DOM, between two spacers. Busy runs have thousands
 * of aggregated events and log lines; laying them all out on every frame, or
 * rebuilding them on every scrub, would cost more than the rest of the page.
 * Frame protocol: measure() reads (before any write), render() writes,
 * settle() scrolls. A list scrolled to its bottom follows new rows.
 */
class VirtualList {
  constructor({ scroller, body, spacer, make, fallbackHeight, onScroll }) {
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
    this.onScroll = onScroll;
    scroller.addEventListener("scroll", () => this.onScroll(), { passive: true });
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
      this.rowHeight = this.body.children[1].offsetHeight || this.fallbackHeight; // CSS px, as scrollTop (zoom-proof)
      if (this.rowHeight !== this.fallbackHeight) this.onScroll(); // redo with the real height
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

/** A DOM element: attrs (class, text, on<event>, others as attributes; null/false skipped), then children. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

export {
  el, podName, describeAction, setText, setData, setTitle, setProp, setAria, cellsRow,
  reconcileChildren, WindowedList, VirtualList, tableSpacer, divSpacer,
};
