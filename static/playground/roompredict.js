/* Pod Playground room predictions: "what happens next?" (docs/rooms-protocol.md, Predictions).
 *
 * The presenter pauses and asks (choices, or a number); students answer on
 * their devices with a nickname kept per device (localStorage); the presenter
 * sees the answers come in and reveals the tally, drawn as a bar chart (plain
 * SVG, no chart library); everyone sees it.
 *
 * new PodRoomPredictions({send, isPresenter, pauseRoom}) -> {show(P), answered(frame), refused(text), render()}
 */
import { el } from "./pagekit.js";

const NICK_KEY = "podPlayground.nickname";
const DEVICE_KEY = "podPlayground.device";
const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);

function stored(key) {
  try { return window.localStorage.getItem(key); } catch (error) { return null; }
}

function keep(key, value) {
  try { window.localStorage.setItem(key, value); } catch (error) { /* this page only */ }
}

function deviceId() {
  let id = stored(DEVICE_KEY);
  if (!id) {
    const bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    id = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    keep(DEVICE_KEY, id);
  }
  return id;
}

/** One bar per tally entry: label, bar, count; the longest bar fills the row. */
function tallyChart(tally, mine) {
  const most = Math.max(1, ...tally.map((bar) => bar.count));
  const total = tally.reduce((sum, bar) => sum + bar.count, 0);
  const list = el("ol", { class: "tally", "data-testid": "tally", "aria-label": "The class's answers" });
  for (const bar of tally) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "tally-bar");
    svg.setAttribute("viewBox", "0 0 100 10");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true");
    const rect = document.createElementNS(SVG, "rect");
    rect.setAttribute("x", "0");
    rect.setAttribute("y", "0");
    rect.setAttribute("height", "10");
    rect.setAttribute("width", String((100 * bar.count) / most));
    svg.append(rect);
    const share = total ? Math.round((100 * bar.count) / total) : 0;
    const item = el("li", { "data-label": bar.label, "data-count": bar.count, "data-mine": String(mine === bar.label) },
      el("span", { class: "tally-label" }, bar.label),
      svg,
      el("span", { class: "tally-count" }, `${bar.count}`, el("span", { class: "tally-share" }, ` (${share}%)`)));
    list.append(item);
  }
  return list;
}

