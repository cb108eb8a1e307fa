"""Layer 4 and hostile input: every bad input gets a clear InputError, quickly.

The time bounds are generous (1 s for what takes milliseconds) so that they
catch a hang, not a slow machine.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cluster_sim import BundleError, InputError, load_bundle
from cluster_sim.cli import main
from cluster_sim.validation import MAX_HORIZON_S

ROOT = Path(__file__).resolve().parents[2]
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
"""
ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def garbage(size: int) -> str:
    rng = random.Random(7)
    return "".join(chr(rng.randrange(1, 256)) for _ in range(size))


HOSTILE: dict[str, Callable[[], str]] = {
    "billion laughs": lambda: ALIAS_BOMB,
    "10 MB paste": lambda: "data: " + "x" * (10 * 1024 * 1024),
    "10,000-deep flow lists": lambda: "[" * 10_000 + "]" * 10_000,
    "10,000-deep block lists": lambda: "- " * 10_000 + "x\n",
    "900-deep flow maps": lambda: "{a: " * 900 + "1" + "}" * 900,
    "NUL bytes": lambda: POD + "\x00\x00",
    "binary garbage": lambda: garbage(20_000),
    "a million-value list": lambda: "a: [" + "1," * 500_000 + "1]\n",
    "100,000 documents": lambda: "---\na: 1\n" * 100_000,
    "one huge key": lambda: "k" * 900_000 + ": 1\n",
    "a control character": lambda: POD + "    args: [\x07]\n",
}


@pytest.mark.parametrize("make", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_gets_an_input_error_quickly(make: Callable[[], str]) -> None:
    text = make()
    start = time.perf_counter()
    with pytest.raises(BundleError) as info:
        load_bundle([("evil.yaml", text)])
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    assert info.value.errors
    assert all(isinstance(e, InputError) and e.message for e in info.value.errors)
    assert len(info.value.errors) <= 10


def test_limits_are_named_and_coded() -> None:
    with pytest.raises(BundleError) as info:
        load_bundle([("evil.yaml", ALIAS_BOMB)])
    (error,) = info.value.errors
    assert error.code == "limit"
    assert error.message == (
        "document is too large or too deeply nested for the playground "
        "(at most 50000 values, 64 levels deep)"
    )


def test_a_scenario_horizon_beyond_the_playgrounds_is_an_error() -> None:
    scenario = (
        "---\napiVersion: playground.podlife.dev/v1\nkind: Scenario\n"
        "metadata: {name: s}\nspec: {horizon: 1000000}\n"
    )
    with pytest.raises(BundleError) as info:
        load_bundle([("run.yaml", POD + scenario)])
    (error,) = info.value.errors
    assert error.message == (
        "Scenario spec.horizon: the playground simulates at most 3600 seconds (1 hour); "
        "this asks for 1e+06"
    )
    assert (error.line, error.code) == (13, "limit")
    assert MAX_HORIZON_S == 3600


def test_generate_name_is_not_supported_yet() -> None:
    text = POD.replace("  name: web", "  generateName: web-")
    with pytest.raises(BundleError) as info:
        load_bundle([("pod.yaml", text)])
    (error,) = info.value.errors
    assert error.code == "limit"
    assert error.message.startswith("metadata.generateName is not supported by the playground")


def test_a_kind_the_playground_cannot_run_is_named_and_skipped() -> None:
    text = (
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: p}\n---\n"
        "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: c}\n"
    )
    bundle = load_bundle([("x.yaml", text)])
    assert [(w.line, w.code, w.message) for w in bundle.warnings] == [
        (
            2,
            "unsupported-kind",
            'kind "PersistentVolume" is not simulated by the playground; this document is skipped',
        ),
        (
            6,
            "unsupported-kind",
            'kind "CronTab" is not simulated by the playground; this document is skipped',
        ),
    ]


# --------------------------------------------------------------------------------------
# The CLI reports exactly what load_bundle reports
# --------------------------------------------------------------------------------------

BAD_BUNDLE = (
    POD.replace("image: nginx", "image: nginx\n    imag: typo\n    env: [{name: A, value: yes}]")
    + "---\napiVersion: v1\nkind: Service\nmetadata: {name: 1svc}\nspec: {ports: [{port: 0}]}\n"
    + "---\n- not an object\n"
)


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cluster_sim", "run", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=60,
    )


def test_the_cli_prints_the_same_errors_as_load_bundle(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_BUNDLE, encoding="utf-8")
    with pytest.raises(BundleError) as info:
        load_bundle([(str(path), BAD_BUNDLE)])
    expected = [str(e) for e in info.value.errors]
    assert len(expected) >= 5
    result = cli(str(path))
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().splitlines() == expected


def test_the_cli_pins_invalid_utf8_to_its_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(POD.replace("nginx", "ng\xefnx").encode("latin-1"))
    result = cli(str(path))
    assert result.returncode == 2
    assert result.stderr.decode().strip() == (
        f"{path}:8:14: input is not UTF-8 text: byte 0xef at offset 94 (invalid continuation byte)"
    )


def test_the_cli_handles_binary_garbage_on_stdin_quickly() -> None:
    start = time.perf_counter()
    result = cli("-", stdin=bytes(random.Random(3).randrange(256) for _ in range(100_000)))
    assert result.returncode == 2
    assert result.stderr.startswith(b"-:")
    assert b"Traceback" not in result.stderr
    assert time.perf_counter() - start < 20


def test_the_cli_refuses_a_horizon_beyond_the_playgrounds() -> None:
    import io

    err = io.StringIO()
    code = main(["run", "-", "--until", "100000"], stdin=io.StringIO(POD), stderr=err)
    assert code == 2
    assert err.getvalue() == (
        "--until: the playground simulates at most 3600 seconds (1 hour); this asks for 100000 "
        "(--max-horizon raises the limit)\n"
    )


# --------------------------------------------------------------------------------------
# Damaged manifests never raise anything but BundleError
# --------------------------------------------------------------------------------------

TYPICAL = POD.replace(
    "    image: nginx\n",
    "    image: nginx\n    ports: [{name: http, containerPort: 80}]\n"
    "    env: [{name: A, valueFrom: {fieldRef: {fieldPath: status.podIP}}}]\n"
    "    resources: {limits: {cpu: 500m, memory: 128Mi}}\n"
    "    livenessProbe: {httpGet: {path: /, port: http}, periodSeconds: 5}\n"
    "    lifecycle: {preStop: {sleep: {seconds: 5}}}\n"
    "    volumeMounts: [{name: v, mountPath: /v}]\n"
    "  volumes: [{name: v, configMap: {name: c, items: [{key: a, path: a}]}}]\n",
)


@pytest.mark.parametrize("seed", range(4))
def test_damaged_manifests_get_input_errors_never_a_traceback(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "\n :-[]{}&*!|>'\"#%@`,?~0yno\t\\x"
    for _ in range(150):
        text = list(TYPICAL)
        for _ in range(rng.randint(1, 5)):
            i = rng.randrange(len(text))
            roll = rng.random()
            if roll < 0.4:
                text.insert(i, rng.choice(alphabet))
            elif roll < 0.7:
                del text[i]
            else:
                text[i] = rng.choice(alphabet)
        try:
            load_bundle([("damaged.yaml", "".join(text))])
        except BundleError as exc:
            assert all(e.line >= 1 and e.column >= 1 and e.message for e in exc.errors)
