/* Pod Playground room mode (/r/<code>): the playground page driven by a room's frames.
 *
 * The room's socket (docs/rooms-protocol.md) carries the run socket's frames,
 * so app.js renders the room's run as its own. This module is loaded before
 * app.js and gives it the room mode (setRoomMode, pagelinks.js): it sees every frame first (the
 * room's own kinds stop here), acknowledges room frames, claims the presenter's
 * role with the secret this device holds (or a handover link), and mirrors the
 * presenter's view:
 *
 * - the presenter's page sends its view (the time it looks at, the selected
 *   Pod, the inspector's tab) whenever it changes, at most 4 times a second;
 * - a student's page applies it while following the presenter; the student's
 *   own scrub, selection or tab stops that ("looking around") until "Follow
 *   presenter". Play, pause, speed and step are the room's clock frames.
 *
 * Predictions are drawn by roompredict.js.
 */

import { editor, playground, setRoomMode } from "./pagelinks.js";
import { PodRoomPredictions } from "./roompredict.js";

const ACK_EVERY = 16; // frames; the server allows 512 unacknowledged (PLAYGROUND_ROOM_VIEWER_WINDOW)
const ACK_MS = 400;
const VIEW_MS = 250;
const TIME_SLACK = 0.05; // seconds: the same moment

const $ = (id) => document.getElementById(id);
const root = $("playground");
const code = root.dataset.room;
const SECRET_KEY = `room-secret:${code}`;
const bar = $("room-bar");
const roleLine = $("room-role");
const people = $("room-people");
const note = $("room-note");
const followButton = $("room-follow");
const forkButton = $("room-fork");
const presentHereButton = $("room-present-here");
const NICK_KEY = "podPlayground.nickname"; // roompredict.js keeps the student's nickname there
const speedSelect = $("speed");

const storage = {
  get(key) {
    try { return window.localStorage.getItem(key); } catch (error) { return null; }
  },
  set(key, value) {
    try { window.localStorage.setItem(key, value); } catch (error) { /* not kept */ }
  },
  remove(key) {
    try { window.localStorage.removeItem(key); } catch (error) { /* nothing kept */ }
  },
};

let role = "viewer";
let claimSent = false;
let lastSeq = 0;
let ackedSeq = 0;
let snapshot = false; // between a "room" frame and the snapshot's clock
let presenterView = null;
let followingPresenter = true;
let lastActId = null;
let sentView = "";
let roomSpeed = null;
let ended = false;
let forkSeq = 0;
let forkWindow = null;
let touching = 0; // a student's own input being handled
let yielded = false; // another tab or device took the presenter's role: no claim until asked
const predictions = new PodRoomPredictions({
  send: (message) => send(message), isPresenter: () => role === "presenter",
  pauseRoom: () => pauseRoom(),
});

const page = playground;
const send = (message) => page().send(message);

/* ---------- what the page says about the room ---------- */

function say(text, kind) {
  note.hidden = !text;
  note.textContent = text || "";
  note.dataset.kind = kind || "info";
}

function renderRole() {
  bar.dataset.role = role;
  root.dataset.roomRole = role;
  document.documentElement.dataset.roomRole = role;
  followButton.hidden = role === "presenter" || followingPresenter;
  presentHereButton.hidden = role === "presenter" || !yielded || !storage.get(SECRET_KEY);
  bar.dataset.following = String(followingPresenter);
  if (ended) {
    roleLine.textContent = "This room has ended.";
  } else if (role === "presenter") {
    roleLine.textContent = "You are presenting.";
    roleLine.title = "Everything you do here, the class sees: play, pause, speed, scrubbing, live actions, the selected Pod.";
  } else if (followingPresenter) {
    roleLine.textContent = "Following the presenter.";
  } else {
    roleLine.textContent = "Looking around on your own; the room goes on.";
  }
  const manifest = $("manifest");
  manifest.readOnly = role !== "presenter";
  if (editor()) editor().setOption("readOnly", role !== "presenter");
  predictions.render();
}

