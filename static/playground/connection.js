/* Pod Playground connection: the page's websocket to its run (or its room).
 *
 * Protocol (playground/protocol.py): the page sends start/speed/pause/resume/
 * step/jump/stop and act/inspect/exec/share requests; the server answers with
 * started, specs, records, clock, acted, inspect, exec, shared, error and end
 * frames. A request carries an id and its answer the same id: request() resolves
 * with the answer (rejects with an error frame's messages, or when the socket
 * closes first).
 *
 * path() is read at each connect: sharedroom.js moves the page from the link's
 * room (/ws/room/) to a run of its own (/ws/run/) and reconnects.
 *
 * A room mode (room.js, sharedroom.js) sits between the socket and the page: it
 * may hold a message the page sends (sending), sees every frame first and may
 * keep it (before), sees it after the page (after), and says whether a closed
 * socket is worth reconnecting (closed). Anything else is the page's, through
 * onOpen(), onFrame(frame) and onClose(); setStatus(state, text) says "Connecting…"
 * and "Disconnected…" on the status line.
 */

const FIRST_RECONNECT_MS = 500;
const MAX_RECONNECT_MS = 10000;

export function Connection({ path, roomMode, setStatus, onOpen, onFrame, onClose }) {
  let socket = null;
  let reconnectDelay = FIRST_RECONNECT_MS;
  let requestSeq = 0;
  const requests = new Map(); // id -> {resolve, reject, kind}

  function isOpen() {
    return socket !== null && socket.readyState === WebSocket.OPEN;
  }

  /** Send a message; false if the socket is not open (nothing is queued). */
  function send(message) {
    if (isOpen()) {
      if (roomMode && roomMode.sending(message) === true) return true; // held (sharedroom.js)
      socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}${path()}`);
    setStatus("connecting", "Connecting…");
    socket.addEventListener("open", () => {
      reconnectDelay = FIRST_RECONNECT_MS;
      onOpen();
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
      failRequests("The connection to the server was lost.");
      onClose();
      if (roomMode && !roomMode.closed(event)) return; // the room has ended: nothing to reconnect to
      setStatus("disconnected", "Disconnected from the server; reconnecting…");
      window.setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, MAX_RECONNECT_MS);
    });
  }

  /** A new socket in place of the open one (sharedroom.js: the link's room, then the page's own). */
  function reconnect() {
    const old = socket;
    connect();
    old.close();
  }

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

  /** Settle the request this frame answers; false if it answers none. */
  function answer(frame) {
    if (frame.id === undefined || frame.id === null) return false;
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

  return { connect, reconnect, isOpen, send, request, answer };
}
