"""Errors the simulator reports about its input."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InputError:
    """One problem in the user's input, pinned to a place in a file.

    ``line`` and ``column`` are 1-based, as editors count them. ``path`` is the
    field path (``spec.containers[0].image``) when there is one, and ``code``
    says which check failed: ``yaml``, ``yaml-duplicate-key``, ``yaml-trap``,
    ``kind``, ``unknown-field``, ``type``, ``limit``, ``unsupported-kind``,
    ``encoding``, or the Kubernetes cause type of an API-server validation error
    (``FieldValueRequired``, ``FieldValueInvalid``, ``FieldValueNotSupported``,
    ``FieldValueDuplicate``, ``FieldValueNotFound``, ``FieldValueForbidden``,
    ``FieldValueTooLong``).
    """

    file: str
    line: int
    column: int
    message: str
    path: str = ""
    code: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "code": self.code,
        }


class BundleError(Exception):
    """The input could not be turned into a bundle; ``errors`` says why."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