/** Who is here: the presenter sees the students (and their nicknames) come and go. */
function renderPeople(frame) {
  if (role !== "presenter") {
    people.textContent = frame.presenter ? "" : "· the presenter is not connected";
    people.title = "";
    return;
  }
  const n = frame.students || 0;
  const names = frame.nicknames || [];
  const unnamed = n - names.length;
  people.dataset.students = String(n);
  people.textContent = n === 0 ? "· no students yet" : `· ${n} student${n === 1 ? "" : "s"} here`;
  people.title = names.length
    ? `${names.join(", ")}${unnamed > 0 ? ` and ${unnamed} without a nickname` : ""}`
    : "";
  const list = people.title ? `: ${people.title}` : "";
  if (list) people.append(list.length > 90 ? `${list.slice(0, 88)}…` : list);
}

/** This page is here, with the nickname this device keeps (students are named to the presenter). */
function hello() {
  const nickname = (storage.get(NICK_KEY) || "").trim().slice(0, 40);
  send({ action: "hello", nickname: nickname || null });
}

/* ---------- flow control ---------- */

function ack() {
  if (lastSeq > ackedSeq && send({ action: "ack", seq: lastSeq })) ackedSeq = lastSeq;
}
window.setInterval(ack, ACK_MS);

/* ---------- claiming the presenter's role ---------- */

