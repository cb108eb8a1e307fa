// The lanes the run store builds (static/playground/podlanes.js, ownerlanes.js) under Node's
// test runner: what the timeline draws for each container, folded from the records as they
// arrive. `make test` runs `node --test tests/js/`.
//
// The fixtures are real record streams of gallery scenarios, as the server sends them:
//   python -m cluster_sim run -o jsonl gallery/health/crashloop-backoff.yaml
//   python -m cluster_sim run -o jsonl gallery/health/startup-probe.yaml
//   python -m cluster_sim run -o jsonl gallery/death/sigterm-ignored.yaml
//   python -m cluster_sim run -o jsonl gallery/society/oom-kill.yaml
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { RunStore } from "../../static/playground/runstore.js";

function records(name) {
  const text = readFileSync(new URL(`./fixtures/${name}.jsonl`, import.meta.url), "utf8");
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

/** The store fed the records up to `until` (all of them by default). */
function storeOf(name, until = Infinity) {
  const store = new RunStore();
  store.addRecords(records(name).filter((r) => r.t <= until));
  return store;
}

/** The only lane of a Pod that has one container. */
function laneOf(store, pod) {
  const entry = store.lanes.pods.get(pod);
  assert.ok(entry, `no Pod ${pod}`);
  assert.equal(entry.order.length, 1);
  return entry.order[0];
}

/** Segments as [start, end, state, reason, exitCode]. */
function segments(lane) {
  return lane.segments.map((s) => [s.start, s.end, s.state, s.reason, s.exitCode]);
}

test("a crash loop: a terminated segment per run, back-off between them, a restart each time", () => {
  const lane = laneOf(storeOf("crashloop-backoff"), "default/crashy");
  const backOff = (start, end) => [start, end, "waiting", "CrashLoopBackOff", null];
  const crash = (start, end) => [start, end, "terminated", "Error", 1];
  assert.deepEqual(segments(lane), [
    [0, 2.18, "waiting", "ContainerCreating", null],
    crash(2.18, 3), crash(3, 4), backOff(4, 23), crash(23, 24), backOff(24, 53),
    crash(53, 54), backOff(54, 103), crash(103, 104), backOff(104, 193), crash(193, 194),
    backOff(194, null), // still backing off where the run ends
  ]);
  assert.deepEqual(lane.restarts.map((r) => [r.t, r.count, r.last.finishedAt]),
    [[3, 1, 2.18], [23, 2, 3], [53, 3, 23], [103, 4, 53], [193, 5, 103]]);
  assert.equal(lane.restartCount, 5);
  assert.deepEqual(lane.ready, []); // never ready
  assert.deepEqual([...lane.endsSeen], [2180, 3000, 23000, 53000, 103000, 193000]);
});

test("the lanes grow as the records arrive: the open segment of the live edge has no end yet", () => {
  const store = new RunStore();
  const all = records("crashloop-backoff");
  store.addRecords(all.filter((r) => r.t <= 30));
  const lane = laneOf(store, "default/crashy");
  assert.deepEqual(segments(lane).at(-1), [24, null, "waiting", "CrashLoopBackOff", null]);
  assert.equal(lane.restartCount, 2);
  const before = store.lanes.version;
  store.addRecords(all.filter((r) => r.t > 30));
  assert.ok(store.lanes.version > before);
  assert.equal(lane, laneOf(store, "default/crashy"), "the same lane, extended in place");
  assert.equal(lane.restartCount, 5);
});

test("a startup probe failing, then passing: the container is ready from then on", () => {
  const lane = laneOf(storeOf("startup-probe"), "default/slow-starter");
  assert.deepEqual(lane.probeTypes, ["startup", "liveness"]);
  const startup = lane.probes.startup;
  assert.equal(startup.length, 13);
  assert.ok(startup.slice(0, 12).every((p) => p.failed && p.result === "Failure"));
  assert.match(startup[0].message, /connection refused/);
  assert.deepEqual([startup[12].t, startup[12].failed, startup[12].result], [70, false, "Success"]);
  assert.ok(lane.probes.liveness.every((p) => !p.failed)); // liveness only once started
  assert.equal(lane.probes.liveness[0].t, 80);
  assert.deepEqual(lane.ready, [{ start: 70, end: null }]);
  assert.deepEqual(segments(lane), [
    [0, 8.24, "waiting", "ContainerCreating", null],
    [8.24, null, "running", null, null], // running all along: only the probe held it back
  ]);
});

test("a termination whose SIGTERM is ignored: the grace period, SIGKILL at its end, exit code 137", () => {
  const store = storeOf("sigterm-ignored");
  const pod = store.lanes.pods.get("default/stubborn");
  const lane = laneOf(store, "default/stubborn");
  assert.deepEqual(lane.graces, [{ start: 20, end: 50, grace: 30, message: "Stopping container sleeper" }]);
  assert.deepEqual(lane.signals, [{ t: 20, signal: "SIGTERM" }, { t: 50, signal: "SIGKILL" }]);
  assert.deepEqual(segments(lane), [
    [0, 2.18, "waiting", "ContainerCreating", null],
    [2.18, 50, "running", null, null],
    [50, 51, "terminated", "Error", 137], // closed when the Pod is deleted
  ]);
  assert.deepEqual(lane.ready, [{ start: 2.18, end: 50 }]);
  assert.deepEqual(lane.memory.at(-1), [50, null], "the memory line stops where the run ended");
  assert.equal(pod.terminatingSince, 20);
  assert.equal(pod.deletedAt, 51);
  assert.deepEqual(pod.deletes.map((d) => [d.t, d.action, d.args.pod, d.live]), [[20, "delete", "stubborn", false]]);
  assert.deepEqual(store.lanes.clusterActions, []);
});

test("an OOM kill: a mark at each kill over the limit, then CrashLoopBackOff", () => {
  const lane = laneOf(storeOf("oom-kill"), "default/memory-demo-2");
  assert.deepEqual(lane.ooms.map((o) => o.t), [2.72, 3.42, 23.84, 54.26, 104.68]);
  assert.deepEqual(lane.ooms[0], { t: 2.72, memory: 263192576, limit: 104857600 });
  const kills = lane.segments.filter((s) => s.state === "terminated");
  assert.deepEqual(kills.map((s) => [s.start, s.reason, s.exitCode]),
    [[2.72, "OOMKilled", 137], [3.42, "OOMKilled", 137], [23.84, "OOMKilled", 137],
      [54.26, "OOMKilled", 137], [104.68, "OOMKilled", 137]]);
  assert.equal(lane.memoryLimit, 104857600);
  assert.equal(lane.segments.at(-1).reason, "CrashLoopBackOff");
  assert.equal(lane.restartCount, 4);
});

const container = (t, fields) => ({
  t, kind: "container", pod: "default/web", container: "app", init: false, state: "running",
  reason: "", message: "", exitCode: null, restartCount: 0, ready: false, sidecar: false,
  startedAt: t, finishedAt: null, lastState: null, ...fields,
});

test("a run that ended and restarted in one instant: its end is drawn from lastState", () => {
  const store = new RunStore();
  store.addRecords([
    container(1),
    container(5, {
      restartCount: 1, startedAt: 5,
      lastState: { reason: "Error", exitCode: 2, startedAt: 1, finishedAt: 5, message: "" },
    }),
  ]);
  const lane = laneOf(store, "default/web");
  assert.deepEqual(lane.segments.map((s) => [s.start, s.end, s.instant, s.state, s.reason, s.exitCode]), [
    [1, 5, false, "running", null, null],
    [5, 5, true, "terminated", "Error", 2], // the run's end, an instant
    [5, null, false, "running", null, null], // the next run
  ]);
  assert.deepEqual(lane.restarts.map((r) => [r.t, r.count]), [[5, 1]]);
});

test("actions land on their lane, their Pod, their owner or the cluster row; live ones are marked", () => {
  const store = new RunStore();
  store.markLiveAction({ t: 3, action: "kill" });
  store.addRecords([
    { t: 0, kind: "workload", workload: "Deployment/default/web", owner: null, desired: 1, current: 0, ready: 0 },
    { t: 0, kind: "pod", pod: "default/web", status: "Pending", owner: "Deployment/default/web" },
    container(1),
    { t: 2, kind: "action", action: "cordon", args: { node: "node-1" } },
    { t: 3, kind: "action", action: "kill", args: { pod: "web", container: "app" } },
    { t: 4, kind: "action", action: "unhealthy", args: { pod: "default/web" } },
    { t: 5, kind: "action", action: "scale", args: { name: "web", replicas: 3 } },
    { t: 6, kind: "event", type: "Normal", reason: "ScalingReplicaSet", object: "Deployment/default/web", message: "Scaled up" },
    { t: 6, kind: "event", type: "Normal", reason: "Pulled", object: "Pod/default/web", message: "" },
    { t: 6, kind: "workload", workload: "Deployment/default/web", owner: null, desired: 3, current: 1, ready: 1 },
  ]);
  const lanes = store.lanes;
  const pod = lanes.pods.get("default/web");
  assert.deepEqual(lanes.clusterActions.map((a) => a.action), ["cordon"]);
  assert.deepEqual(pod.order[0].actions.map((a) => [a.action, a.live]), [["kill", true]]);
  assert.deepEqual(pod.actions.map((a) => [a.action, a.live]), [["unhealthy", false]]);
  const owner = lanes.owners.get("Deployment/default/web");
  assert.deepEqual(owner.actions.map((a) => a.action), ["scale"]);
  assert.deepEqual(owner.marks.map((m) => [m.t, m.reason]), [[6, "ScalingReplicaSet"]]);
  assert.deepEqual(owner.samples.map((s) => [s.t, s.desired, s.current, s.ready]), [[0, 1, 0, 0], [6, 3, 1, 1]]);
  assert.equal(owner.podCount, 1);
});

test("owners count the Pods and owners they have had, whichever record came first", () => {
  const store = new RunStore();
  const rs = "ReplicaSet/default/web-abc";
  store.addRecords([
    { t: 0, kind: "pod", pod: "default/web-abc-1", status: "Pending", owner: rs },
    { t: 0, kind: "pod", pod: "default/web-abc-2", status: "Pending", owner: rs },
    { t: 1, kind: "workload", workload: rs, owner: "Deployment/default/web", desired: 2 },
    { t: 1, kind: "workload", workload: "Deployment/default/web", owner: null, desired: 2 },
    { t: 2, kind: "pod", pod: "default/web-abc-2", status: "Running", owner: null }, // orphaned
  ]);
  const owners = store.lanes.owners;
  assert.equal(owners.get(rs).podCount, 1);
  assert.equal(owners.get("Deployment/default/web").ownerCount, 1);
  assert.equal(owners.get(rs).parent, "Deployment/default/web");
});

test("layoutVersion moves when a row appears, not for each mark on it", () => {
  const store = new RunStore();
  store.addRecords([container(1)]);
  const afterLane = store.lanes.layoutVersion;
  store.addRecords([container(2, { ready: true }), container(3, { state: "terminated", reason: "Completed", exitCode: 0 })]);
  assert.equal(store.lanes.layoutVersion, afterLane);
  store.addRecords([{ t: 4, kind: "probe", pod: "default/web", container: "app", probe: "readiness", result: "Success" }]);
  assert.equal(store.lanes.layoutVersion, afterLane + 1, "a probe row");
  store.reset();
  assert.equal(store.lanes.pods.size, 0);
  assert.equal(store.lanes.started, false);
});
