/* Pod Playground live actions: the panel that acts on the run at its live edge
 * (delete, kill, unhealthy/healthy, fill memory, cordon/uncordon/drain/fail,
 * add and remove a node, apply the editor, edit a ConfigMap; on a workload:
 * scale (Deployment, ReplicaSet, ReplicationController, StatefulSet), set
 * image (those and DaemonSets), rollout undo / pause / resume (Deployments),
 * suspend / resume a CronJob and create a Job from it, delete with a
 * propagation policy), and the feedback the server gives.
 *
 * new PodLiveActions({store, request, page}): `request(kind, fields)` sends a
 * request and resolves with its answer; `page` tells the panel about the page:
 * following(), run(), liveState(), manifestText(), onPickPod(key).
 */

import { describeAction, podName, setData, setProp, setText } from "./pagekit.js";
import { workloadActionText } from "./timelineactions.js";
import { ownerLabel } from "./timelineowners.js";

const FEEDBACK_ITEMS = 6;
const $ = (id) => document.getElementById(id);
// The kinds each workload action takes (cluster_sim/scenario.py ACTION_KINDS_OF).
const SCALABLE = ["Deployment", "ReplicaSet", "ReplicationController", "StatefulSet"];
const IMAGED = [...SCALABLE, "DaemonSet"];
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const kindOfKey = (key) => String(key || "").split("/")[0];

