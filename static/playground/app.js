/* Pod Playground page: websocket client, playback, the page at any instant, live actions, sharing.
 *
 * Protocol (see playground/protocol.py): the page sends start/speed/pause/
 * resume/step/jump/stop and act/inspect/exec/share requests; the server
 * answers with started, specs, records, clock, acted, inspect, exec, shared,
 * error and end frames.
 *
 * Time. The server paces the simulation and streams every record up to the
 * live edge; the store (runstore.js) keeps them all. The page shows one
 * instant, the view time: the live edge while following it, or any earlier
 * instant once scrubbed back. Everything drawn (timeline, tables, events,
 * logs, inspector) is a fold of the records up to the view time, redrawn at
 * most once per animation frame. Scrubbing pauses the server; Play while
 * scrubbed back replays the recorded history at the chosen speed and, on
 * reaching the live edge, resumes the server.
 */
(function () {
  "use strict";

  const SCRUB_STEP = 1; // seconds per Shift+arrow (scrubber: arrow)
  const SCRUB_BIG_STEP = 10; // seconds per Shift+arrow on the scrubber
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
  const statusLine = $("status");
  const runInfo = $("run-info");
  const errorList = $("errors");
  const simNow = $("sim-now");
  const liveNow = $("live-now");
  const viewNote = $("view-note");
  const playButton = $("play");
  const stepButton = $("step");
  const backButton = $("step-back");
  const startButton = $("to-start");
  const liveButton = $("to-live");
  const jumpButton = $("jump");
  const scrubber = $("scrubber");
  const shareButton = $("share");
  const shareResult = $("share-result");
  const shareLink = $("share-link");
  const copyButton = $("share-copy");
  const exportRecordsButton = $("export-records");
  const exportSvgButton = $("export-svg");
  const sharedBanner = $("shared-banner");
  const forkButton = $("fork");

  // A room's page (templates/playground/room.html, room.js) is this page in room mode:
  // room.js sees every frame first and says whether this page may control the run.
  const roomMode = window.PodRoomMode || null;
  const mayControl = () => !roomMode || roomMode.presenter();

  const store = new window.RunStore();
  const timeline = new window.PodTimeline($("timeline"));
  const tables = new window.PodTables({
    store,
    following: () => follow,
    onSelectPod: (key, container) => selectPod(key, container),
    schedule: () => schedulePageFrame(),
  });
  const formatSeconds = window.PodTimeline.formatSeconds;
  const { setText, setData, setProp, setAria } = window.PodPageKit;

  /* ---------- state ---------- */

  let socket = null;
  let reconnectDelay = 500;
  let awaitingStart = false;
  let firstConnect = true;
  // The run on the server: null before the first start.
  // state: playing | paused | jumping | seeking | finished | stopped | error
  let run = null;
  let follow = true; // the view follows the live edge
  let viewT = 0; // the view time while not following
  let localPlay = null; // {wall, t}: replaying recorded history towards the live edge
  let requestSeq = 0;
  const requests = new Map(); // id -> {resolve, reject, kind}
  let actionNotices = null; // {t} while the records of a live action are expected
  let replayedActions = sharedData ? sharedData.actions : []; // a link's room replays them (sharedroom.js)
  let actionLog = []; // the shown run's action log: replayed and live actions, {t, action, args}
  let carried = null; // {kept, dropped}: what the next start does with the old run's actions
  let forked = false;

  const viewTime = () => (follow ? store.now : Math.min(viewT, store.now));
  const liveState = () => run !== null && ["playing", "paused", "jumping", "seeking"].includes(run.state);
  const serverRunning = () => run !== null && ["playing", "jumping", "seeking"].includes(run.state);

  /* ---------- status and errors ---------- */

  function setStatus(state, text) {
    statusLine.dataset.state = state;
    statusLine.textContent = text;
  }

  function errorLocation(error) {
    if (error.line === null || error.line === undefined) return error.file || "";
    return `${error.file}:${error.line}:${error.column}`;
  }

  function showErrors(errors) {
    errorList.replaceChildren();
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
      errorList.append(item);
    }
    errorList.hidden = errors.length === 0;
  }

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
    if (localPlay) advanceLocalPlay(time);
    if ((localPlay !== null) !== replayShown) {
      replayShown = localPlay !== null;
      describeState(); // "Replaying the recorded run…", and back
    }
    const t = viewTime();
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
    renderClock(t);
    renderControls();
    if (textDue) {
      tables.settle();
    }
    const spent = performance.now() - began;
    perf.frames += 1;
    perf.renderMs.push(spent);
    if (perf.renderMs.length > 600) perf.renderMs.shift();
    perf.maxRenderMs = Math.max(perf.maxRenderMs, spent);
    if (localPlay || textPending) schedulePageFrame();
  }

  function renderClock(t) {
    setText(simNow, t.toFixed(1));
    setText(liveNow, store.now.toFixed(1));
    setData(simNow, "live", String(follow));
    const max = Math.max(store.now, 0.001);
    if (scrubber.max !== String(max)) scrubber.max = String(max);
    if (Number(scrubber.value) !== t) scrubber.value = String(t);
    setAria(scrubber, "aria-valuetext", follow
      ? `${t.toFixed(1)} seconds, the live edge`
      : `${t.toFixed(1)} seconds of ${store.now.toFixed(1)}`);
    if (follow) {
      setProp(viewNote, "hidden", true);
    } else {
      setProp(viewNote, "hidden", false);
      setText(viewNote, `Viewing t = ${t.toFixed(1)} s, scrubbed back from the live edge at ${store.now.toFixed(1)} s. ` +
        "Live actions wait for the live edge: press End (or Live) to return.");
    }
  }

  /* ---------- playback controls ---------- */

  function playing() {
    return localPlay !== null || (follow && serverRunning());
  }

  function renderControls() {
    const isPlaying = playing();
    const label = isPlaying ? "Pause" : "Play";
    setText(playButton.querySelector(".label"), label);
    setAria(playButton, "aria-label", `${label} (Space)`);
    setData(playButton, "state", isPlaying ? "playing" : "paused");
    setAria(playButton, "aria-pressed", String(isPlaying));
    const haveRecords = store.records.length > 0;
    const canRunOn = liveState() && !(run.state === "paused" && run.next === null);
    // Play: replay history when scrubbed back, run the server at the live edge,
    // or (before any run) start one.
    setProp(playButton, "disabled", follow ? !(liveState() || (run === null && socketOpen())) : false);
    setProp(stepButton, "disabled", follow ? !canRunOn : !haveRecords);
    setProp(backButton, "disabled", !haveRecords || viewTime() <= 0);
    setProp(startButton, "disabled", !haveRecords || viewTime() <= 0);
    setProp(liveButton, "disabled", follow);
    setProp(liveButton, "hidden", follow);
    setProp(jumpButton, "disabled", !canRunOn || (run && run.state === "jumping"));
    setProp(scrubber, "disabled", !haveRecords);
    setProp(shareButton, "disabled", run === null || !haveRecords || awaitingStart);
    setProp(exportRecordsButton, "disabled", !haveRecords);
    setProp(exportSvgButton, "disabled", !haveRecords);
    actions.render();
    renderKeep();
  }

  function socketOpen() {
    return socket !== null && socket.readyState === WebSocket.OPEN;
  }

  function leaveLive(t) {
    localPlay = null;
    if (serverRunning() && mayControl()) send({ action: "pause" }); // scrubbing pauses the run
    follow = false;
    viewT = Math.max(0, Math.min(t, store.now));
    if (viewT >= store.now) follow = true;
    schedulePageFrame();
  }

  function scrubTo(t) {
    leaveLive(t);
  }

  function goLive() {
    localPlay = null;
    follow = true;
    schedulePageFrame();
  }

  function togglePlay() {
    if (playing()) {
      pause();
      return;
    }
    if (run === null && !store.records.length) {
      start();
      return;
    }
    if (!follow) {
      localPlay = { wall: performance.now(), t: viewTime() };
      schedulePageFrame();
      return;
    }
    if (liveState()) send({ action: "resume" });
  }

  function pause() {
    if (localPlay) {
      viewT = viewTime();
      localPlay = null;
    }
    if (serverRunning()) send({ action: "pause" });
    schedulePageFrame();
  }

  function advanceLocalPlay(time) {
    const t = localPlay.t + ((time - localPlay.wall) / 1000) * Number(speedSelect.value);
    if (t >= store.now) {
      localPlay = null;
      follow = true;
      if (liveState() && run.state === "paused" && mayControl()) send({ action: "resume" });
    } else {
      viewT = Math.max(localPlay.t, t);
    }
  }

  function stepForward() {
    if (follow) {
      if (liveState()) send({ action: "step" });
      return;
    }
    localPlay = null;
    const next = store.nextTimeAfter(viewTime());
    if (next === null || next >= store.now) goLive();
    else scrubTo(next);
  }

  function stepBack() {
    const previous = store.previousTimeBefore(viewTime());
    scrubTo(previous === null ? 0 : previous);
  }

  function scrubBy(seconds) {
    scrubTo(viewTime() + seconds);
  }

  function jumpToEnd() {
    localPlay = null;
    follow = true;
    send({ action: "jump" });
    schedulePageFrame();
  }

  playButton.addEventListener("click", togglePlay);
  stepButton.addEventListener("click", stepForward);
  backButton.addEventListener("click", stepBack);
  startButton.addEventListener("click", () => scrubTo(0));
  liveButton.addEventListener("click", goLive);
  jumpButton.addEventListener("click", jumpToEnd);
  scrubber.addEventListener("input", () => scrubTo(Number(scrubber.value)));
  scrubber.addEventListener("keydown", (event) => {
    const big = event.shiftKey ? SCRUB_BIG_STEP : SCRUB_STEP;
    let handled = true;
    switch (event.key) {
      case "ArrowLeft": case "ArrowDown": scrubBy(-big); break;
      case "ArrowRight": case "ArrowUp": scrubBy(big); break;
      case "PageDown": scrubBy(-store.now / 10); break;
      case "PageUp": scrubBy(store.now / 10); break;
      case "Home": scrubTo(0); break;
      case "End": goLive(); break;
      case " ": togglePlay(); break;
      default: handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  });
  timeline.onSeek = (t) => scrubTo(t);
  timeline.onSelectPod = (key) => selectPod(key);
  timeline.onSelectMark = (mark) => {
    tables.selectEventFor(mark, viewTime());
    window.PodMarkLinks.explainMark(mark);
  };
  $("zoom-in").addEventListener("click", () => timeline.zoomBy(0.5));
  $("zoom-out").addEventListener("click", () => timeline.zoomBy(2));
  $("zoom-fit").addEventListener("click", () => timeline.fit());


  function typingIn(target) {
    return Boolean(target && target.closest &&
      target.closest("input:not([type=range]), textarea, select, [contenteditable=''], [contenteditable=true], .CodeMirror"));
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (typingIn(event.target)) return;
    const onControl = event.target.closest && event.target.closest("button, a, summary, [role=tab]");
    switch (event.key) {
      case " ":
      case "Spacebar":
        if (onControl) return; // Space presses the focused button
        event.preventDefault();
        togglePlay();
        break;
      case "ArrowRight":
        event.preventDefault();
        if (event.shiftKey) scrubBy(SCRUB_STEP);
        else stepForward();
        break;
      case "ArrowLeft":
        event.preventDefault();
        if (event.shiftKey) scrubBy(-SCRUB_STEP);
        else stepBack();
        break;
      case "Home":
        event.preventDefault();
        scrubTo(0);
        break;
      case "End":
        event.preventDefault();
        if (event.shiftKey) jumpToEnd();
        else goLive();
        break;
      default:
        break;
    }
  });

  /* ---------- selection and the inspector ---------- */

  let selected = null;

  function selectPod(key, container) {
    inspector.select(key, container);
  }

  function onSelected(key) {
    if (selected === key) return;
    selected = key;
    tables.markSelected(key);
    timeline.select(key);
    actions.selectPod(key);
    schedulePageFrame();
  }

  /* ---------- requests (answers matched by id) ---------- */

  function request(kind, fields) {
    return new Promise((resolve, reject) => {
      requestSeq += 1;
      const id = requestSeq;
      if (!send({ action: kind, id, ...fields })) {
        reject(new Error("Not connected to the server."));
        return;
      }
      requests.set(id, { resolve, reject, kind });
    });
  }

  function answer(frame) {
    const pending = requests.get(frame.id);
    if (!pending) return false;
    requests.delete(frame.id);
    if (frame.type === "error") pending.reject(new Error(frame.errors.map((e) => e.message).join("; ")));
    else pending.resolve(frame);
    return true;
  }

  function failRequests(message) {
    for (const pending of requests.values()) pending.reject(new Error(message));
    requests.clear();
  }

  const inspector = new window.PodInspector({
    root: $("inspector"), store, request, onSelect: (key) => onSelected(key),
  });

  const actions = new window.PodLiveActions({
    store,
    request,
    page: {
      following: () => follow,
      run: () => run,
      liveState,
      manifestText: () => manifest.value,
      onPickPod: (key) => inspector.select(key),
    },
  });


  /* ---------- frames ---------- */

  function resetViews() {
    store.reset();
    for (const entry of replayedActions) store.markLiveAction(entry);
    timeline.reset();
    inspector.reset();
    tables.reset();
    // A new run starts with no Pod selected: the old one may not exist in it.
    inspector.select(null);
    follow = true;
    viewT = 0;
    localPlay = null;
    selected = null;
    schedulePageFrame();
  }

  function applyRecords(frame) {
    const records = frame.records;
    store.addRecords(records, frame.now);
    for (const record of records) {
      switch (record.kind) {
        case "action":
          timeline.addRecord(record, store.isLiveAction(record));
          break;
        case "notice":
          if (actionNotices && record.t === actionNotices.t) actions.say(record.message, "notice");
          break;
        default: // the timeline draws Pods, containers, owners (workload records, their events)...
          timeline.addRecord(record); // ...and ignores the kinds it does not draw
          break;
      }
    }
    actionNotices = null;
    schedulePageFrame();
  }

  /** "3.5 s", or "180.0 s (3m)": the status names the time the clock shows. */
  function simulatedAt(t) {
    return `${t.toFixed(1)} s${t >= 60 ? ` (${formatSeconds(t)})` : ""}`;
  }

  function describeState() {
    if (!run) return;
    timeline.minInterval = run.state === "jumping" || run.state === "seeking" ? 250 : 0;
    timeline.setRunExtent(run.horizon, ["finished", "stopped", "error"].includes(run.state));
    if (localPlay) {
      setStatus("replaying", `Replaying the recorded run at ${speedSelect.value}x towards the live edge ` +
        `at ${store.now.toFixed(1)} s. Space pauses.`);
      return;
    }
    const at = simulatedAt(store.now);
    switch (run.state) {
      // The status is a live region: it changes with the state, not with every
      // tick of the clock (the clock above the timeline shows the time).
      case "playing": setStatus("running", `Playing at ${run.speed}x.`); break;
      case "paused":
        setStatus("paused", run.next === null
          ? `Paused at simulated ${at}; nothing more happens before the horizon.`
          : `Paused at simulated ${at}. Space plays, → steps to the next event.`);
        break;
      case "jumping": setStatus("running", "Jumping to the end…"); break;
      case "seeking": setStatus("running", `Replaying the run to ${run.goal.toFixed(1)} s…`); break;
      case "finished": setStatus("finished", `Finished at simulated ${at}.`); break;
      case "stopped": setStatus("stopped", `Stopped at simulated ${at}.`); break;
      default: setStatus("error", `The run failed at simulated ${at}.`); break;
    }
  }

  function onFrame(frame) {
    if (frame.type === "acted") {
      actionLog.push(frame.action);
      // Its records come next: the action record is then known as a live one.
      store.markLiveAction(frame.action);
      actionNotices = { t: frame.action.t };
    }
    if (frame.id !== undefined && frame.id !== null && answer(frame)) return;
    switch (frame.type) {
      case "started":
        awaitingStart = false;
        resetViews();
        run = {
          state: frame.state, speed: frame.speed, seed: frame.seed, horizon: frame.horizon,
          next: undefined, goal: pendingGoal ?? (sharedData ? sharedData.moment : 0),
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
        if (document.activeElement === runButton) playButton.focus();
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

  /* ---------- socket ---------- */

  function send(message) {
    if (socketOpen()) {
      if (roomMode && roomMode.sending(message) === true) return true; // held (sharedroom.js)
      socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}${root.dataset.wsPath}`);
    setStatus("connecting", "Connecting…");
    socket.addEventListener("open", () => {
      reconnectDelay = 500;
      if (roomMode && roomMode.opened() !== false) {
        schedulePageFrame();
        return;
      }
      runButton.disabled = false;
      setStatus("ready", "Ready. Press Run.");
      if (firstConnect && sharedData) start({ shared: true });
      firstConnect = false;
      schedulePageFrame();
    });
    socket.addEventListener("message", (event) => {
      if (event.target !== socket) return; // a socket the page has left (sharedroom.js)
      const frame = JSON.parse(event.data);
      if (roomMode && roomMode.before(frame)) return;
      onFrame(frame);
      if (roomMode) roomMode.after(frame);
    });
    socket.addEventListener("close", (event) => {
      if (event.target !== socket) return;
      runButton.disabled = true;
      stopButton.disabled = true;
      if (run && liveState()) run.state = "stopped";
      awaitingStart = false;
      failRequests("The connection to the server was lost.");
      if (roomMode && !roomMode.closed(event)) {
        schedulePageFrame();
        return; // the room has ended: nothing to reconnect to
      }
      setStatus("disconnected", "Disconnected from the server; reconnecting…");
      window.setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 10000);
      schedulePageFrame();
    });
  }

  /* ---------- the old run: refused restarts, carried actions ---------- */

  const staleNote = $("stale-note");
  const keepLabel = $("keep-actions-label");
  const keepInput = $("keep-actions");

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
  }

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

  /* ---------- share, fork, export ---------- */

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

  function fork() {
    forked = true;
    manifest.readOnly = false;
    if (window.podEditor) window.podEditor.setOption("readOnly", false);
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

  function exportRecords() {
    download(`pod-playground-run-${store.now.toFixed(0)}s.jsonl`, "application/x-ndjson", store.toJSONLines());
  }

  function exportSvg() {
    const t = viewTime();
    const text = timeline.toSVGString(`Pod Playground — t = ${t.toFixed(1)} s${follow ? "" : ` (of ${store.now.toFixed(1)} s)`}`);
    if (text) download(`pod-playground-timeline-${t.toFixed(0)}s.svg`, "image/svg+xml", text);
  }

  shareButton.addEventListener("click", share);
  copyButton.addEventListener("click", copyLink);
  exportRecordsButton.addEventListener("click", exportRecords);
  exportSvgButton.addEventListener("click", exportSvg);
  if (forkButton) forkButton.addEventListener("click", fork);

  if (sharedData) {
    manifest.readOnly = true;
    // editor.js (if present) has made the editor by the time the page has loaded.
    window.addEventListener("load", () => {
      if (window.podEditor && !forked) window.podEditor.setOption("readOnly", true);
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
    if (localPlay) {
      localPlay = { wall: performance.now(), t: viewTime() };
      describeState();
    }
  });
  manifest.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      start();
    }
  });

  // For the browser tests and the console: the store and the frame timings.
  window.podPlayground = {
    store, timeline, perf, viewTime: () => viewTime(), scrubTo, goLive,
    // For room.js (room mode) and roomopen.js (opening a room from this run).
    inspector, send, setStatus, following: () => follow,
    request, // kubectlbox.js: a kubectl request answered by id
    reconnect(seek) { firstConnect = seek; const old = socket; connect(); old.close(); }, // sharedroom.js
    runSource: () => (run === null ? null : {
      manifest: startedManifest, seed: run.seed, horizon: run.horizon, speed: run.speed,
      actions: actionLog.slice(), moment: store.now,
    }),
  };

  window.addEventListener("podlayoutchange", () => {
    tables.remeasure();
    schedulePageFrame();
  });

  connect();
  schedulePageFrame();
})();
