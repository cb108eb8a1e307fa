/* Pod Playground page: the run, and the page at any instant of it.
 *
 * The glue of the page's modules: connection.js (the websocket and its
 * requests), playback.js (the view time and the controls that move it),
 * tables.js, inspector.js and the timeline (what is drawn at the view time),
 * liveactions.js (acting on the run), sharing.js (share link, exports) and
 * status.js (the status line, the input's problems). This module keeps the run:
 * starting it (with the previous run's actions or not), the server's frames
 * folded into the store (runstore.js), a shared run and its fork, the examples.
 *
 * Everything drawn is a fold of the records up to the view time, redrawn at
 * most once per animation frame.
 */

import { Connection } from "./connection.js";
import { formatSeconds, plural } from "./format.js";
import { Inspector } from "./inspector.js";
import { PodLiveActions } from "./liveactions.js";
import { explainMark } from "./marklinks.js";
import { editor, roomMode as currentRoomMode, setPlayground } from "./pagelinks.js";
import { setData, setProp, setText } from "./pagekit.js";
import { Playback } from "./playback.js";
import { RunStore } from "./runstore.js";
import { Sharing } from "./sharing.js";
import { ErrorList, StatusLine, runStatus } from "./status.js";
import { PodTables } from "./tables.js";
import { Timeline } from "./timeline.js";
// The timeline's parts: each adds its methods to Timeline.prototype.
import "./timelinelane.js";
import "./timelinezoom.js";
import "./timelineactions.js";
import "./timelineowners.js";
import "./timelinebatch.js";
import "./timelineexport.js";
import "./timelinepipeline.js";
import "./netpol.js";
// The inspector's birth certificate box: it wraps Inspector.prototype.render.
import "./birthcert.js";

const TEXT_FRAME_MS = 100; // text views of a live run: at most 10 updates a second

const $ = (id) => document.getElementById(id);
const root = $("playground");
const form = $("run-form");
const manifest = $("manifest");
const exampleSelect = $("example");
const exampleManifests = JSON.parse($("example-manifests").textContent);
const sharedData = $("shared-run") ? JSON.parse($("shared-run").textContent) : null;
const runButton = $("run");
const stopButton = $("stop");
const speedSelect = $("speed");
const seedInput = $("seed");
const runInfo = $("run-info");
const sharedBanner = $("shared-banner");
const forkButton = $("fork");
const setStatus = StatusLine($("status"));
const showErrors = ErrorList($("errors"), manifest);

// A room's page (templates/playground/room.html, room.js) is this page in room mode:
// room.js sees every frame first and says whether this page may control the run.
const roomMode = currentRoomMode();
const mayControl = () => !roomMode || roomMode.presenter();

/* ---------- the run ---------- */

let awaitingStart = false;
let firstConnect = true;
// The run on the server: null before the first start.
// state: playing | paused | jumping | seeking | finished | stopped | error
let run = null;
let actionNotices = null; // {t} while the records of a live action are expected
let replayedActions = sharedData ? sharedData.actions : []; // a link's room replays them (sharedroom.js)
let actionLog = []; // the shown run's action log: replayed and live actions, {t, action, args}
let carried = null; // {kept, dropped}: what the next start does with the old run's actions
let forked = false;

const liveState = () => run !== null && ["playing", "paused", "jumping", "seeking"].includes(run.state);
const serverRunning = () => run !== null && ["playing", "jumping", "seeking"].includes(run.state);

const store = new RunStore();
const connection = Connection({
  path: () => root.dataset.wsPath, roomMode, setStatus, onOpen: opened, onFrame, onClose: closed,
});
const { send, request } = connection;
const playback = Playback({
  store, run: { run: () => run, liveState, serverRunning }, send, mayControl,
  schedule: () => schedulePageFrame(), start: () => start(), socketOpen: connection.isOpen,
});
const { viewTime, following } = playback;
const timeline = new Timeline($("timeline"), store);
const tables = new PodTables({
  store,
  following,
  onSelectPod: (key, container) => inspector.select(key, container),
  schedule: () => schedulePageFrame(),
});
const inspector = new Inspector({
  root: $("inspector"), store, request, onSelect: (key) => onSelected(key),
  onSelectWorkload: (key) => timeline.selectWorkload(key),
});
const actions = new PodLiveActions({
  store,
  request,
  page: {
    following,
    run: () => run,
    liveState,
    manifestText: () => manifest.value,
    onPickPod: (key) => inspector.select(key),
  },
});
const sharing = Sharing({ store, timeline, request, viewTime, following });

