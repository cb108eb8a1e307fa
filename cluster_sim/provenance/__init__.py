"""Birth certificates (issue #16): Grafeas notes and occurrences about built images.

:mod:`.grafeas` writes notes and occurrences with Grafeas v1's field names and the
simulated signatures; :mod:`.ledger` is a run's store of them, by image digest.
"""
