"""The publish path's cheap tests and tables answer as what they stand for (issue #15)."""

from __future__ import annotations

import itertools
from operator import is_

from cluster_sim.status import Condition, ContainerStatus, Running, Waiting, same_objects


def test_same_objects_compares_the_first_objects_then_all_of_them() -> None:
    """The first objects are compared ahead of the rest (a shortcut): the answer is
    still identity, object by object, at every position and length."""
    objects = [
        ContainerStatus("app", Running(5)),
        ContainerStatus("app", Running(5)),  # equal to the first, another object
        ContainerStatus("app", Waiting("CrashLoopBackOff")),
        Condition("Ready", "True"),
        Condition("Ready", "True"),
    ]
    for n, m in itertools.product(range(4), repeat=2):
        for a in itertools.product(objects, repeat=n):
            for b in itertools.product(objects, repeat=m):
                expected = len(a) == len(b) and all(map(is_, a, b))
                assert same_objects(a, b) is expected, (a, b)


def test_the_stores_watch_type_constants_are_the_members() -> None:
    from cluster_sim.controlplane import store

    assert store.ADDED is store.WatchType.ADDED
    assert store.MODIFIED is store.WatchType.MODIFIED
    assert store.DELETED is store.WatchType.DELETED