timeline.onSeek = (t) => playback.scrubTo(t);
timeline.onSelectPod = (key) => inspector.select(key);
timeline.onSelectMark = (mark) => {
  tables.selectEventFor(mark, viewTime());
  explainMark(mark);
};
$("zoom-in").addEventListener("click", () => timeline.zoomBy(0.5));
$("zoom-out").addEventListener("click", () => timeline.zoomBy(2));
$("zoom-fit").addEventListener("click", () => timeline.fit());

/* ---------- the page at the view time, once per animation frame ---------- */

// A frame from the server only changes the store; everything else happens
// once per animation frame: the DOM writes, then the reads (one layout),
// then scrolling the followed lists.
let pageFrameRequested = false;
let lastTextFrame = -Infinity;
let textPending = false;
let replayShown = false; // the status says a scrubbed stretch is replaying
const perf = { frames: 0, renderMs: [], maxRenderMs: 0 };

function schedulePageFrame() {
  if (pageFrameRequested) return;
  pageFrameRequested = true;
  window.requestAnimationFrame(pageFrame);
}

function pageFrame(time) {
  pageFrameRequested = false;
  const began = performance.now();
  playback.advance(time);
  if (playback.replaying() !== replayShown) {
    replayShown = playback.replaying();
    describeState(); // "Replaying the recorded run…", and back
  }
  const t = viewTime();
  const follow = following();
  // The timeline and the clock follow a live run on every frame; the text
  // views (tables, events, logs, inspector) at most TEXT_FRAME_MS apart, which
  // reads the same and leaves the frame budget to the timeline. A scrub, a
  // pause or a step shows everything at once.
  const textDue = !follow || !serverRunning() || time - lastTextFrame >= TEXT_FRAME_MS;
  if (textDue) {
    lastTextFrame = time;
    textPending = false;
    tables.measure();
    tables.render(t);
    inspector.render(t, { live: follow, liveNow: store.now });
  } else {
    textPending = true;
  }
  timeline.setNow(store.now);
  timeline.setView(follow ? null : t);
  timeline.flush(); // in this frame, not the next
  playback.renderClock(t);
  renderControls();
  if (textDue) {
    tables.settle();
  }
  const spent = performance.now() - began;
  perf.frames += 1;
  perf.renderMs.push(spent);
  if (perf.renderMs.length > 600) perf.renderMs.shift();
  perf.maxRenderMs = Math.max(perf.maxRenderMs, spent);
  if (playback.replaying() || textPending) schedulePageFrame();
}

function renderControls() {
  playback.renderControls();
  sharing.render({
    canShare: run !== null && run.onServer && !awaitingStart,
    lost: run !== null && !run.onServer && !awaitingStart,
  });
  actions.render();
  renderKeep();
}

/* ---------- selection ---------- */

let selected = null;

function onSelected(key) {
  if (selected === key) return;
  selected = key;
  tables.markSelected(key);
  timeline.select(key);
  actions.selectPod(key);
  schedulePageFrame();
}

/* ---------- frames ---------- */

function resetViews() {
  store.reset();
  for (const entry of replayedActions) store.markLiveAction(entry);
  timeline.reset();
  inspector.reset();
  tables.reset();
  // A new run starts with no Pod selected: the old one may not exist in it.
  inspector.select(null);
  playback.reset();
  selected = null;
  schedulePageFrame();
}

function applyRecords(frame) {
  const records = frame.records;
  // The store folds them, the timeline's lanes too (podlanes.js); the timeline reads them when it draws.
  store.addRecords(records, frame.now);
  for (const record of records) {
    if (record.kind === "notice" && actionNotices && record.t === actionNotices.t) actions.say(record.message, "notice");
  }
  actionNotices = null;
  schedulePageFrame();
}

function describeState() {
  if (!run) return;
  timeline.minInterval = run.state === "jumping" || run.state === "seeking" ? 250 : 0;
  timeline.setRunExtent(run.horizon, ["finished", "stopped", "error"].includes(run.state));
  const [state, text] = runStatus(run, { replaying: playback.replaying(), speed: speedSelect.value, now: store.now });
  setStatus(state, text);
}

