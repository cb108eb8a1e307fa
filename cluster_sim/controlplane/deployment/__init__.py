"""The Deployment controller (kube-controller-manager's ``deployment-controller``).

One concept per module: ``fenceposts`` (maxSurge/maxUnavailable),
``hashing`` (pod-template-hash), ``replicasets`` (the Deployment's view of
its ReplicaSets: new/old, revisions, annotations), ``rolling``, ``recreate``
and ``scaling`` (the replica arithmetic, pure), ``progress`` (status and the
Progressing/Available conditions), ``history`` (revisionHistoryLimit and
rollback), ``rollout_status`` (kubectl's messages), ``kind`` (the
Deployment's admission) and ``controller`` (the client of the store that
applies all of it). See cluster_sim/DESIGN.md, "Deployments".
"""
