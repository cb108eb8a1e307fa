"""The playground's perl: the Job tutorial's one-liner, and a clear refusal of anything else."""

from __future__ import annotations

from cluster_sim import Simulation, load_bundle
from cluster_sim.userland.perl import USAGE, pi_digits

POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  restartPolicy: Never
  containers:
  - {{name: c, image: perl:5.34.0, command: {command}}}
"""


def run(command: str) -> tuple[Simulation, str]:
    sim = Simulation(load_bundle([("p.yaml", POD.format(command=command))]), seed=0, horizon=60)
    sim.advance(60)
    return sim, sim.logs("p", "c")[1]


def test_pi_rounds_to_the_digits_asked() -> None:
    assert pi_digits(1) == "3"
    assert pi_digits(5) == "3.1416"
    assert pi_digits(10) == "3.141592654"
    assert pi_digits(50) == "3.1415926535897932384626433832795028841971693993751"


def test_the_one_liner_without_l_prints_no_newline() -> None:
    _, log = run('["perl", "-Mbignum=bpi", "-we", "print bpi(12)"]')
    assert log == "3.14159265359"


def test_any_other_perl_program_is_refused_with_exit_status_2() -> None:
    sim, log = run('["perl", "-e", "print 1+1"]')
    assert log == USAGE
    assert "only runs the Job example" in USAGE
    pod = sim.store.get("Pod", "default", "p")
    assert pod is not None
    (status,) = pod.status["containerStatuses"]
    assert status["terminated"]["exitCode"] == 2
