"""The Job controller and the TTL-after-finished controller (``pkg/controller/job``).

See ``controller.py`` for a sync, ``backoff.py`` for the Pod-failure back-off,
``failure_policy.py`` for ``podFailurePolicy`` and ``kind.py`` for what the API
server does with a Job (selector and labels).
"""
