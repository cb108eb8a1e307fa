"""The playground's limits on one run: the single source of truth.

Validation (:mod:`cluster_sim.yamlsource`, :mod:`cluster_sim.bundle`,
:mod:`cluster_sim.validation.limits`), the simulation's budgets
(:meth:`cluster_sim.simulation.Simulation.advance`), the CLI (whose flags
raise them for local use), the web layer (``playground/settings.py``) and the
README's table all read :data:`DEFAULT_LIMITS`. A test checks that the
README's table matches it.

Two kinds of limit live here:

- *input limits*, checked before a run starts: an input beyond one is refused
  with an ``InputError`` (code ``limit``) naming the limit, like any invalid
  manifest;
- *budgets*, counted while the run goes: hitting one ends the run at that
  simulated instant with a ``budget`` record naming the limit and the value
  (see :class:`BudgetHit`). Everything produced before it is kept.

Every budget is counted, never timed: the same input stops at the same
simulated instant on any machine, so a stopped run still replays byte for byte.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Final

KiB: Final = 1024
MiB: Final = 1024 * KiB


@dataclass(frozen=True, slots=True)
class RunLimits:
    """Every limit of one run. Frozen: derive a raised copy with :meth:`raised`."""

    # -- input limits (refused before the run starts) ------------------------------------
    manifest_bytes: int = 256 * KiB
    """Bytes of YAML in one input (the editor's text, a file, ``/validate``'s body)."""
    documents: int = 2_000
    """YAML documents in one input."""
    yaml_values: int = 100_000
    """YAML values (scalars, mappings, sequences) in one input, as written."""
    yaml_values_per_document: int = 50_000
    """YAML values in one document, aliases expanded (stops alias bombs)."""
    yaml_depth: int = 64
    """Nesting levels in one document."""
    pods: int = 1_000
    """Pods in one run (from the input and from ``apply`` actions)."""
    nodes: int = 100
    """Nodes in one run (Node documents or the Scenario's ``nodes``)."""
    containers_per_pod: int = 1_000
    """Containers (init, sidecar and app) in one Pod."""
    containers: int = 5_000
    """Containers in one run, all Pods together."""
    actions: int = 1_000
    """Actions in one run: the Scenario's and the live ones together."""
    horizon_s: float = 3_600.0
    """Simulated seconds one run may last (a Scenario's ``horizon``, the CLI's ``--until``)."""

    # -- budgets (counted while the run goes; a hit ends the run) --------------------------
    records_per_second: int = 20_000
    """Records written within one simulated second (counted per whole second of the clock)."""
    records: int = 1_000_000
    """Records written in one run."""
    memory_bytes: int = 512 * MiB
    """The simulator's own footprint for the run, estimated from what it holds
    (records, bytes held by container processes, file bytes stored, objects)."""
    events_per_second: int = 200_000
    """Simulation steps (SimPy events: process wake-ups, timers, probe ticks)
    within one simulated second: the work budget that stops a run which
    would otherwise keep the CPU busy without letting its clock move."""
    log_lines_per_container_second: int | None = 100
    """Log lines of one container that reach the record stream per simulated
    second; the rest are counted, kept for ``kubectl logs`` and not shown.
    ``None``: every line is shown (the CLI's ``--all-logs``)."""

    # -- pacing (the web page) -----------------------------------------------------------
    speed: float = 1_000.0
    """The fastest playback: simulated seconds per wall-clock second."""

    def raised(self, **changes: Any) -> RunLimits:
        """A copy with some limits changed."""
        return dataclasses.replace(self, **changes)


DEFAULT_LIMITS: Final = RunLimits()
"""What the web playground serves and what the CLI allows without flags."""


@dataclass(frozen=True, slots=True)
class LimitInfo:
    """How a limit is named to people (messages, the README, the CLI's flags)."""

    field: str
    label: str  # "records per simulated second"
    unit: str  # "", "bytes", "seconds"
    flag: str  # the CLI flag that raises it, "" if none


def _info(field: str, label: str, unit: str = "", flag: str | None = None) -> LimitInfo:
    if flag is None:
        flag = "--max-" + field.replace("_", "-")
    return LimitInfo(field, label, unit, flag)


LIMITS: Final[tuple[LimitInfo, ...]] = (
    _info("manifest_bytes", "bytes of YAML per input", "bytes"),
    _info("documents", "YAML documents per input"),
    _info("yaml_values", "YAML values per input"),
    _info("yaml_values_per_document", "YAML values per document, aliases expanded"),
    _info("yaml_depth", "YAML nesting depth"),
    _info("pods", "Pods per run"),
    _info("nodes", "Nodes per run"),
    _info("containers_per_pod", "containers per Pod"),
    _info("containers", "containers per run"),
    _info("actions", "actions per run"),
    _info("horizon_s", "simulated seconds per run", "seconds", flag="--max-horizon"),
    _info("records_per_second", "records per simulated second"),
    _info("records", "records per run"),
    _info("memory_bytes", "bytes of simulator memory per run", "bytes"),
    _info("events_per_second", "simulation events per simulated second"),
    _info("log_lines_per_container_second", "log lines shown per container per simulated second"),
    _info("speed", "playback speed (simulated seconds per second)", flag=""),
)
"""Every limit in :class:`RunLimits`, in the order the README lists them."""

BUDGETS: Final = (
    "records_per_second",
    "records",
    "memory_bytes",
    "events_per_second",
)
"""The limits counted while a run goes (a hit ends it with a ``budget`` record)."""


def markdown_table(limits: RunLimits = DEFAULT_LIMITS) -> str:
    """The README's table of limits (a test keeps the README equal to it)."""
    rows = [
        "| limit | default | when | CLI flag |",
        "| --- | --- | --- | --- |",
    ]
    for entry in LIMITS:
        value = getattr(limits, entry.field)
        if value is None:
            shown = "no limit"
        elif entry.unit == "bytes" and value % MiB == 0:
            shown = f"{value // MiB:,} MiB"
        elif entry.unit == "bytes" and value % KiB == 0:
            shown = f"{value // KiB:,} KiB"
        elif entry.unit == "seconds":
            shown = f"{value:,g} s"
        else:
            shown = f"{value:,g}" if isinstance(value, float) else f"{value:,}"
        when = (
            "budget: ends the run"
            if entry.field in BUDGETS
            else "while the run goes"
            if entry.field == "log_lines_per_container_second"
            else "web page only"
            if entry.field == "speed"
            else "refused before the run"
        )
        flag = f"`{entry.flag}`" if entry.flag else "-"
        if entry.field == "log_lines_per_container_second":
            flag = "`--all-logs` (no limit)"
        rows.append(f"| {entry.label} | {shown} | {when} | {flag} |")
    return "\n".join(rows) + "\n"


def info(field: str) -> LimitInfo:
    for entry in LIMITS:
        if entry.field == field:
            return entry
    raise KeyError(field)


@dataclass(frozen=True, slots=True)
class BudgetHit:
    """A budget the run used up: it ended at ``t`` (simulated seconds).

    ``value`` is the limit's value; ``message`` is the plain sentence the CLI
    prints and the page shows.
    """

    t: float
    limit: str  # the field of RunLimits
    value: int | float

    @property
    def label(self) -> str:
        return info(self.limit).label

    @property
    def message(self) -> str:
        entry = info(self.limit)
        flag = f" (the CLI's {entry.flag} raises it)" if entry.flag else ""
        return (
            f"the run stopped at {self.t:g} s: it reached the playground's limit of "
            f"{self.value:,} {entry.label}{flag}"
        )

    def record(self) -> dict[str, object]:
        """The ``budget`` record that ends the stream."""
        return {
            "t": self.t,
            "kind": "budget",
            "limit": self.label,
            "field": self.limit,
            "value": self.value,
            "message": self.message,
        }
