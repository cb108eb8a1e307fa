"""The view from inside a container: env, ConfigMaps, Secrets, Downward API,
volumes, Services and DNS. The docs' examples print what the docs show."""

from __future__ import annotations

from pathlib import Path

from simrun import events, last, of, run, scenario

from cluster_sim.endpoints_records import expand

DOCS = Path(__file__).parent / "docs_examples" / "environment"


def logs(records: list[dict], container: str | None = None) -> list[str]:
    return [r["line"] for r in of(records, "log") if container in (None, r["container"])]


def env_of(records: list[dict], container: str) -> dict[str, tuple[str, str]]:
    record = last(records, "env", container=container)
    return {e["name"]: (e["value"], e["source"]) for e in record["env"]}


def test_docs_literal_env() -> None:
    env = env_of(run((DOCS / "envars.yaml").read_text(), until=10), "envar-demo-container")
    assert env["DEMO_GREETING"] == ("Hello from the environment", "literal")
    assert env["DEMO_FAREWELL"] == ("Such a sweet sorrow", "literal")


def test_docs_dependent_environment_variables() -> None:
    records = run((DOCS / "dependent-envars.yaml").read_text(), until=10)
    assert logs(records)[:4] == [
        "",
        "UNCHANGED_REFERENCE=$(PROTOCOL)://172.17.0.1:80",
        "SERVICE_ADDRESS=https://172.17.0.1:80",
        "ESCAPED_REFERENCE=$(PROTOCOL)://172.17.0.1:80",
    ]


def test_docs_configmap_values_in_command() -> None:
    records = run((DOCS / "configmap-multikeys.yaml").read_text(), until=10)
    assert logs(records) == ["very charm"]
    env = env_of(records, "test-container")
    assert env["SPECIAL_LEVEL_KEY"] == ("very", "configMap default/special-config SPECIAL_LEVEL")


def test_docs_configmap_volume_lists_its_keys() -> None:
    records = run((DOCS / "configmap-volume.yaml").read_text(), until=10)
    assert logs(records) == ["SPECIAL_LEVEL", "SPECIAL_TYPE"]


def test_docs_secret_in_env_is_decoded() -> None:
    env = env_of(run((DOCS / "secret-envars.yaml").read_text(), until=10), "envars-test-container")
    assert env["SECRET_USERNAME"] == (
        "backend-admin",
        "secret default/backend-user backend-username",
    )


def test_docs_downward_api_env() -> None:
    records = run((DOCS / "dapi-envars-pod.yaml").read_text(), until=10)
    node = last(records, "pod")["node"]
    ip = last(records, "pod")["podIP"]
    assert logs(records) == ["", node, "dapi-envars-fieldref", "default", ip, "default"]
    env = env_of(records, "test-container")
    assert env["MY_POD_IP"] == (ip, "downward status.podIP")


def test_docs_downward_api_volume() -> None:
    records = run((DOCS / "dapi-volume.yaml").read_text(), until=10)
    assert logs(records)[:7] == [
        "",
        "",
        'cluster="test-cluster1"',
        'rack="rack-22"',
        'zone="us-est-coast"',
        "",
        'build="two"',
    ]


SERVICE = """apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  ports: [{name: http, port: 80}]
"""


def client(name: str) -> str:
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n"
        "  restartPolicy: Never\n  containers:\n"
        "  - name: c\n    image: busybox:1.36\n    command: [sh, -c, 'sleep 3600']\n"
    )


def test_a_pod_started_before_its_service_lacks_the_service_variables() -> None:
    late_service = SERVICE.replace("\n", "\n        ").rstrip()
    text = client("early") + scenario(
        f"at: 30\n    apply:\n      manifest: |\n        {late_service}",
        "at: 40\n    apply:\n      manifest: |\n        "
        + client("late").replace("\n", "\n        ").rstrip(),
        horizon=60,
    )
    records = run(text, until=60)
    early = {e["name"] for e in last(records, "env", pod="default/early")["env"]}
    late = {e["name"]: e for e in last(records, "env", pod="default/late")["env"]}
    assert "BACKEND_SERVICE_HOST" not in early
    assert "KUBERNETES_SERVICE_HOST" in early  # the master service is always there
    assert late["BACKEND_SERVICE_HOST"]["source"] == "service default/backend"
    assert late["BACKEND_PORT_80_TCP_PROTO"]["value"] == "tcp"
    assert late["KUBERNETES_SERVICE_HOST"]["value"] == "10.96.0.1"


def test_enable_service_links_false_keeps_only_the_kubernetes_service() -> None:
    text = (
        SERVICE
        + "---\n"
        + client("quiet").replace("spec:\n", "spec:\n  enableServiceLinks: false\n")
    )
    names = {e["name"] for e in last(run(text, until=10), "env")["env"]}
    assert "BACKEND_SERVICE_HOST" not in names and "KUBERNETES_SERVICE_HOST" in names


def test_a_missing_configmap_blocks_the_container_until_it_is_created() -> None:
    pod = """apiVersion: v1
kind: Pod
metadata: {name: needs-config}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'echo mode=$MODE; sleep 3600']
    env:
    - name: MODE
      valueFrom: {configMapKeyRef: {name: app-config, key: mode}}
"""
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config}\ndata: {mode: fast}\n"
    indented = config.replace("\n", "\n        ").rstrip()
    records = run(pod + scenario(f"at: 30\n    apply:\n      manifest: |\n        {indented}"))
    # The pod worker retries the failed sync every 10 s (issue #13 item 6): the ConfigMap
    # created at 30 is seen by the retry at 32.18, not at once.
    failed = [e for e in events(records, reason="Failed")]
    message = 'Error: configmap "app-config" not found'
    assert failed == [(t, "Failed", message) for t in (2.18, 12.18, 22.18)]
    waiting = of(records, "container", reason="CreateContainerConfigError")[0]
    assert waiting["message"] == 'configmap "app-config" not found'
    assert events(records, reason="Started") == [(32.18, "Started", "Started container app")]
    assert logs(records) == ["mode=fast"]


