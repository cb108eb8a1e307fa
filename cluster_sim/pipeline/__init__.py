"""The ``Pipeline`` kind (issue #16): a commit's tests, build, push, scan, attestation,
notification, canary, checks and promotion or rollback, on the run's clock.

:mod:`.spec` reads and validates the document; :mod:`.controller` runs it.
"""
