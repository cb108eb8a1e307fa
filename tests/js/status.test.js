// What the status line says about a run (static/playground/status.js) and how the page
// writes times and sizes (format.js): the words a user reads, under Node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";

import { formatBytes, formatSeconds, plural } from "../../static/playground/format.js";
import { errorLocation, runStatus, simulatedAt } from "../../static/playground/status.js";

const live = { replaying: false, speed: "1", now: 42.25 };

test("the status line names the run's state, and the clock's time once it stops", () => {
  assert.deepEqual(runStatus({ state: "playing", speed: 4 }, live), ["running", "Playing at 4x."]);
  assert.deepEqual(runStatus({ state: "paused", next: 50 }, live),
    ["paused", "Paused at simulated 42.3 s. Space plays, → steps to the next event."]);
  assert.deepEqual(runStatus({ state: "paused", next: null }, live),
    ["paused", "Paused at simulated 42.3 s; nothing more happens before the horizon."]);
  assert.deepEqual(runStatus({ state: "jumping" }, live), ["running", "Jumping to the end…"]);
  assert.deepEqual(runStatus({ state: "seeking", goal: 30 }, live), ["running", "Replaying the run to 30.0 s…"]);
  assert.deepEqual(runStatus({ state: "finished" }, { ...live, now: 300 }),
    ["finished", "Finished at simulated 300.0 s (5m)."]);
  assert.deepEqual(runStatus({ state: "stopped" }, live), ["stopped", "Stopped at simulated 42.3 s."]);
  assert.deepEqual(runStatus({ state: "error" }, live), ["error", "The run failed at simulated 42.3 s."]);
});

test("replaying recorded history says so, whatever the server's state", () => {
  assert.deepEqual(runStatus({ state: "paused", next: 50 }, { replaying: true, speed: "2", now: 120 }),
    ["replaying", "Replaying the recorded run at 2x towards the live edge at 120.0 s. Space pauses."]);
});

test("the clock's time: seconds, and minutes past a minute", () => {
  assert.equal(simulatedAt(3.5), "3.5 s");
  assert.equal(simulatedAt(59.9), "59.9 s");
  assert.equal(simulatedAt(200), "200.0 s (3m20s)");
  assert.equal(simulatedAt(3900), "3900.0 s (1h5m)");
});

test("a problem of the input is located as file:line:column", () => {
  assert.equal(errorLocation({ file: "editor.yaml", line: 3, column: 5 }), "editor.yaml:3:5");
  assert.equal(errorLocation({ file: "editor.yaml", line: null, column: null }), "editor.yaml");
  assert.equal(errorLocation({ line: undefined }), "");
});

test("times, sizes and counts as the page writes them", () => {
  assert.deepEqual([0, 59.4, 60, 61, 3599, 3600, 3660, 7200].map(formatSeconds),
    ["0s", "59s", "1m", "1m1s", "59m59s", "1h", "1h1m", "2h"]);
  assert.deepEqual([null, 512, 1536, 64 * 1024 * 1024, 3 * 1024 ** 3, 5000 * 1024 ** 3].map(formatBytes),
    ["?", "512", "1.5Ki", "64Mi", "3Gi", "5000Gi"]);
  assert.equal(plural(1, "action"), "1 action");
  assert.equal(plural(3, "live action"), "3 live actions");
});
