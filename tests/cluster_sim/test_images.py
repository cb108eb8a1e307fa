"""Image pulls: policies, the node's cache, and ErrImagePull / ImagePullBackOff."""

from __future__ import annotations

from cluster_sim import Simulation, load_bundle


def run(image: str, policy: str = "", until: float = 120, pods: int = 1) -> list[dict]:
    pull = f"\n    imagePullPolicy: {policy}" if policy else ""
    docs = [
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  nodeName: node-1\n"
        f"  containers:\n  - name: c\n    image: {image}{pull}\n"
        for i in range(pods)
    ]
    return Simulation(load_bundle([("x.yaml", "---\n".join(docs))]), horizon=until).advance(until)


def test_unknown_image_fails_then_backs_off() -> None:
    records = run("nginx:1.99", until=60)
    seq = [(r["t"], r["type"], r["reason"], r["message"]) for r in records if r["kind"] == "event"]
    error = (
        "rpc error: code = NotFound desc = failed to pull and unpack image "
        '"docker.io/library/nginx:1.99": failed to resolve reference '
        '"docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found'
    )
    assert seq[:7] == [
        (1.0, "Normal", "Pulling", 'Pulling image "nginx:1.99"'),
        (1.82, "Warning", "Failed", f'Failed to pull image "nginx:1.99": {error}'),
        (1.82, "Warning", "Failed", "Error: ErrImagePull"),
        (2.82, "Normal", "BackOff", 'Back-off pulling image "nginx:1.99"'),
        (2.82, "Warning", "Failed", "Error: ImagePullBackOff"),
        (11.82, "Normal", "Pulling", 'Pulling image "nginx:1.99"'),
        (12.64, "Warning", "Failed", f'Failed to pull image "nginx:1.99": {error}'),
    ]
    pulls = [r["t"] for r in records if r.get("reason") == "Pulling"]
    assert pulls == [1.0, 11.82, 32.64]  # retries after 10 s, then 20 s
    statuses = [r["status"] for r in records if r["kind"] == "pod"]
    statuses = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
    assert statuses[:4] == ["ContainerCreating", "ErrImagePull", "ImagePullBackOff", "ErrImagePull"]


def test_if_not_present_uses_the_node_cache() -> None:
    records = run("nginx:1.27", until=30, pods=2)
    pulled = [(r["t"], r["object"], r["message"]) for r in records if r.get("reason") == "Pulled"]
    assert pulled == [
        (
            8.24,
            "Pod/default/p0",
            'Successfully pulled image "nginx:1.27" in 7.24s (7.24s '
            "including waiting). Image size: 72099410 bytes.",
        ),
        # p1 queued behind p0's pull (serialized pulls), then ran its own.
        (
            15.48,
            "Pod/default/p1",
            'Successfully pulled image "nginx:1.27" in 7.24s (14.48s '
            "including waiting). Image size: 72099410 bytes.",
        ),
    ]


def test_if_not_present_skips_the_pull_when_cached_on_restart() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
        "    image: busybox:1.36\n    command: [sh, -c, 'sleep 1; exit 3']\n"
    )
    records = Simulation(load_bundle([("x.yaml", text)]), horizon=30).advance(30)
    pulled = [r["message"] for r in records if r.get("reason") == "Pulled"]
    assert pulled[1:] == ['Container image "busybox:1.36" already present on machine'] * (
        len(pulled) - 1
    )
    assert len(pulled) >= 2


def test_never_policy_without_the_image() -> None:
    records = run("busybox:1.36", policy="Never", until=10)
    events = [(r["reason"], r["message"]) for r in records if r["kind"] == "event"]
    assert (
        "ErrImageNeverPull",
        'Container image "busybox:1.36" is not present with pull policy of Never',
    ) in events
    assert [r for r in records if r["kind"] == "pod"][-1]["status"] == "ErrImageNeverPull"


def test_nginx_runs_and_logs_its_start_up() -> None:
    records = run("nginx", until=30)
    pods = [r for r in records if r["kind"] == "pod"]
    assert (pods[-1]["status"], pods[-1]["ready"], pods[-1]["phase"]) == (
        "Running",
        "1/1",
        "Running",
    )
    lines = [r["line"] for r in records if r["kind"] == "log"]
    assert lines[0].startswith("/docker-entrypoint.sh:")
    assert any("start worker processes" in line for line in lines)
