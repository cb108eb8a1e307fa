"""Small helpers for tests that run whole manifests through the simulator."""

from __future__ import annotations

from typing import Any

from cluster_sim import Simulation, load_bundle

Record = dict[str, Any]


def run(text: str, until: float = 120, seed: int = 0) -> list[Record]:
    return Simulation(load_bundle([("test.yaml", text)]), seed=seed, horizon=until).advance(until)


def of(records: list[Record], kind: str, **match: Any) -> list[Record]:
    return [
        r for r in records if r["kind"] == kind and all(r.get(k) == v for k, v in match.items())
    ]


def events(records: list[Record], **match: Any) -> list[tuple[float, str, str]]:
    return [(r["t"], r["reason"], r["message"]) for r in of(records, "event", **match)]


def last(records: list[Record], kind: str, **match: Any) -> Record:
    found = of(records, kind, **match)
    assert found, f"no {kind} record matching {match}"
    return found[-1]


def scenario(*actions: str, horizon: int = 120) -> str:
    body = "\n".join(f"  - {a}" for a in actions)
    return (
        "---\napiVersion: playground.podlife.dev/v1\nkind: Scenario\nmetadata: {name: t}\n"
        f"spec:\n  horizon: {horizon}\n  actions:\n{body}\n"
    )