function onFrame(frame) {
  if (frame.type === "acted") {
    actionLog.push(frame.action);
    // Its records come next: the action record is then known as a live one.
    store.markLiveAction(frame.action);
    actionNotices = { t: frame.action.t };
  }
  if (connection.answer(frame)) return;
  switch (frame.type) {
    case "started":
      awaitingStart = false;
      resetViews();
      run = {
        state: frame.state, speed: frame.speed, seed: frame.seed, horizon: frame.horizon,
        next: undefined, goal: pendingGoal ?? (sharedData ? sharedData.moment : 0),
        onServer: true, // false once its socket closes: the server dropped it (see closed())
      };
      runButton.textContent = sharedData && !forked ? "Replay" : "Restart";
      stopButton.disabled = false;
      setStale(false);
      actionLog = replayedActions.slice();
      runInfo.textContent = `seed ${frame.seed} · horizon ${formatSeconds(frame.horizon)}` + carriedText(carried);
      if (carried && carried.dropped) {
        actions.say(`Restarted without the previous run's ${plural(carried.dropped, "live action")}: ` +
          "tick “Replay …” next to Run to keep them.", "notice");
      }
      carried = null;
      describeState();
      // Space now plays and pauses (it would press Run again otherwise).
      if (document.activeElement === runButton) $("play").focus();
      break;
    case "specs":
      if (!awaitingStart) store.addSpecs(frame);
      schedulePageFrame();
      break;
    case "records":
      if (!awaitingStart && run) applyRecords(frame);
      break;
    case "clock":
      if (awaitingStart || !run) break;
      run.state = frame.state;
      run.speed = frame.speed;
      run.next = frame.next;
      store.now = Math.max(store.now, frame.now);
      stopButton.disabled = false;
      describeState();
      schedulePageFrame();
      break;
    case "error": {
      // A refused start: the server stopped the old run; it stays on screen, marked.
      if (awaitingStart && run !== null) {
        if (liveState()) run.state = "stopped";
        stopButton.disabled = true;
        setStale(true);
      }
      awaitingStart = false;
      showErrors(frame.errors);
      const n = frame.errors.length;
      setStatus("error", n === 1 ? "There is 1 problem." : `There are ${n} problems.`);
      break;
    }
    case "end":
      if (awaitingStart || !run) break; // the end of the run a new start replaced
      run.state = frame.reason === "finished" ? "finished" : frame.reason === "stopped" ? "stopped" : "error";
      run.next = null;
      store.now = Math.max(store.now, frame.now);
      stopButton.disabled = true;
      describeState();
      schedulePageFrame();
      break;
    default:
      break;
  }
}

/* ---------- the socket opens and closes ---------- */

function opened() {
  if (roomMode && roomMode.opened() !== false) {
    schedulePageFrame();
    return;
  }
  runButton.disabled = false;
  setStatus("ready", "Ready. Press Run.");
  if (firstConnect && sharedData) start({ shared: true });
  firstConnect = false;
  schedulePageFrame();
}

function closed() {
  runButton.disabled = true;
  stopButton.disabled = true;
  if (run && liveState()) run.state = "stopped";
  if (run) run.onServer = false; // a new socket is a new consumer: nothing left to share or export
  awaitingStart = false;
  schedulePageFrame();
}

/* ---------- the old run: refused restarts, carried actions ---------- */

const staleNote = $("stale-note");
const keepLabel = $("keep-actions-label");
const keepInput = $("keep-actions");

function setStale(on) {
  setData(root, "stale", String(on));
  setProp(staleNote, "hidden", !on);
  if (on) {
    setText(staleNote, `This is the previous run, stopped at t = ${store.now.toFixed(1)} s: ` +
      "the edited manifest was refused (the problems are under the editor). Fix them and press Run.");
  }
}

function carriedText(carry) {
  if (!carry) return "";
  if (carry.kept) return ` · ${plural(carry.kept, "action")} of the previous run replayed`;
  if (carry.dropped) return ` · without the previous run's ${plural(carry.dropped, "live action")}`;
  return "";
}

/** The checkbox that carries the shown run's action log into the next run. */
function renderKeep() {
  const n = actionLog.length;
  const offered = n > 0 && (!sharedData || forked);
  setProp(keepLabel, "hidden", !offered);
  if (offered) setText($("keep-actions-text"), `Replay the ${plural(n, "action")} of this run`);
}

/* ---------- starting a run ---------- */

let pendingGoal = null;
let startedManifest = manifest.value; // what the shown run was started with

