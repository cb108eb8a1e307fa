"""A static PID 1 script's kept run replays as the driven run would (issue #15).

``cluster_sim.userland.replay`` keeps the first run of ``sh -c`` plain ``echo`` lines
then ``exit N`` and replays it at later starts. Each run here is compared, record for
record, with the same run where nothing is replayed (every start driven).
"""

from __future__ import annotations

import json

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubelet import runtime
from cluster_sim.userland import driver, replay

POD = """apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  restartPolicy: {policy}
  containers:
  - name: app
    image: {image}
    command: {command}
{extra}"""


def _records(manifest: str, seconds: float = 400) -> list[str]:
    replay.OUTCOMES.clear()
    bundle = load_bundle([("pod.yaml", manifest)])
    return [json.dumps(r, sort_keys=True) for r in Simulation(bundle, seed=3).advance(seconds)]


def _driven(monkeypatch: pytest.MonkeyPatch, manifest: str) -> list[str]:
    """The run with every start driven: no key, no replay."""
    with monkeypatch.context() as m:
        m.setattr(runtime, "replay_key", lambda argv, binaries, env: None)
        return _records(manifest)


def _manifest(
    script: str,
    *,
    policy: str = "Always",
    image: str = "busybox",
    extra: str = "",
    shell: str = "sh",
) -> str:
    """Two Pods running ``script``: they share its kept run, and differ in their names
    and hostnames, which a script that reads them prints differently."""
    command = json.dumps([shell, "-c", script])
    return "---\n".join(
        POD.format(name=name, policy=policy, image=image, command=command, extra=extra)
        for name in ("first", "second")
    )


