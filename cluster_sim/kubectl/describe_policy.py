"""``kubectl describe pdb`` (``PodDisruptionBudgetDescriber`` of kubectl's describe.go).

Registered into ``describe.DESCRIBERS`` by ``command_line``, as ``describe_sets`` is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from ..controlplane.store import ApiObject, APIStore
from ..records import EventSeries
from .describe import Writer, _events
from .text import format_selector


def describe_pod_disruption_budget(
    store: APIStore, pdb: ApiObject, events: Sequence[EventSeries] | None, now_ms: int
) -> str:
    w = Writer()
    w.write(0, f"Name:\t{pdb.name}\n")
    w.write(0, f"Namespace:\t{pdb.namespace}\n")
    if pdb.spec.get("minAvailable") is not None:
        w.write(0, f"Min available:\t{pdb.spec['minAvailable']}\n")
    elif pdb.spec.get("maxUnavailable") is not None:
        w.write(0, f"Max unavailable:\t{pdb.spec['maxUnavailable']}\n")
    selector = pdb.spec.get("selector")
    if isinstance(selector, Mapping):
        w.write(0, f"Selector:\t{format_selector(selector)}\n")
    else:
        w.write(0, "Selector:\t<unset>\n")
    status = pdb.status
    w.write(0, "Status:\n")
    w.write(2, f"Allowed disruptions:\t{int(status.get('disruptionsAllowed', 0))}\n")
    w.write(2, f"Current:\t{int(status.get('currentHealthy', 0))}\n")
    w.write(2, f"Desired:\t{int(status.get('desiredHealthy', 0))}\n")
    w.write(2, f"Total:\t{int(status.get('expectedPods', 0))}\n")
    _events(w, events, now_ms)
    return w.text()


POLICY_DESCRIBERS: Final = {"PodDisruptionBudget": describe_pod_disruption_budget}
