/* Pod Playground sharing and export: a link to the run at the time shown, the
 * records as JSON lines, the timeline as SVG.
 *
 * Share asks the server to save the run (the share request) and shows the link,
 * which opens the run paused at that moment. Export records saves the run the
 * same way, at the live edge (everything the page holds), and downloads that
 * link's records.jsonl: the server replays it and writes each record through
 * cluster_sim/jsonlines.py, so the file has the same bytes as
 * `python -m cluster_sim run -o jsonl` for the same inputs ("t":5.0, not the
 * browser's 5). A share link's page that still shows the link's own run
 * (sharedroom.js, before anything leaves the link's room) downloads the link's
 * records as they are, without saving anything. The timeline's SVG is made here.
 *
 * new Sharing({store, timeline, request, viewTime, following}); render({canShare})
 * on each page frame.
 */

import { setProp, setText } from "./pagekit.js";
import { roomMode } from "./pagelinks.js";

const $ = (id) => document.getElementById(id);
const TAIL_BYTES = 4096; // enough for the last line of a records.jsonl (a replay's error line)
const EXPORT_TITLE = "Every record up to the live edge as JSON lines, replayed on the server from a " +
  "link to this moment: the same bytes as python -m cluster_sim run -o jsonl";

const LOST_TITLE = "The connection to the server dropped, and the server no longer holds this " +
  "run: press Run to run it again, then share.";

function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The share link of this page ({slug, url, at}), or null. */
function pageLink() {
  const node = $("shared-run");
  if (!node) return null;
  const data = JSON.parse(node.textContent);
  return { slug: data.slug, url: data.url, at: data.moment };
}

/** The message of a replay that stopped early: its last line, {"kind": "error", ...}; or null. */
async function replayError(blob) {
  const tail = await blob.slice(Math.max(0, blob.size - TAIL_BYTES)).text();
  const last = tail.trimEnd().split("\n").pop();
  try {
    const record = JSON.parse(last);
    return record && record.kind === "error" ? `the replay stopped at t = ${Number(record.t).toFixed(1)} s: ${record.message}` : null;
  } catch (error) {
    return null; // a cut first line of the tail: not the error line
  }
}

async function failureText(response) {
  const text = (await response.text()).trim();
  return text || `the server answered ${response.status}`;
}

export function Sharing({ store, timeline, request, viewTime, following }) {
  const shareButton = $("share");
  const shareResult = $("share-result");
  const shareLink = $("share-link");
  const copyButton = $("share-copy");
  const exportRecordsButton = $("export-records");
  const exportSvgButton = $("export-svg");
  const link = pageLink();
  let canShare = false;
  let lost = false; // the run shown is one the server dropped with its socket
  let exporting = false;

  /** The share link whose run the page shows as saved (its room, sharedroom.js), or null. */
  function linkShown() {
    const mode = roomMode();
    return link && mode && mode.link && mode.phase() === "room" ? link : null;
  }
  exportRecordsButton.title = EXPORT_TITLE;

  function showLink(frame) {
    shareLink.value = new URL(frame.url, window.location.href).href;
    shareLink.dataset.slug = frame.slug;
  }

  function saying(text) {
    shareResult.hidden = false;
    shareLink.value = "";
    setText($("share-status"), text);
  }

  async function share() {
    saying("Saving…");
    try {
      const frame = await request("share", { at: viewTime() });
      showLink(frame);
      setText($("share-status"), `Link to this run at t = ${frame.at.toFixed(1)} s (opens paused there):`);
      shareLink.focus();
      shareLink.select();
    } catch (error) {
      setText($("share-status"), `Could not share: ${error.message}`);
    }
  }

  async function copyLink() {
    shareLink.select();
    try {
      await navigator.clipboard.writeText(shareLink.value);
      setText($("share-status"), "Copied to the clipboard.");
    } catch (error) {
      document.execCommand("copy");
    }
  }

  async function exportRecords() {
    exporting = true;
    update();
    saying("Saving the run to export its records…");
    try {
      const saved = linkShown() || await request("share", { at: store.now });
      setText($("share-status"), `Replaying the run to t = ${saved.at.toFixed(1)} s on the server…`);
      const response = await fetch(`${saved.url}/records.jsonl`);
      if (!response.ok) throw new Error(await failureText(response));
      const blob = await response.blob();
      const stopped = await replayError(blob);
      download(`pod-playground-${saved.slug}.jsonl`, blob);
      showLink(saved);
      setText($("share-status"), `Downloaded the records up to t = ${saved.at.toFixed(1)} s` +
        `${stopped ? ` (${stopped})` : ""}, replayed from this link:`);
    } catch (error) {
      setText($("share-status"), `Could not export the records: ${error.message}`);
    } finally {
      exporting = false;
      update();
    }
  }

  function exportSvg() {
    const t = viewTime();
    const text = timeline.toSVGString(`Pod Playground — t = ${t.toFixed(1)} s${following() ? "" : ` (of ${store.now.toFixed(1)} s)`}`);
    if (text) download(`pod-playground-timeline-${t.toFixed(0)}s.svg`, new Blob([text], { type: "image/svg+xml" }));
  }

  shareButton.addEventListener("click", share);
  copyButton.addEventListener("click", copyLink);
  exportRecordsButton.addEventListener("click", exportRecords);
  exportSvgButton.addEventListener("click", exportSvg);

  /** Share needs the run on the server; Export too, unless the page shows a link's own run. */
  function update() {
    const haveRecords = store.records.length > 0;
    setProp(shareButton, "disabled", !canShare || !haveRecords);
    setProp(shareButton, "title", lost ? LOST_TITLE : "");
    setProp(exportRecordsButton, "disabled", exporting || !haveRecords || !(canShare || linkShown()));
    setProp(exportSvgButton, "disabled", !haveRecords);
  }

  function render(state) {
    canShare = state.canShare;
    lost = state.lost;
    update();
  }

  return { render };
}
