"""What a command sets back on its process only if it changed (``ShellInterpreter.simple``,
``_run_utility``): a command's substitution status, what ps shows, the streams.

The writes are skipped when the value is already the one to set, so a process keeps
the class's shared defaults (fewer instance attributes at every container start); the
values a script sees must be exactly those of the unconditional writes.
"""

from __future__ import annotations

from test_userland import ENV, EVERYTHING, check

from cluster_sim.userland import Process
from cluster_sim.userland.driver import drive_now


def test_a_substitution_status_holds_for_its_own_command_only() -> None:
    check("x=$(false); echo $?", "1\n")
    check("x=$(false); true; echo $?", "0\n")
    check("x=$(exit 3); y=2; echo $?", "0\n")
    check("x=$(exit 3); echo $?; x=$(true); echo $?", "3\n0\n")


def test_ps_shows_the_external_command_then_the_shell_again() -> None:
    # PID 1 lists as its own command line while ``ps`` runs in it; the forked ``ps`` of a
    # substitution lists as ``ps`` (as before the writes became conditional)
    head = "PID   USER     TIME  COMMAND\n    1 root      0:00 sh -c "
    check("f() { ps -o args; }; f", head + "f() { ps -o args; }; f\n")
    check(
        "echo $(ps -o args)",
        "PID USER TIME COMMAND 1 root 0:00 sh -c echo $(ps -o args) 2 root 0:00 ps -o args\n",
    )
    process = Process(["sh", "-c", "cat /dev/null; echo done"], EVERYTHING, env=dict(ENV))
    assert drive_now(process.run(), lambda action: None).status == 0
    assert process.running is None


def test_a_crash_loop_shell_keeps_the_shared_defaults() -> None:
    process = Process(["sh", "-c", "echo starting; exit 1"], EVERYTHING, env=dict(ENV))
    assert drive_now(process.run(), lambda action: None).status == 1
    kept = vars(process)
    assert "_sub_status" not in kept


def test_exec_in_a_function_keeps_its_redirection_only_inside() -> None:
    check("f() { exec 2>/dev/null; echo in; }; f; echo out", "in\nout\n")
    check("exec >/dev/null; echo hidden", "")
