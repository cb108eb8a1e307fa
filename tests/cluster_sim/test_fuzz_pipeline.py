"""Property: no input makes the validation and simulation pipeline raise (issue #9).

Hypothesis generates Pods (commands from a grammar of shell constructs and
busybox utilities, probes, hooks, volumes, resources, odd numbers), Scenarios
(faults and actions with out-of-range values) and live actions, and runs each
through ``load_bundle`` and ``Simulation`` for a bounded simulated time. The
only exceptions allowed are the playground's own answers: ``BundleError`` for
input it refuses, ``ActionError`` for a live action it will not take. Every
record must be JSON. Derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_sim import BundleError, Simulation, load_bundle
from cluster_sim.actions import ActionError

UNTIL_S = 30.0

# -- shell scripts ---------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "hi",
        "a b",
        "x",
        "$x",
        "$$",
        "$?",
        "$!",
        "*",
        "/tmp/*",
        "-n",
        "--",
        "%d",
        "%s",
        "\\n",
        "ab*c",
        "[a-z]+",
        "(a+)+$",
        "0",
        "1",
        "-1",
        "99999999999999999999",
        "1e3",
        "/",
        "/tmp/f",
        "'q'",
        '"$y"',
        "${x:-d}",
        "${#x}",
        "a=b",
        "~",
        "$(echo z)",
    ]
)
NUMBERS = st.sampled_from(["0", "1", "2", "3", "10", "-1", "255", "256", "1e2", "0x10", "x"])
SLEEPS = st.sampled_from(["0", "0.5", "1", "2", "5", "30"])


def _simple() -> st.SearchStrategy[str]:
    words = st.lists(WORDS, max_size=3).map(" ".join)
    return st.one_of(
        words.map(lambda w: f"echo {w}"),
        st.tuples(st.sampled_from(["%s", "%d", "%5.2f", "%x", "%-3s|", "%c"]), words).map(
            lambda t: f"printf '{t[0]}\\n' {t[1]}"
        ),
        st.tuples(NUMBERS, NUMBERS).map(lambda t: f"seq {t[0]} {t[1]}"),
        SLEEPS.map(lambda s: f"sleep {s}"),
        NUMBERS.map(lambda n: f"exit {n}"),
        NUMBERS.map(lambda n: f"kill -{n} $$"),
        st.sampled_from(
            [
                "true",
                "false",
                ":",
                "cat /tmp/f",
                "ls /",
                "ls -al /etc",
                "cat /etc/hosts",
                "env",
                "hostname",
                "wc -c /tmp/f",
                "mkdir -p /tmp/d/e",
                "touch /tmp/f",
                "rm -f /tmp/f",
                "date",
                "id",
                "ps",
                "free",
                "df",
                "uname -a",
                "pwd",
                "cd /tmp",
                "head -c 100 /dev/zero | wc -c",
                "echo abc | tr a-c x-z",
                "echo a:b | cut -d: -f2",
                "echo aaa! | grep -E '(a+)+$'",
                "expr aaa : 'a*'",
                "expr 1 + 2",
                "echo b a | sort",
                "nc -z localhost 80",
                "wget -q -O- http://localhost/",
                "set -e",
                "shift",
                "trap 'echo bye' TERM",
                "ulimit -a",
                "read x < /tmp/f",
            ]
        ),
        st.tuples(st.sampled_from(["x", "y", "i"]), words).map(lambda t: f"{t[0]}={t[1]!r}"),
        st.tuples(NUMBERS, st.sampled_from(["+", "*", "<<", "/", "%", "**", "-"]), NUMBERS).map(
            lambda t: f"echo $(({t[0]} {t[1]} {t[2]}))"
        ),
    )


def _script(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return _simple()
    inner = _script(depth - 1)
    return st.one_of(
        _simple(),
        st.tuples(inner, st.sampled_from([" | ", " && ", " || ", "; "]), inner).map("".join),
        inner.map(lambda s: f"for i in 1 2 3; do {s}; done"),
        inner.map(lambda s: f"i=0; while [ $i -lt 3 ]; do {s}; i=$((i+1)); done"),
        inner.map(lambda s: f"x=$({s})"),
        inner.map(lambda s: f"f() {{ {s}; }}; f; f"),
        inner.map(lambda s: f"{s} &"),
        inner.map(lambda s: f"{s} > /tmp/f 2>&1"),
        inner.map(lambda s: f"{s} >> /tmp/f"),
        inner.map(lambda s: f"eval {json.dumps(s)}"),
        inner.map(lambda s: f"sh -c {json.dumps(s)}"),
        st.tuples(inner, inner).map(lambda t: f"if {t[0]}; then {t[1]}; else :; fi"),
        inner.map(lambda s: f"( {s} )"),
        inner.map(lambda s: f"{{ {s}; }}"),
    )


SCRIPTS = _script(2)

# -- manifests -------------------------------------------------------------------------

ODD_NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.sampled_from([math.inf, -math.inf, math.nan, 1e308, -0.0, 0.5]),
    st.sampled_from(["1m", "busybox", "", "10Gi", "9" * 400]),
)


def mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``valid`` 19 times in 20, else an odd number (so most examples get to run)."""
    return st.integers(0, 19).flatmap(lambda i: ODD_NUMBERS if i == 0 else valid)


