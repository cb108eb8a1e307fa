"""kubectl drain from the Live actions panel, before and after the run goes quiet.

A run with nothing left to do stops before its horizon ("end", finished). A live action
that gives it something to do makes it go on *paused* (``Run.act``; the README's "an
action, then *Play*, goes on"): the drain's first lines come at the action's instant,
"node/node-1 drained" only once the run plays on. Acted while the run still plays,
the drain finishes on its own. Both sides are driven here on a fake wall clock, so
which one a test gets never depends on how fast the machine is.

The browser test ``tests/e2e/test_drain_pdb.py::test_the_drain_flags_of_the_panel_reach_kubectl``
used to act on a bare Pod whose run goes quiet at t = 9 s (x Running, nothing more to
do) and waited for "drained" without pressing Play: it passed only when its second
click reached the server within 0.4 s of wall time after t = 5 s (speed 10). Its Pod
now has a readiness probe, so that run cannot go quiet before the drain; the last test
here holds it to that.
"""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
from typing import Any

from ws_helpers import FakeClock, Page

from playground import protocol
from playground.runs import Run
from playground.simpool import LocalPool, RunSpec
from playground.simworkers import WorkerCore

SPEED = 10.0
DRAINED = "node/node-1 drained"
E2E = Path(__file__).resolve().parents[1] / "e2e" / "test_drain_pdb.py"

# A bare Pod on the one node: x is Running at t = 9 s and then nothing more happens.
QUIET = """\
apiVersion: v1
kind: Node
metadata: {name: node-1}
---
apiVersion: v1
kind: Pod
metadata: {name: x}
spec:
  containers: [{name: c, image: nginx:1.27}]
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: bare}
spec:
  horizon: 600
"""


def browser_manifest() -> str:
    """BARE of the browser test, read without importing it (Playwright)."""
    for node in ast.parse(E2E.read_text()).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "BARE" for target in node.targets
        ):
            return str(ast.literal_eval(node.value))
    raise AssertionError(f"no BARE in {E2E}")


async def new_run(manifest: str) -> tuple[Run, Page, FakeClock]:
    clock = FakeClock()
    request = protocol.StartRequest(manifest=manifest, speed=SPEED, seed=0)
    sim = await LocalPool(WorkerCore(budget=0.02)).open(
        RunSpec(manifest, request.seed, request.horizon, request.actions)
    )
    page = Page()
    run = Run(sim=sim, request=request, send=page.send, horizon=600.0, tick=0.001, clock=clock)
    await run.begin()
    return run, page, clock


async def play_to(run: Run, clock: FakeClock, t: float) -> None:
    """Move the wall clock until the pacer targets ``t``; wait for the run to get there
    (or to go quiet on the way)."""
    clock.now = 1000.0 + t / SPEED  # FakeClock starts at 1000: the pacer's anchor
    for _ in range(5000):
        if run.now >= t or run.mode != "playing":
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"the run stayed at {run.now} in {run.mode}, short of {t}")


def notices(page: Page) -> list[str]:
    return [str(r["message"]) for r in page.records() if r["kind"] == "notice"]


async def until_drained(page: Page) -> None:
    for _ in range(5000):
        if DRAINED in notices(page):
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"no {DRAINED!r} among {notices(page)}")


async def drain_twice(run: Run, page: Page) -> dict[str, Any]:
    """The panel's two clicks: kubectl's defaults (refused: a bare Pod), then --force."""
    await run.act(protocol.ActRequest(id=1, kind="drain", args={"node": "node-1"}))
    assert notices(page)[-1] == (
        "error: cannot delete Pods that declare no controller (use --force to override): default/x"
    )
    await run.act(protocol.ActRequest(id=2, kind="drain", args={"node": "node-1", "force": True}))
    acted = page.last("acted")
    assert acted["id"] == 2
    assert notices(page)[-2:] == [
        "Warning: deleting Pods that declare no controller: default/x",
        "evicting pod default/x",
    ]
    return dict(acted["action"])


async def test_a_drain_acted_while_the_run_plays_finishes_on_its_own() -> None:
    run, page, clock = await new_run(QUIET)
    await play_to(run, clock, 6.0)
    assert run.mode == "playing" and 6.0 <= run.now < 9.0
    await drain_twice(run, page)
    assert run.mode == "playing"
    await play_to(run, clock, 30.0)
    await until_drained(page)
    assert [m for m in notices(page) if m.startswith("pod/")] == ["pod/x evicted"]
    assert not any(f["type"] == "clock" and f["state"] == "paused" for f in page.frames)
    await run.close()


async def test_a_drain_acted_after_the_run_went_quiet_finishes_on_play() -> None:
    run, page, clock = await new_run(QUIET)
    await play_to(run, clock, 30.0)
    end = await page.until("end")
    assert run.mode == "finished" and end["now"] < 30.0  # quiet before its horizon
    action = await drain_twice(run, page)
    assert action["t"] == run.now
    # Something new to happen: the run goes on, paused at the drain's instant.
    assert run.mode == "paused"
    assert page.frames[-1]["type"] == "clock" and page.frames[-1]["state"] == "paused"
    clock.now += 60.0
    await asyncio.sleep(0.05)
    assert DRAINED not in notices(page) and run.now == action["t"]
    await run.resume()  # the page's Play
    clock.now += 1.0  # ten simulated seconds on from the drain
    await until_drained(page)
    assert [m for m in notices(page) if m.startswith("pod/")] == ["pod/x evicted"]
    await run.close()


async def test_the_browser_tests_bare_pod_keeps_its_run_playing_until_the_drain() -> None:
    """However late the browser's clicks land, they reach a run that still plays."""
    run, page, clock = await new_run(browser_manifest())
    await play_to(run, clock, 30.0)
    assert run.mode == "playing" and run.now >= 30.0, "the run went quiet before the drain"
    await drain_twice(run, page)
    assert run.mode == "playing"
    await play_to(run, clock, 60.0)
    await until_drained(page)
    assert [m for m in notices(page) if m.startswith("pod/")] == ["pod/x evicted"]
    await run.close()
