/* Pod Playground editor: CodeMirror 5 on the manifest textarea, with live validation.
 *
 * The <textarea name="manifest"> stays the form's source of truth, both ways:
 *   - every edit in the editor is saved into it at once (cm.save()) and announced
 *     with an "input" event, so app.js (Run, the example picker) and htmx read it;
 *   - text written into it by other code (app.js loading an example, a test
 *     filling it) is loaded into the editor.
 *
 * Validation: the element #editor carries hx-post="/validate" and triggers on
 * load, on "input" from the textarea (debounced 400 ms) and on a "validate"
 * event (sent here when the form is submitted, i.e. on Run). The "manifest-body"
 * htmx extension below posts the manifest as the raw text/plain body. The
 * answer (templates/playground/_validation.html) is swapped into #validation:
 * an error list, plus the same errors as JSON in <script id="validation-data">,
 * which become the lint addon's gutter markers and underlines.
 */

import { setEditor } from "./pagelinks.js";

const textarea = document.getElementById("manifest");
const host = document.getElementById("editor");
const panel = document.getElementById("validation");
// CodeMirror 5 is a classic script (vendored), loaded before this module.
if (textarea && host && window.CodeMirror) setUp(window.CodeMirror);

function setUp(CodeMirror) {
  const form = textarea.form;

  /* ---------- htmx: post the manifest as the raw request body ---------- */

  // A form-encoded body is refused with a 400 by Django above 2.5 MB, before any
  // view runs; a raw body lets the server answer every size with a message.
  if (window.htmx) {
    window.htmx.defineExtension("manifest-body", {
      onEvent(name, event) {
        if (name === "htmx:configRequest") {
          event.detail.headers["Content-Type"] = "text/plain; charset=utf-8";
        }
        return true;
      },
      encodeParameters(xhr, parameters) {
        const value = typeof parameters.get === "function" ? parameters.get("manifest") : parameters.manifest;
        return value === null || value === undefined ? "" : String(value);
      },
    });
  }

  /* ---------- the editor ---------- */

  let annotations = [];
  let tabLeavesEditor = false; // after Esc, Tab moves focus instead of indenting

  function run() {
    if (form) form.requestSubmit();
  }

  function indent(cm) {
    if (tabLeavesEditor) return CodeMirror.Pass;
    if (cm.somethingSelected()) {
      cm.indentSelection("add");
    } else {
      const column = cm.getCursor().ch;
      cm.replaceSelection(" ".repeat(2 - (column % 2)), "end", "+input");
    }
    return undefined;
  }

  function dedent(cm) {
    if (tabLeavesEditor) return CodeMirror.Pass;
    cm.indentSelection("subtract");
    return undefined;
  }

  const cm = CodeMirror.fromTextArea(textarea, {
    mode: "yaml",
    lineNumbers: true,
    indentUnit: 2,
    tabSize: 2,
    indentWithTabs: false,
    lineWrapping: false,
    gutters: ["CodeMirror-lint-markers", "CodeMirror-linenumbers"],
    lint: {
      getAnnotations: () => annotations,
      lintOnChange: false, // markers come from the server, not from typing
      tooltips: true,
    },
    extraKeys: {
      Tab: indent,
      "Shift-Tab": dedent,
      "Ctrl-Enter": run,
      "Cmd-Enter": run,
      Esc: (editor) => {
        tabLeavesEditor = true;
        editor.execCommand("singleSelection"); // what Esc does by default
      },
    },
  });
  setEditor(cm); // for marklinks.js, app.js, room.js (and the console, the browser tests)

  const input = cm.getInputField();
  input.setAttribute("aria-label", "Pod YAML (Tab indents; Esc then Tab leaves the editor; Ctrl+Enter runs)");
  cm.on("keydown", (_cm, event) => {
    if (event.key !== "Tab" && event.key !== "Escape" && event.key !== "Shift") tabLeavesEditor = false;
  });
  cm.on("blur", () => {
    tabLeavesEditor = false;
  });

  // CodeMirror hides the textarea with display: none. It stays in the page,
  // out of sight and out of the tab order, so that code and tests that write
  // into it keep working (editor.css: .editor-source).
  textarea.style.display = "";
  textarea.classList.add("editor-source");
  textarea.tabIndex = -1;
  textarea.setAttribute("aria-hidden", "true");

  /* ---------- keeping the textarea and the editor in step ---------- */

  let saving = false;
  const nativeValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value");

  function loadFromTextarea() {
    const text = nativeValue.get.call(textarea);
    if (text !== cm.getValue()) {
      cm.setValue(text);
      cm.scrollTo(0, 0);
    }
  }

  // Programmatic writes (app.js: `manifest.value = example`) fire no event.
  Object.defineProperty(textarea, "value", {
    configurable: true,
    get() {
      return nativeValue.get.call(this);
    },
    set(text) {
      nativeValue.set.call(this, text);
      if (!saving) loadFromTextarea();
    },
  });
  textarea.addEventListener("input", () => {
    if (!saving) loadFromTextarea();
  });

  cm.on("changes", () => {
    saving = true;
    try {
      cm.save();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    } finally {
      saving = false;
    }
  });

  /* ---------- lint markers from the server's errors ---------- */

  function clamp(value, low, high) {
    return Math.max(low, Math.min(high, value));
  }

  /** The [from, to) characters to underline for an error at `ch` on a line. */
  function errorRange(text, ch, code) {
    const end = text.replace(/\s+$/, "").length;
    const lineStart = text.length - text.replace(/^\s+/, "").length;
    if (ch >= end) return [Math.min(lineStart, end), end]; // past the text: the whole line
    // A missing field is reported at the object that lacks it: underline that line.
    if (code === "FieldValueRequired") return [ch, end];
    const first = text[ch];
    if (first === '"' || first === "'") {
      let i = ch + 1;
      while (i < text.length) {
        if (text[i] === "\\" && first === '"') i += 2;
        else if (text[i] === first) return [ch, i + 1];
        else i += 1;
      }
      return [ch, end];
    }
    let i = ch;
    while (i < end) {
      const c = text[i];
      if (/\s/.test(c) || c === "," || c === "]" || c === "}" || c === "#") break;
      if (c === ":" && (i + 1 >= text.length || /\s/.test(text[i + 1]))) break;
      i += 1;
    }
    return i > ch ? [ch, i] : [ch, end];
  }

  function toAnnotation(error) {
    const line = clamp((Number(error.line) || 1) - 1, 0, cm.lineCount() - 1);
    const text = cm.getLine(line);
    const ch = clamp((Number(error.column) || 1) - 1, 0, text.length);
    const [from, to] = errorRange(text, ch, error.code);
    return {
      from: CodeMirror.Pos(line, from),
      to: CodeMirror.Pos(line, Math.max(from, to)),
      message: error.message,
      severity: error.severity === "warning" ? "warning" : "error",
    };
  }

  function applyValidation() {
    const data = document.getElementById("validation-data");
    let errors = [];
    try {
      errors = data ? JSON.parse(data.textContent) : [];
    } catch (_) {
      errors = [];
    }
    annotations = errors.map(toAnnotation);
    cm.performLint();
    host.dataset.errors = String(errors.filter((e) => e.severity !== "warning").length);
  }

  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target === panel) applyValidation();
  });

  // htmx swaps nothing on an HTTP error or a lost connection: say so, keep the markers.
  function unavailable(event, why) {
    if (event.detail.elt !== host || !panel) return;
    const note = document.createElement("p");
    note.className = "validation-unavailable";
    note.textContent = `Live validation is unavailable (${why}); Run still checks the manifest.`;
    panel.replaceChildren(note);
  }
  document.body.addEventListener("htmx:responseError", (event) =>
    unavailable(event, `the server answered ${event.detail.xhr.status}`));
  document.body.addEventListener("htmx:sendError", (event) => unavailable(event, "no connection"));

  /* ---------- moving to an error ---------- */

  function goTo(line, column) {
    const lineNo = clamp((line || 1) - 1, 0, cm.lineCount() - 1);
    const ch = clamp((column || 1) - 1, 0, cm.getLine(lineNo).length);
    cm.focus();
    cm.setCursor(CodeMirror.Pos(lineNo, ch));
    cm.scrollIntoView(CodeMirror.Pos(lineNo, ch), 60);
  }

  if (panel) {
    panel.addEventListener("click", (event) => {
      const item = event.target.closest(".validation-error, .validation-warning");
      if (item) goTo(Number(item.dataset.line), Number(item.dataset.column));
    });
  }

  // The Run errors that app.js lists in #errors ("editor.yaml:LINE:COL") move the
  // textarea's selection; this bubbles after that and moves the editor's cursor.
  const runErrors = document.getElementById("errors");
  if (runErrors) {
    runErrors.addEventListener("click", (event) => {
      const loc = event.target.closest(".error-loc");
      const match = loc && /:(\d+):(\d+)$/.exec(loc.textContent.trim());
      if (match) goTo(Number(match[1]), Number(match[2]));
    });
  }

  /* ---------- Run validates too; resizing ---------- */

  if (form && window.htmx) {
    form.addEventListener("submit", () => window.htmx.trigger(host, "validate"));
  }

  // The editor's frame can be resized (CSS resize), and the column changes width
  // with the window: CodeMirror measures again once per animation frame.
  if (window.ResizeObserver) {
    let pending = false;
    new ResizeObserver(() => {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(() => {
        pending = false;
        cm.refresh();
      });
    }).observe(cm.getWrapperElement());
  }
}
