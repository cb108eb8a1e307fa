/* Pod Playground mark links: a clicked timeline mark explained from the manifest.
 *
 * explainMark(mark) finds the lines of the manifest behind the mark (the probe,
 * its failureThreshold, the memory limit, restartPolicy, preStop, the grace
 * period), highlights the line in the editor and says why, in #mark-explain.
 */

import { editor } from "./pagelinks.js";

const $ = (id) => document.getElementById(id);

/** Lines of the container's block in the manifest: {name, probes, limits, memory, preStop, ...}. */
function manifestLines(text, container) {
  const lines = text.split("\n");
  const found = {};
  const indentOf = (line) => line.length - line.replace(/^[\s-]*/, "").length;
  let podLevel = null;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (/^\s*(terminationGracePeriodSeconds|restartPolicy):/.test(line) && found.block === undefined) {
      const key = line.trim().split(":")[0];
      if (found[key] === undefined) found[key] = i;
    }
    if (/^\s*(containers|initContainers):/.test(line)) podLevel = true;
    const nameMatch = /^(\s*)-\s*name:\s*["']?([^"'#\s]+)/.exec(line);
    if (podLevel && nameMatch && nameMatch[2] === container && found.name === undefined) {
      found.name = i;
      const base = nameMatch[1].length;
      for (let j = i + 1; j < lines.length; j += 1) {
        const next = lines[j];
        if (!next.trim() || next.trim().startsWith("#")) continue;
        const ind = indentOf(next);
        if (ind <= base + 1 && /^\s*-/.test(next) && next.search(/-/) <= base) break;
        if (next.search(/\S/) <= base && !/^\s*-/.test(next)) break;
        const key = next.trim().replace(/^-\s*/, "").split(":")[0];
        if (["livenessProbe", "readinessProbe", "startupProbe", "limits", "memory", "preStop"].includes(key) &&
            found[key] === undefined) {
          if (key === "memory" && found.limits === undefined) continue;
          found[key] = j;
          if (key.endsWith("Probe")) {
            for (let k = j + 1; k < lines.length && indentOf(lines[k]) > indentOf(next); k += 1) {
              const m = /failureThreshold:\s*(\d+)/.exec(lines[k]);
              if (m) found[`${key}.failureThreshold`] = { line: k, value: Number(m[1]) };
            }
          }
        }
      }
    }
  }
  return found;
}

let markedLine = null;

function explainMark(mark) {
  const cm = editor();
  const text = cm ? cm.getValue() : $("manifest").value;
  const f = manifestLines(text, mark.container);
  const n = (line) => line + 1;
  let line = null;
  let note = "";
  if (mark.kind === "probe") {
    const key = `${mark.probe}Probe`;
    const probe = mark.probe.charAt(0).toUpperCase() + mark.probe.slice(1);
    line = f[key] === undefined ? null : f[key];
    const ft = f[`${key}.failureThreshold`];
    const threshold = ft ? `failureThreshold: ${ft.value} at line ${n(ft.line)}`
      : "failureThreshold defaults to 3";
    const then = mark.probe === "liveness" ? " → Killing" : mark.probe === "readiness" ? " → not Ready" : " → Killing";
    note = `${probe} probe failed ${ft ? ft.value : 3} times (${threshold})${then}` +
      (line === null ? "" : `; ${key}: at line ${n(line)}`);
  } else if (mark.kind === "oom") {
    line = f.memory !== undefined ? f.memory : f.limits !== undefined ? f.limits : null;
    note = line === null ? "OOMKilled: no memory limit found in the manifest for this container"
      : `OOMKilled: memory use reached the limit (resources.limits.memory at line ${n(line)})`;
  } else if (mark.kind === "restart") {
    if (f.restartPolicy !== undefined) {
      line = f.restartPolicy;
      note = `Restarted with back-off because of restartPolicy at line ${n(line)}`;
    } else {
      line = f.name === undefined ? null : f.name;
      note = "Restarted with back-off: restartPolicy defaults to Always";
    }
  } else if (mark.kind === "prestop") {
    line = f.preStop === undefined ? null : f.preStop;
    note = `preStop hook runs before SIGTERM${line === null ? "" : ` (line ${n(line)})`}`;
  } else {
    if (f.terminationGracePeriodSeconds !== undefined) {
      line = f.terminationGracePeriodSeconds;
      note = `${mark.kind === "sigkill" ? "SIGKILL after" : "SIGTERM, then"} the grace period (terminationGracePeriodSeconds at line ${n(line)})`;
    } else {
      line = f.name === undefined ? null : f.name;
      note = `${mark.kind === "sigkill" ? "SIGKILL after" : "SIGTERM, then"} the grace period: terminationGracePeriodSeconds defaults to 30 s`;
    }
  }
  if (cm) {
    if (markedLine !== null) cm.removeLineClass(markedLine, "wrap", "cm-mark-source");
    markedLine = null;
    if (line !== null) {
      markedLine = cm.addLineClass(line, "wrap", "cm-mark-source");
      cm.scrollIntoView(window.CodeMirror.Pos(line, 0), 60);
    }
  }
  const box = $("mark-explain");
  box.textContent = `${mark.container} at ${mark.t.toFixed(1)} s: ${note}`;
  box.hidden = false;
}

export { manifestLines, explainMark };
