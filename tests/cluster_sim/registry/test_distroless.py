"""The distroless static image (issues #14 and #16): nonroot by tag, no shell, runAsNonRoot."""

from __future__ import annotations

from cluster_sim import Simulation, load_bundle
from cluster_sim.registry import Registry
from tests.cluster_sim.simrun import events, last, of

DISTROLESS = "gcr.io/distroless/static-debian12"


def pod(image: str, non_root: bool = True) -> str:
    context = "\n  securityContext: {runAsNonRoot: true}" if non_root else ""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: app}}\nspec:\n  nodeName: node-1{context}\n"
        f"  containers:\n  - name: app\n    image: '{image}'\n    command: [/app]\n"
    )


def simulate(text: str, until: float = 20) -> tuple[Simulation, list[dict]]:
    sim = Simulation(load_bundle([("t.yaml", text)]), horizon=until)
    return sim, sim.advance(until)


def failures(records: list[dict]) -> list[str]:
    return [m for _, reason, m in events(records) if reason == "Failed"]


def test_the_nonroot_tag_is_user_65532_so_run_as_non_root_lets_the_start_go_on():
    _, records = simulate(pod(f"{DISTROLESS}:nonroot"))
    assert not any("runAsNonRoot" in m for m in failures(records))
    # the start reaches runc, which finds no /app in an image with no programs at all
    start_error = of(records, "container", pod="default/app", reason="StartError")[0]
    assert 'exec: "/app": executable file not found in $PATH' in start_error["message"]
    assert start_error["imageID"] == (
        f"{DISTROLESS}@{Registry().resolve(f'{DISTROLESS}:nonroot').digest}"
    )
    assert Registry().resolve(f"{DISTROLESS}:nonroot").image.user == "65532"


def test_the_latest_tag_is_user_0_and_run_as_non_root_refuses_it():
    _, records = simulate(pod(DISTROLESS))
    message = failures(records)[0]
    assert message.startswith(
        'Error: container has runAsNonRoot and image will run as root (pod: "app_default('
    )
    assert message.endswith('", container: app)')
    assert last(records, "container", pod="default/app")["reason"] == "CreateContainerConfigError"
    _, records = simulate(pod(DISTROLESS, non_root=False))  # root is allowed without the check
    assert not any("runAsNonRoot" in m for m in failures(records))


def test_an_image_built_with_a_named_user_gets_the_kubelets_non_numeric_message():
    scenario = (
        "---\napiVersion: playground.podlife.dev/v1\nkind: Scenario\nmetadata: {name: t}\n"
        "spec:\n  horizon: 30\n  actions:\n"
        '  - {at: 0, pushImage: {image: "registry.example.com/app:v1", '
        f'from: "{DISTROLESS}:nonroot", user: nonroot}}}}\n'
    )
    _, records = simulate(pod("registry.example.com/app:v1") + scenario)
    message = failures(records)[0]
    assert message.startswith(
        "Error: container has runAsNonRoot and image has non-numeric user (nonroot), "
        'cannot verify user is non-root (pod: "app_default('
    )


def test_exec_of_a_program_the_image_lacks_fails_as_runc_reports_it():
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: proxy}\nspec:\n  nodeName: node-1\n"
        "  containers:\n  - name: proxy\n    image: registry.k8s.io/goproxy:0.1\n"
    )
    sim, _ = simulate(text)
    status, output = sim.exec("proxy", "proxy", ["sh", "-c", "id"])
    assert status == 1
    assert output.startswith(
        "error: Internal error occurred: Internal error occurred: error executing command in "
        'container: failed to exec in container: failed to start exec "'
    )
    assert output.endswith(
        "OCI runtime exec failed: exec failed: unable to start container process: "
        'exec: "sh": executable file not found in $PATH: unknown\n'
    )
    assert sim.exec("proxy", "proxy", ["sh", "-c", "id"]) == (status, output)  # no randomness
    status, output = sim.exec("proxy", "proxy", ["/bin/sh"])
    assert 'exec: "/bin/sh": stat /bin/sh: no such file or directory: unknown\n' in output
    assert "sh" not in Registry().resolve(DISTROLESS).image.binaries