export function PodLiveActions({ store, request, page }) {
  const panel = $("actions-panel");
  const hint = $("actions-hint");
  const podSelect = $("act-pod");
  const containerSelect = $("act-container");
  const nodeSelect = $("act-node");
  const cmSelect = $("act-configmap");
  const cmEditor = $("cm-editor");
  const cmRows = $("cm-rows");
  const feedback = $("action-feedback");
  const workloadSelect = $("act-workload");
  const wlContainerSelect = $("act-wl-container");
  const buttons = [...panel.querySelectorAll("button[data-act], #act-edit-cm, #cm-apply")];
  let chosenPod = null;

  function enabled() {
    // A run that went quiet (finished before its horizon) still takes actions.
    const run = page.run();
    return page.following() && run !== null && (page.liveState() || run.state === "finished") &&
      run.state !== "seeking" && store.now < run.horizon;
  }

  function syncSelect(select, values, labels, keep) {
    const wanted = values.join("\n");
    if (select.dataset.values !== wanted) {
      const previous = keep ?? select.value;
      select.replaceChildren(...values.map((v, i) => {
        const option = document.createElement("option");
        option.value = v;
        option.textContent = labels ? labels[i] : v;
        return option;
      }));
      setData(select, "values", wanted);
      if (values.includes(previous)) select.value = previous;
    }
  }

  function render() {
    const t = store.now;
    const pods = store.podsAt(t).filter((p) => !p.deleted).map((p) => p.entry.key);
    syncSelect(podSelect, pods, pods.map(podName), chosenPod);
    if (chosenPod && pods.includes(chosenPod) && podSelect.value !== chosenPod) podSelect.value = chosenPod;
    const containers = podSelect.value ? store.containersOf(podSelect.value, t).map((c) => c.entry.name) : [];
    syncSelect(containerSelect, containers);
    const nodes = store.nodesAt(t).map((n) => n.node);
    syncSelect(nodeSelect, nodes);
    const maps = store.configMapsAt(t).map((cm) => `${cm.namespace}/${cm.name}`);
    syncSelect(cmSelect, maps, maps.map(podName));
    const workloads = store.workloadsAt(t).filter((w) => !w.deleted).map((w) => w.entry.key);
    syncSelect(workloadSelect, workloads, workloads.map(ownerLabel));
    const owned = workloadSelect.value ? store.podsOwnedAt(workloadSelect.value, t) : [];
    const names = [];
    for (const p of owned) {
      for (const c of store.containersOf(p.entry.key, t)) if (!c.entry.init && !names.includes(c.entry.name)) names.push(c.entry.name);
    }
    syncSelect(wlContainerSelect, names);
    const on = enabled();
    for (const button of buttons) {
      const needs = button.dataset.needs || "";
      let ok = on;
      if (needs.includes("pod")) ok = ok && Boolean(podSelect.value);
      if (needs.includes("container")) ok = ok && Boolean(containerSelect.value);
      if (needs.includes("node")) ok = ok && Boolean(nodeSelect.value);
      if (needs.includes("configmap")) ok = ok && Boolean(cmSelect.value);
      if (needs.includes("workload")) ok = ok && Boolean(workloadSelect.value);
      if (needs.includes("image")) ok = ok && Boolean(wlContainerSelect.value);
      if (needs.includes("deployment")) ok = ok && workloadSelect.value.startsWith("Deployment/");
      if (needs.includes("scalable")) ok = ok && SCALABLE.includes(kindOfKey(workloadSelect.value));
      if (needs.includes("imaged")) ok = ok && IMAGED.includes(kindOfKey(workloadSelect.value));
      if (needs.includes("cronjob")) ok = ok && kindOfKey(workloadSelect.value) === "CronJob";
      if (needs.includes("jobname")) ok = ok && ($("act-job-name").value.trim() === "" || DNS_NAME.test($("act-job-name").value.trim()));
      if (needs.includes("newnode")) ok = ok && DNS_NAME.test($("act-node-name").value.trim());
      if (needs.includes("pushtag")) ok = ok && /^[^@\s]+$/.test($("act-push-tag").value.trim());
      setProp(button, "disabled", !ok);
    }
    setData(panel, "enabled", String(on));
    const follow = page.following();
    const run = page.run();
    let text;
    if (!follow) text = "Scrubbed back: actions happen at the live edge only. Press End (or Live) to return to it.";
    else if (run !== null && run.state === "finished" && store.now >= run.horizon) text = "The run has reached its horizon.";
    else if (!enabled() && run === null) text = "Run a manifest to act on it.";
    else if (!enabled() && run.state !== "seeking") text = "The run has ended; press Run to start a new one.";
    else if (run.state === "seeking") text = "Replaying the shared run…";
    else text = `Actions happen at the live edge, now t = ${store.now.toFixed(1)} s, and join the run's action log.`;
    setText(hint, text);
    setData(hint, "scrubbed", String(!follow));
  }

  function selectPod(key) {
    chosenPod = key;
    if (key && [...podSelect.options].some((o) => o.value === key)) podSelect.value = key;
  }

  function say(text, kind) {
    const item = document.createElement("li");
    item.className = kind;
    item.textContent = text;
    if (kind === "error") item.setAttribute("role", "alert");
    feedback.prepend(item);
    while (feedback.childElementCount > FEEDBACK_ITEMS) feedback.lastElementChild.remove();
  }

  async function act(kind, args) {
    if (!enabled()) return;
    try {
      const frame = await request("act", { kind, args });
      const text = workloadActionText(frame.action.action, frame.action.args || {});
      say(`t = ${frame.action.t.toFixed(1)} s: ${text && !(frame.action.args || {}).pod ? text : describeAction(frame.action)}`, "ok");
    } catch (error) {
      say(`${kind}: ${error.message}`, "error");
    }
  }

  function intOrUndefined(input) {
    const text = input.value.trim();
    return text === "" ? undefined : Math.max(0, Math.trunc(Number(text)));
  }

  const handlers = {
    delete: () => {
      const args = { pod: podSelect.value };
      const grace = intOrUndefined($("act-grace"));
      if (grace !== undefined) args.gracePeriodSeconds = grace;
      if ($("act-force") && $("act-force").checked) args.force = true;
      return ["delete", args];
    },
    kill: () => ["kill", { pod: podSelect.value, container: containerSelect.value, exitCode: intOrUndefined($("act-exit")) ?? 137 }],
    unhealthy: () => ["unhealthy", { pod: podSelect.value, container: containerSelect.value }],
    healthy: () => ["healthy", { pod: podSelect.value, container: containerSelect.value }],
    fillMemory: () => ["fillMemory", { pod: podSelect.value, container: containerSelect.value, mib: Math.max(1, Number($("act-mib").value) || 100) }],
    cordon: () => ["cordon", { node: nodeSelect.value }],
    uncordon: () => ["uncordon", { node: nodeSelect.value }],
    drain: () => {
      // kubectl drain's flags; unset ones keep kubectl's defaults.
      const args = { node: nodeSelect.value };
      const flags = { force: "drain-opt-force", ignoreDaemonsets: "drain-opt-ignore-ds",
        deleteEmptydirData: "drain-opt-emptydir", disableEviction: "drain-opt-disable-eviction" };
      for (const [name, id] of Object.entries(flags)) if ($(id) && $(id).checked) args[name] = true;
      const graceText = $("drain-opt-grace") ? $("drain-opt-grace").value.trim() : "";
      if (graceText !== "") args.gracePeriod = Math.max(-1, Math.trunc(Number(graceText)));
      const timeout = $("drain-opt-timeout") ? intOrUndefined($("drain-opt-timeout")) : undefined;
      if (timeout) args.timeout = timeout;
      return ["drain", args];
    },
    failNode: () => ["failNode", { node: nodeSelect.value }],
    apply: () => ["apply", { manifest: page.manifestText() }],
    removeNode: () => ["removeNode", { name: nodeSelect.value }],
    addNode: () => {
      const args = { name: $("act-node-name").value.trim() };
      for (const field of ["cpu", "memory"]) {
        const value = $(`act-node-${field}`).value.trim();
        if (value) args[field] = value;
      }
      const pods = intOrUndefined($("act-node-pods"));
      if (pods) args.pods = pods;
      return ["addNode", args];
    },
    scale: () => ["scale", { ...workloadRef(), replicas: intOrUndefined($("act-replicas")) ?? 0 }],
    setImage: () => ["setImage", { ...workloadRef(), container: wlContainerSelect.value, image: $("act-image").value.trim() }],
    rolloutUndo: () => {
      const args = { name: workloadRef().name };
      const revision = intOrUndefined($("act-revision"));
      if (revision !== undefined) args.toRevision = revision;
      return ["rolloutUndo", args];
    },
    rolloutPause: () => ["rolloutPause", { name: workloadRef().name }],
    rolloutResume: () => ["rolloutResume", { name: workloadRef().name }],
    deleteWorkload: () => ["delete", { ...workloadRef(), propagationPolicy: $("act-propagation").value }],
    suspendCronJob: () => ["suspendCronJob", cronJobRef()],
    resumeCronJob: () => ["resumeCronJob", cronJobRef()],
    pushImage: () => {
      const args = { image: $("act-push-tag").value.trim() };
      for (const [name, id] of [["from", "act-push-from"], ["commit", "act-push-commit"]]) {
        const value = $(id).value.trim();
        if (value) args[name] = value;
      }
      return ["pushImage", args];
    },
    triggerCronJob: () => {
      const job = $("act-job-name").value.trim();
      return ["triggerCronJob", job ? { ...cronJobRef(), job } : cronJobRef()];
    },
  };

  /** {name} of the chosen CronJob, and its namespace unless it is "default" (no kind: it is implied). */
  function cronJobRef() {
    const { name, namespace } = workloadRef();
    return namespace ? { name, namespace } : { name };
  }

  /** {kind, name} of the chosen workload, and its namespace unless it is "default". */
  function workloadRef() {
    const [kind, namespace, name] = workloadSelect.value.split("/");
    return namespace === "default" ? { kind, name } : { kind, name, namespace };
  }
  panel.querySelectorAll("button[data-act]").forEach((button) => {
    button.addEventListener("click", () => {
      const [kind, args] = handlers[button.dataset.act]();
      act(kind, args);
    });
  });
  $("act-node-name").addEventListener("input", () => render());
  $("act-job-name").addEventListener("input", () => render());
  $("act-push-tag").addEventListener("input", () => render());
  workloadSelect.addEventListener("change", () => render());
  podSelect.addEventListener("change", () => {
    selectPod(podSelect.value);
    page.onPickPod(podSelect.value);
  });

  /* ConfigMap: edit its data, apply it as a manifest (JSON is YAML). */
  function cmRow(key, value) {
    const row = document.createElement("div");
    row.className = "cm-row";
    const keyInput = document.createElement("input");
    keyInput.className = "cm-key";
    keyInput.value = key;
    keyInput.setAttribute("aria-label", "key");
    const valueInput = document.createElement("textarea");
    valueInput.className = "cm-value";
    valueInput.rows = 1;
    valueInput.value = value;
    valueInput.setAttribute("aria-label", `value of ${key || "the new key"}`);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-small";
    remove.textContent = "×";
    remove.setAttribute("aria-label", `remove ${key || "this key"}`);
    remove.addEventListener("click", () => row.remove());
    row.append(keyInput, valueInput, remove);
    return row;
  }

  $("act-edit-cm").addEventListener("click", () => {
    const cm = store.configMapsAt(store.now).find((c) => `${c.namespace}/${c.name}` === cmSelect.value);
    if (!cm) return;
    cmEditor.dataset.configmap = cmSelect.value;
    $("cm-title").textContent = `ConfigMap ${cm.name}`;
    cmRows.replaceChildren(...Object.entries(cm.data).map(([k, v]) => cmRow(k, v)));
    cmEditor.hidden = false;
    const first = cmRows.querySelector("textarea");
    if (first) first.focus();
  });
  $("cm-add").addEventListener("click", () => cmRows.append(cmRow("", "")));
  $("cm-cancel").addEventListener("click", () => {
    cmEditor.hidden = true;
  });
  $("cm-apply").addEventListener("click", () => {
    const [namespace, name] = String(cmEditor.dataset.configmap).split("/");
    const data = {};
    for (const row of cmRows.querySelectorAll(".cm-row")) {
      const key = row.querySelector(".cm-key").value.trim();
      if (key) data[key] = row.querySelector(".cm-value").value;
    }
    const text = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data }, null, 2);
    cmEditor.hidden = true;
    act("apply", { manifest: `${text}\n` });
  });

  /** Choose a workload (its lane was clicked). */
  function selectWorkload(key) {
    if (key && [...workloadSelect.options].some((o) => o.value === key)) workloadSelect.value = key;
  }
  document.addEventListener("workload-select", (event) => selectWorkload(event.detail.key));

  return { render, selectPod, say, selectWorkload };
}
