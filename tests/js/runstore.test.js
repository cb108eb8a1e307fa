// The run store (static/playground/runstore.js) under Node's test runner: what the page
// shows at a moment of a run, folded from the records. `make test` runs `node --test tests/js/`.
//
// The fixtures are real record streams of two gallery scenarios, as the server sends them:
//   python -m cluster_sim run -o jsonl gallery/health/crashloop-backoff.yaml
//   python -m cluster_sim run -o jsonl gallery/health/readiness-endpoints.yaml
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { heldText, humanDuration } from "../../static/playground/format.js";
import { RunStore, at, upperBound } from "../../static/playground/runstore.js";

function records(name) {
  const text = readFileSync(new URL(`./fixtures/${name}.jsonl`, import.meta.url), "utf8");
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

// Both Scenarios' horizons: the server's last frame says the run has reached them.
const HORIZON = { "crashloop-backoff": 300, "readiness-endpoints": 90 };

/** The store as the page holds it once the server has streamed the whole run. */
function storeOf(name) {
  const store = new RunStore();
  store.addRecords(records(name), HORIZON[name]);
  return store;
}

/** kubectl get pods at t: NAME READY STATUS RESTARTS, as the Pods table shows them. */
function getPods(store, t) {
  return store.podsAt(t).map(({ record }) => [record.pod, record.ready, record.status, record.restarts]);
}

/** kubectl get events at t for one Pod: [REASON, COUNT, FIRST SEEN, LAST SEEN]. */
function getEvents(store, t, pod) {
  return store.eventsAt(t, 0, pod).map((row) => [row.entry.record.reason, row.count, row.first, row.last]);
}

test("a crash-looping Pod reads as kubectl shows it at each moment", () => {
  const store = storeOf("crashloop-backoff");
  assert.deepEqual(getPods(store, 0.5), [["default/crashy", "0/1", "ContainerCreating", 0]]);
  assert.deepEqual(getPods(store, 2.18), [["default/crashy", "0/1", "Error", 0]]);
  assert.deepEqual(getPods(store, 3.5), [["default/crashy", "0/1", "Error", 1]]);
  assert.deepEqual(getPods(store, 10), [["default/crashy", "0/1", "CrashLoopBackOff", 1]]);
  assert.deepEqual(getPods(store, 60), [["default/crashy", "0/1", "CrashLoopBackOff", 3]]);
  assert.deepEqual(getPods(store, 300), [["default/crashy", "0/1", "CrashLoopBackOff", 5]]);
});

test("before its first record a Pod is not there at all", () => {
  const store = storeOf("crashloop-backoff");
  assert.deepEqual(store.podsAt(-1), []);
  assert.equal(store.podAt("default/crashy", -1), null);
  assert.equal(store.podAt("default/nobody", 100), null);
});

test("scrubbing back shows the earlier moment again, the live edge stays where it was", () => {
  const store = storeOf("crashloop-backoff");
  assert.equal(store.now, 300);
  const late = store.podAt("default/crashy", 200).record;
  const early = store.podAt("default/crashy", 23.5).record;
  const lateAgain = store.podAt("default/crashy", 200).record;
  assert.equal(late.restarts, 5);
  assert.equal(early.restarts, 2);
  assert.equal(early.status, "Error");
  assert.equal(lateAgain, late);
  assert.equal(store.now, 300);
});

test("the container's state, last state and restart count at a moment", () => {
  const store = storeOf("crashloop-backoff");
  const [app] = store.containersOf("default/crashy", 30);
  assert.equal(app.entry.name, "app");
  assert.equal(app.record.state, "waiting");
  assert.equal(app.record.reason, "CrashLoopBackOff");
  assert.match(app.record.message, /^back-off 20s restarting failed container=app pod=crashy_default/);
  assert.equal(app.record.restartCount, 2);
  assert.deepEqual(
    [app.record.lastState.reason, app.record.lastState.exitCode, app.record.lastState.startedAt],
    ["Error", 1, 23],
  );
  assert.equal(store.containerAt("default/crashy", "app", 53).record.state, "terminated");
  assert.equal(store.containerAt("default/crashy", "app", 53).record.exitCode, 1);
  assert.equal(store.containerAt("default/crashy", "nope", 53), null);
});

test("each run of a container is known by when it started", () => {
  const store = storeOf("crashloop-backoff");
  const entry = store.containers.get("default/crashy/app");
  assert.deepEqual(entry.starts, [2.18, 3, 23, 53, 103, 193]);
  assert.equal(store.runAt(entry, 2.5), 0);
  assert.equal(store.runAt(entry, 23), 2);
  assert.equal(store.runAt(entry, 100), 3);
  assert.equal(store.runAt(entry, 299), 5);
});

test("kubectl logs and kubectl logs --previous at a moment", () => {
  const store = storeOf("crashloop-backoff");
  const lines = (run, t) => store.logsOf("default/crashy", "app", run, t).map((r) => `${r.t} ${r.line}`);
  // At 60 s the container has run 4 times (restartCount 3): the current run is 3.
  const current = store.runAt(store.containers.get("default/crashy/app"), 60);
  assert.equal(current, 3);
  assert.deepEqual(lines(current, 60), ["53 starting", "53 cannot find my config file"]);
  assert.deepEqual(lines(current - 1, 60), ["23 starting", "23 cannot find my config file"]);
  // Before the run wrote anything, its logs are empty; a later run's lines are not there yet.
  assert.deepEqual(lines(4, 60), []);
  assert.deepEqual(store.logsOf("default/crashy", "nope", 0, 60), []);
});

test("events are aggregated as kubectl aggregates them: COUNT, FIRST SEEN, LAST SEEN at t", () => {
  const store = storeOf("crashloop-backoff");
  const backOff = (t) => getEvents(store, t, "default/crashy").find(([reason]) => reason === "BackOff");
  assert.equal(backOff(3.9), undefined);
  assert.deepEqual(backOff(4), ["BackOff", 1, 4, 4]);
  assert.deepEqual(backOff(60), ["BackOff", 3, 4, 54]);
  assert.deepEqual(backOff(300), ["BackOff", 5, 4, 194]);
  // "Pulled" has two messages (pulled, then already present): two rows.
  const pulled = getEvents(store, 300, "default/crashy").filter(([reason]) => reason === "Pulled");
  assert.deepEqual(pulled.map(([, count]) => count), [1, 5]);
});

test("event rows come most recent last, and a limit keeps the latest", () => {
  const store = storeOf("crashloop-backoff");
  const rows = store.eventsAt(300, 0);
  const lastSeqs = rows.map((row) => row.seq);
  assert.deepEqual(lastSeqs, [...lastSeqs].sort((a, b) => a - b));
  assert.equal(rows[rows.length - 1].entry.record.reason, "BackOff");
  const latest = store.eventsAt(300, 2);
  assert.deepEqual(latest, rows.slice(-2));
  assert.equal(store.eventsAt(0, 0)[0].entry.record.reason, "Scheduled");
});

test("a Service's endpoints at t: who gets traffic, who does not", () => {
  const store = storeOf("readiness-endpoints");
  const endpoints = (t) => store.endpointsAt(t).map((r) => [r.service, r.ready, r.notReady]);
  assert.deepEqual(endpoints(0), [["default/web", [], []]]);
  assert.deepEqual(endpoints(5), [["default/web", [], ["10.244.1.2", "10.244.2.2"]]]);
  assert.deepEqual(endpoints(8), [["default/web", ["10.244.2.2"], ["10.244.1.2"]]]);
  const [web] = store.endpointsAt(100);
  assert.equal(web.pods[web.ready[0]], "default/web-a");
  assert.equal(web.pods[web.notReady[0]], "default/web-b");
  // After the first, the records carry only what changed (added, moved): scrubbing back
  // folds them again from the whole one, and forwards again gives the same lists.
  assert.ok(store.endpoints.get("default/web").slice(1).every((r) => !r.pods && r.moved));
  assert.deepEqual(endpoints(7.9), [["default/web", [], ["10.244.1.2", "10.244.2.2"]]]);
  assert.deepEqual(endpoints(90), [["default/web", ["10.244.2.2"], ["10.244.1.2"]]]);
});

test("a Pod whose readiness probe fails stays 0/1 while the other turns 1/1", () => {
  const store = storeOf("readiness-endpoints");
  const ready = (t) => Object.fromEntries(getPods(store, t).map(([pod, r]) => [pod, r]));
  assert.deepEqual(ready(7.5), { "default/web-a": "0/1", "default/web-b": "0/1", "default/client": "1/1" });
  assert.deepEqual(ready(8), { "default/web-a": "1/1", "default/web-b": "0/1", "default/client": "1/1" });
  const unhealthy = getEvents(store, 20, "default/web-b").find(([reason]) => reason === "Unhealthy");
  assert.deepEqual(unhealthy, ["Unhealthy", 3, 8, 18]);
  assert.equal(getEvents(store, 20, "default/web-a").find(([reason]) => reason === "Unhealthy"), undefined);
});

test("the nodes at t", () => {
  const store = storeOf("crashloop-backoff");
  assert.deepEqual(store.nodesAt(0).map((n) => n.node), ["node-1", "node-2", "node-3"]);
  assert.equal(store.nodeAt("node-2", 10).node, "node-2");
  assert.equal(store.nodeAt("node-9", 10), null);
});

test("stepping moves to the next or previous instant a record was streamed", () => {
  const store = storeOf("crashloop-backoff");
  assert.equal(store.nextTimeAfter(4), 23);
  assert.equal(store.nextTimeAfter(300), null);
  assert.equal(store.previousTimeBefore(23), 4);
  assert.equal(store.previousTimeBefore(0), null);
});

test("a new run (reset) forgets the old one", () => {
  const store = storeOf("crashloop-backoff");
  store.reset();
  assert.equal(store.now, 0);
  assert.deepEqual(store.podsAt(300), []);
  assert.deepEqual(store.eventsAt(300, 0), []);
  assert.deepEqual(store.records, []);
});

test("a deleted Pod shows as deleted from its deletion on, and lives again when made anew", () => {
  const store = new RunStore();
  const pod = (t, status) => ({ t, kind: "pod", pod: "default/web", status, ready: "1/1", restarts: 0 });
  store.addRecords([pod(0, "Running"), { t: 10, kind: "deleted", pod: "default/web" }], 10);
  assert.equal(store.podAt("default/web", 9).deleted, false);
  assert.equal(store.podAt("default/web", 10).deleted, true);
  store.addRecords([pod(20, "Pending")], 20);
  assert.equal(store.podAt("default/web", 25).deleted, false);
  assert.equal(store.podAt("default/web", 25).record.status, "Pending");
});

test("live actions are told apart from the Scenario's by time and kind", () => {
  const store = new RunStore();
  store.markLiveAction({ t: 12.5, action: "delete" });
  assert.equal(store.isLiveAction({ t: 12.5, kind: "action", action: "delete" }), true);
  assert.equal(store.isLiveAction({ t: 12.5, kind: "action", action: "scale" }), false);
  assert.equal(store.isLiveAction({ t: 13, kind: "action", action: "delete" }), false);
});

test("log lines held back by the server are counted and told", () => {
  const held = [
    { t: 1, kind: "log", pod: "default/p", container: "c", line: "x" },
    { t: 2, kind: "log-held", pod: "default/p", container: "c", lines: 1234, since: 1 },
  ];
  assert.equal(RunStore.heldIn(held), 1234);
  assert.equal(heldText(1234), "1,234 lines not shown; kubectl logs has them");
  assert.equal(heldText(1), "1 line not shown; kubectl logs has them");
});

test("AGE reads as kubectl's HumanDuration", () => {
  const cases = [[-1, "0s"], [0, "0s"], [119.9, "119s"], [120, "2m"], [125, "2m5s"], [600, "10m"],
    [10799, "179m"], [10800, "3h"], [11000, "3h3m"], [8 * 3600, "8h"], [47 * 3600, "47h"], [49 * 3600, "2d"]];
  for (const [seconds, text] of cases) assert.equal(humanDuration(seconds), text, `${seconds} s`);
});

test("the search helpers", () => {
  const items = [{ t: 1 }, { t: 2 }, { t: 2 }, { t: 5 }];
  assert.equal(upperBound(items, 2), 3);
  assert.equal(upperBound(items, 0), 0);
  assert.equal(at(items, 4), items[2]);
  assert.equal(at(items, 0.5), null);
});
