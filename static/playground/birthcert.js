/* Pod Playground birth certificates (issue #16): where the selected container's image came from.
 *
 * Reads the run's records (cluster_sim/provenance, cluster_sim/pipeline):
 *   occurrence  a Grafeas occurrence on an image digest: BUILD (the commit, the
 *               builder, the pipeline run), DISCOVERY and VULNERABILITY (the scan),
 *               ATTESTATION (the signature), DEPLOYMENT (a Pod started the digest);
 *   note        the Grafeas note an occurrence belongs to;
 *   container   the container's imageID (repository@sha256:...), the digest it runs.
 *
 * render(inspector, t) draws the inspector's "Birth certificate" box
 * for the selected container at the time shown: the commit, the pipeline run, the
 * scan summary, the attestation, and the other Pods that run the same digest at
 * that time (and those that ran it before).
 * An image no pipeline of this run built (a catalogue image) says so plainly.
 * The box's "Grafeas JSON" button downloads every note and occurrence of the run.
 * The inspector's render is wrapped here (inspector.js unchanged). Nothing here
 * changes the run.
 */

import { Inspector } from "./inspector.js";
import { el } from "./pagekit.js";
import { podName } from "./podkey.js";

const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "MINIMAL"];

function shortDigest(digest) {
  return String(digest).replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, "$1…");
}

/* ---------- an index of the store's Grafeas records ---------- */

const indexes = new WeakMap(); // store -> {records, seen, byDigest: Map digest -> [records], notes: Map}

function index(store) {
  let ix = indexes.get(store);
  if (!ix || ix.records !== store.records || ix.seen > store.records.length) {
    ix = { records: store.records, seen: 0, byDigest: new Map(), notes: new Map(), occurrences: [] };
    indexes.set(store, ix);
  }
  for (; ix.seen < store.records.length; ix.seen += 1) {
    const r = store.records[ix.seen];
    if (r.kind === "occurrence") {
      if (!ix.byDigest.has(r.digest)) ix.byDigest.set(r.digest, []);
      ix.byDigest.get(r.digest).push(r);
      ix.occurrences.push(r);
    } else if (r.kind === "note") {
      ix.notes.set(r.note.name, r);
    }
  }
  return ix;
}

/** The digest a container runs at t: its imageID, else a digest its image names. */
function digestOf(container, spec) {
  const imageID = container && container.record ? String(container.record.imageID || "") : "";
  const at = imageID.lastIndexOf("@");
  if (at >= 0) return { digest: imageID.slice(at + 1), imageID };
  const image = spec && spec.image ? String(spec.image) : "";
  const pinned = image.lastIndexOf("@sha256:");
  if (pinned >= 0) return { digest: image.slice(pinned + 1), imageID: image };
  return { digest: "", imageID: "" };
}

/** "2 vulnerabilities: 1 HIGH, 1 LOW" from the VULNERABILITY occurrences. */
function scanSummary(vulnerabilities) {
  if (!vulnerabilities.length) return "0 vulnerabilities";
  const counts = SEVERITIES.map((s) => [s, vulnerabilities.filter((o) => o.vulnerability.severity === s).length])
    .filter(([, n]) => n);
  const noun = vulnerabilities.length === 1 ? "vulnerability" : "vulnerabilities";
  return `${vulnerabilities.length} ${noun}: ${counts.map(([s, n]) => `${n} ${s}`).join(", ")} (` +
    vulnerabilities.map((o) => o.vulnerability.shortDescription).join(", ") + ")";
}

function row(label, value, testid) {
  return el("tr", { "data-testid": testid },
    el("th", { scope: "row", text: label }),
    el("td", { text: value }));
}