QUANTITIES = mostly(
    st.sampled_from(["1", "100m", "64Mi", "1Gi", "0", "9Ei", "1e3", "-1", "busybox", "0.001"])
)
PERIODS = mostly(st.integers(1, 5))
IMAGES = st.sampled_from(
    [
        "busybox",
        "busybox:1.36",
        "nginx:1.27",
        "registry.k8s.io/etcd:3.5.9-0",
        "polinux/stress",
        "vish/stress",
        "no-such/image:x",
        "registry.k8s.io/pause:3.9",
    ]
)
MOUNT_PATHS = st.sampled_from(["/", "/data", "/tmp", "/etc", "/var", "/var/run", "/proc"])


def _probe() -> st.SearchStrategy[dict[str, Any]]:
    handler = st.one_of(
        SCRIPTS.map(lambda s: {"exec": {"command": ["sh", "-c", s]}}),
        st.builds(
            lambda p: {"httpGet": {"path": "/", "port": p}}, st.sampled_from([80, 8080, "http"])
        ),
        st.builds(lambda p: {"tcpSocket": {"port": p}}, st.sampled_from([80, 2379, 9000])),
        st.builds(lambda p: {"grpc": {"port": p}}, st.sampled_from([2379, 80])),
    )
    return st.builds(
        lambda h, period, threshold: {**h, "periodSeconds": period, "failureThreshold": threshold},
        handler,
        PERIODS,
        st.integers(1, 3),
    )


def _container(name: str) -> st.SearchStrategy[dict[str, Any]]:
    optional = st.fixed_dictionaries(
        {},
        optional={
            "command": SCRIPTS.map(lambda s: ["sh", "-c", s]),
            "livenessProbe": _probe(),
            "readinessProbe": _probe(),
            "startupProbe": _probe(),
            "lifecycle": st.fixed_dictionaries(
                {},
                optional={
                    "postStart": SCRIPTS.map(lambda s: {"exec": {"command": ["sh", "-c", s]}}),
                    "preStop": st.one_of(
                        SCRIPTS.map(lambda s: {"exec": {"command": ["sh", "-c", s]}}),
                        st.builds(lambda n: {"sleep": {"seconds": n}}, PERIODS),
                    ),
                },
            ),
            "resources": st.fixed_dictionaries(
                {},
                optional={
                    "limits": st.fixed_dictionaries(
                        {}, optional={"memory": QUANTITIES, "cpu": QUANTITIES}
                    ),
                    "requests": st.fixed_dictionaries({}, optional={"memory": QUANTITIES}),
                },
            ),
            "env": st.lists(
                st.builds(
                    lambda n, v: {"name": n, "value": v},
                    st.sampled_from(["A", "B", "C"]),
                    st.sampled_from(["x", "$(A)$(A)", "$(B)", "$$(A)", "$(HOSTNAME)"]),
                ),
                max_size=3,
                unique_by=lambda e: e["name"],
            ),
            "volumeMounts": st.lists(
                st.builds(lambda p: {"name": "v", "mountPath": p}, MOUNT_PATHS),
                max_size=1,
            ),
        },
    )
    return st.builds(lambda rest, image: {"name": name, "image": image, **rest}, optional, IMAGES)


VOLUMES = st.sampled_from(
    [
        {"name": "v", "emptyDir": {}},
        {"name": "v", "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}},
        {
            "name": "v",
            "downwardAPI": {
                "items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]
            },
        },
    ]
)


def _pod(name: str) -> st.SearchStrategy[dict[str, Any]]:
    spec = st.builds(
        lambda containers, rest, volume: {
            "containers": containers,
            "volumes": [volume],
            **rest,
        },
        st.lists(st.sampled_from(["a", "b"]), min_size=1, max_size=2, unique=True).flatmap(
            lambda names: st.tuples(*(_container(n) for n in names)).map(list)
        ),
        st.fixed_dictionaries(
            {},
            optional={
                "restartPolicy": st.sampled_from(["Always", "OnFailure", "Never"]),
                "terminationGracePeriodSeconds": mostly(st.integers(0, 40)),
                "activeDeadlineSeconds": mostly(st.integers(1, 40)),
            },
        ),
        VOLUMES,
    )
    return spec.map(
        lambda s: {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "labels": {"app": "x"}},
            "spec": s,
        }
    )


