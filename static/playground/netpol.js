/* Pod Playground NetworkPolicy view: who can reach whom, and which policy said so.
 *
 * Reads two record kinds (cluster_sim/networkpolicy/enforcer.py):
 *   reachability  per Pod, on change while any NetworkPolicy exists: the peers
 *                 that may connect to it (ingress) and that it may connect to
 *                 (egress), port by port, each with the deciding policy;
 *   connection    each connection attempt a policy had a say in: from, to, port,
 *                 verdict (allowed / dropped), direction and the policy.
 *
 * Three hooks use them (exports, and Timeline's prototype):
 *   render(inspector, t)   the inspector's "Network policy" box for
 *                                     the selected Pod at the time shown;
 *   logNote(store, pod, line)  the policy behind a failed wget / nc /
 *                                     nslookup line (the Logs tab's tooltip);
 *   Timeline drawConnections  a mark on the client Pod's header (the store keeps them)
 *                                     row per attempt (red: dropped), drawn after
 *                                     renderPod (wrapped here, timeline.js unchanged).
 * Nothing here changes the run.
 */

import { el } from "./pagekit.js";
import { podName } from "./podkey.js";
import { at } from "./runstore.js";
import { Timeline, kit } from "./timeline.js";

// What a client prints when its connection was dropped (busybox wording).
const FAILED = /^(wget: download timed out|wget: can't connect to remote host .*: Connection timed out|wget: bad address|nc: .*Connection timed out|nc: bad address|;; connection timed out; no servers could be reached)/;
const GIVE_UP_S = 130; // the longest wait (the kernel's 127 s SYN give-up) and a little

/* ---------- an index of the store's policy records ---------- */

const indexes = new WeakMap(); // store -> {records, seen, views: Map pod -> [], attempts: Map pod -> []}

function index(store) {
  let ix = indexes.get(store);
  if (!ix || ix.records !== store.records || ix.seen > store.records.length) {
    ix = { records: store.records, seen: 0, views: new Map(), attempts: new Map(), any: false };
    indexes.set(store, ix);
  }
  for (; ix.seen < store.records.length; ix.seen += 1) {
    const r = store.records[ix.seen];
    if (r.kind === "reachability") {
      if (!ix.views.has(r.pod)) ix.views.set(r.pod, []);
      ix.views.get(r.pod).push(r);
      ix.any = true;
    } else if (r.kind === "connection") {
      if (!ix.attempts.has(r.from)) ix.attempts.set(r.from, []);
      ix.attempts.get(r.from).push(r);
      ix.any = true;
    }
  }
  return ix;
}

function verdictText(attempt) {
  const target = `${podName(attempt.to)}:${attempt.port}/${attempt.protocol}`;
  const via = attempt.service ? ` via Service ${podName(attempt.service)}` : "";
  if (attempt.verdict === "dropped") {
    const side = attempt.direction === "egress" ? `egress of ${podName(attempt.from)}` : `ingress of ${podName(attempt.to)}`;
    const all = (attempt.policies || []).length > 1 ? ` (with ${attempt.policies.slice(1).map(podName).join(", ")})` : "";
    return `dropped by NetworkPolicy ${podName(attempt.policy)}${all}: ${side} isolated, no rule allows ${podName(attempt.from)} → ${target}${via}, at t=${attempt.t.toFixed(1)}s`;
  }
  return `allowed by NetworkPolicy ${podName(attempt.policy)}: ${podName(attempt.from)} → ${target}${via}, at t=${attempt.t.toFixed(1)}s`;
}

/** The policy behind a failed client line of `pod`'s logs, in a tooltip's words, or null. */
function logNote(store, pod, line) {
  if (!line || line.kind === "log-held" || !FAILED.test(String(line.line || ""))) return null;
  const attempts = index(store).attempts.get(pod);
  if (!attempts) return null;
  // the attempt this line gives up on: the latest dropped one of this Pod before it
  for (let i = attempts.length - 1; i >= 0; i -= 1) {
    const attempt = attempts[i];
    if (attempt.t > line.t + 1e-9) continue;
    if (line.t - attempt.t > GIVE_UP_S) return null;
    if (attempt.verdict === "dropped") return verdictText(attempt);
  }
  return null;
}

/* ---------- the inspector's box ---------- */

function box(inspector) {
  let node = inspector.root.querySelector("#netpol-view");
  if (!node) {
    node = el("div", { id: "netpol-view", class: "netpol-view", "data-testid": "netpol-view", hidden: true },
      el("h3", { class: "netpol-title", text: "Network policy" }),
      el("div", { class: "netpol-body" }));
    const anchor = inspector.root.querySelector("#inspector-empty");
    if (anchor) anchor.before(node);
    else inspector.root.append(node);
  }
  return node;
}

function portsText(ports) {
  return ports.map((p) => `${p.port}/${p.protocol}`).join(", ");
}

function peerRows(entries, direction) {
  const rows = [];
  for (const entry of entries) {
    for (const p of entry.ports) {
      rows.push(el("tr", { class: p.allowed ? "netpol-allowed" : "netpol-denied", "data-peer": entry.peer, "data-direction": direction },
        el("td", { text: podName(entry.peer) }),
        el("td", { text: `${p.port}/${p.protocol}` }),
        el("td", { class: "netpol-verdict", text: p.allowed ? "allowed" : "denied" }),
        el("td", { class: "netpol-policy", text: p.policy ? podName(p.policy) : "(not isolated)" })));
    }
  }
  return rows;
}

function table(caption, entries, direction) {
  if (!entries.length) return el("p", { class: "muted", text: `${caption}: no peer with a port to show` });
  return el("table", { class: "kubectl netpol-table", "data-direction": direction },
    el("caption", { text: caption }),
    el("thead", {}, el("tr", {}, el("th", { text: direction === "ingress" ? "FROM" : "TO" }), el("th", { text: "PORT" }),
      el("th", { text: "VERDICT" }), el("th", { text: "POLICY" }))),
    el("tbody", {}, ...peerRows(entries, direction)));
}

function render(inspector, t) {
  const store = inspector.store;
  const ix = index(store);
  const node = box(inspector);
  const pod = inspector.pod;
  const view = ix.any && pod ? at(ix.views.get(pod) || [], t) : null;
  const attempts = pod ? (ix.attempts.get(pod) || []).filter((a) => a.t <= t) : [];
  const last = attempts.length ? attempts[attempts.length - 1] : null;
  const key = [pod, view ? view.t : "", last ? last.t : "", ix.seen].join("|");
  if (node.dataset.key === key) return;
  node.dataset.key = key;
  const shown = Boolean(view) || Boolean(last);
  node.hidden = !shown;
  if (!shown) return;
  const body = node.querySelector(".netpol-body");
  const parts = [];
  if (view) {
    const isolated = (list, word) => list.length
      ? `isolated for ${word} by ${list.map(podName).join(", ")}`
      : `not isolated for ${word}: every ${word === "ingress" ? "peer may connect" : "connection may go out"}`;
    parts.push(el("p", { class: "netpol-isolation", text: `${podName(pod)} at t=${t.toFixed(1)}s: ${isolated(view.ingressPolicies, "ingress")}; ${isolated(view.egressPolicies, "egress")}.` }));
    parts.push(table("Who may connect to it", view.ingress, "ingress"));
    parts.push(table("Where it may connect", view.egress, "egress"));
  }
  if (last) {
    parts.push(el("p", { class: `netpol-last netpol-${last.verdict}`, "data-testid": "netpol-last", text: `Last attempt: ${verdictText(last)}` }));
  }
  body.replaceChildren(...parts);
}

export { render, logNote, verdictText };

/* ---------- the timeline's marks ---------- */

const { svgEl, tip } = kit;

// The Pod's header row is drawn by renderPod (timeline.js); the marks follow it.
const renderPod = Timeline.prototype.renderPod;
Timeline.prototype.renderPod = function renderPodWithConnections(pod) {
  renderPod.call(this, pod);
  this.drawConnections(pod);
};

/** Draw the Pod's connection marks not drawn yet: a cross when dropped, a dot when allowed. */
Timeline.prototype.drawConnections = function drawConnections(pod) {
  const v = this.views.get(pod);
  const list = pod.connections; // the store's (podlanes.js)
  if (!v || !v.marks) return;
  v.connections = v.connections || 0;
  for (; v.connections < list.length; v.connections += 1) {
    const item = list[v.connections];
    const x = this.x(item.t);
    const dropped = item.verdict === "dropped";
    const mark = svgEl("path", {
      class: `netpol-marker netpol-${item.verdict}`, "data-connection": item.verdict, "data-t": item.t,
      "data-policy": item.policy || "",
      d: dropped ? `M ${x - 3} 1 L ${x + 3} 7 M ${x + 3} 1 L ${x - 3} 7` : `M ${x - 2} 4 a 2 2 0 1 0 4 0 a 2 2 0 1 0 -4 0`,
    }, v.marks);
    tip(mark, () => `connection ${verdictText(item)}`);
  }
};
