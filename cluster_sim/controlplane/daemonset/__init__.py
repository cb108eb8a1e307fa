"""The DaemonSet controller (``pkg/controller/daemon``): one Pod per eligible node."""
