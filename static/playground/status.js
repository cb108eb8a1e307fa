/* Pod Playground status: the status line, the run's state in words, the input's problems.
 *
 * runStatus(run, {replaying, speed, now}) is what the status line says about a run
 * (no DOM: tests/js/status.test.js); StatusLine and ErrorList write the page.
 */

import { formatSeconds } from "./format.js";

/** "3.5 s", or "180.0 s (3m)": the status names the time the clock shows. */
export function simulatedAt(t) {
  return `${t.toFixed(1)} s${t >= 60 ? ` (${formatSeconds(t)})` : ""}`;
}

/**
 * The status line for a run: [state, text]. `run` as the page keeps it (state:
 * playing | paused | jumping | seeking | finished | stopped | error; speed; next,
 * null when nothing more happens before the horizon; goal of a seek); `replaying`
 * while the page replays recorded history at `speed`; `now` the live edge.
 * The status is a live region: it changes with the state, not with every tick
 * of the clock (the clock above the timeline shows the time).
 */
export function runStatus(run, { replaying, speed, now }) {
  if (replaying) {
    return ["replaying", `Replaying the recorded run at ${speed}x towards the live edge ` +
      `at ${now.toFixed(1)} s. Space pauses.`];
  }
  const at = simulatedAt(now);
  switch (run.state) {
    case "playing": return ["running", `Playing at ${run.speed}x.`];
    case "paused":
      return ["paused", run.next === null
        ? `Paused at simulated ${at}; nothing more happens before the horizon.`
        : `Paused at simulated ${at}. Space plays, → steps to the next event.`];
    case "jumping": return ["running", "Jumping to the end…"];
    case "seeking": return ["running", `Replaying the run to ${run.goal.toFixed(1)} s…`];
    case "finished": return ["finished", `Finished at simulated ${at}.`];
    case "stopped": return ["stopped", `Stopped at simulated ${at}.`];
    default: return ["error", `The run failed at simulated ${at}.`];
  }
}

/** "editor.yaml:3:5", "editor.yaml", or "" for an error of the input. */
export function errorLocation(error) {
  if (error.line === null || error.line === undefined) return error.file || "";
  return `${error.file}:${error.line}:${error.column}`;
}

export function StatusLine(node) {
  return function setStatus(state, text) {
    node.dataset.state = state;
    node.textContent = text;
  };
}

/** The problems of the input under the editor; a located one selects its line when clicked. */
export function ErrorList(list, manifest) {
  function selectLine(line, column) {
    const lines = manifest.value.split("\n");
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i += 1) offset += lines[i].length + 1;
    const lineText = lines[line - 1] || "";
    const start = offset + Math.max(0, Math.min((column || 1) - 1, lineText.length));
    manifest.focus();
    manifest.setSelectionRange(start, offset + lineText.length);
    const lineHeight = parseFloat(getComputedStyle(manifest).lineHeight) || 18;
    manifest.scrollTop = Math.max(0, (line - 4) * lineHeight);
  }

  return function showErrors(errors) {
    list.replaceChildren();
    for (const error of errors) {
      const item = document.createElement("li");
      item.className = "error";
      const where = errorLocation(error);
      if (where) {
        const loc = document.createElement(error.line ? "button" : "span");
        loc.className = "error-loc";
        loc.textContent = where;
        if (error.line) {
          loc.type = "button";
          loc.title = "Show in the editor";
          loc.addEventListener("click", () => selectLine(error.line, error.column));
        }
        item.append(loc, ": ");
      }
      item.append(error.message);
      list.append(item);
    }
    list.hidden = errors.length === 0;
  };
}
