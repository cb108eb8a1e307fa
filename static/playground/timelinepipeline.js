/* Pod Playground timeline: a Pipeline's steps as lanes, before the Pods they give birth to.
 *
 * Reads the `pipeline` records (cluster_sim/pipeline/controller.py): each step of
 * a run (tests, build, push, scan, attest, notify, canary, checks, promote,
 * rollback) writes a record when it starts (phase Running) and when it ends
 * (Succeeded, Failed or Skipped), and the run's end is a record of step "run".
 * Each run gets a header row (its name, the commit and how it ended), then one
 * lane per step: a bar from its start to its end, green when it succeeded, red
 * when it failed, grey and thin when it was skipped. The rows sit under the
 * cluster row, above the Pods. The runs are the store's (store.lanes.pipelineRuns,
 * podlanes.js). The timeline's reset, build, clusterRowHeight and
 * renderClusterActions are wrapped here (timeline.js unchanged).
 */
import { Timeline, kit } from "./timeline.js";
import "./timelineactions.js"; // clusterRowHeight, renderClusterActions: wrapped here

const { LABEL_WIDTH, svgEl, setAttr, tip, at } = kit;
const RUN_ROW = 16;
const STEP_ROW = 12;
const BAR_H = 7;
const GAP = 4;

function pipelineState(timeline) {
  return timeline.store.lanes.pipelineRuns; // run -> {run, pipeline, commit, steps...} (podlanes.js)
}

const reset = Timeline.prototype.reset;
Timeline.prototype.reset = function resetWithPipelines() {
  reset.call(this);
  this.pipelineView = null;
};

const build = Timeline.prototype.build;
Timeline.prototype.build = function buildWithPipelines(width, domain, t0) {
  build.call(this, width, domain, t0);
  this.pipelineView = null; // the runs' views went with the others (timeline.js)
};

function pipelinesHeight(timeline) {
  let height = 0;
  for (const run of pipelineState(timeline).values()) height += RUN_ROW + run.steps.size * STEP_ROW + GAP;
  return height;
}

const clusterRowHeight = Timeline.prototype.clusterRowHeight;
Timeline.prototype.clusterRowHeight = function clusterRowHeightWithPipelines() {
  return clusterRowHeight.call(this) + pipelinesHeight(this);
};

function stepTitle(run, step) {
  const when = step.phase === "Skipped" ? `skipped at ${at(step.start)}`
    : step.end === null ? `running since ${at(step.start)}`
      : `${at(step.start)} to ${at(step.end)}`;
  return `${run.run}: ${step.name} ${step.phase === "Running" && step.end === null ? "" : step.phase + ", "}${when}` +
    (step.message ? `\n${step.message}` : "");
}

function runTitle(run) {
  const outcome = run.outcome ? `${run.outcome.phase} at ${at(run.outcome.t)}` : "running";
  return `Pipeline ${run.pipeline}, run ${run.run} of commit ${run.commit}: ${outcome}`;
}

/** Draw the pipelines' rows: a header per run, a lane per step. */
Timeline.prototype.renderPipelines = function renderPipelines() {
  const runs = pipelineState(this);
  if (!runs.size) return;
  let v = this.pipelineView;
  if (!v) {
    const g = svgEl("g", { class: "pipeline-rows", "data-row": "pipelines" }, this.svg);
    this.svg.insertBefore(g, this.podLayer);
    v = this.pipelineView = { g, top: -1 };
  }
  const top = 4 + clusterRowHeight.call(this);
  if (v.top !== top) {
    setAttr(v.g, "transform", `translate(0 ${top})`);
    v.top = top;
  }
  let y = 0;
  const end = this.now;
  for (const run of runs.values()) {
    if (!this.views.has(run)) {
      const g = svgEl("g", { class: "pipeline-run", "data-run": run.run }, v.g);
      const label = svgEl("text", { class: "pod-label pipeline-label", x: 4, y: 11 }, g);
      tip(label, () => runTitle(run));
      const outcome = svgEl("text", { class: "pod-note pipeline-outcome", x: LABEL_WIDTH + 4, y: 11 }, g);
      const steps = svgEl("g", { class: "pipeline-steps" }, g);
      this.views.set(run, { g, label, outcome, steps, lanes: new Map(), y: -1, shown: "" });
    }
    const rv = this.views.get(run);
    if (rv.y !== y) {
      setAttr(rv.g, "transform", `translate(0 ${y})`);
      rv.y = y;
    }
    const text = `pipeline ${run.run}`;
    if (rv.label.textContent !== text) rv.label.textContent = text;
    const outcome = run.outcome ? run.outcome.phase : "";
    if (rv.shown !== outcome) {
      rv.outcome.textContent = outcome;
      setAttr(rv.g, "data-outcome", outcome || "Running");
      rv.shown = outcome;
    }
    let row = 0;
    for (const step of run.steps.values()) {
      let lane = rv.lanes.get(step.name);
      if (!lane) {
        const g = svgEl("g", { class: "pipeline-step", "data-row": "pipeline-step", "data-step": step.name }, rv.steps);
        const label = svgEl("text", { class: "lane-label pipeline-step-label", x: 14, y: 8 }, g);
        label.textContent = step.name;
        const bar = svgEl("rect", { class: "pipeline-bar", y: 1, height: BAR_H, rx: 1.5, "clip-path": "url(#timeline-plot-clip)" }, g);
        tip(bar, () => stepTitle(run, step));
        tip(label, () => stepTitle(run, step));
        lane = { g, bar, row: -1, drawn: null };
        rv.lanes.set(step.name, lane);
      }
      if (lane.row !== row) {
        setAttr(lane.g, "transform", `translate(0 ${RUN_ROW + row * STEP_ROW})`);
        lane.row = row;
      }
      const stop = step.end === null ? end : step.end;
      const x0 = this.x(step.start);
      const width = Math.max(step.phase === "Skipped" ? 2 : 3, this.x(stop) - x0);
      const drawn = [x0, width, step.phase].join("|");
      if (lane.drawn !== drawn) {
        setAttr(lane.bar, "x", x0);
        setAttr(lane.bar, "width", width);
        setAttr(lane.g, "data-phase", step.phase);
        setAttr(lane.bar, "data-phase", step.phase);
        lane.drawn = drawn;
      }
      row += 1;
    }
    y += RUN_ROW + run.steps.size * STEP_ROW + GAP;
  }
};

const renderClusterActions = Timeline.prototype.renderClusterActions;
Timeline.prototype.renderClusterActions = function renderClusterActionsAndPipelines() {
  renderClusterActions.call(this);
  this.renderPipelines();
};
