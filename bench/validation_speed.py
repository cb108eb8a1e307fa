"""How long validating a typical Pod takes, against a plain ``yaml.safe_load`` of the same text.

    .venv/bin/python bench/validation_speed.py [--runs N]

Prints the mean time per call of: PyYAML's ``safe_load`` with libyaml (the
baseline), ``load_documents`` (layer 1: parse, marks, traps), and
``load_documents`` + ``validate_document`` (layers 1-4), each with its ratio
to the baseline, in one process. The budget for the last is "well under 5 ms"
per typical Pod; tests assert nothing about time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cluster_sim.validation import preload, validate_document
from cluster_sim.yamlsource import load_documents

TYPICAL_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: frontend}
spec:
  terminationGracePeriodSeconds: 20
  volumes:
  - {name: cache, emptyDir: {}}
  - name: config
    configMap: {name: web-config}
  containers:
  - name: app
    image: nginx:1.27
    ports:
    - {name: http, containerPort: 80}
    env:
    - {name: MODE, value: production}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {cpu: 500m, memory: 128Mi}
    readinessProbe:
      httpGet: {path: /, port: http}
      periodSeconds: 5
    livenessProbe:
      httpGet: {path: /healthz, port: 80}
      initialDelaySeconds: 10
    volumeMounts:
    - {name: cache, mountPath: /var/cache/nginx}
    - {name: config, mountPath: /etc/nginx/conf.d}
    lifecycle:
      preStop: {sleep: {seconds: 5}}
  - name: sidecar
    image: busybox
    command: [sh, -c, "while true; do sleep 3600; done"]
"""

try:
    _CLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _CLoader = yaml.SafeLoader  # type: ignore[misc]


def baseline() -> None:
    yaml.load(TYPICAL_POD, Loader=_CLoader)


def layer_one() -> None:
    list(load_documents("pod.yaml", TYPICAL_POD))


def all_layers() -> None:
    for doc in load_documents("pod.yaml", TYPICAL_POD):
        errors = validate_document(doc)
        assert not errors, errors


def mean_ms(fn: Callable[[], None], runs: int) -> float:
    """Mean milliseconds per call, the median of five rounds of ``runs`` calls."""
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(runs):
            fn()
        rounds.append((time.perf_counter() - start) / runs * 1000)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    start = time.perf_counter()
    preload()
    print(f"building every kind's validator once: {(time.perf_counter() - start) * 1000:.1f} ms")
    all_layers()  # warm caches
    base = mean_ms(baseline, args.runs)
    rows = [
        ("yaml.safe_load (libyaml), the baseline", base),
        ("load_documents (layer 1)", mean_ms(layer_one, args.runs)),
        ("load_documents + validate_document (layers 1-4)", mean_ms(all_layers, args.runs)),
    ]
    print(f"typical Pod ({len(TYPICAL_POD)} bytes), mean of {args.runs} runs:")
    for label, ms in rows:
        print(f"  {label:<50} {ms:8.3f} ms  {ms / base:6.1f}x")


if __name__ == "__main__":
    main()