def test_a_missing_key_names_the_configmap() -> None:
    pod = """apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data: {speed: fast}
---
apiVersion: v1
kind: Pod
metadata: {name: needs-key}
spec:
  containers:
  - name: app
    image: busybox:1.36
    env:
    - name: MODE
      valueFrom: {configMapKeyRef: {name: app-config, key: mode}}
"""
    waiting = of(run(pod, until=10), "container", reason="CreateContainerConfigError")[0]
    assert waiting["message"] == "couldn't find key mode in ConfigMap default/app-config"


def test_configmap_updates_reach_mounted_files_but_not_env() -> None:
    text = """apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {color: blue}
---
apiVersion: v1
kind: Pod
metadata: {name: watcher}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'while true; do echo "file=$(cat /etc/cfg/color) env=$COLOR"; sleep 20; done']
    env:
    - name: COLOR
      valueFrom: {configMapKeyRef: {name: settings, key: color}}
    volumeMounts:
    - {name: cfg, mountPath: /etc/cfg}
  volumes:
  - name: cfg
    configMap: {name: settings}
"""
    update = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {color: red}\n"
    indented = update.replace("\n", "\n        ").rstrip()
    records = run(text + scenario(f"at: 30\n    apply:\n      manifest: |\n        {indented}"))
    lines = [(r["t"], r["line"]) for r in of(records, "log")]
    # Written at 2.18, 22.18, 42.18, ...; the kubelet's periodic sync (every 60 s from
    # the volume set-up at 1 s) rewrites the file at 61 s; the env var never changes.
    assert lines[:5] == [
        (2.18, "file=blue env=blue"),
        (22.18, "file=blue env=blue"),
        (42.18, "file=blue env=blue"),
        (62.18, "file=red env=blue"),
        (82.18, "file=red env=blue"),
    ]
    assert [(r["t"], r["volume"]) for r in of(records, "volume")] == [(61.0, "cfg")]


def test_an_empty_dir_is_shared_by_the_pods_containers() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: shared}
spec:
  containers:
  - name: writer
    image: busybox:1.36
    command: [sh, -c, 'echo hello from writer > /data/msg; sleep 3600']
    volumeMounts: [{name: scratch, mountPath: /data}]
  - name: reader
    image: busybox:1.36
    command: [sh, -c, 'sleep 1; cat /data/msg; sleep 3600']
    volumeMounts: [{name: scratch, mountPath: /data}]
  volumes:
  - {name: scratch, emptyDir: {}}
"""
    assert logs(run(text, until=10), "reader") == ["hello from writer"]


def test_the_service_account_token_volume_looks_like_a_real_one() -> None:
    sa = "/var/run/secrets/kubernetes.io/serviceaccount"
    text = client("sa").replace("'sleep 3600'", f"'ls {sa}; cat {sa}/namespace'")
    assert logs(run(text, until=10)) == ["ca.crt", "namespace", "token", "default"]


def test_kubelet_managed_hosts_and_resolv_conf() -> None:
    text = client("dns").replace("'sleep 3600'", "'cat /etc/hosts /etc/resolv.conf; hostname'")
    records = run(text, until=10)
    ip = last(records, "pod")["podIP"]
    assert logs(records) == [
        "# Kubernetes-managed hosts file.",
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost ip6-localhost ip6-loopback",
        "fe00::0\tip6-localnet",
        "fe00::0\tip6-mcastprefix",
        "fe00::1\tip6-allnodes",
        "fe00::2\tip6-allrouters",
        f"{ip}\tdns",
        "search default.svc.cluster.local svc.cluster.local cluster.local",
        "nameserver 10.96.0.10",
        "options ndots:5",
        "dns",
    ]


def test_a_service_answers_only_through_ready_endpoints() -> None:
    text = (
        SERVICE
        + """---
apiVersion: v1
kind: Pod
metadata: {name: backend-1, labels: {app: backend}}
spec:
  containers:
  - name: web
    image: nginx:1.27
    readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5}
---
apiVersion: v1
kind: Pod
metadata: {name: curl}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: busybox:1.36
    command: [sh, -c, 'for i in 1 2; do wget -qO- http://backend; sleep 10; done; nslookup nope']
"""
    )
    records = run(text, until=30)
    service_ip = env_of(records, "c")["BACKEND_SERVICE_HOST"][0]
    assert logs(records, "c") == [
        f"wget: can't connect to remote host ({service_ip}): Connection refused",
        "Welcome to nginx!",
        "Server:\t\t10.96.0.10",
        "Address:\t10.96.0.10:53",
        "",
        "** server can't find nope.default.svc.cluster.local: NXDOMAIN",
        "",
    ]
    endpoints = [(r["t"], r["ready"], r["notReady"]) for r in of(expand(records), "endpoints")]
    ip = last(records, "pod", pod="default/backend-1")["podIP"]
    assert endpoints == [(0.0, [], []), (1.0, [], [ip]), (9.0, [ip], [])]
