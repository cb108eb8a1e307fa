"""Termination messages (issue #13, item 7): the file becomes the terminated state's message.

The kubelet reads the last 4096 bytes of the file at ``terminationMessagePath``
when the container exits (``getTerminationMessage``); with
``terminationMessagePolicy: FallbackToLogsOnError`` a container that failed and
left the file empty gets the tail of its log instead: the last 80 lines, of
which the last 2048 bytes (``readLastStringFromContainerLogs``). The constants
are pkg/kubelet/container/runtime.go's.
"""

from __future__ import annotations

from typing import Any

from simrun import last, of, run

from cluster_sim.kubelet.runtime import _last_bytes, log_tail, termination_message

# The docs' task "Determine the Reason for Pod Failure" (debug/termination.yaml), verbatim.
TERMINATION_DEMO = """apiVersion: v1
kind: Pod
metadata:
  name: termination-demo
spec:
  containers:
  - name: termination-demo-container
    image: debian
    command: ["/bin/sh"]
    args: ["-c", "sleep 10 && echo Sleep expired > /dev/termination-log"]
"""


def pod(name: str, script: str, extra: str = "", policy: str = "Always") -> str:
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n"
        f"  restartPolicy: {policy}\n  containers:\n  - name: app\n    image: busybox:1.36\n"
        f"    command: [sh, -c, {script!r}]\n{extra}"
    )


def terminated(records: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(
        r for r in of(records, "container", pod=f"default/{name}") if r["state"] == "terminated"
    )


def test_the_docs_termination_demo_shows_sleep_expired_in_last_state() -> None:
    records = run(TERMINATION_DEMO, until=30)
    first = terminated(records, "termination-demo")
    assert (first["t"], first["reason"], first["exitCode"]) == (16.87, "Completed", 0)
    assert first["message"] == "Sleep expired\n"
    # restartPolicy Always: the container runs again, the message moves to lastState
    # (what the docs read with {{.status.containerStatuses[0].lastState.terminated.message}}).
    again = next(r for r in of(records, "container") if r["restartCount"] == 1)
    assert again["lastState"]["message"] == "Sleep expired\n"
    stored = last(records, "container", pod="default/termination-demo")
    assert stored["lastState"]["message"] == "Sleep expired\n"


def test_each_run_starts_with_an_empty_message_file() -> None:
    log = "/dev/termination-log"
    script = f"if test -s {log}; then echo again > {log}; else echo first > {log}; fi; exit 1"
    records = run(pod("fresh", script), until=20)
    runs = [r for r in of(records, "container", pod="default/fresh") if r["state"] == "terminated"]
    assert [r["message"] for r in runs[:2]] == ["first\n", "first\n"]  # never "again"


def test_fallback_to_logs_on_error_takes_the_last_80_lines() -> None:
    extra = "    terminationMessagePolicy: FallbackToLogsOnError\n"
    script = "for i in $(seq 1 100); do echo line $i; done; exit 3"
    records = run(pod("fallback", script, extra, policy="Never"), until=10)
    app = terminated(records, "fallback")
    assert (app["reason"], app["exitCode"]) == ("Error", 3)
    assert app["message"] == "".join(f"line {i}\n" for i in range(21, 101))


def test_fallback_keeps_the_last_2048_bytes_of_long_lines() -> None:
    extra = "    terminationMessagePolicy: FallbackToLogsOnError\n"
    script = f"for i in $(seq 10 99); do echo $i-{'#' * 97}; done; exit 1"
    records = run(pod("wide", script, extra, policy="Never"), until=10)
    message = terminated(records, "wide")["message"]
    lines = [f"{i}-{'#' * 97}\n" for i in range(20, 100)]  # the last 80 lines, 101 bytes each
    assert message == "".join(lines)[-2048:]
    assert len(message.encode()) == 2048


def test_fallback_is_only_for_failures_and_only_when_the_file_is_empty() -> None:
    extra = "    terminationMessagePolicy: FallbackToLogsOnError\n"
    ok = run(pod("ok", "echo done; exit 0", extra, policy="Never"), until=10)
    assert terminated(ok, "ok")["message"] == ""  # exit 0: the log is not read
    told = run(
        pod("told", "echo noise; echo bad config > /dev/termination-log; exit 2", extra, "Never"),
        until=10,
    )
    assert terminated(told, "told")["message"] == "bad config\n"


def test_a_custom_termination_message_path_and_the_4096_byte_limit() -> None:
    extra = "    terminationMessagePath: /var/run/why\n"
    script = "for i in $(seq 1 60); do printf '%0100d' $i >> /var/run/why; done; exit 1"
    records = run(pod("custom", script, extra, policy="Never"), until=10)
    message = terminated(records, "custom")["message"]
    full = "".join(f"{i:0100d}" for i in range(1, 61))
    assert message == full[-4096:]


def test_the_store_keeps_the_message_in_the_terminated_state() -> None:
    from cluster_sim import Simulation, load_bundle

    sim = Simulation(load_bundle([("t.yaml", TERMINATION_DEMO)]), horizon=20)
    sim.advance(17)
    stored = sim.store.get("Pod", "default", "termination-demo")
    assert stored is not None
    (status,) = stored.status["containerStatuses"]
    assert status["state"] == "terminated"
    assert status["terminated"]["message"] == "Sleep expired\n"


def test_termination_message_rules() -> None:
    def logs() -> str:
        return "a\nb\n"

    assert termination_message(None, "File", 1, logs) == ""
    assert termination_message(None, "FallbackToLogsOnError", 1, logs) == "a\nb\n"
    assert termination_message("", "FallbackToLogsOnError", 0, logs) == ""
    assert termination_message("x" * 5000, "File", 0, logs) == "x" * 4096
    assert log_tail("".join(f"{i}\n" for i in range(200))) == "".join(
        f"{i}\n" for i in range(120, 200)
    )


def test_last_bytes_shortcut_for_short_texts_cuts_as_the_bytes_do() -> None:
    """``_last_bytes`` skips the encoding when 4 bytes a character surely fit: the same cut."""

    def by_bytes(text: str, limit: int) -> str:
        data = text.encode("utf-8", "surrogatepass")
        return text if len(data) <= limit else data[-limit:].decode("utf-8", "replace")

    for char in ("a", "é", "€", "😀", "\udc80"):
        for n in range(0, 40):
            text = "x" + char * n
            for limit in (1, 7, 16, 17, 40, 63, 64, 65):
                assert _last_bytes(text, limit) == by_bytes(text, limit), (char, n, limit)
