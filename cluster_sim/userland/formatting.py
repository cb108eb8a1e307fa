"""``printf`` conversions with any width or precision, without building them whole.

busybox's ``printf`` hands each conversion to the C library, which pads a
``%999999999d`` as it writes: a gigabyte of spaces streams out, and memory
holds none of it. Here a conversion becomes text pieces and ``Pad`` runs
(``Pad(" ", 999999998)``), and the writer streams the runs in chunks, so
the output costs CPU time and goes wherever stdout goes (the log, a pipe, a
file: memory and disk are charged as they fill), while the simulator holds one
chunk. A width or precision past ``INT_MAX`` makes glibc's ``printf`` fail
with ``EOVERFLOW``: that conversion prints nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INLINE = 4096  # widths and precisions up to this are formatted by Python at once
INT_MAX = (1 << 31) - 1
FLOAT_DIGITS = 1100  # a double's exact decimal expansion never needs more digits
_HEAD = re.compile(r"[-+ ]?(?:0[xX])?")


@dataclass(frozen=True, slots=True)
class Pad:
    """``count`` copies of ``char``."""

    char: str
    count: int


Piece = str | Pad


def conversion(
    flags: str, width: int | None, precision: int | None, conv: str, value: str | int | float
) -> list[Piece]:
    """One ``%`` conversion as pieces (``conv`` is Python's: ``s``, ``d``, ``o``, ``x``...)."""
    if (width or 0) > INT_MAX or (precision or 0) > INT_MAX:
        return []  # EOVERFLOW
    if width is not None and width < 0:
        flags, width = flags + "-", -width
    if (width or 0) <= INLINE and (precision or 0) <= INLINE:
        spec = "%" + flags + ("" if width is None else str(width))
        spec += "" if precision is None else f".{precision}"
        return [(spec + conv) % value]
    plain = flags.replace("-", "").replace("0", "")
    pieces: list[Piece]
    if conv == "s" or precision is None or precision <= INLINE:
        spec = "%" + plain + ("" if precision is None else f".{precision}")
        pieces = [(spec + conv) % value]
    elif conv in "dioxX":
        text = ("%" + plain + conv) % value
        head = _HEAD.match(text).group(0)  # type: ignore[union-attr]
        digits = text[len(head) :]
        pieces = [head, Pad("0", max(precision - len(digits), 0)), digits]
    else:  # floats: the digits past FLOAT_DIGITS are zeros
        text = ("%" + plain + f".{FLOAT_DIGITS}" + conv) % value
        zeros = Pad("0", precision - FLOAT_DIGITS)
        mantissa, e, exponent = text.partition("e" if conv in "eg" else "E")
        pieces = [mantissa, zeros, e + exponent] if conv in "eEfF" else [text]
    return _pad_to(pieces, width, flags, numeric=conv != "s" and precision is None)


def _pad_to(pieces: list[Piece], width: int | None, flags: str, *, numeric: bool) -> list[Piece]:
    length = sum(p.count if isinstance(p, Pad) else len(p) for p in pieces)
    if width is None or width <= length:
        return pieces
    room = width - length
    if "-" in flags:
        return [*pieces, Pad(" ", room)]
    if "0" in flags and numeric:
        first = pieces[0] if isinstance(pieces[0], str) else ""
        head = _HEAD.match(first).group(0)  # type: ignore[union-attr]
        return [head, Pad("0", room), first[len(head) :], *pieces[1:]]
    return [Pad(" ", room), *pieces]


def chunks(pieces: list[Piece], size: int = 64 * 1024) -> list[str] | PieceStream:
    """The text of ``pieces``: a list when it is small, else a stream of ``size`` chunks."""
    if all(isinstance(p, str) for p in pieces):
        return ["".join(p for p in pieces if isinstance(p, str))]
    return PieceStream(pieces, size)


class PieceStream:
    """Iterate ``pieces`` as text chunks of at most ``size`` characters."""

    def __init__(self, pieces: list[Piece], size: int) -> None:
        self.pieces = pieces
        self.size = size

    def __iter__(self):  # type: ignore[no-untyped-def]
        buffer: list[str] = []
        held = 0
        for piece in self.pieces:
            if isinstance(piece, str):
                text, count = piece, 1
            else:
                text, count = piece.char, piece.count
            while count:
                if isinstance(piece, str):
                    part, count = text, 0
                else:
                    take = min(count, self.size - held)
                    part, count = text * take, count - take
                buffer.append(part)
                held += len(part)
                if held >= self.size:
                    yield "".join(buffer)
                    buffer.clear()
                    held = 0
        if buffer:
            yield "".join(buffer)
