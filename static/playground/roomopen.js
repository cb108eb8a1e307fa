/* Pod Playground: "Open a room" on the playground page (own YAML, a gallery
 * scenario, a share link). The shown run (its manifest, seed, horizon, action
 * log and live edge) becomes a room on the server (docs/rooms-protocol.md,
 * "Opening a room"); the presenter's secret is kept in this device's
 * localStorage under room-secret:<code>, never in a URL, and the page goes to
 * the room's console, /r/<code>, in the projector layout.
 */

import { playground } from "./pagelinks.js";

const $ = (id) => document.getElementById(id);

function storeSecret(code, secret) {
  try {
    window.localStorage.setItem(`room-secret:${code}`, secret);
    return true;
  } catch (error) {
    return false;
  }
}

function say(text, state) {
  const status = $("open-room-status");
  status.hidden = !text;
  status.textContent = text;
  status.dataset.state = state || "";
}

function openRoom(button) {
  const page = playground();
  const source = page && page.runSource();
  if (!source) return;
  button.disabled = true;
  say("Opening a room for this run…", "busy");
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${window.location.host}/ws/room/`);
  const inspector = page.inspector;
  socket.addEventListener("open", () => {
    socket.send(JSON.stringify({
      action: "open",
      manifest: source.manifest,
      speed: source.speed,
      seed: source.seed,
      horizon: source.horizon,
      actions: source.actions,
      moment: source.moment,
      view: {
        time: page.following() ? null : page.viewTime(),
        pod: inspector.pod, container: inspector.container, tab: inspector.tab, mode: "projector",
      },
    }));
  });
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "opened") {
      socket.close();
      if (!storeSecret(frame.code, frame.secret)) {
        say("This browser keeps no local storage, so it could not hold the presenter's key; " +
          "allow site data and try again.", "error");
        button.disabled = false;
        return;
      }
      try {
        window.sessionStorage.setItem(`room-fresh:${frame.code}`, "1"); // its page shows the code large
      } catch (error) { /* the page shows it small */ }
      say(`Room ${frame.code} is open; going to its page…`, "ok");
      window.location.assign(`${frame.url}?view=projector`);
    } else if (frame.type === "error") {
      socket.close();
      say(`The room could not be opened: ${frame.errors.map((e) => e.message).join("; ")}`, "error");
      button.disabled = false;
    }
  });
  socket.addEventListener("error", () => {
    say("The room could not be opened: no connection to the server.", "error");
    button.disabled = false;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const button = $("open-room");
  if (!button) return;
  button.addEventListener("click", () => openRoom(button));
  // Enabled once there is a run to open a room from.
  window.setInterval(() => {
    const page = playground();
    const ready = Boolean(page && page.runSource() && page.store.records.length);
    const state = $("open-room-status").dataset.state;
    if (button.disabled === ready && state !== "busy" && state !== "ok") {
      button.disabled = !ready;
    }
  }, 300);
});
