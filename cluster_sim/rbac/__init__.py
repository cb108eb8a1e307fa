"""RBAC: Roles, ClusterRoles and their bindings, and the API server's answer to a Pod.

- :mod:`.rules`: a PolicyRule and request attributes, ``RuleAllows``;
- :mod:`.authorizer`: which bindings apply to a user, the decision and its reason;
- :mod:`.requestinfo`: an HTTP method and path as authorizer attributes;
- :mod:`.status`: the 401 and 403 ``Status`` bodies, byte for byte;
- :mod:`.bootstrap`: the ClusterRoles and ClusterRoleBindings a v1.33 cluster has;
- :mod:`.aggregation`: ClusterRoles built from others by ``aggregationRule``;
- :mod:`.apiserver`: ``https://kubernetes.default.svc`` as a container reaches it.
"""
