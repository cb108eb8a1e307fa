"""The ``workload`` records of Jobs and CronJobs: what the page's owner lanes draw."""

from __future__ import annotations

from pathlib import Path

from tests.cluster_sim.simrun import last, of, run

HELLO = (Path(__file__).parents[1] / "docs_examples" / "controllers" / "cronjob.yaml").read_text()


def test_cron_job_and_job_records_carry_counts_times_and_owner() -> None:
    records = run(HELLO, until=70)
    cron = of(records, "workload", workload="CronJob/default/hello")
    assert [(r["t"], r["active"], r["activeJobs"], r["lastScheduleTime"]) for r in cron] == [
        (0.0, 0, [], None),
        (60.1, 1, ["hello-29453761"], 60_000),
        (62.28, 0, [], 60_000),
    ]
    assert cron[-1]["lastSuccessfulTime"] == 62_280
    assert cron[-1]["suspended"] is False and cron[-1]["schedule"] == "* * * * *"
    assert cron[-1]["images"] == ["busybox:1.28"]
    job = last(records, "workload", workload="Job/default/hello-29453761")
    assert job["owner"] == "CronJob/default/hello"
    assert (job["desired"], job["current"], job["succeeded"], job["failed"]) == (1, 0, 1, 0)
    assert (job["completions"], job["parallelism"], job["indexed"]) == (1, 1, False)
    assert (job["startTime"], job["completionTime"]) == (60_100, 62_280)
    assert job["conditions"]["Complete"]["status"] == "True"
    pod = last(records, "pod")
    assert pod["owner"] == "Job/default/hello-29453761"
