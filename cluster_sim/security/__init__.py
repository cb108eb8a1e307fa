"""securityContext seen from the node: how the kubelet merges pod and container
fields, which uid, gid and groups containerd gives the process, which
capabilities it holds, runAsNonRoot's refusals and fsGroup's ownership walk.

One concept per module: ``context`` (the merge), ``identity`` (user, groups,
``id``), ``nonroot`` (verifyRunAsNonRoot), ``capabilities`` (containerd's set,
add/drop, ``/proc/<pid>/status``), ``fsgroup`` (SetVolumeOwnership's skip rule).
"""