ACTION_KINDS = st.sampled_from(
    [
        "delete",
        "kill",
        "unhealthy",
        "healthy",
        "fillMemory",
        "cordon",
        "drain",
        "failNode",
        "apply",
        "explode",
    ]
)
ACTION_ARGS = st.fixed_dictionaries(
    {"pod": st.sampled_from(["p0", "p1", "nope"]), "container": st.sampled_from(["a", "b"])},
    optional={
        "exitCode": mostly(st.integers(0, 255)),
        "gracePeriodSeconds": mostly(st.integers(-1, 30)),
        "mib": mostly(st.floats(0, 2048)),
        "node": st.sampled_from(["node-1", "node-9"]),
        "manifest": st.sampled_from(
            [
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p9}\n"
                "spec: {containers: [{name: c, image: busybox}]}\n",
                "{",
                "kind: Pod",
            ]
        ),
    },
)


def _scenario() -> st.SearchStrategy[dict[str, Any]]:
    fault = st.fixed_dictionaries(
        {"pod": st.sampled_from(["p0", "p1"])},
        optional={
            "container": st.sampled_from(["a", "b"]),
            "startupSeconds": mostly(st.integers(0, 10)),
            "crash": st.fixed_dictionaries(
                {},
                optional={
                    "after": mostly(st.integers(0, 20)),
                    "exitCode": mostly(st.integers(0, 3)),
                },
            ),
            "memory": st.fixed_dictionaries(
                {},
                optional={
                    "startMiB": mostly(st.integers(0, 50)),
                    "growMiBPerSecond": mostly(st.integers(0, 9)),
                },
            ),
            "imagePullFailures": mostly(st.integers(0, 3)),
            "probeFailures": st.lists(
                st.fixed_dictionaries(
                    {"probe": st.sampled_from(["liveness", "readiness", "bogus"])},
                    optional={"from": mostly(st.integers(0, 20)), "to": mostly(st.integers(0, 40))},
                ),
                max_size=2,
            ),
        },
    )
    action = st.builds(
        lambda at, kind, args: {"at": at, kind: args},
        mostly(st.floats(0, UNTIL_S)),
        ACTION_KINDS,
        ACTION_ARGS,
    )
    node = st.fixed_dictionaries(
        {"name": st.sampled_from(["n1", "n2"])},
        optional={
            "cpu": QUANTITIES,
            "memory": QUANTITIES,
            "pods": QUANTITIES,
            "labels": st.sampled_from([{"a": "b"}, "app=web", [1]]),
        },
    )
    spec = st.fixed_dictionaries(
        {},
        optional={
            "seed": mostly(st.integers(0, 100)),
            "horizon": mostly(st.floats(1, 100)),
            "nodes": st.one_of(
                st.integers(-1, 3), st.lists(node, max_size=2, unique_by=lambda n: n["name"])
            ),
            "faults": st.lists(fault, max_size=2),
            "actions": st.lists(action, max_size=3),
        },
    )
    return spec.map(
        lambda s: {
            "apiVersion": "playground.podlife.dev/v1",
            "kind": "Scenario",
            "metadata": {"name": "s"},
            "spec": s,
        }
    )


BUNDLES = st.tuples(
    st.lists(st.sampled_from(["p0", "p1"]), min_size=1, max_size=2, unique=True).flatmap(
        lambda names: st.tuples(*(_pod(n) for n in names)).map(list)
    ),
    st.one_of(st.none(), _scenario()),
).map(lambda t: t[0] + ([t[1]] if t[1] is not None else []))
LIVE = st.lists(st.tuples(st.floats(0, UNTIL_S), ACTION_KINDS, ACTION_ARGS), max_size=3)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents=BUNDLES, live=LIVE)
def test_no_input_makes_the_pipeline_raise(documents: list[dict], live: list) -> None:
    text = yaml.safe_dump_all(documents, sort_keys=False)
    try:
        bundle = load_bundle([("fuzz.yaml", text)])
    except BundleError as refused:
        assert refused.errors and all(str(e) for e in refused.errors)
        return
    sim = Simulation(
        bundle,
        horizon=min(UNTIL_S, bundle.scenario.horizon or UNTIL_S) if bundle.scenario else UNTIL_S,
    )
    for at, kind, args in sorted(live, key=lambda a: a[0]):
        json.dumps(sim.advance(at))
        with contextlib.suppress(ActionError):
            sim.act(kind, args)
    while not sim.finished:
        json.dumps(sim.advance(sim.now + 5))
