"""The CronJob controller through whole runs: Jobs at the scheduled minutes, policies, history."""

from __future__ import annotations

from typing import Any

from cluster_sim import Simulation, load_bundle

CRON = """\
apiVersion: batch/v1
kind: CronJob
metadata: {{name: tick}}
spec:
  schedule: "{schedule}"
{spec}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - {{name: c, image: busybox:1.36, command: ["sh", "-c", "{script}"]}}
"""


def cron(schedule: str = "* * * * *", script: str = "echo hi", **spec: Any) -> str:
    lines = "\n".join(f"  {k}: {v}" for k, v in spec.items())
    return CRON.format(schedule=schedule, spec=lines, script=script)


def run(text: str, until: float) -> tuple[Simulation, list[dict[str, Any]]]:
    sim = Simulation(load_bundle([("cron.yaml", text)]), seed=0, horizon=until)
    return sim, sim.advance(until)


def cron_events(records: list[dict[str, Any]]) -> list[tuple[float, str, str]]:
    return [
        (r["t"], r["reason"], r["message"])
        for r in records
        if r["kind"] == "event" and r["object"] == "CronJob/default/tick"
    ]


def test_jobs_are_named_after_their_scheduled_minute_and_history_is_trimmed() -> None:
    sim, records = run(cron(successfulJobsHistoryLimit=2), 250)
    # 2026-01-01T00:01:00Z is minute 29453761 since the Unix epoch
    assert cron_events(records) == [
        (60.1, "SuccessfulCreate", "Created job tick-29453761"),
        (62.28, "SawCompletedJob", "Saw completed job: tick-29453761, condition: Complete"),
        (120.1, "SuccessfulCreate", "Created job tick-29453762"),
        (122.28, "SawCompletedJob", "Saw completed job: tick-29453762, condition: Complete"),
        (180.1, "SuccessfulCreate", "Created job tick-29453763"),
        (181.1, "SawCompletedJob", "Saw completed job: tick-29453763, condition: Complete"),
        (181.1, "SuccessfulDelete", "Deleted job tick-29453761"),
        (240.1, "SuccessfulCreate", "Created job tick-29453764"),
        (241.1, "SawCompletedJob", "Saw completed job: tick-29453764, condition: Complete"),
        (241.1, "SuccessfulDelete", "Deleted job tick-29453762"),
    ]
    assert [j.name for j in sim.store.list("Job")] == ["tick-29453763", "tick-29453764"]
    (job,) = [j for j in sim.store.list("Job") if j.name == "tick-29453764"]
    assert job.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"] == (
        "2026-01-01T00:04:00Z"
    )
    cj = sim.store.get("CronJob", "default", "tick")
    assert cj is not None
    assert cj.status["lastScheduleTime"] == 240_000
    assert cj.status["lastSuccessfulTime"] == 241_100
    assert "active" not in cj.status


def test_forbid_holds_a_run_back_while_the_previous_one_is_active() -> None:
    _, records = run(cron(script="sleep 70", concurrencyPolicy="Forbid"), 200)
    forbid = "Not starting job because prior execution is running and concurrency policy is Forbid"
    # The 00:02 run waits; when 00:01's Job completes, the sync it causes still finds
    # 00:02 the most recent unstarted time (no startingDeadlineSeconds) and starts it late.
    assert [e for e in cron_events(records) if e[1] != "SawCompletedJob"] == [
        (60.1, "SuccessfulCreate", "Created job tick-29453761"),
        (120.1, "JobAlreadyActive", forbid),
        (132.28, "SuccessfulCreate", "Created job tick-29453762"),
        (180.1, "JobAlreadyActive", forbid),
    ]


def test_forbid_with_a_starting_deadline_loses_the_run() -> None:
    text = cron(script="sleep 70", concurrencyPolicy="Forbid", startingDeadlineSeconds=5)
    _, records = run(text, 200)
    assert [e[:2] for e in cron_events(records) if e[1] != "SawCompletedJob"] == [
        (60.1, "SuccessfulCreate"),
        (120.1, "JobAlreadyActive"),
        (180.1, "SuccessfulCreate"),
    ]


