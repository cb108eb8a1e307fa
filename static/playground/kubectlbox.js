/*
 * A kubectl box: the user types a kubectl command line, the server answers it
 * against the run at its live edge, and the box shows kubectl's output
 * verbatim under a "$ kubectl ..." prompt line, and kubectl's exit status
 * beside it when it is not 0.
 *
 * Read-only: the server's kubectl request runs `get`, `describe` and
 * `auth can-i` (playground/protocol.py KUBECTL_VERBS); any other verb is
 * answered here, without a request, with where the page does that instead.
 * Up/Down walk the history of the box (most recent first), as a shell does.
 *
 * Self-contained: it asks through the page's request(kind, fields) (pagelinks.js)
 * (app.js), looked up when a command is sent, so the scripts may load in any
 * order. Markup: templates/playground/index.html (#kubectl-box).
 */

import { playground } from "./pagelinks.js";
import { el } from "./pagekit.js";

const VERBS = ["get", "describe", "auth"];
const MAX_ARGS = 16; // protocol.py MAX_KUBECTL_ARGV
const MAX_ARG_CHARS = 253; // protocol.py MAX_NAME_CHARS
const MAX_HISTORY = 100;
const MAX_ENTRIES = 50; // transcript entries kept on the page
// Where the page does what a verb the box does not take would do.
const ELSEWHERE = {
  logs: "the Inspector's Logs tab and the Logs panel show kubectl logs",
  exec: "the Inspector's Container tab runs read-only commands in a container",
  apply: "Live actions → Apply the edited YAML is kubectl apply",
  create: "Live actions → Apply the edited YAML creates objects",
  delete: "Live actions delete Pods and workloads",
  scale: "Live actions → Scale",
  cordon: "Live actions → Node → Cordon",
  uncordon: "Live actions → Node → Uncordon",
  drain: "Live actions → Node → Drain",
  rollout: "Live actions → Workload: rollout undo, pause and resume",
  set: "Live actions → Workload → Set image",
};

/** Split a command line as a POSIX shell would for plain words and quotes. */
function splitWords(line) {
  const words = [];
  let word = null;
  let quote = "";
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = "";
      else if (ch === "\\" && quote === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
        i += 1;
        word += line[i];
      } else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      if (word === null) word = "";
    } else if (ch === "\\" && i + 1 < line.length) {
      i += 1;
      word = (word || "") + line[i];
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word || "") + ch;
    }
  }
  if (quote) throw new Error(`unterminated ${quote === "'" ? "single" : "double"} quote`);
  if (word !== null) words.push(word);
  return words;
}

/** What the box answers itself (a string) or the argv to send (an array). */
function check(line) {
  let words;
  try {
    words = splitWords(line);
  } catch (err) {
    return `error: ${err.message}`;
  }
  if (words[0] === "kubectl") words = words.slice(1);
  if (!words.length) return "Type a kubectl command, for example: kubectl get pods";
  const verb = words[0];
  if (!VERBS.includes(verb)) {
    const where = ELSEWHERE[verb] ? ` (${ELSEWHERE[verb]})` : "";
    return `This box is read-only: it runs kubectl get, kubectl describe and kubectl auth can-i, not kubectl ${verb}. Changes to the cluster are live actions${where}.`;
  }
  if (words.some((w) => w === "")) return "error: an argument is empty";
  if (words.length > MAX_ARGS) return `error: at most ${MAX_ARGS} words in a command line here`;
  if (words.some((w) => w.length > MAX_ARG_CHARS)) return `error: a word is longer than ${MAX_ARG_CHARS} characters`;
  return words;
}

class PodKubectlBox {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector("form");
    this.input = root.querySelector("input");
    this.output = root.querySelector(".kubectl-output");
    this.history = [];
    this.cursor = -1; // -1: the line being typed; 0: the most recent command...
    this.draft = "";
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit(this.input.value);
    });
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    root.querySelector(".kubectl-clear").addEventListener("click", () => {
      this.output.replaceChildren();
      this.output.hidden = true;
      this.input.focus();
    });
  }

  onKey(event) {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const next = this.cursor + (event.key === "ArrowUp" ? 1 : -1);
    if (next < -1 || next >= this.history.length) return;
    event.preventDefault();
    if (this.cursor === -1) this.draft = this.input.value;
    this.cursor = next;
    this.input.value = next === -1 ? this.draft : this.history[this.history.length - 1 - next];
    const end = this.input.value.length;
    this.input.setSelectionRange(end, end);
  }

  remember(line) {
    if (this.history[this.history.length - 1] !== line) this.history.push(line);
    if (this.history.length > MAX_HISTORY) this.history.shift();
    this.cursor = -1;
    this.draft = "";
  }

  /** One transcript entry: the prompt line, then the answer when it comes. */
  entry(line) {
    const item = el("div", { class: "kubectl-entry", "data-testid": "kubectl-entry" });
    const shown = /^\s*kubectl(\s|$)/.test(line) ? line.trim() : `kubectl ${line.trim()}`;
    item.append(el("div", { class: "kubectl-prompt" }, `$ ${shown}`));
    const out = el("pre", { class: "kubectl-answer", "data-testid": "kubectl-answer", "aria-busy": "true" }, "…");
    item.append(out);
    this.output.append(item);
    while (this.output.children.length > MAX_ENTRIES) this.output.firstElementChild.remove();
    this.output.hidden = false;
    return out;
  }

  show(out, text, state, status) {
    out.textContent = text;
    out.removeAttribute("aria-busy");
    out.dataset.state = state;
    if (status !== undefined) {
      out.dataset.status = String(status);
      // kubectl's exit status, beside its output (never inside it)
      if (status) out.after(el("div", { class: "kubectl-status", "data-testid": "kubectl-status" }, `exit status ${status}`));
    }
    this.output.scrollTop = this.output.scrollHeight;
  }

  async submit(line) {
    if (!line.trim()) return;
    this.remember(line);
    this.input.value = "";
    const out = this.entry(line);
    const argv = check(line);
    if (typeof argv === "string") {
      this.show(out, argv, "refused");
      return;
    }
    const page = playground();
    if (!page || typeof page.request !== "function") {
      this.show(out, "The page is not connected to a run yet.", "error");
      return;
    }
    try {
      const frame = await page.request("kubectl", { argv });
      // kubectl's output verbatim (its last newline is the end of the block)
      const text = String(frame.output || "").replace(/\n$/, "");
      this.show(out, text, frame.status ? "failed" : "ok", frame.status || 0);
      if (typeof frame.now === "number") out.title = `answered at t = ${frame.now.toFixed(1)} s, the live edge`;
    } catch (err) {
      this.show(out, err.message || String(err), "error");
    }
  }
}

function start() {
  const root = document.getElementById("kubectl-box");
  if (root) window.podKubectlBox = new PodKubectlBox(root);
}

export { PodKubectlBox, check };
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
