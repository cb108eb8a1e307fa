"""ContainerStatus and Terminated, built unfrozen then given their class, are the
frozen dataclasses they declare (issue #15).

Their ``__new__`` lists the fields again with their defaults: a field added to the
class but not to ``__new__`` (or a default that differs) is caught here, as is a
built instance that is not of the frozen class or can be changed.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from typing import Any

import pytest

from cluster_sim.status import ContainerStatus, Running, Terminated, Waiting

EXITED = Terminated(2, "Error", 5_000, 9_000, "boom", 9)
SAMPLE = ContainerStatus(
    "app",
    Running(5_000),
    EXITED,
    True,
    True,
    3,
    "containerd://abc",
    "docker.io/library/busybox:latest",
    "docker.io/library/busybox@sha256:0123",
)


@pytest.mark.parametrize("cls", [ContainerStatus, Terminated])
def test_new_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    parameters = list(inspect.signature(cls.__new__).parameters.values())[1:]  # after cls
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for p, f in zip(parameters, fields, strict=True):
        assert p.default == (
            inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        ), f.name
    assert inspect.signature(cls) == inspect.signature(cls.__new__).replace(parameters=parameters)


@pytest.mark.parametrize("built", [SAMPLE, EXITED, ContainerStatus("a", Waiting("x"))])
def test_a_built_status_is_the_frozen_dataclass(built: Any) -> None:
    cls = type(built)
    assert cls in (ContainerStatus, Terminated)
    values = {f.name: getattr(built, f.name) for f in dataclasses.fields(cls)}
    assert cls(**values) == built and hash(cls(**values)) == hash(built)
    assert repr(built).startswith(f"{cls.__name__}(")
    for name in values:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(built, name, None)
    # no other attribute either (3.11's frozen slots dataclass says so with a TypeError)
    with pytest.raises((AttributeError, TypeError)):
        built.extra = 1
    assert copy.copy(built) == built and copy.deepcopy(built) == built
    assert pickle.loads(pickle.dumps(built)) == built
    assert type(pickle.loads(pickle.dumps(built))) is cls


def test_keywords_replace_and_patterns_see_every_field() -> None:
    assert (
        ContainerStatus(
            name="app",
            state=Running(5_000),
            last_state=EXITED,
            ready=True,
            started=True,
            restart_count=3,
            container_id="containerd://abc",
            image="docker.io/library/busybox:latest",
            image_id="docker.io/library/busybox@sha256:0123",
        )
        == SAMPLE
    )
    changed = dataclasses.replace(SAMPLE, ready=False, state=EXITED)
    assert type(changed) is ContainerStatus
    assert (changed.ready, changed.state, changed.restart_count) == (False, EXITED, 3)
    match changed:
        case ContainerStatus("app", Terminated(2, "Error", signal=9), ready=False):
            pass
        case _:
            pytest.fail("no match")
    assert ContainerStatus("a", Waiting()) != ContainerStatus("b", Waiting())
    assert Terminated(1, "E", None, 2) != Terminated(1, "E", None, 2, signal=9)
