"""Re-applying a Pod: ``ValidatePodUpdate``'s immutable-field rules.

A running Pod's spec may change only in a few places (container images,
``activeDeadlineSeconds`` downwards, added tolerations, removed scheduling
gates, a negative grace period set to 1); anything else is ``Forbidden`` with
the list of what may change. Upstream appends a ``cmp.Diff`` of the Go
structs to that message; the playground appends a shorter diff of the
manifest paths that changed (the first line is Kubernetes' own).
"""

from __future__ import annotations

import copy
from typing import Any, Final

from . import defaults
from .field import FieldError, FieldPath, forbidden, invalid, required
from .pod import validate_pod_metadata_and_spec
from .pod_options import PodOptions
from .rules import MAX_INT32
from .values import d, i, lst, s

UPDATABLE_FIELDS: Final = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)
FORBIDDEN_UPDATE: Final = "pod updates may not change fields other than " + ",".join(
    UPDATABLE_FIELDS
)
Errors = list[FieldError]


def validate_pod_update(
    old: dict[str, Any], new: dict[str, Any], opts: PodOptions | None = None
) -> Errors:
    """``ValidatePodUpdate``: what the API server says when ``new`` replaces ``old``.

    Both are manifests as the user wrote them; each is defaulted first. Fields
    the new manifest leaves out keep the old object's defaulted values, as
    ``kubectl apply`` keeps them (so an image change does not re-default the
    pull policy).
    """
    old_pod = defaults.pod(old)
    new_pod = defaults.pod(_inherit_defaults(old, new))
    errors: Errors = []
    old_meta, new_meta = d(old_pod.get("metadata")), d(new_pod.get("metadata"))
    for key in ("name", "namespace"):
        old_value, new_value = s(old_meta.get(key)), s(new_meta.get(key))
        if key == "namespace":
            old_value, new_value = old_value or "default", new_value or "default"
        if old_value != new_value:
            errors.append(invalid(("metadata", key), new_value, "field is immutable"))
    errors += validate_pod_metadata_and_spec(new_pod, opts)
    old_spec, new_spec = d(old_pod.get("spec")), d(new_pod.get("spec"))
    for key in ("containers", "initContainers"):
        stop, container_errors = _container_updates(
            lst(new_spec.get(key)), lst(old_spec.get(key)), ("spec", key)
        )
        errors += container_errors
        if stop:
            return errors
    deadline_errors = _active_deadline(new_spec, old_spec)
    errors += deadline_errors
    if (
        deadline_errors
        and deadline_errors[-1].detail != "must not update from a positive integer to nil value"
    ):
        return errors
    errors += _tolerations(lst(new_spec.get("tolerations")), lst(old_spec.get("tolerations")))
    errors += _scheduling_gates(new_spec, old_spec)
    if new_spec == old_spec:
        return errors
    munged = copy.deepcopy(new_spec)
    for key in ("containers", "initContainers"):
        for new_c, old_c in zip(lst(munged.get(key)), lst(old_spec.get(key)), strict=False):
            if isinstance(new_c, dict) and isinstance(old_c, dict):
                if "image" in old_c:
                    new_c["image"] = old_c["image"]
                else:
                    new_c.pop("image", None)
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        if key in old_spec:
            munged[key] = copy.deepcopy(old_spec[key])
        else:
            munged.pop(key, None)
    old_grace = i(old_spec.get("terminationGracePeriodSeconds"))
    if (
        old_grace is not None
        and old_grace < 0
        and i(munged.get("terminationGracePeriodSeconds")) == 1
    ):
        munged["terminationGracePeriodSeconds"] = old_grace
    if munged != old_spec:
        diff = "\n".join(_diff(old_spec, munged, ()))
        errors.append(forbidden(("spec",), f"{FORBIDDEN_UPDATE}\n  core.PodSpec{{\n{diff}\n  }}"))
    return errors


