"""The kubernetes.io Job and CronJob tutorial manifests, verbatim, and what the docs show.

- "Running an example Job" (``job.yaml``): the Pod computes pi to 2000 places,
  ``kubectl logs`` shows it, the Job is Complete 1/1.
- "Running Automated Tasks with a CronJob" (``cronjob.yaml``): a Job every
  minute, each Pod's log the date and "Hello from the Kubernetes cluster".
"""

from __future__ import annotations

from pathlib import Path

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubectl.command_line import kubectl_text
from cluster_sim.userland.perl import pi_digits

EXAMPLES = Path(__file__).parents[1] / "docs_examples" / "controllers"


def simulate(name: str, until: float) -> Simulation:
    text = (EXAMPLES / name).read_text()
    sim = Simulation(load_bundle([(name, text)]), seed=0, horizon=until)
    sim.advance(until)
    return sim


def kubectl(sim: Simulation, command: str) -> str:
    return kubectl_text(sim.store, sim.cluster.recorder, int(sim.now * 1000), command)[1]


def test_the_pi_job_computes_pi_and_completes() -> None:
    sim = simulate("job.yaml", 60)
    (pod,) = sim.store.list("Pod")
    status, log = sim.logs(pod.name, "pi")
    assert status == 0
    assert log.startswith("3.14159265358979323846264338327950288419716939937510582097494459")
    assert len(log) == 2002 and log == pi_digits(2000) + "\n"
    assert kubectl(sim, "get jobs").splitlines() == [
        "NAME   STATUS     COMPLETIONS   DURATION   AGE",
        "pi     Complete   1/1           26s        60s",
    ]
    assert pod.status["phase"] == "Succeeded"
    assert "Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed" in kubectl(
        sim, "describe job pi"
    )


def test_the_pi_computation_costs_cpu_time() -> None:
    text = (EXAMPLES / "job.yaml").read_text()
    sim = Simulation(load_bundle([("job.yaml", text)]), seed=0, horizon=60)
    records = sim.advance(60)
    started = [r for r in records if r["kind"] == "event" and r["reason"] == "Started"]
    job = sim.store.get("Job", "default", "pi")
    assert job is not None
    # the image pull ends at 25.6 s; 2000 digits take 800 ms of CPU
    assert started[0]["t"] == 25.6
    assert job.status["completionTime"] == 26_400


def test_the_hello_cron_job_greets_every_minute() -> None:
    sim = simulate("cronjob.yaml", 190)
    assert [j.name for j in sim.store.list("Job")] == [
        "hello-29453761",
        "hello-29453762",
        "hello-29453763",
    ]
    logs = [sim.logs(p.name, "hello")[1] for p in sim.store.list("Pod")]
    assert logs[0] == "Thu Jan  1 00:01:02 UTC 2026\nHello from the Kubernetes cluster\n"
    assert all(log.endswith("\nHello from the Kubernetes cluster\n") for log in logs)
    assert kubectl(sim, "get cronjob hello").splitlines() == [
        "NAME    SCHEDULE    TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE",
        "hello   * * * * *   <none>     False     0        10s             3m10s",
    ]
