"""Kubernetes resource quantities (``resource.Quantity``), bit for bit.

A port of ``k8s.io/apimachinery/pkg/api/resource`` (``quantity.go``,
``amount.go``, ``math.go``, ``suffix.go``) as of the release the reference
tables were produced with (``pod-environment.md`` section 4).  Values are
exact: no floating point is involved except where apimachinery itself uses it.

The Go type keeps a value either as a scaled ``int64`` (``int64Amount``, the
fast path) or as an arbitrary-precision decimal (``inf.Dec``).  Which one a
parsed quantity uses is observable (``AsInt64``, ``Value``/``MilliValue`` on
overflow), so this package keeps the same two representations:

* int form: ``value * 10**scale`` with ``value`` a wrapped int64;
* decimal form: ``unscaled * 10**exponent``; ``pad`` counts the trailing zeros
  ``inf.Dec`` would append when it rescales (kept symbolic so that ``1e999999``
  does not materialise a million-digit integer).

Quirks kept on purpose because the API shows them:

* the parser caches and re-emits an input it judges canonical
  (``Quantity.parse("100.035k")`` prints ``100.035k``, ``"+1"`` prints ``+1``);
* ``value()``/``milli_value()`` round away from zero and overflow like Go
  (``Quantity.parse("3Ei").milli_value() == -2**63``, ``"1E"`` gives ``0``);
* binary quantities are capped at ``2**63 - 1`` and anything below one nano is
  rounded up to ``1n``.

Quantities are immutable; arithmetic returns new objects.

The modules, each one concept: ``units`` (formats, scales, errors), ``digits``
(exact big-integer decimals), ``go_int64`` (Go's int64 arithmetic), ``suffix``,
``scanner`` (splitting the text), ``inf_dec`` (the decimal form), ``parse``
(``ParseQuantity``), ``canonical`` (the canonical string) and ``value`` (the
``Quantity`` type).  Callers import from ``cluster_sim.quantity``.
"""

from __future__ import annotations

from .units import (
    ERR_FORMAT_WRONG,
    ERR_NUMERIC,
    ERR_SUFFIX,
    EXA,
    GIGA,
    KILO,
    MEGA,
    MICRO,
    MILLI,
    NANO,
    PETA,
    TERA,
    Format,
    QuantityError,
)
from .value import Quantity

__all__ = [
    "ERR_FORMAT_WRONG",
    "ERR_NUMERIC",
    "ERR_SUFFIX",
    "EXA",
    "GIGA",
    "KILO",
    "MEGA",
    "MICRO",
    "MILLI",
    "NANO",
    "PETA",
    "TERA",
    "Format",
    "Quantity",
    "QuantityError",
]