function handoverToken() {
  const match = /(?:^#|&)handover=([^&]+)/.exec(window.location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

function claim() {
  if (claimSent || role === "presenter" || yielded) return;
  const token = handoverToken();
  const secret = storage.get(SECRET_KEY);
  if (token) {
    send({ action: "claim", handover: token });
    // The fragment is used once: a reload or a copied address must not carry it.
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
  } else if (secret) {
    send({ action: "claim", secret });
  } else {
    return;
  }
  claimSent = true;
}

/* ---------- the presenter's view, sent and followed ---------- */

function currentView() {
  const p = page();
  const inspector = p.inspector;
  return {
    time: p.following() ? null : Math.round(p.viewTime() * 10) / 10,
    pod: inspector.pod, container: inspector.container, tab: inspector.tab,
    speed: Number(speedSelect.value), // a paused run sends no clock frame for a new speed
    mode: document.documentElement.dataset.view || null,
  };
}

function sendView() {
  if (role !== "presenter" || ended) return;
  const view = currentView();
  const text = JSON.stringify(view);
  if (text !== sentView && send({ action: "view", view })) sentView = text;
}
window.setInterval(sendView, VIEW_MS);

/** Does the page show something other than the presenter's view? */
function differs() {
  const view = presenterView || {};
  const p = page();
  const now = p.store.now;
  if (view.time === null || view.time === undefined || view.time >= now) {
    if (!p.following()) return true;
  } else if (p.following() || Math.abs(p.viewTime() - view.time) > TIME_SLACK) {
    return true;
  }
  const inspector = p.inspector;
  if (view.pod && inspector.pod !== view.pod) return true;
  if (view.tab && inspector.tab !== view.tab) return true;
  return false;
}

function applyView() {
  if (role === "presenter" || !followingPresenter || snapshot || touching) return;
  const view = presenterView || {};
  const p = page();
  if (typeof view.speed === "number") showSpeed(view.speed);
  if (view.time === null || view.time === undefined) {
    if (!p.following()) p.goLive();
  } else if (p.following() ? view.time < p.store.now : Math.abs(p.viewTime() - view.time) > TIME_SLACK) {
    p.scrubTo(view.time);
  }
  const inspector = p.inspector;
  if (view.pod && (inspector.pod !== view.pod || (view.container && inspector.container !== view.container))) {
    inspector.select(view.pod, view.container);
  }
  if (view.tab && inspector.tab !== view.tab) inspector.showTab(view.tab);
}

function followPresenter() {
  followingPresenter = true;
  if (note.dataset.kind === "refused") say("", "info");
  renderRole();
  applyView();
}

// A student's own scrub, Pod or tab: looking around, until "Follow presenter".
// Play, pause, speed, step and the live actions are attempts at control: the
// server refuses them and the page stays with the presenter.
const CONTROLS = "#play, #step, #jump, #speed, #actions-panel, .view-switch, #room-bar";
function noticeLookingAround(event) {
  if (!event.isTrusted || role === "presenter" || !followingPresenter) return;
  if (event.target.closest && event.target.closest(CONTROLS)) return;
  touching += 1; // the page's own handlers run first; the view is not applied meanwhile
  window.setTimeout(() => {
    touching -= 1;
    if (followingPresenter && differs()) {
      followingPresenter = false;
      renderRole();
    }
  }, 30);
}
for (const kind of ["click", "input", "change", "keydown", "wheel"]) {
  root.addEventListener(kind, noticeLookingAround, true);
}
followButton.addEventListener("click", followPresenter);

/* ---------- the presenter's own buttons ---------- */

function pauseRoom() {
  if (role === "presenter") send({ action: "pause" }); // paused already: nothing changes
}

$("room-handover").addEventListener("click", () => send({ action: "handover" }));
presentHereButton.addEventListener("click", () => {
  yielded = false;
  claim();
  renderRole();
});
$("room-handover-copy").addEventListener("click", async () => {
  const input = $("room-handover-link");
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
  } catch (error) {
    document.execCommand("copy");
  }
});

const bigCode = $("room-big");
for (const id of ["room-show-code", "room-qr-open"]) {
  $(id).addEventListener("click", () => bigCode.showModal());
}
$("room-big-close").addEventListener("click", () => bigCode.close());
bigCode.addEventListener("click", (event) => {
  if (event.target === bigCode) bigCode.close(); // the backdrop
});

/** A room just opened (roomopen.js) starts with its join code shown large, for the class to scan. */
function showCodeOnce() {
  const key = `room-fresh:${code}`;
  let fresh = null;
  try {
    fresh = window.sessionStorage.getItem(key);
    window.sessionStorage.removeItem(key);
  } catch (error) { /* no storage: the presenter presses "Show join code" */ }
  if (fresh && !bigCode.open) bigCode.showModal();
}

/* ---------- fork at this moment ---------- */

forkButton.addEventListener("click", () => {
  forkSeq += 1;
  // Opened now, within the click, so no popup blocker stops it; pointed at the fork when it is saved.
  forkWindow = window.open("", "_blank");
  forkButton.disabled = true;
  say("Saving the room's current moment as your own copy…", "info");
  if (!send({ action: "fork", id: `fork-${forkSeq}` })) {
    forkButton.disabled = false;
    say("Not connected to the room; try again in a moment.", "error");
  }
});

function forked(frame) {
  forkButton.disabled = false;
  const url = new URL(frame.url, window.location.href).href;
  if (forkWindow && !forkWindow.closed) {
    forkWindow.location.href = url;
    say(`Your copy of the room at t = ${frame.at.toFixed(1)} s opened in a new tab ` +
      "(press “Fork: edit a copy” there to change it).", "ok");
  } else {
    say("", "ok");
    const link = document.createElement("a");
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "Open your copy";
    note.hidden = false;
    note.append(`Your copy of the room at t = ${frame.at.toFixed(1)} s is ready: `, link);
  }
  forkWindow = null;
}

function forkRefused(message) {
  forkButton.disabled = false;
  if (forkWindow && !forkWindow.closed) forkWindow.close();
  forkWindow = null;
  say(`Could not fork: ${message}`, "error");
}

/* ---------- frames ---------- */

function errorText(frame) {
  return frame.errors.map((e) => e.message).join("; ");
}

function refused(frame) {
  const what = { play: "play", resume: "play", pause: "pause", speed: "change the speed", step: "step",
    jump: "jump to the end", stop: "stop the run", act: "act on the run", predict: "ask a question",
    reveal: "reveal the answers", close: "close the question", handover: "hand over", view: "move the view" };
  say(`${errorText(frame)} You tried to ${what[frame.action] || frame.action}; ` +
    "you can scrub back and look around on your own, then “Follow presenter”.", "refused");
  if (frame.action === "speed" && roomSpeed !== null) speedSelect.value = String(roomSpeed);
}

function ended404() {
  ended = true;
  say("This room has ended or never existed. Your page keeps what it showed.", "error");
  page().setStatus("stopped", "The room has ended.");
  renderRole();
}

function before(frame) {
  if (frame.seq !== undefined) {
    lastSeq = Math.max(lastSeq, frame.seq);
    if (lastSeq - ackedSeq >= ACK_EVERY) ack();
  }
  switch (frame.type) {
    case "room":
      role = frame.role;
      lastSeq = ackedSeq = frame.seq;
      snapshot = true;
      presenterView = frame.view;
      renderPeople(frame);
      predictions.show(frame.prediction);
      renderRole();
      claim();
      hello();
      return true;
    case "resync":
      if (frame.reason === "behind") {
        say("Your connection fell behind; jumped to the current moment.", "resync");
      } else if (frame.reason === "restored") {
        say("The server restarted; the room is back at the same moment, paused.", "resync");
      }
      return true;
    case "view":
      presenterView = frame.view;
      return true;
    case "prediction":
      predictions.show(frame.prediction);
      return true;
    case "answered":
      predictions.answered(frame);
      return true;
    case "role":
      claimSent = false;
      role = frame.role;
      if (frame.secret) storage.set(SECRET_KEY, frame.secret);
      if (role === "presenter") {
        say(frame.secret ? "You are now the presenter of this room." : "", "ok");
        sentView = "";
        sendView();
        showCodeOnce();
      } else if (frame.reason === "handed over") {
        storage.remove(SECRET_KEY);
        followingPresenter = true;
        say("You handed control to another device; this page now follows the room.", "info");
      } else if (frame.reason === "presented elsewhere") {
        yielded = true; // reconnecting must not take control back unasked
        followingPresenter = true;
        say("This room is now presented from another tab or device; this page follows it. " +
          "“Present from here” takes control back.", "info");
      }
      if (role === "presenter") yielded = false;
      renderRole();
      return true;
    case "presence":
      renderPeople(frame);
      return true;
    case "handover": {
      const box = $("room-handover-box");
      box.hidden = false;
      $("room-handover-link").value = new URL(frame.url, window.location.href).href;
      $("room-handover-text").textContent = `Open this link on the other device within ${Math.round(frame.expires / 60)} minutes ` +
        "(it works once); it becomes the presenter and this page follows:";
      return true;
    }
    case "forked":
      forked(frame);
      return true;
    case "acted":
      // The presenter's request id: no request of this page.
      if (role !== "presenter") delete frame.id;
      return false;
    case "error":
      return roomError(frame);
    default:
      return false;
  }
}

function roomError(frame) {
  switch (frame.request) {
    case "control":
      refused(frame);
      if (frame.action === "act" && lastActId !== null) {
        frame.id = lastActId; // the live actions panel says it next to its button
        lastActId = null;
        return false;
      }
      return true;
    case "claim":
      if (role !== "presenter") storage.remove(SECRET_KEY);
      say(errorText(frame), "error");
      return true;
    case "answer":
      predictions.refused(errorText(frame));
      return true;
    case "fork":
      forkRefused(errorText(frame));
      return true;
    default:
      if (frame.id === undefined && /has ended or never existed/.test(errorText(frame))) {
        ended404();
        return true;
      }
      return false;
  }
}

function showSpeed(speed) {
  roomSpeed = speed;
  if (role === "presenter" || Number(speedSelect.value) === speed) return;
  if ([...speedSelect.options].some((o) => Number(o.value) === speed)) speedSelect.value = String(speed);
}

function after(frame) {
  if (frame.type === "clock" || frame.type === "end") {
    if (frame.seq === undefined) snapshot = false; // the snapshot's last frame
    if (frame.speed !== undefined) showSpeed(frame.speed);
  }
  if (frame.type === "started" && frame.speed !== undefined) roomSpeed = frame.speed;
  applyView();
}

window.setInterval(applyView, VIEW_MS);

setRoomMode({
  presenter: () => role === "presenter",
  seq: () => ({ last: lastSeq, acked: ackedSeq }), // for the browser tests
  sending(message) {
    if (message.action === "act") lastActId = message.id;
  },
  opened() {
    claimSent = false;
    page().setStatus("connecting", `Joining room ${code}…`);
  },
  before,
  after,
  closed(event) {
    if (event.code === 4404 || ended) {
      if (!ended) ended404();
      return false;
    }
    return true;
  },
});

// The projector layout fits the page below the bar (rooms.css: --room-h).
new ResizeObserver(() => {
  const box = bar.getBoundingClientRect();
  document.documentElement.style.setProperty("--room-h", `${Math.ceil(box.height + 8)}px`);
}).observe(bar);

document.addEventListener("DOMContentLoaded", renderRole);
