"""cluster_sim: a deterministic simulation of a Pod's life on Kubernetes.

Pure Python: no Django, no wall clock, no global random state. See DESIGN.md.
"""

from .bundle import SUPPORTED_KINDS, Bundle, load_bundle
from .errors import BundleError, InputError
from .records import Record
from .simulation import DEFAULT_HORIZON_S, Simulation, simulate

__all__ = [
    "DEFAULT_HORIZON_S",
    "SUPPORTED_KINDS",
    "Bundle",
    "BundleError",
    "InputError",
    "Record",
    "Simulation",
    "load_bundle",
    "simulate",
]
