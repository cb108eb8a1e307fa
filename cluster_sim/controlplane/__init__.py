"""The control plane of a run: an API-server-like object store and its clients.

``store`` is the API server (objects, metadata, admission, watches); every
controller, the scheduler, the node lifecycle controller and the garbage
collector are clients of it, one module each, reacting to watch events in
simulated time. Nothing here imports the kubelet.
"""