function start(options) {
  const replayShared = sharedData && !forked;
  const bytes = new TextEncoder().encode(manifest.value).length;
  const limit = Number(root.dataset.maxManifestBytes);
  if (bytes > limit) {
    showErrors([{ file: "editor.yaml", line: null, column: null,
      message: `The manifest is ${Math.round(bytes / 1024)} KiB; the limit is ${limit / 1024} KiB.` }]);
    setStatus("error", "The manifest is too large.");
    return;
  }
  showErrors([]);
  const seedText = seedInput.value.trim();
  const message = {
    action: "start",
    manifest: manifest.value,
    speed: Number(speedSelect.value),
    // Blank: the Scenario's seed (else 0) and the Scenario's horizon.
    seed: seedText === "" ? null : Math.max(0, Math.trunc(Number(seedText) || 0)),
    horizon: replayShared ? sharedData.horizon : null,
  };
  replayedActions = [];
  pendingGoal = null;
  carried = null;
  if (!replayShared && actionLog.length) {
    if (keepInput.checked) {
      message.actions = actionLog.slice();
      replayedActions = message.actions;
      carried = { kept: actionLog.length, dropped: 0 };
    } else {
      carried = { kept: 0, dropped: actionLog.length };
    }
  }
  if (replayShared) {
    message.actions = sharedData.actions;
    replayedActions = sharedData.actions;
    if (options && options.shared) {
      message.runTo = sharedData.moment;
      pendingGoal = sharedData.moment;
    }
  }
  if (send(message)) {
    startedManifest = message.manifest;
    awaitingStart = true;
    setStatus("starting", message.runTo !== undefined ? `Opening the shared run at ${message.runTo.toFixed(1)} s…` : "Starting…");
  }
}

/* ---------- a shared run, and its fork ---------- */

function fork() {
  forked = true;
  manifest.readOnly = false;
  if (editor()) editor().setOption("readOnly", false);
  sharedBanner.dataset.forked = "true";
  forkButton.hidden = true;
  keepInput.checked = true; // a fork keeps the shared run's actions unless told not to
  setText($("shared-banner-text"), `Forked from ${sharedData.url}: you are editing a copy` +
    (actionLog.length ? `; Run replays its ${plural(actionLog.length, "action")} unless you untick “Replay …”.` : ".") +
    " Share it to get a new link.");
  runButton.textContent = run ? "Restart" : "Run";
  window.history.replaceState(null, "", "/");
  schedulePageFrame();
}

if (forkButton) forkButton.addEventListener("click", fork);

if (sharedData) {
  manifest.readOnly = true;
  // editor.js (if present) has made the editor by the time the page has loaded.
  window.addEventListener("load", () => {
    if (editor() && !forked) editor().setOption("readOnly", true);
  });
}

/* ---------- examples and the form ---------- */

function loadExample(key) {
  const text = exampleManifests[key];
  if (text === undefined) return;
  manifest.value = text;
  manifest.scrollTop = 0;
  showErrors([]);
}

exampleSelect.addEventListener("change", () => loadExample(exampleSelect.value));
manifest.addEventListener("input", () => {
  // Once edited, the text is no longer the example the picker names.
  if (exampleSelect.value && manifest.value !== exampleManifests[exampleSelect.value]) {
    exampleSelect.value = "";
  }
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});
stopButton.addEventListener("click", () => send({ action: "stop" }));
speedSelect.addEventListener("change", () => {
  if (liveState()) send({ action: "speed", speed: Number(speedSelect.value) });
  if (playback.speedChanged()) describeState();
});
manifest.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    start();
  }
});

// For room.js, sharedroom.js and roomopen.js (pagelinks.js), the browser tests and the console.
setPlayground({
  store, timeline, perf, viewTime: () => viewTime(), scrubTo: playback.scrubTo, goLive: playback.goLive,
  inspector, send, setStatus, following,
  request, // kubectlbox.js: a kubectl request answered by id
  reconnect(seek) { firstConnect = seek; connection.reconnect(); }, // sharedroom.js
  runSource: () => (run === null ? null : {
    manifest: startedManifest, seed: run.seed, horizon: run.horizon, speed: run.speed,
    actions: actionLog.slice(), moment: store.now,
  }),
});

window.addEventListener("podlayoutchange", () => {
  tables.remeasure();
  schedulePageFrame();
});

connection.connect();
schedulePageFrame();