export function PodRoomPredictions({ send, isPresenter, pauseRoom }) {
  const card = $("room-prediction");
  const askForm = $("room-ask-form");
  const askButton = $("room-ask");
  let current = null; // the prediction P
  let mine = null; // {prediction, answer} this device's answer
  let pending = null;
  let problem = "";

  /* ---------- asking (the presenter) ---------- */

  function kind() {
    return askForm.querySelector("input[name=ask-kind]:checked").value;
  }

  function syncAskForm() {
    $("ask-choices-row").hidden = kind() !== "choice";
  }

  askButton.addEventListener("click", () => {
    askForm.hidden = !askForm.hidden;
    if (!askForm.hidden) $("ask-question").focus();
  });
  for (const radio of askForm.querySelectorAll("input[name=ask-kind]")) radio.addEventListener("change", syncAskForm);
  $("ask-cancel").addEventListener("click", () => {
    askForm.hidden = true;
  });
  askForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = { action: "predict", question: $("ask-question").value.trim(), kind: kind() };
    if (message.kind === "choice") {
      message.choices = $("ask-choices").value.split("\n").map((line) => line.trim()).filter(Boolean);
    }
    pauseRoom(); // "what happens next?" is asked with the clock stopped
    send(message);
    askForm.hidden = true;
  });

  /* ---------- answering (students) ---------- */

  function nickname() {
    return $("prediction-nickname").value.trim();
  }

  function answer(value) {
    if (!current) return;
    const name = nickname();
    if (!name) {
      problem = "Give yourself a nickname first (it stays on this device).";
      render();
      $("prediction-nickname").focus();
      return;
    }
    keep(NICK_KEY, name);
    problem = "";
    pending = value;
    send({ action: "answer", prediction: current.id, answer: value, nickname: name, device: deviceId() });
    render();
  }

  /* ---------- drawing ---------- */

  function stateText(p) {
    const n = `${p.answers} answer${p.answers === 1 ? "" : "s"}`;
    if (p.state === "open") {
      // Students see the count once revealed; the presenter watches it come in.
      return isPresenter() ? `${n} so far · asked at t = ${p.t.toFixed(1)} s` : `Asked at t = ${p.t.toFixed(1)} s`;
    }
    if (p.state === "closed") return `${n} · no longer taking answers`;
    return `${n} · the class's predictions; play on to see what happens`;
  }

  function presenterPart(p) {
    const part = el("div", { class: "prediction-controls" });
    if (p.tally) part.append(tallyChart(p.tally, null));
    const buttons = el("div", { class: "prediction-buttons" });
    if (p.state !== "revealed") {
      const reveal = el("button", { type: "button", class: "btn btn-primary", "data-testid": "prediction-reveal" }, "Reveal the answers");
      reveal.addEventListener("click", () => send({ action: "reveal" }));
      buttons.append(reveal);
    }
    if (p.state === "open") {
      const close = el("button", { type: "button", class: "btn", "data-testid": "prediction-close" }, "Stop taking answers");
      close.addEventListener("click", () => send({ action: "close" }));
      buttons.append(close);
    }
    const dismiss = el("button", { type: "button", class: "btn", "data-testid": "prediction-dismiss" }, "Hide");
    dismiss.addEventListener("click", () => {
      card.hidden = true;
      card.dataset.dismissed = String(p.id);
    });
    buttons.append(dismiss);
    part.append(buttons);
    return part;
  }

  function studentPart(p) {
    const part = el("div", { class: "prediction-answer" });
    const mineHere = mine && mine.prediction === p.id ? mine.answer : null;
    if (p.state === "open") {
      const nick = el("p", { class: "prediction-nick" },
        el("label", { for: "prediction-nickname" }, "Nickname "),
        el("input", { id: "prediction-nickname", type: "text", maxlength: "40", autocomplete: "nickname",
          value: stored(NICK_KEY) || "", "data-testid": "prediction-nickname", placeholder: "as the class knows you" }));
      part.append(nick);
      if (p.kind === "choice") {
        const choices = el("div", { class: "prediction-choices", role: "group", "aria-label": "Your answer" });
        for (const choice of p.choices) {
          const button = el("button", { type: "button", class: "btn prediction-choice", "data-choice": choice,
            "aria-pressed": String(mineHere === choice) }, choice);
          button.addEventListener("click", () => answer(choice));
          choices.append(button);
        }
        part.append(choices);
      } else {
        const form = el("form", { class: "prediction-number" },
          el("label", { for: "prediction-value" }, "Your answer "),
          el("input", { id: "prediction-value", type: "number", step: "any", inputmode: "decimal", required: true,
            value: mineHere ?? "", "data-testid": "prediction-value" }),
          el("button", { type: "submit", class: "btn btn-primary", "data-testid": "prediction-send" }, "Send"));
        form.addEventListener("submit", (event) => {
          event.preventDefault();
          const value = Number(form.querySelector("input").value);
          if (Number.isFinite(value)) answer(value);
        });
        part.append(form);
      }
    }
    const said = mineHere !== null
      ? `Your answer: ${mineHere}${p.state === "open" ? " (you can change it until the presenter reveals)" : ""}.`
      : pending !== null ? "Sending…" : p.state === "open" ? "" : "You did not answer this one.";
    part.append(el("p", { class: "prediction-mine", "data-testid": "prediction-mine", role: "status" }, said));
    if (problem) part.append(el("p", { class: "prediction-problem", role: "alert" }, problem));
    if (p.tally) part.append(tallyChart(p.tally, mineHere === null ? null : String(mineHere)));
    return part;
  }

  function render() {
    askButton.hidden = !isPresenter();
    if (!isPresenter()) askForm.hidden = true;
    if (!current) {
      card.hidden = true;
      return;
    }
    const p = current;
    const keepNick = document.activeElement && document.activeElement.id === "prediction-nickname" ? nickname() : null;
    const keepValue = document.activeElement && document.activeElement.id === "prediction-value"
      ? document.activeElement.value : null;
    card.dataset.state = p.state;
    card.dataset.id = String(p.id);
    if (isPresenter() && card.dataset.dismissed === String(p.id)) {
      card.hidden = true;
      return;
    }
    card.hidden = false;
    const kindLabel = p.kind === "choice" ? "Pick one" : "Answer with a number";
    card.replaceChildren(
      el("p", { class: "prediction-kicker" }, p.state === "revealed" ? "The class predicted" : `What happens next? ${isPresenter() ? "" : kindLabel}`),
      el("h2", { class: "prediction-question", "data-testid": "prediction-question" }, p.question),
      el("p", { class: "prediction-state", "data-testid": "prediction-state" }, stateText(p)),
      isPresenter() ? presenterPart(p) : studentPart(p),
    );
    if (keepNick !== null) {
      const input = $("prediction-nickname");
      if (input) { input.value = keepNick; input.focus(); }
    }
    if (keepValue !== null) {
      const input = $("prediction-value");
      if (input) { input.value = keepValue; input.focus(); }
    }
  }

  return {
    show(prediction) {
      const fresh = prediction && (!current || current.id !== prediction.id);
      current = prediction;
      if (fresh) {
        pending = null;
        problem = "";
        if (!isPresenter()) {
          render();
          card.scrollIntoView({ block: "nearest" });
          return;
        }
      }
      render();
    },
    answered(frame) {
      mine = { prediction: frame.prediction, answer: frame.answer };
      pending = null;
      problem = "";
      render();
    },
    refused(text) {
      pending = null;
      problem = text;
      render();
    },
    render,
  };
}
