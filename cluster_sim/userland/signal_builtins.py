"""The shell's builtins for signals and jobs, as busybox ash runs them: ``trap``,
``kill`` and ``wait``.
"""

from __future__ import annotations

from .process import (
    SIGNAL_NUMBERS,
    Process,
    Program,
    Signal,
    Target,
    WaitJobs,
    utility,
)
from .toolkit import usage


def signal_name(raw: str) -> str | None:
    """``TERM``, ``SIGTERM``, ``term`` or ``15`` as ``TERM``; None if unknown."""
    name = raw.upper().removeprefix("SIG")
    if name.isdigit():
        number = int(name)
        if number == 0 or number == 128:
            return "EXIT" if number == 0 else None
        return next((n for n, num in SIGNAL_NUMBERS.items() if num == number), None)
    if name == "EXIT":
        return name
    return name if name in SIGNAL_NUMBERS else None


@utility("trap")
def trap(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``trap 'commands' TERM INT``; ``trap - TERM`` restores the default; ``trap`` lists."""
    if len(argv) == 1:
        for name, action in proc.traps.items():
            quoted = action.replace("'", "'\\''")
            yield from proc.write(f"trap -- '{quoted}' {name}\n", redirect)
        return 0
    if len(argv) == 2:
        action, names = "-", argv[1:]
    else:
        action, names = argv[1], argv[2:]
    status = 0
    for raw in names:
        found = signal_name(raw)
        if found is None:
            yield from proc.error(f"sh: trap: {raw}: invalid signal specification\n")
            status = 1
            continue
        if action == "-":
            proc.traps.pop(found, None)
        else:
            proc.traps[found] = action
    return status


@utility("kill")
def kill(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``kill [-SIG] PID...``: PID 1 is this shell (when it is PID 1), jobs are its children."""
    args = argv[1:]
    name = "TERM"
    if args and args[0] == "-l":
        names = [n for n, _ in sorted(SIGNAL_NUMBERS.items(), key=lambda item: item[1])]
        yield from proc.write("\n".join(names) + "\n", redirect)
        return 0
    if args and args[0] in ("-s", "-n") and len(args) > 1:
        raw, args = args[1], args[2:]
        found = signal_name(raw) if raw != "0" else "0"
        if found is None:
            yield from proc.error(f"sh: bad signal name '{raw}'\n")
            return 1
        name = found
    elif args and args[0].startswith("-") and len(args[0]) > 1 and args[0] != "--":
        raw, args = args[0][1:], args[1:]
        found = signal_name(raw) if raw != "0" else "0"
        if found is None:
            yield from proc.error(f"sh: bad signal name '{raw}'\n")
            return 1
        name = found
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        return (yield from usage(proc, "kill"))
    status = 0
    for arg in args:
        if arg.startswith("%") and arg[1:].isdigit():
            index = int(arg[1:]) - 1
            pid = proc.jobs[index].pid if 0 <= index < len(proc.jobs) else -1
        else:
            try:
                pid = int(arg)
            except ValueError:
                yield from proc.error(f"sh: invalid number '{arg}'\n")
                status = 1
                continue
        if pid == proc.shell_pid == 1:
            if proc.traps.get(name):
                proc.pending.append(name)  # the trap runs once this command returns
            continue  # PID 1 ignores signals it has no handler for, even SIGKILL
        if name == "0" and any(job.pid == pid and job.status is None for job in proc.jobs):
            continue
        if proc.kill_job(pid, name):
            continue
        if pid == 1:
            # PID 1 seen from another process of the container (a probe, a hook): only
            # signals it handles reach it, as the kernel protects a namespace's init.
            handle = proc.container
            if name not in ("0", "KILL", "STOP") and hasattr(handle, "signal_pid1"):
                handle.signal_pid1(name)
            continue
        yield from proc.error(f"sh: can't kill pid {pid}: No such process\n")
        status = 1
    return status


@utility("wait")
def wait(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``wait [PID...]``: block until the jobs exit; a trapped signal interrupts it."""
    pids: list[int] = []
    for arg in argv[1:]:
        try:
            pid = (
                int(arg.removeprefix("%"))
                if not arg.startswith("%")
                else proc.jobs[int(arg[1:]) - 1].pid
            )
        except (ValueError, IndexError):
            yield from proc.error(f"sh: wait: invalid number '{arg}'\n")
            return 2
        if not any(job.pid == pid for job in proc.jobs):
            return 127
        pids.append(pid)
    if not proc._jobs_done(tuple(pids)):
        proc.waiting = True
        try:
            yield WaitJobs(tuple(pids))
        except Signal as sig:
            return 128 + sig.number
        finally:
            proc.waiting = False
    if pids:
        job = next(job for job in proc.jobs if job.pid == pids[-1])
        proc.reap(tuple(pids))
        return job.status or 0
    proc.reap()
    return 0