def test_replace_deletes_the_running_job() -> None:
    sim, records = run(cron(script="sleep 500", concurrencyPolicy="Replace"), 130)
    assert cron_events(records) == [
        (60.1, "SuccessfulCreate", "Created job tick-29453761"),
        (120.1, "SuccessfulDelete", "Deleted job tick-29453761"),
        (120.1, "SuccessfulCreate", "Created job tick-29453762"),
    ]
    cj = sim.store.get("CronJob", "default", "tick")
    assert cj is not None and [a["name"] for a in cj.status["active"]] == ["tick-29453762"]


def test_a_suspended_cron_job_creates_nothing() -> None:
    _, records = run(cron(suspend="true"), 200)
    assert cron_events(records) == []


def test_time_zone_and_scenario_start_time_place_the_ticks() -> None:
    scenario = (
        "---\napiVersion: playground.podlife.dev/v1\nkind: Scenario\nmetadata: {name: t}\n"
        "spec:\n  startTime: 2026-06-01T08:58:30Z\n  horizon: 200\n"
    )
    text = cron(schedule="0 11 * * *", timeZone="Europe/Paris") + scenario
    _, records = run(text, 200)
    # 11:00 in Paris (UTC+2 in June) is 09:00Z: 90 s after the start
    assert cron_events(records)[0] == (90.1, "SuccessfulCreate", "Created job tick-29671740")


def test_trigger_suspend_and_resume_actions() -> None:
    scenario = (
        "---\napiVersion: playground.podlife.dev/v1\nkind: Scenario\nmetadata: {name: t}\n"
        "spec:\n  horizon: 200\n  actions:\n  - {at: 10, triggerCronJob: tick}\n"
        "  - {at: 20, suspendCronJob: tick}\n  - {at: 30, suspendCronJob: tick}\n"
        "  - {at: 130, resumeCronJob: {name: tick}}\n  - {at: 140, triggerCronJob: nope}\n"
    )
    sim, records = run(cron() + scenario, 200)
    notices = [(r["t"], r["message"]) for r in records if r["kind"] == "notice"][1:]
    manual = sim.store.list("Job")[0]
    assert notices == [
        (10.0, f"job.batch/{manual.name} created"),
        (20.0, "cronjob.batch/tick patched"),
        (30.0, "cronjob.batch/tick patched (no change)"),
        (130.0, "cronjob.batch/tick patched"),
        (140.0, 'Error from server (NotFound): cronjobs.batch "nope" not found'),
    ]
    assert manual.name.startswith("tick-manual-")
    assert manual.annotations["cronjob.kubernetes.io/instantiate"] == "manual"
    unexpected = f"Saw a job that the controller did not create or forgot: {manual.name}"
    created = [e for e in cron_events(records) if e[1] != "SawCompletedJob"]
    assert created[0] == (10.0, "UnexpectedJob", unexpected)
    # suspended over 00:01 and 00:02; on resume the 00:02 run (never started) starts at once
    assert [e for e in created if e[1] == "SuccessfulCreate"] == [
        (130.0, "SuccessfulCreate", "Created job tick-29453762"),
        (180.1, "SuccessfulCreate", "Created job tick-29453763"),
    ]


def test_deleting_a_cron_job_takes_its_jobs_and_pods() -> None:
    scenario = (
        "---\napiVersion: playground.podlife.dev/v1\nkind: Scenario\nmetadata: {name: t}\n"
        "spec:\n  horizon: 200\n  actions:\n"
        "  - {at: 90, delete: {kind: CronJob, name: tick}}\n"
    )
    sim, records = run(cron(script="sleep 100") + scenario, 200)
    assert sim.store.list("CronJob") == []
    assert sim.store.list("Job") == []
    assert sim.store.list("Pod") == []
    assert [e[0] for e in cron_events(records)] == [60.1]


def test_runs_are_deterministic() -> None:
    text = cron(script="sleep 70", concurrencyPolicy="Forbid")
    assert run(text, 200)[1] == run(text, 200)[1]
