/* Pod Playground timeline: the marks of actions, taken live or by the Scenario.
 *
 * Every action leaves a mark where it acted (Timeline.addAction sorts them):
 * on its container's lane (kill, unhealthy, healthy, fillMemory), on its
 * Pod's header (delete, and unhealthy / healthy of every container), or on the
 * cluster row above the Pods (cordon, uncordon, drain, failNode, apply, and an
 * action on a Pod or container not drawn yet). Each mark is the legend's
 * action triangle (a diamond on a lane), with data-action naming the action
 * and a tooltip saying what it did.
 */
import { Timeline, kit } from "./timeline.js";

const { LABEL_WIDTH, svgEl, setAttr, tip, at, shortPod } = kit;
const CLUSTER_ROW = 16;

/** "kubectl apply: ConfigMap app-config" from the applied manifest's kinds and names. */
function applied(manifest) {
  const objects = [];
  for (const doc of String(manifest || "").split(/^---\s*$/m)) {
    const kind = /^kind:\s*["']?([A-Za-z]+)/m.exec(doc) || /"kind":\s*"([A-Za-z]+)"/.exec(doc);
    const name = /^\s+name:\s*["']?([\w.-]+)/m.exec(doc) || /"name":\s*"([\w.-]+)"/.exec(doc) ||
      /name:\s*["']?([\w.-]+)/.exec(doc);
    if (kind) objects.push(`${kind[1]}${name ? ` ${name[1]}` : ""}`);
  }
  return objects.length ? `kubectl apply: ${objects.join(", ")}` : "kubectl apply";
}

/** What an action did, in a tooltip's words. */
function actionText(item) {
  const a = item.args || {};
  const who = a.container ? `container ${a.container} of pod ${shortPod(String(a.pod))}` : `pod ${a.pod}`;
  switch (item.action) {
    case "delete":
      if (!a.pod && a.name) return workloadActionText("delete", a);
      return `kubectl delete pod ${a.pod}${a.gracePeriodSeconds === undefined ? "" : ` --grace-period=${a.gracePeriodSeconds}`}${a.force ? " --force" : ""}`;
    case "kill":
      return `kill ${who}${a.exitCode === undefined ? "" : ` with exit code ${a.exitCode}`}`;
    case "unhealthy":
      return `make ${who} unhealthy: its probes fail from now on`;
    case "healthy":
      return `make ${who} healthy again`;
    case "fillMemory":
      return `fill ${a.mib ?? 100} MiB of memory in ${who}`;
    case "cordon":
    case "uncordon":
    case "drain":
      return `kubectl ${item.action} ${a.node}`;
    case "failNode":
      return `node ${a.node} fails (NotReady)`;
    case "apply":
      return applied(a.manifest);
    default:
      return workloadActionText(item.action, a) || `${item.action} ${JSON.stringify(a)}`;
  }
}

const KUBECTL_KIND = { Deployment: "deployment", ReplicaSet: "replicaset", ReplicationController: "replicationcontroller" };

/** kubectl's command line for the actions on workloads and nodes (issue #11), or null. */
function workloadActionText(action, a) {
  const ns = a.namespace && a.namespace !== "default" ? ` -n ${a.namespace}` : "";
  const kind = KUBECTL_KIND[a.kind] || String(a.kind || "deployment").toLowerCase();
  switch (action) {
    case "scale":
      return `kubectl scale ${kind}/${a.name}${ns} --replicas=${a.replicas}`;
    case "setImage":
      return `kubectl set image ${kind}/${a.name}${ns} ${a.container}=${a.image}`;
    case "rolloutUndo":
      return `kubectl rollout undo deployment/${a.name}${ns}` +
        (a.toRevision === undefined || a.toRevision === null ? "" : ` --to-revision=${a.toRevision}`);
    case "rolloutPause":
      return `kubectl rollout pause deployment/${a.name}${ns}`;
    case "rolloutResume":
      return `kubectl rollout resume deployment/${a.name}${ns}`;
    case "delete":
      return a.name ? `kubectl delete ${a.kind ? kind : "pod"}/${a.name}${ns}` +
        (a.propagationPolicy ? ` --cascade=${{ Background: "background", Foreground: "foreground", Orphan: "orphan" }[a.propagationPolicy] || a.propagationPolicy}` : "") : null;
    case "addNode":
      return `a node ${a.name} joins the cluster` +
        (a.cpu || a.memory || a.pods ? ` (${[a.cpu && `cpu ${a.cpu}`, a.memory && `memory ${a.memory}`, a.pods && `${a.pods} Pods`].filter(Boolean).join(", ")})` : "");
    case "removeNode":
      return `kubectl delete node ${a.name}`;
    case "pushImage": // a build FROM a reference, pushed to a tag (issue #16)
      return `push ${a.image}${a.from ? ` built FROM ${a.from}` : ""}${a.commit ? ` (commit ${a.commit})` : ""}`;
    case "triggerCronJob": // the playground names the Job when the action does not
      return `kubectl create job ${a.job ? `${a.job} ` : ""}--from=cronjob/${a.name}${ns}`;
    case "suspendCronJob":
    case "resumeCronJob":
      return `kubectl patch cronjob/${a.name}${ns} -p '{"spec":{"suspend":${action === "suspendCronJob"}}}'`;
    default:
      return null;
  }
}


function tipFor(item) {
  return () => `${at(item.t)}: ${actionText(item)} (${item.live ? "live" : "Scenario"} action)`;
}


/** A diamond above the lane's bar. */
Timeline.prototype.drawLaneAction = function drawLaneAction(lane, item) {
  const x = this.x(item.t);
  const mark = svgEl("path", {
    class: "action-marker", "data-action": item.action, "data-t": item.t,
    d: `M ${x} 1 L ${x + 4} 5 L ${x} 9 L ${x - 4} 5 Z`,
  }, this.views.get(lane).layers.marks);
  tip(mark, tipFor(item));
};

/** A triangle on the Pod's header row. */
Timeline.prototype.drawPodAction = function drawPodAction(pod, item) {
  const x = this.x(item.t);
  const mark = svgEl("path", {
    class: "action-marker", "data-action": item.action, "data-t": item.t,
    d: `M ${x - 4} 1 L ${x + 4} 1 L ${x} 8 Z`,
  }, this.views.get(pod).marks);
  tip(mark, tipFor(item));
};

Timeline.prototype.clusterRowHeight = function clusterRowHeight() {
  return this.clusterActions.length ? CLUSTER_ROW : 0;
};

/** The cluster row: node actions, apply, and actions on what is not drawn yet. */
Timeline.prototype.renderClusterActions = function renderClusterActions() {
  if (!this.clusterActions.length) return;
  let v = this.clusterView;
  if (!v) {
    const g = svgEl("g", { class: "cluster-row", "data-row": "cluster", transform: "translate(0 4)" }, this.svg);
    this.svg.insertBefore(g, this.podLayer);
    const label = svgEl("text", { class: "pod-label cluster-label", x: 4, y: 10 }, g);
    label.textContent = "cluster";
    tip(label, () => "Actions on nodes and objects (kubectl apply), and on Pods not drawn yet");
    svgEl("line", { class: "cluster-rule", x1: LABEL_WIDTH, x2: this.width, y1: 12.5, y2: 12.5 }, g);
    const marks = svgEl("g", { class: "cluster-marks", "clip-path": "url(#timeline-plot-clip)" }, g);
    v = this.clusterView = { g, marks, drawn: 0 };
    this.layoutDirty = true;
  }
  for (; v.drawn < this.clusterActions.length; v.drawn += 1) {
    const item = this.clusterActions[v.drawn];
    const x = this.x(item.t);
    const mark = svgEl("path", {
      class: "action-marker", "data-action": item.action, "data-t": item.t,
      d: `M ${x - 4.5} 2 L ${x + 4.5} 2 L ${x} 11 Z`,
    }, v.marks);
    setAttr(mark, "data-live", String(Boolean(item.live)));
    tip(mark, tipFor(item));
  }
};

export { actionText, workloadActionText };
