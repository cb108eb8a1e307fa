/* Pod Playground: how the page's modules find the parts the template decides on.
 *
 * Most modules import what they use. Three parts cannot be imported, because the
 * template, not the code, decides whether and which one is on the page:
 *   the room mode   room.js (a room), sharedroom.js (a share link) or none; loaded
 *                   before app.js, which reads it as it starts;
 *   the playground  app.js's page (store, timeline, send...), which room.js,
 *                   sharedroom.js and roomopen.js use once the page runs;
 *   the editor      the CodeMirror editor of editor.js (after CodeMirror itself, a
 *                   classic script), when the page has one.
 * Each is also left on window (PodRoomMode, podPlayground, podEditor) for the
 * browser tests and the console; the page's own code reads them from here.
 */

let currentRoomMode = null;
let currentPlayground = null;
let currentEditor = null;

export function setRoomMode(mode) {
  currentRoomMode = mode;
  window.PodRoomMode = mode;
}

/** The room mode of this page (room.js, sharedroom.js), or null. */
export function roomMode() {
  return currentRoomMode;
}

export function setPlayground(playground) {
  currentPlayground = playground;
  window.podPlayground = playground;
}

/** The running page (app.js), or null before it has started. */
export function playground() {
  return currentPlayground;
}

export function setEditor(editor) {
  currentEditor = editor;
  window.podEditor = editor;
}

/** The CodeMirror editor (editor.js), or null when the page has none (yet). */
export function editor() {
  return currentEditor;
}
