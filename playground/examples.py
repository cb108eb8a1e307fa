"""The built-in example manifests the editor can load.

Each example is a complete bundle (Pods, and at most one Scenario) that
``cluster_sim.load_bundle`` accepts. The first one is what the editor starts
with.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Example:
    key: str
    title: str
    manifest: str


CRASHLOOP_POD = """\
# The container exits 1 right after it starts. With
# restartPolicy Always the kubelet restarts it after a
# growing back-off (10s, 20s, 40s, ...): CrashLoopBackOff.
apiVersion: v1
kind: Pod
metadata:
  name: crashy
  labels:
    app: crashy
spec:
  restartPolicy: Always
  containers:
    - name: app
      image: busybox:1.36
      command: ["sh", "-c", "echo starting; exit 1"]
"""

LIVENESS_EXEC_POD = """\
# Kubernetes docs, "Define a liveness command". The container
# creates /tmp/healthy and removes it 30 s later; from then on
# `cat /tmp/healthy` fails, and after 3 failures in a row the
# kubelet kills the container and restarts it.
apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-exec
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/busybox:1.27.2
    args:
    - /bin/sh
    - -c
    - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600
    livenessProbe:
      exec:
        command:
        - cat
        - /tmp/healthy
      initialDelaySeconds: 5
      periodSeconds: 5
"""

LIVENESS_HTTP_POD = """\
# Kubernetes docs, "Define a liveness HTTP request". agnhost
# answers /healthz with 200 for its first 10 s and 500 after
# that; 3 failed probes in a row and the kubelet restarts it.
apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-http
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args:
    - liveness
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - name: Custom-Header
          value: Awesome
      initialDelaySeconds: 3
      periodSeconds: 3
"""

OOM_POD = """\
# Kubernetes docs, "Exceed a Container's memory limit". stress
# tries to hold 250M with a 100Mi limit: the kernel's OOM killer
# ends it (OOMKilled, exit code 137), then CrashLoopBackOff.
apiVersion: v1
kind: Pod
metadata:
  name: memory-demo-2
spec:
  containers:
  - name: memory-demo-2-ctr
    image: polinux/stress
    resources:
      requests:
        memory: "50Mi"
      limits:
        memory: "100Mi"
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]
"""

GRACEFUL_DELETION = """\
# Both Pods are deleted at t=20s (see the Scenario below).
# web runs its preStop hook first (5 s to drain), then nginx
# gets SIGTERM and exits at once. sleeper's shell is PID 1 and
# ignores SIGTERM, so it is SIGKILLed when the 30 s grace
# period ends (exit code 137).
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
    lifecycle:
      preStop:
        exec:
          command: ["/bin/sh", "-c", "sleep 5"]
---
apiVersion: v1
kind: Pod
metadata:
  name: sleeper
spec:
  containers:
  - name: sleep
    image: busybox:1.36
    command: ["sh", "-c", "sleep 3600"]
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata:
  name: graceful-deletion
spec:
  actions:
  - {at: 20, delete: {pod: web}}
  - {at: 20, delete: {pod: sleeper}}
"""

ENVIRONMENT = """\
# What a container sees: a ConfigMap as env and as files, a
# Secret (masked in the inspector until you reveal it), the
# Downward API, and the variables of a Service that existed
# before the container started. Select the Pod "client", open
# the inspector's Container tab and look at each source.
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  LOG_LEVEL: debug
  greeting.txt: hello from a ConfigMap
---
apiVersion: v1
kind: Secret
metadata:
  name: app-secret
type: Opaque
stringData:
  API_TOKEN: s3cr3t-t0ken
---
apiVersion: v1
kind: Service
metadata:
  name: backend
spec:
  selector:
    app: backend
  ports:
  - name: http
    port: 80
    targetPort: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: backend
  labels:
    app: backend
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
    readinessProbe:
      httpGet: {path: /, port: 80}
      periodSeconds: 5
---
apiVersion: v1
kind: Pod
metadata:
  name: client
  labels:
    app: client
spec:
  containers:
  - name: shell
    image: busybox:1.36
    command: ["sh", "-c", "echo level=$LOG_LEVEL pod=$MY_POD_NAME; sleep 3600"]
    resources:
      limits:
        memory: 64Mi
    env:
    - name: LOG_LEVEL
      valueFrom:
        configMapKeyRef: {name: app-config, key: LOG_LEVEL}
    - name: API_TOKEN
      valueFrom:
        secretKeyRef: {name: app-secret, key: API_TOKEN}
    - name: MY_POD_NAME
      valueFrom:
        fieldRef: {fieldPath: metadata.name}
    - name: MY_POD_IP
      valueFrom:
        fieldRef: {fieldPath: status.podIP}
    - name: MY_NODE_NAME
      valueFrom:
        fieldRef: {fieldPath: spec.nodeName}
    - name: MY_MEMORY_LIMIT
      valueFrom:
        resourceFieldRef: {resource: limits.memory}
    volumeMounts:
    - name: config
      mountPath: /etc/app
      readOnly: true
  volumes:
  - name: config
    configMap:
      name: app-config
"""

EXAMPLES: tuple[Example, ...] = (
    Example("crashloop", "Crash loop (CrashLoopBackOff)", CRASHLOOP_POD),
    Example("liveness-exec", "Liveness probe: exec (docs)", LIVENESS_EXEC_POD),
    Example("liveness-http", "Liveness probe: HTTP (docs)", LIVENESS_HTTP_POD),
    Example("oom", "OOMKilled: memory limit (docs)", OOM_POD),
    Example("graceful-deletion", "Deletion: preStop hook and grace period", GRACEFUL_DELETION),
    Example("environment", "Environment: ConfigMap, Secret, Service, Downward API", ENVIRONMENT),
)

DEFAULT_EXAMPLE = EXAMPLES[0]


def get_example(key: str) -> Example:
    """The example with this key; KeyError if there is none."""
    for example in EXAMPLES:
        if example.key == key:
            return example
    raise KeyError(key)
