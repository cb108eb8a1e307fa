"""``perl``: the one program the Job tutorial runs, ``perl -Mbignum=bpi -wle 'print bpi(N)'``.

It computes pi to ``N`` significant digits with Python integers (Machin's
formula, ten guard digits, rounded half up as Math::BigFloat's ``bpi``
rounds) and prints it, with a newline because of ``-l``. Its CPU time follows
the userland's cost model: ``COST_US_PER_DIGIT_SQUARED`` microseconds per
squared digit (800 ms for the tutorial's 2000 digits, about what perl's
bignum takes on one core). Any other perl program gets a clear error on
stderr and exit status 2, as perl exits for a usage error.
"""

from __future__ import annotations

import re

from .cpu import QUANTUM_US
from .process import Process, Program, Target, utility

MAX_DIGITS = 10_000
COST_US_PER_DIGIT_SQUARED = 0.2
GUARD = 10
_PRINT_BPI = re.compile(r"^\s*print\s+bpi\(\s*(\d+)\s*\)\s*;?\s*$")
USAGE = (
    "perl: this playground's perl only runs the Job example, "
    "perl -Mbignum=bpi -wle 'print bpi(N)' (N from 1 to 10000)\n"
)


def _arctan_inverse(x: int, unity: int) -> int:
    """``arctan(1/x) * unity`` with integers."""
    total = term = unity // x
    x2 = x * x
    n = 1
    sign = -1
    while term:
        term //= x2
        total += sign * (term // (2 * n + 1))
        sign = -sign
        n += 1
    return total


def pi_digits(n: int) -> str:
    """Pi to ``n`` significant digits, rounded: ``pi_digits(5) == "3.1416"``."""
    unity = 10 ** (n - 1 + GUARD)
    pi = 4 * (4 * _arctan_inverse(5, unity) - _arctan_inverse(239, unity))
    rounded = (pi + 5 * 10 ** (GUARD - 1)) // 10**GUARD
    text = str(rounded)
    return text if n == 1 else f"{text[0]}.{text[1:]}"


def _program(argv: list[str]) -> tuple[int, bool] | None:
    """``(digits, newline)`` for the one-liner, None for anything else."""
    modules = False
    newline = False
    script: str | None = None
    args = argv[1:]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-Mbignum=bpi":
            modules = True
        elif arg.startswith("-") and len(arg) > 1 and set(arg[1:]) <= set("wle"):
            newline = newline or "l" in arg
            if "e" in arg:
                if not arg.endswith("e") or i + 1 >= len(args):
                    return None
                i += 1
                script = args[i]
        else:
            return None
        i += 1
    if not modules or script is None:
        return None
    m = _PRINT_BPI.match(script)
    if m is None or not 1 <= int(m.group(1)) <= MAX_DIGITS:
        return None
    return int(m.group(1)), newline


@utility("perl")
def perl(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    found = _program(argv)
    if found is None:
        proc.charge(1_000)
        yield from proc.error(USAGE)
        return 2
    digits, newline = found
    cost = COST_US_PER_DIGIT_SQUARED * digits * digits
    while cost > 0:
        step = min(cost, QUANTUM_US)
        yield from proc.spend(step)
        cost -= step
    yield from proc.write(pi_digits(digits) + ("\n" if newline else ""), redirect)
    return 0
