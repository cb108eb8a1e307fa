"""CronJob (batch/v1) validation: ``ValidateCronJobCreate`` from pkg/apis/batch/validation.

The schedule and time zone are checked with the controller's own parser
(``controlplane.cronjob.schedule``, a pure module), so what validation admits
the controller can run. The jobTemplate's spec is validated as a Job's, under
``spec.jobTemplate.spec``.
"""

from __future__ import annotations

from typing import Any, Final

from ..controlplane.cronjob.schedule import ScheduleError, parse
from . import rules
from .field import FieldError, FieldPath, invalid, not_supported, required
from .meta import validate_object_meta
from .values import d, s
from .workloads import _job_spec, _nonnegative

MAX_CRONJOB_NAME: Final = 52  # validation.DNS1035LabelMaxLength - 11 (the Job name's suffix)
POLICIES: Final = ("Allow", "Forbid", "Replace")


def validate_cron_job(cron_job: dict[str, Any]) -> list[FieldError]:
    meta = d(cron_job.get("metadata"))
    errors = validate_object_meta(meta, namespaced=True, name_fn=rules.name_is_dns_subdomain)
    name = s(meta.get("name"))
    if len(name) > MAX_CRONJOB_NAME:
        errors.append(
            invalid(
                ("metadata", "name"), name, f"must be no more than {MAX_CRONJOB_NAME} characters"
            )
        )
    spec = d(cron_job.get("spec"))
    path: FieldPath = ("spec",)
    schedule = s(spec.get("schedule"))
    zone = spec.get("timeZone")
    if not schedule:
        errors.append(required((*path, "schedule")))
    elif "TZ=" in schedule:
        errors.append(
            invalid(
                (*path, "schedule"),
                schedule,
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            )
        )
    else:
        try:
            parse(schedule)
        except ScheduleError as e:
            errors.append(invalid((*path, "schedule"), schedule, str(e)))
    if isinstance(zone, str):
        if zone.strip() != zone or not zone or zone.lower() == "local":
            errors.append(
                invalid(
                    (*path, "timeZone"),
                    zone,
                    "timeZone must be an explicit time zone as defined in "
                    "https://www.iana.org/time-zones",
                )
            )
        else:
            try:
                parse("* * * * *", zone)
            except ScheduleError as e:
                errors.append(invalid((*path, "timeZone"), zone, str(e)))
    policy = spec.get("concurrencyPolicy")
    if not policy:
        errors.append(required((*path, "concurrencyPolicy")))
    elif policy not in POLICIES:
        errors.append(not_supported((*path, "concurrencyPolicy"), policy, POLICIES))
    for key in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        errors += _nonnegative(spec.get(key), (*path, key))
    job_spec = d(d(spec.get("jobTemplate")).get("spec"))
    template = d(job_spec.get("template"))
    errors += _job_spec(job_spec, template, (*path, "jobTemplate", "spec"))
    return errors
