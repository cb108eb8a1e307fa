/* Pod Playground formatting: how the page writes times, sizes and counts.
 *
 * One module for what the timeline, the tables, the inspector and the status line
 * all write (they used to each keep a copy or reach for another's global).
 */

/** The timeline's and the status line's compact time: "45s", "3m20s", "2h5m". */
export function formatSeconds(seconds) {
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

/** Bytes in Kubernetes' binary units, one decimal: "512", "1.5Ki", "64Mi". */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return "?";
  let amount = Number(bytes);
  for (const unit of ["B", "Ki", "Mi", "Gi"]) {
    if (amount < 1024 || unit === "Gi") {
      return `${Number(amount.toFixed(1))}${unit === "B" ? "" : unit}`;
    }
    amount /= 1024;
  }
  return String(bytes);
}

/** kubectl's AGE and LAST SEEN (apimachinery duration.HumanDuration). */
export function humanDuration(seconds) {
  const s = Math.floor(seconds);
  if (s < 0) return "0s";
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(s / 3600);
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** The notice for log lines the server held back (log-held records). */
export function heldText(lines) {
  const n = lines.toLocaleString("en-US");
  return `${n} ${lines === 1 ? "line" : "lines"} not shown; kubectl logs has them`;
}

/** "1 action", "3 actions". */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
