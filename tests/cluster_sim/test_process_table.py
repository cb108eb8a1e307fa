"""``ProcessTable``: the container's process table behaves as the ``WeakValueDictionary`` it
replaced (live processes only, gone once freed), through the same operations."""

from __future__ import annotations

import gc
import weakref

from cluster_sim.userland.process_table import ProcessTable


class Proc:
    def __init__(self, pid: int) -> None:
        self.pid = pid


def test_it_matches_a_weak_value_dictionary_step_by_step() -> None:
    table = ProcessTable()
    reference: weakref.WeakValueDictionary[int, Proc] = weakref.WeakValueDictionary()
    procs = {pid: Proc(pid) for pid in range(1, 7)}

    def same() -> None:
        assert dict(table.items()) == dict(reference.items())
        assert sorted(table) == sorted(reference) and len(table) == len(reference)
        for pid in range(0, 8):
            assert (pid in table) == (pid in reference)
            assert table.get(pid) is reference.get(pid)

    for pid in (1, 2, 3):  # what ``_guard`` did: setdefault at the start
        table.enter(pid, procs[pid])
        reference.setdefault(pid, procs[pid])
    same()
    table.enter(1, procs[4])  # a live entry is kept
    reference.setdefault(1, procs[4])
    same()
    table[5] = procs[5]  # a forked job or pipeline stage
    reference[5] = procs[5]
    same()
    assert table.pop(5) is reference.pop(5)
    same()
    table.leave(2, procs[3])  # not the listed process: stays
    table.leave(2, procs[2])
    if reference.get(2) is procs[2]:
        del reference[2]
    same()
    del procs[3]  # freed without ending: it vanishes from both
    gc.collect()
    same()
    table.enter(3, procs[6])  # a dead entry is replaced
    reference.setdefault(3, procs[6])
    same()
    assert table == reference


def test_a_listed_process_is_not_kept_alive() -> None:
    table = ProcessTable()
    proc = Proc(1)
    table.enter(1, proc)
    gone = weakref.ref(proc)
    del proc
    assert gone() is None  # freed by reference counting: the table holds no strong reference
    assert table == {} and 1 not in table and list(table) == []


def test_processes_dropped_unrun_do_not_pile_up() -> None:
    """Jobs forked and dropped without running (no ``leave``): a fork prunes their entries."""
    table = ProcessTable()
    live = [Proc(pid) for pid in range(1, 11)]
    for proc in live:
        table[proc.pid] = proc
    for pid in range(100, 10_000):
        table[pid] = Proc(pid)  # freed at once
    assert sorted(table) == list(range(1, 11))
    assert len(table._refs) <= 2 * 64 + 1
