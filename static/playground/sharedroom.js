/* Pod Playground: a share link's page (/s/<slug>) watches the link's room first.
 *
 * Opening a share link used to replay the run on the server for every person
 * who opened it. Now the page first joins the link's presenter-less room
 * (docs/rooms-protocol.md, "A share link's room"): the server simulates the
 * link once, to its moment, paused, and every page that opens the link gets
 * those frames (a snapshot, never a re-simulation per page). The page shows
 * them exactly as its own run: scrubbing, the inspector and the logs all work
 * (inspect, exec, logs and kubectl are read-only: the room answers them at its
 * moment).
 *
 * Nobody controls a link's room. At the first thing that needs a run of the
 * page's own (Play at the live edge, step, jump, a live action, Share,
 * Run or Replay after a Fork), the page leaves the room for its own run socket,
 * as before: its own sandbox, replayed to the link's moment and paused there,
 * then what was asked is sent (Run and Replay start at once). Changing the
 * speed, Pause and Stop ask for nothing until then.
 *
 * This module is loaded before app.js and gives it the room mode (setRoomMode, as
 * room.js does for a room's page), in the "link" flavour.
 */

import { playground, setRoomMode } from "./pagelinks.js";

const ACK_EVERY = 16; // room frames; the server allows 512 unacknowledged
const ACK_MS = 400;
// Messages the room answers for anyone, at its moment.
const ROOM_ANSWERS = new Set(["ack", "resync", "watch", "inspect", "exec", "logs", "kubectl"]);
// Messages with nothing to do until the page has a run of its own.
const NOTHING_YET = new Set(["pause", "speed", "stop"]);

const data = JSON.parse(document.getElementById("shared-run").textContent);
const root = document.getElementById("playground");
root.dataset.wsPath = "/ws/room/";

let phase = "room"; // "room": following the link's room; "own": the page's own run socket
let seeking = false; // own: the run replays to the link's moment before `held` is sent
let held = []; // messages waiting for the page's own run
let selection = null; // {pod, container}: the Pod selected when the page left the room
let joined = false; // the room's snapshot has begun (its "room" frame)
let lastSeq = 0;
let ackedSeq = 0;

const page = playground;

function ack() {
  if (phase === "room" && lastSeq > ackedSeq && page().send({ action: "ack", seq: lastSeq })) {
    ackedSeq = lastSeq;
  }
}
window.setInterval(ack, ACK_MS);

/** Leave the link's room for a socket of the page's own (at most once). */
function leaveRoom(seek) {
  if (phase !== "room") return;
  phase = "own";
  seeking = seek;
  const inspector = page().inspector;
  selection = inspector.pod ? { pod: inspector.pod, container: inspector.container } : null;
  root.dataset.wsPath = "/ws/run/";
  page().setStatus("starting", seek
    ? `Opening your own copy of the shared run at ${data.moment.toFixed(1)} s…`
    : "Starting…");
  page().reconnect(false); // app.js starts nothing by itself: see opened()
}

/** The page's own copy of the link, replayed to its moment and paused there (even after a Fork
 * and an edit: Play goes on with the run the page shows, as it did before the room). */
function startOwnCopy() {
  const source = page().runSource();
  page().send({
    action: "start",
    manifest: source ? source.manifest : document.getElementById("manifest").value,
    speed: Number(document.getElementById("speed").value),
    seed: data.seed,
    horizon: data.horizon,
    actions: data.actions,
    runTo: data.moment,
  });
}

/** The page's own run is where the link's room was: send what waited for it. */
function flush() {
  seeking = false;
  const messages = held;
  held = [];
  const p = page();
  if (selection && !p.inspector.pod) p.inspector.select(selection.pod, selection.container);
  selection = null;
  for (const message of messages) p.send(message);
}

setRoomMode({
  link: true,
  // Nobody presents a link's room: the page's own controls act on its own run.
  presenter: () => true,
  phase: () => phase, // for the browser tests
  sending(message) {
    if (phase === "own") {
      if (!seeking) return false;
      if (message.action === "start") return false; // the page's own start
      held.push(message);
      return true;
    }
    if (ROOM_ANSWERS.has(message.action)) return false;
    if (NOTHING_YET.has(message.action)) return true;
    held.push(message);
    leaveRoom(message.action !== "start");
    return true;
  },
  opened() {
    if (phase === "own") {
      // After app.js's "Ready": the copy of the link, or a held Run or Replay, starts now.
      window.setTimeout(seeking ? startOwnCopy : flush, 0);
      return false; // the ordinary page from here on
    }
    lastSeq = ackedSeq = 0;
    joined = false;
    document.getElementById("run").disabled = false; // Replay (or Run after a Fork)
    page().setStatus("starting", `Opening the shared run at ${data.moment.toFixed(1)} s…`);
    page().send({ action: "watch", shared: data.slug });
    return true;
  },
  before(frame) {
    if (phase === "own") return false;
    if (frame.seq !== undefined) {
      lastSeq = Math.max(lastSeq, frame.seq);
      if (lastSeq - ackedSeq >= ACK_EVERY) ack();
    }
    switch (frame.type) {
      case "opened": case "resync": case "view": case "prediction": case "presence": case "role":
        return true; // "opened" may still be followed by "This room is full"
      case "room":
        joined = true;
        lastSeq = ackedSeq = frame.seq;
        return true;
      case "error":
        if (joined || (frame.id !== undefined && frame.id !== null)) return false; // the run's, a request's
        // No room for the link (the pool is busy, ...): replay it on the page's own socket.
        leaveRoom(true);
        return true;
      default:
        return false;
    }
  },
  after(frame) {
    // Nothing to stop while the page shows the link's room (app.js enables Stop on a clock).
    if (phase === "room") document.getElementById("stop").disabled = true;
    if (phase !== "own" || !seeking) return;
    if ((frame.type === "clock" && frame.state === "paused") || frame.type === "end") flush();
  },
  closed() {
    return true; // reconnect (the link's room again, or the page's own socket)
  },
});
