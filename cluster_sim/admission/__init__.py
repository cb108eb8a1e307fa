"""The API server's admission step for what the playground simulates.

:mod:`.podsecurity` is the built-in PodSecurity admission plugin (Pod Security
Admission, Kubernetes 1.33): namespace labels choose a level per mode, Pods are
enforced, Pods and workload templates warned about.
"""
