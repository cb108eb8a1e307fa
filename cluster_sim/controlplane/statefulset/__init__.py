"""The StatefulSet controller (``pkg/controller/statefulset``) and its claims."""
