"""runAsNonRoot in a running cluster: the kubelet refuses a root image.

The 1.33 kubelet's verifyRunAsNonRoot runs after the environment is resolved:
``Warning Failed "Error: container has runAsNonRoot and image will run as root
(pod: ..., container: ...)"``, the container waits in
CreateContainerConfigError, and the pod worker retries every 10 s.
"""

from __future__ import annotations

import re

from simrun import events, last, of, run

ROOT_IMAGE = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
  - name: nginx
    image: nginx:1.27
"""


def test_root_image_with_run_as_non_root_is_a_create_container_config_error() -> None:
    records = run(ROOT_IMAGE, until=25)
    failed = events(records, reason="Failed")
    # nginx:1.27 is pulled by 8.24 s; the retry comes a back-off period (10 s) later.
    assert [t for t, _, _ in failed] == [8.24, 18.24]
    message = failed[0][2]
    assert re.fullmatch(
        r"Error: container has runAsNonRoot and image will run as root "
        r'\(pod: "web_default\([0-9a-f-]+\)", container: nginx\)',
        message,
    ), message
    assert not events(records, reason="Started")
    waiting = of(records, "container", reason="CreateContainerConfigError")
    assert waiting and waiting[-1]["message"] == message.removeprefix("Error: ")


def test_run_as_user_zero_breaks_the_policy() -> None:
    text = ROOT_IMAGE.replace("runAsNonRoot: true", "runAsNonRoot: true, runAsUser: 0")
    message = events(run(text, until=10), reason="Failed")[0][2]
    assert message.startswith("Error: container's runAsUser breaks non-root policy (pod: ")


def test_image_with_a_numeric_non_root_user_passes() -> None:
    """registry.k8s.io/pause runs as USER 65535:65535."""
    text = ROOT_IMAGE.replace("nginx:1.27", "registry.k8s.io/pause:3.10")
    assert not events(run(text, until=10), reason="Failed")


def test_non_root_user_starts_even_from_a_root_image() -> None:
    text = ROOT_IMAGE.replace("runAsNonRoot: true", "runAsNonRoot: true, runAsUser: 101")
    records = run(text, until=20)
    assert not events(records, reason="Failed")
    assert events(records, reason="Started")
    assert last(records, "pod")["phase"] == "Running"
