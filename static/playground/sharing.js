/* Pod Playground sharing and export: a link to the run at the time shown, the
 * records as JSON lines, the timeline as SVG.
 *
 * Share asks the server to save the run (the share request) and shows the link,
 * which opens the run paused at that moment. The exports are made here, from
 * the store and the timeline, and downloaded as files.
 *
 * new Sharing({store, timeline, request, viewTime, following}); render({canShare})
 * on each page frame.
 */

import { setProp, setText } from "./pagekit.js";

const $ = (id) => document.getElementById(id);

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function Sharing({ store, timeline, request, viewTime, following }) {
  const shareButton = $("share");
  const shareResult = $("share-result");
  const shareLink = $("share-link");
  const copyButton = $("share-copy");
  const exportRecordsButton = $("export-records");
  const exportSvgButton = $("export-svg");

  async function share() {
    shareResult.hidden = false;
    shareLink.value = "";
    setText($("share-status"), "Saving…");
    try {
      const frame = await request("share", { at: viewTime() });
      const url = new URL(frame.url, window.location.href).href;
      shareLink.value = url;
      shareLink.dataset.slug = frame.slug;
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

  function exportRecords() {
    download(`pod-playground-run-${store.now.toFixed(0)}s.jsonl`, "application/x-ndjson", store.toJSONLines());
  }

  function exportSvg() {
    const t = viewTime();
    const text = timeline.toSVGString(`Pod Playground — t = ${t.toFixed(1)} s${following() ? "" : ` (of ${store.now.toFixed(1)} s)`}`);
    if (text) download(`pod-playground-timeline-${t.toFixed(0)}s.svg`, "image/svg+xml", text);
  }

  shareButton.addEventListener("click", share);
  copyButton.addEventListener("click", copyLink);
  exportRecordsButton.addEventListener("click", exportRecords);
  exportSvgButton.addEventListener("click", exportSvg);

  function render({ canShare }) {
    const haveRecords = store.records.length > 0;
    setProp(shareButton, "disabled", !canShare || !haveRecords);
    setProp(exportRecordsButton, "disabled", !haveRecords);
    setProp(exportSvgButton, "disabled", !haveRecords);
  }

  return { render };
}
