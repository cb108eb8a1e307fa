"""CronJob validation with Kubernetes' wording (``ValidateCronJobCreate``)."""

from __future__ import annotations

import pytest

from cluster_sim import load_bundle
from cluster_sim.errors import BundleError


def errors(spec: str, name: str = "hello") -> list[str]:
    text = (
        f"apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: {name}}}\nspec:\n{spec}"
        "  jobTemplate:\n    spec:\n      template:\n        spec:\n"
        "          restartPolicy: OnFailure\n"
        "          containers: [{name: c, image: busybox:1.36}]\n"
    )
    with pytest.raises(BundleError) as info:
        load_bundle([("c.yaml", text)])
    return [e.message for e in info.value.errors]


def test_schedules_are_parsed() -> None:
    assert errors('  schedule: "bogus"\n') == [
        'The CronJob "hello" is invalid: spec.schedule: Invalid value: "bogus": '
        "expected exactly 5 fields, found 1: [bogus]"
    ]
    assert errors('  schedule: "TZ=UTC 0 * * * *"\n') == [
        'The CronJob "hello" is invalid: spec.schedule: Invalid value: "TZ=UTC 0 * * * *": '
        "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
    ]


def test_time_zone_and_policy() -> None:
    found = errors('  schedule: "@hourly"\n  timeZone: Mars/Base\n  concurrencyPolicy: Never\n')
    assert found == [
        'The CronJob "hello" is invalid: spec.timeZone: Invalid value: "Mars/Base": '
        "unknown time zone Mars/Base",
        'The CronJob "hello" is invalid: spec.concurrencyPolicy: Unsupported value: "Never": '
        'supported values: "Allow", "Forbid", "Replace"',
    ]


def test_names_leave_room_for_the_job_suffix() -> None:
    name = "a" * 53
    assert errors('  schedule: "@daily"\n', name=name) == [
        f'The CronJob "{name}" is invalid: metadata.name: Invalid value: "{name}": '
        "must be no more than 52 characters"
    ]