/** The certificate's rows for a digest, as the records up to t say. */
function certificate(store, ix, digest, t, pod) {
  const all = (ix.byDigest.get(digest) || []).filter((r) => r.t <= t).map((r) => r.occurrence);
  const build = all.find((o) => o.kind === "BUILD");
  if (!build) return null;
  const provenance = build.build.provenance || {};
  const git = ((provenance.sourceProvenance || {}).context || {}).git || {};
  const options = provenance.buildOptions || {};
  const rows = [
    row("Commit", `${String(git.revisionId || "").slice(0, 7)} ${options.commitMessage || ""}`.trim(), "birthcert-commit"),
    row("Author", provenance.creator || "(unknown)", "birthcert-author"),
    row("Source", `${git.url || ""} @ ${git.revisionId || ""}`, "birthcert-source"),
    row("Pipeline run", `${provenance.id} (pipeline ${podName(provenance.triggerId || "")}, built ${provenance.startTime} to ${provenance.endTime})`, "birthcert-run"),
    row("Built from", `${options.from || "?"} by ${provenance.builderVersion || "?"}`, "birthcert-from"),
  ];
  const scanned = all.some((o) => o.kind === "DISCOVERY");
  const vulnerabilities = all.filter((o) => o.kind === "VULNERABILITY");
  rows.push(row("Scan", scanned ? scanSummary(vulnerabilities) : "not scanned yet", "birthcert-scan"));
  const attestations = all.filter((o) => o.kind === "ATTESTATION");
  const signers = attestations.flatMap((o) => (o.attestation.signatures || []).map((s) => s.publicKeyId));
  rows.push(row("Attestation", signers.length
    ? `signed by ${signers.join(", ")} (simulated HMAC-SHA256 over the image's simple-signing payload)`
    : "none: this digest is not signed", "birthcert-attestation"));
  const others = all.filter((o) => o.kind === "DEPLOYMENT")
    .map((o) => o.deployment.config.replace(/^Pod\//, ""))
    .filter((key, i, list) => key !== pod && list.indexOf(key) === i);
  const alive = (key) => {
    const p = store.podAt(key, t);
    return Boolean(p) && !p.deleted;
  };
  const running = others.filter(alive);
  const gone = others.filter((key) => !alive(key));
  rows.push(row("Also runs in", running.length ? running.map(podName).join(", ") : "no other Pod now", "birthcert-elsewhere"));
  if (gone.length) rows.push(row("Ran before in", gone.map(podName).join(", "), "birthcert-before"));
  return rows;
}

/* ---------- export ---------- */

function exportJson(store) {
  const ix = index(store);
  const body = {
    notes: [...ix.notes.values()].map((r) => r.note),
    occurrences: ix.occurrences.map((r) => r.occurrence),
  };
  const blob = new Blob([JSON.stringify(body, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: "grafeas-occurrences.json", hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/* ---------- the inspector's box ---------- */

function box(inspector) {
  let node = inspector.root.querySelector("#birthcert-view");
  if (!node) {
    node = el("section", { id: "birthcert-view", class: "birthcert-view", "data-testid": "birthcert-view", hidden: true },
      el("h3", { class: "birthcert-title", text: "Birth certificate" }),
      el("div", { class: "birthcert-body" }),
      el("button", {
        type: "button", class: "btn birthcert-export", "data-testid": "birthcert-export",
        title: "download every Grafeas note and occurrence of this run (ListNotes, ListOccurrences)",
        text: "Grafeas JSON", onclick: () => exportJson(inspector.store),
      }));
    const anchor = inspector.root.querySelector("#inspector-empty");
    if (anchor) anchor.before(node);
    else inspector.root.append(node);
  }
  return node;
}

function render(inspector, t) {
  const store = inspector.store;
  const ix = index(store);
  const node = box(inspector);
  const pod = inspector.pod;
  const name = inspector.container;
  const container = pod && name ? store.containerAt(pod, name, t) : null;
  const spec = pod ? store.specAt(pod, t) : null;
  const specContainer = spec && name
    ? [...(spec.initContainers || []), ...(spec.containers || [])].find((c) => c.name === name) : null;
  const { digest, imageID } = digestOf(container, specContainer);
  const key = [pod, name, digest, t, ix.seen].join("|");
  if (node.dataset.key === key) return;
  node.dataset.key = key;
  node.hidden = !container;
  if (!container) return;
  const image = specContainer && specContainer.image ? specContainer.image : "";
  const body = node.querySelector(".birthcert-body");
  node.dataset.digest = digest;
  const rows = digest ? certificate(store, ix, digest, t, pod) : null;
  if (!rows) {
    const why = digest
      ? `${image || imageID} (${shortDigest(digest)}) was not built by a pipeline in this cluster: it has no birth certificate here.`
      : `${image || "This image"} has not been pulled yet: its digest, and so its birth certificate, is not known.`;
    body.replaceChildren(el("p", { class: "muted birthcert-none", "data-testid": "birthcert-none", text: why }));
    return;
  }
  body.replaceChildren(
    el("p", { class: "birthcert-image", text: `${name}: ${imageID || image}` }),
    el("table", { class: "kubectl birthcert-table" }, el("tbody", {}, ...rows)));
}

export { render, index, exportJson };

// The inspector draws its views at every render; the certificate follows them.
const inspectorRender = Inspector.prototype.render;
Inspector.prototype.render = function renderWithBirthCertificate(t, options) {
  inspectorRender.call(this, t, options);
  render(this, t);
};