def _inherit_defaults(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Carry the old containers' pull policies into ``new`` where it sets none."""
    new = copy.deepcopy(new)
    old_defaulted = defaults.pod(old)
    old_spec, new_spec = d(old_defaulted.get("spec")), d(new.get("spec"))
    for key in ("containers", "initContainers"):
        old_by_name = {s(d(c).get("name")): d(c) for c in lst(old_spec.get(key))}
        for c in lst(new_spec.get(key)):
            if isinstance(c, dict) and not c.get("imagePullPolicy"):
                previous = old_by_name.get(s(c.get("name")))
                if previous is not None and previous.get("imagePullPolicy"):
                    c["imagePullPolicy"] = previous["imagePullPolicy"]
    return new


def _container_updates(new: list[Any], old: list[Any], path: FieldPath) -> tuple[bool, Errors]:
    """``ValidateContainerUpdates``."""
    if len(new) != len(old):
        return True, [forbidden(path, "pod updates may not add or remove containers")]
    errors: Errors = []
    for index, c in enumerate(new):
        image = s(d(c).get("image"))
        if not image:
            errors.append(required((*path, index, "image")))
        if image != image.strip():
            errors.append(
                invalid(
                    (*path, index, "image"), image, "must not have leading or trailing whitespace"
                )
            )
    return False, errors


def _active_deadline(new: dict[str, Any], old: dict[str, Any]) -> Errors:
    path: FieldPath = ("spec", "activeDeadlineSeconds")
    new_value, old_value = i(new.get("activeDeadlineSeconds")), i(old.get("activeDeadlineSeconds"))
    if new_value is not None:
        if not 0 <= new_value <= MAX_INT32:
            return [invalid(path, new_value, f"must be between 0 and {MAX_INT32}, inclusive")]
        if old_value is not None and old_value < new_value:
            return [invalid(path, new_value, "must be less than or equal to previous value")]
    elif old_value is not None:
        return [invalid(path, None, "must not update from a positive integer to nil value")]
    return []


def _tolerations(new: list[Any], old: list[Any]) -> Errors:
    """``validateOnlyAddedTolerations``: old ones stay, except for tolerationSeconds."""
    from .tolerations import validate_tolerations

    path: FieldPath = ("spec", "tolerations")
    for previous in old:
        previous = d(previous)
        found = any(
            {**previous, "tolerationSeconds": d(t).get("tolerationSeconds")}
            == {**d(t), "tolerationSeconds": d(t).get("tolerationSeconds")}
            for t in new
        )
        if not found:
            return [
                forbidden(
                    path, "existing toleration can not be modified except its tolerationSeconds"
                )
            ]
    return validate_tolerations(new, path)


def _scheduling_gates(new: dict[str, Any], old: dict[str, Any]) -> Errors:
    old_names = {s(d(g).get("name")) for g in lst(old.get("schedulingGates"))}
    errors: Errors = []
    for index, gate in enumerate(lst(new.get("schedulingGates"))):
        name = s(d(gate).get("name"))
        if name not in old_names:
            errors.append(
                forbidden(
                    ("spec", "schedulingGates", index, "name"),
                    f"only deletion is allowed, but found new scheduling gate '{name}'",
                )
            )
    return errors


def _diff(old: Any, new: Any, path: tuple[str | int, ...]) -> list[str]:
    """Changed leaves as ``-``/``+`` lines: a readable stand-in for Go's ``cmp.Diff``."""
    if isinstance(old, dict) and isinstance(new, dict):
        lines: list[str] = []
        for key in list(old) + [k for k in new if k not in old]:
            lines += _diff(old.get(key), new.get(key), (*path, key))
        return lines
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        lines = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            lines += _diff(a, b, (*path, index))
        return lines
    if old == new:
        return []
    where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(
        ".[", "["
    )
    lines = []
    if old is not None:
        lines.append(f"- \t{where}: {_show(old)}")
    if new is not None:
        lines.append(f"+ \t{where}: {_show(new)}")
    return lines


def _show(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, default=str)