SCRIPTS = [
    "echo starting; exit 1",  # the crash-loop demo
    "exit 1",
    "exit 0",
    "exit 256",  # & 0xFF: 0, Completed
    "exit 255",
    "echo; echo   a    b ; exit 3",  # echo's words joined by one space
    "echo 'quoted words'; exit 2",
    "echo one\necho two\nexit 4",
    "echo -n partial; exit 1",  # a line without its newline: a partial log entry
    "echo -e 'a\\tb'; exit 1",
    # not static: driven every time (the replay leaves them alone)
    "echo $HOSTNAME; exit 1",
    "echo a > /tmp/f; exit 1",
    "echo crashed > /dev/termination-log; exit 1",
    "X=1 echo a; exit 1",
    "X=$(echo crashed > /dev/termination-log) echo a; exit 1",  # an assignment that writes
    "echo a & exit 1",
    "echo a; exit",
    "echo a; exit x",
    "sleep 1; exit 1",
    "exit 1; echo after",
    "echo a; false",
    "",
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_crash_loop_replayed_writes_the_driven_records(
    monkeypatch: pytest.MonkeyPatch, script: str
) -> None:
    manifest = _manifest(script)
    assert _records(manifest) == _driven(monkeypatch, manifest)


@pytest.mark.parametrize(
    ("manifest_args", "what"),
    [
        ({"policy": "OnFailure"}, "a Pod that restarts on failure only"),
        ({"policy": "Never"}, "a Pod that never restarts"),
        ({"shell": "/bin/sh"}, "the shell by its path"),
        ({"shell": "bash"}, "a shell the image does not have"),
        ({"image": "nginx:1.27"}, "an image of other binaries"),
        (
            {"extra": "    resources: {limits: {memory: 1Mi}}\n"},
            "a memory limit the runtime alone exceeds",
        ),
        (
            {"extra": "    terminationMessagePolicy: FallbackToLogsOnError\n"},
            "a termination message read from the log",
        ),
        (
            {
                "extra": "    lifecycle:\n      postStart:\n        exec:\n"
                '          command: ["sh", "-c", "ps; echo hooked > /tmp/hook"]\n'
            },
            "a postStart hook that lists the processes and writes a file",
        ),
        (
            {
                "extra": "    livenessProbe:\n      exec: {command: [cat, /tmp/hook]}\n"
                "      periodSeconds: 1\n      failureThreshold: 1\n"
            },
            "an exec liveness probe",
        ),
        (
            {
                "extra": "  - name: watcher\n    image: busybox\n"
                '    command: ["sh", "-c", "while true; do ps; sleep 1; done"]\n'
                "  shareProcessNamespace: true\n"
            },
            "a container that lists the Pod's processes every second",
        ),
    ],
)
def test_replay_keeps_what_the_container_around_the_script_decides(
    monkeypatch: pytest.MonkeyPatch, manifest_args: dict[str, str], what: str
) -> None:
    manifest = _manifest("echo starting; exit 1", **manifest_args)
    assert _records(manifest) == _driven(monkeypatch, manifest), what


def test_a_static_script_is_driven_once_then_replayed(monkeypatch: pytest.MonkeyPatch) -> None:
    drives: list[int] = []
    real = driver.drive

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        drives.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(runtime, "drive", counted)
    records = _records(_manifest("echo starting; exit 1"))
    starts = sum(1 for r in records if '"reason": "Started"' in r)
    assert starts >= 10
    assert len(drives) == 1  # the first start: every later one, of both Pods, replays it
    (outcome,) = replay.OUTCOMES.values()
    assert [line.text for line in outcome.lines] == ["starting\n"]
    assert outcome.ended.status == 1


def test_a_script_that_computes_is_never_replayed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Enough echo lines add up to a CPU quantum: the run computes, which takes the
    node's CPU and time, so every start of it is driven."""
    script = "; ".join(["echo line"] * 800) + "; exit 1"
    manifest = _manifest(script)
    records = _records(manifest)
    assert list(replay.OUTCOMES.values()) == [replay.NOT_REPLAYABLE]
    assert records == _driven(monkeypatch, manifest)


def test_the_replay_key_needs_the_images_shell_and_a_fitting_execve() -> None:
    busybox = frozenset({"sh", "echo"})
    assert replay.replay_key(("sh", "-c", "exit 1"), busybox, {}) is not None
    assert replay.replay_key(("/bin/sh", "-c", "exit 1"), busybox, {}) is not None
    assert replay.replay_key(("sh", "-c", "exit 1"), frozenset({"nginx"}), {}) is None
    assert replay.replay_key(("sh", "-c", "echo $A; exit 1"), busybox, {}) is None
    huge = {"BIG": "x" * (1 << 17)}  # past MAX_ARG_STRLEN: execve's E2BIG, driven
    assert replay.replay_key(("sh", "-c", "exit 1"), busybox, huge) is None


def test_a_restarts_environment_is_checked_once_and_another_again() -> None:
    """The key is kept per environment dict (a restart's is the start's own object): the
    same dict answers as before, an equal or a bigger new one is checked anew."""
    busybox = frozenset({"sh", "echo"})
    argv = ("sh", "-c", "exit 1")
    env = {"HOSTNAME": "p"}
    key = replay.replay_key(argv, busybox, env)
    assert key == (argv, busybox)
    assert replay.replay_key(("sh", "-c", "exit 1"), busybox, env) == key
    assert replay.replay_key(("sh", "-c", "exit 2"), busybox, env) == (
        ("sh", "-c", "exit 2"),
        busybox,
    )
    assert replay.replay_key(argv, frozenset({"nginx"}), env) is None
    assert replay.replay_key(argv, busybox, {"HOSTNAME": "p", "BIG": "x" * (1 << 17)}) is None
    assert replay.replay_key(argv, busybox, dict(env)) == key


def test_a_replayed_run_makes_its_process_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A replayed start builds no ``Process``; one asked for later (the inspector, a
    handle's ``pid1_name``) is PID 1 of that argv, in that filesystem, with its status."""
    made: list[object] = []
    real = runtime.Process

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(runtime, "Process", counted)
    records = _records(_manifest("echo starting; exit 3"), seconds=120)
    assert sum(1 for r in records if '"reason": "Started"' in r) >= 6
    assert len(made) == 1  # the first start's, driven
    replay.OUTCOMES.clear()
    sim = Simulation(load_bundle([("pod.yaml", _manifest("echo starting; exit 3"))]), seed=3)
    sim.advance(60)
    instance = sim.cluster.workers["default/second"].instances["app"]
    assert instance._process is None and instance.exit_code == 3
    process = instance.process
    assert process.argv == ("sh", "-c", "echo starting; exit 3")
    assert process.fs is instance.fs and process.status == 3
    assert instance.handle.pid1_name() == "sh"
