"""kubectl describe's securityContext lines: only the seccomp profile is printed
(kubectl v0.33 pkg/describe/describe.go, describeContainerBasicInfo), right after
Host Port, with LocalhostProfile one level deeper for a Localhost profile."""

from __future__ import annotations

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubectl.command_line import kubectl_text

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: app
        image: busybox
        command: [sleep, "3600"]
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
          seccompProfile: {type: Localhost, localhostProfile: profiles/audit.json}
      - name: plain
        image: busybox
        command: [sleep, "3600"]
"""


def describe(text: str, what: str) -> str:
    sim = Simulation(load_bundle([("t.yaml", text)]), seed=0, horizon=10)
    sim.advance(10)
    status, output = kubectl_text(sim.store, sim.cluster.recorder, 10_000, f"describe {what}")
    assert status == 0, output
    return output


def test_template_containers_show_their_seccomp_profile_only() -> None:
    text = describe(DEPLOYMENT, "deployment web")
    lines = text.splitlines()
    start = lines.index("   app:")
    assert lines[start : start + 6] == [
        "   app:",
        # one tabwriter block: the deeper LocalhostProfile line sets the column
        "    Image:               busybox",
        "    Port:                <none>",
        "    Host Port:           <none>",
        "    SeccompProfile:      Localhost",
        "      LocalhostProfile:  profiles/audit.json",
    ]
    plain = lines.index("   plain:")
    assert lines[plain + 3] == "    Host Port:  <none>"
    assert not lines[plain + 4].strip().startswith("SeccompProfile")
    # The pod-level profile is not in DescribePodTemplate; runAsUser, capabilities and
    # allowPrivilegeEscalation are not described by kubectl at all.
    assert text.count("SeccompProfile") == 1
    assert "RunAsUser" not in text and "Capabilities" not in text and "1000" not in text
