"""The drain action's flags: checked like kubectl's, clear messages for bad values."""

from __future__ import annotations

import pytest

from cluster_sim import load_bundle
from cluster_sim.errors import BundleError
from cluster_sim.scenario import action_problem
from tests.cluster_sim.simrun import scenario


def test_flags_are_booleans_and_numbers_in_range() -> None:
    assert action_problem("drain", {"node": "n1", "force": True, "timeout": 30}) is None
    assert action_problem("drain", {"node": "n1", "force": "yes"}) == (
        "drain: force must be true or false, not 'yes'"
    )
    assert action_problem("drain", {"node": "n1", "gracePeriod": -2}) == (
        "drain: gracePeriod must be a whole number from -1 to 9223372036854775807, not -2"
    )
    assert action_problem("drain", {"force": True}) == "drain needs node"


def test_a_scenario_drain_mapping_needs_its_node() -> None:
    with pytest.raises(BundleError) as caught:
        load_bundle([("t.yaml", scenario("{at: 5, drain: {force: true}}").lstrip("-\n"))])
    assert "spec.actions[0].drain.node: Required value" in str(caught.value)
