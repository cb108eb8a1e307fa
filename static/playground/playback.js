/* Pod Playground playback: the instant the page shows, and the controls that move it.
 *
 * The server paces the simulation and streams every record up to the live edge;
 * the store (runstore.js) keeps them all. The page shows one instant, the view
 * time: the live edge while following it, or any earlier instant once scrubbed
 * back. Scrubbing pauses the server; Play while scrubbed back replays the
 * recorded history at the chosen speed and, on reaching the live edge, resumes
 * the server. Keys: Space plays and pauses, → and ← step to the next and
 * previous record (Shift: one second), Home goes to 0, End to the live edge
 * (Shift+End jumps the run to its end); on the scrubber the arrows move 1 s
 * (Shift: 10 s) and PageUp/PageDown a tenth of the run.
 *
 * new Playback({store, run, send, mayControl, schedule, start, socketOpen}):
 * `run` is the page's run ({run(), liveState(), serverRunning()}), `send` a
 * message to the server, `schedule()` asks for a page frame, `start()` starts a
 * run when there is none yet. Each page frame calls advance(time), then
 * renderClock(t) and renderControls().
 */

import { setAria, setData, setProp, setText } from "./pagekit.js";

const SCRUB_STEP = 1; // seconds per Shift+arrow (scrubber: arrow)
const SCRUB_BIG_STEP = 10; // seconds per Shift+arrow on the scrubber

const $ = (id) => document.getElementById(id);

/** The key went to a text field or the editor, not to the page. */
function typingIn(target) {
  return Boolean(target && target.closest &&
    target.closest("input:not([type=range]), textarea, select, [contenteditable=''], [contenteditable=true], .CodeMirror"));
}

export function Playback({ store, run, send, mayControl, schedule, start, socketOpen }) {
  const speedSelect = $("speed");
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

  let follow = true; // the view follows the live edge
  let viewT = 0; // the view time while not following
  let localPlay = null; // {wall, t}: replaying recorded history towards the live edge

  const viewTime = () => (follow ? store.now : Math.min(viewT, store.now));
  const current = () => run.run();

  function playing() {
    return localPlay !== null || (follow && run.serverRunning());
  }

  function leaveLive(t) {
    localPlay = null;
    if (run.serverRunning() && mayControl()) send({ action: "pause" }); // scrubbing pauses the run
    follow = false;
    viewT = Math.max(0, Math.min(t, store.now));
    if (viewT >= store.now) follow = true;
    schedule();
  }

  function scrubTo(t) {
    leaveLive(t);
  }

  function goLive() {
    localPlay = null;
    follow = true;
    schedule();
  }

  function togglePlay() {
    if (playing()) {
      pause();
      return;
    }
    if (current() === null && !store.records.length) {
      start();
      return;
    }
    if (!follow) {
      localPlay = { wall: performance.now(), t: viewTime() };
      schedule();
      return;
    }
    if (run.liveState()) send({ action: "resume" });
  }

  function pause() {
    if (localPlay) {
      viewT = viewTime();
      localPlay = null;
    }
    if (run.serverRunning()) send({ action: "pause" });
    schedule();
  }

  /** A page frame at `time` (requestAnimationFrame's): move a replay of recorded history on. */
  function advance(time) {
    if (!localPlay) return;
    const t = localPlay.t + ((time - localPlay.wall) / 1000) * Number(speedSelect.value);
    if (t >= store.now) {
      localPlay = null;
      follow = true;
      const r = current();
      if (run.liveState() && r.state === "paused" && mayControl()) send({ action: "resume" });
    } else {
      viewT = Math.max(localPlay.t, t);
    }
  }

  function stepForward() {
    if (follow) {
      if (run.liveState()) send({ action: "step" });
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
    schedule();
  }

  /** The speed changed: a replay goes on from here at the new speed (true if replaying). */
  function speedChanged() {
    if (!localPlay) return false;
    localPlay = { wall: performance.now(), t: viewTime() };
    return true;
  }

  /** A new run: follow its live edge from 0. */
  function reset() {
    follow = true;
    viewT = 0;
    localPlay = null;
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

  function renderControls() {
    const r = current();
    const isPlaying = playing();
    const label = isPlaying ? "Pause" : "Play";
    setText(playButton.querySelector(".label"), label);
    setAria(playButton, "aria-label", `${label} (Space)`);
    setData(playButton, "state", isPlaying ? "playing" : "paused");
    setAria(playButton, "aria-pressed", String(isPlaying));
    const haveRecords = store.records.length > 0;
    const canRunOn = run.liveState() && !(r.state === "paused" && r.next === null);
    // Play: replay history when scrubbed back, run the server at the live edge,
    // or (before any run) start one.
    setProp(playButton, "disabled", follow ? !(run.liveState() || (r === null && socketOpen())) : false);
    setProp(stepButton, "disabled", follow ? !canRunOn : !haveRecords);
    setProp(backButton, "disabled", !haveRecords || viewTime() <= 0);
    setProp(startButton, "disabled", !haveRecords || viewTime() <= 0);
    setProp(liveButton, "disabled", follow);
    setProp(liveButton, "hidden", follow);
    setProp(jumpButton, "disabled", !canRunOn || (r && r.state === "jumping"));
    setProp(scrubber, "disabled", !haveRecords);
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

  return {
    viewTime, following: () => follow, replaying: () => localPlay !== null, playing,
    scrubTo, goLive, togglePlay, pause, jumpToEnd, advance, speedChanged, reset,
    renderClock, renderControls,
  };
}
