"""A Pod's volumes (``ValidateVolumes``, ``validateVolumeSource``) and the
container mounts that name them (``ValidateVolumeMounts``).

Upstream's field paths are kept, quirks included: a downwardAPI volume item's
errors are reported at ``volumes[i].downwardAPI`` without the item index, a
mount's ``subPath`` at ``volumeMounts.subPath``. The rarely used volume sources
are counted (one source per volume), not checked.
"""

from __future__ import annotations

import posixpath
from typing import Any, Final

from . import rules
from .downward_api import VOLUME_FIELD_PATHS, object_field_selector, resource_field_selector
from .field import (
    FieldError,
    FieldPath,
    duplicate,
    forbidden,
    invalid,
    not_found,
    not_supported,
    required,
)
from .values import d, i, i0, lst, present, quantity, s

FILE_MODE_MSG: Final = "must be a number between 0 and 0777 (octal), both inclusive"
# VolumeSource members in the order validateVolumeSource checks them; the path used in
# the "more than 1 volume type" error (two are spelt differently upstream).
VOLUME_SOURCES: Final = (
    ("emptyDir", "emptyDir"),
    ("hostPath", "hostPath"),
    ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd"),
    ("cinder", "cinder"),
    ("cephfs", "cephFS"),
    ("quobyte", "quobyte"),
    ("downwardAPI", "downwarAPI"),
    ("fc", "fc"),
    ("flexVolume", "flexVolume"),
    ("configMap", "configMap"),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"),
    ("storageos", "storageos"),
    ("projected", "projected"),
    ("scaleIO", "scaleIO"),
    ("csi", "csi"),
    ("ephemeral", "ephemeral"),
    ("image", "image"),
)
HOST_PATH_TYPES: Final = (
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
)

Errors = list[FieldError]


def validate_volumes(volumes: list[Any], path: FieldPath, pod_name: str) -> tuple[set[str], Errors]:
    errors: Errors = []
    names: set[str] = set()
    for index, volume in enumerate(volumes):
        volume = d(volume)
        vol_path = (*path, index)
        name = s(volume.get("name"))
        problems = _volume_source(volume, vol_path)
        if not name:
            problems.append(required((*vol_path, "name")))
        else:
            problems += [
                invalid((*vol_path, "name"), name, msg) for msg in rules.is_dns1123_label(name)
            ]
        if name in names:
            problems.append(duplicate((*vol_path, "name"), name))
        if problems:
            errors += problems
        else:
            names.add(name)
    return names, errors


def _volume_source(volume: dict[str, Any], path: FieldPath) -> Errors:
    errors: Errors = []
    count = 0
    for key, error_key in VOLUME_SOURCES:
        if not present(volume, key):
            continue
        if count > 0:
            errors.append(forbidden((*path, error_key), "may not specify more than 1 volume type"))
            continue
        count += 1
        source = d(volume.get(key))
        source_path = (*path, key)
        if key == "emptyDir":
            limit = quantity(source.get("sizeLimit"))
            if limit is not None and limit.sign() < 0:
                errors.append(
                    forbidden(
                        (*source_path, "sizeLimit"),
                        "SizeLimit field must be a valid resource quantity",
                    )
                )
        elif key == "hostPath":
            host_path = s(source.get("path"))
            if not host_path:
                errors.append(required((*source_path, "path")))
            else:
                errors += _no_backsteps(host_path, (*source_path, "path"))
                host_type = source.get("type")
                if isinstance(host_type, str) and host_type not in HOST_PATH_TYPES:
                    errors.append(not_supported((*source_path, "type"), host_type, HOST_PATH_TYPES))
        elif key in ("secret", "configMap"):
            name_key = "secretName" if key == "secret" else "name"
            if not s(source.get(name_key)):
                errors.append(required((*source_path, name_key)))
            errors += _file_mode(source.get("defaultMode"), (*source_path, "defaultMode"))
            for j, item in enumerate(lst(source.get("items"))):
                errors += _key_to_path(d(item), (*source_path, "items", j))
        elif key == "persistentVolumeClaim":
            if not s(source.get("claimName")):
                errors.append(required((*source_path, "claimName")))
        elif key == "nfs":
            if not s(source.get("server")):
                errors.append(required((*source_path, "server")))
            nfs_path = s(source.get("path"))
            if not nfs_path:
                errors.append(required((*source_path, "path")))
            if not nfs_path.startswith("/"):
                errors.append(invalid((*source_path, "path"), nfs_path, "must be an absolute path"))
        elif key == "downwardAPI":
            errors += _file_mode(source.get("defaultMode"), (*source_path, "defaultMode"))
            for j, item in enumerate(lst(source.get("items"))):
                errors += _downward_api_file(d(item), source_path, (*source_path, "items", j))
        elif key == "projected":
            errors += _file_mode(source.get("defaultMode"), (*source_path, "defaultMode"))
            errors += _projection_sources(source, source_path)
        elif key == "csi" and not s(source.get("driver")):
            errors.append(required((*source_path, "driver")))
    if count == 0:
        errors.append(required(path, "must specify a volume type"))
    return errors


def _file_mode(mode: Any, path: FieldPath) -> Errors:
    value = i(mode)
    if value is not None and not 0 <= value <= 0o777:
        return [invalid(path, value, FILE_MODE_MSG)]
    return []


def _key_to_path(item: dict[str, Any], path: FieldPath) -> Errors:
    errors: Errors = []
    if not s(item.get("key")):
        errors.append(required((*path, "key")))
    item_path = s(item.get("path"))
    if not item_path:
        errors.append(required((*path, "path")))
    errors += local_non_reserved_path(item_path, (*path, "path"))
    errors += _file_mode(item.get("mode"), (*path, "mode"))
    return errors


def _downward_api_file(item: dict[str, Any], path: FieldPath, at: FieldPath) -> Errors:
    """``validateDownwardAPIVolumeFile``: ``path`` is the source's, not the item's (upstream)."""
    errors: Errors = []
    file_path = s(item.get("path"))
    if not file_path:
        errors.append(required((*path, "path"), at=(*at, "path")))
    errors += local_non_reserved_path(file_path, (*path, "path"), at=(*at, "path"))
    if present(item, "fieldRef"):
        errors += object_field_selector(
            d(item.get("fieldRef")), VOLUME_FIELD_PATHS, (*path, "fieldRef"), at=(*at, "fieldRef")
        )
        if present(item, "resourceFieldRef"):
            errors.append(
                invalid(
                    path,
                    "resource",
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                    at=at,
                )
            )
    elif present(item, "resourceFieldRef"):
        errors += resource_field_selector(
            d(item.get("resourceFieldRef")),
            (*path, "resourceFieldRef"),
            volume=True,
            at=(*at, "resourceFieldRef"),
        )
    else:
        errors.append(required(path, "one of fieldRef and resourceFieldRef is required", at=at))
    errors += _file_mode(item.get("mode"), (*path, "mode"))
    return errors


def _projection_sources(projected: dict[str, Any], path: FieldPath) -> Errors:
    errors: Errors = []
    seen_paths: set[str] = set()
    for index, source in enumerate(lst(projected.get("sources"))):
        source = d(source)
        src_path = (*path, "sources", index)
        count = 0
        for kind in ("secret", "configMap"):
            if not present(source, kind):
                continue
            count += 1
            entry = d(source.get(kind))
            kind_path = (*src_path, kind)
            if not s(entry.get("name")):
                errors.append(required((*kind_path, "name")))
            for j, item in enumerate(lst(entry.get("items"))):
                item = d(item)
                errors += _key_to_path(item, (*kind_path, "items", j))
                item_path = s(item.get("path"))
                if item_path:
                    if item_path in seen_paths:
                        errors.append(
                            invalid(path, s(entry.get("name")), "conflicting duplicate paths")
                        )
                    seen_paths.add(item_path)
        if present(source, "downwardAPI"):
            count += 1
            kind_path = (*src_path, "downwardAPI")
            for j, item in enumerate(lst(d(source.get("downwardAPI")).get("items"))):
                item = d(item)
                errors += _downward_api_file(item, kind_path, (*kind_path, "items", j))
                item_path = s(item.get("path"))
                if item_path:
                    if item_path in seen_paths:
                        errors.append(invalid(path, item_path, "conflicting duplicate paths"))
                    seen_paths.add(item_path)
        if present(source, "serviceAccountToken"):
            count += 1
            token = d(source.get("serviceAccountToken"))
            token_path = (*src_path, "serviceAccountToken")
            expiration = i0(token.get("expirationSeconds")) or 3600
            if expiration < 600:
                errors.append(
                    invalid(
                        (*token_path, "expirationSeconds"),
                        expiration,
                        "may not specify a duration less than 10 minutes",
                    )
                )
            if expiration > 1 << 32:
                errors.append(
                    invalid(
                        (*token_path, "expirationSeconds"),
                        expiration,
                        "may not specify a duration larger than 2^32 seconds",
                    )
                )
            token_file = s(token.get("path"))
            if not token_file:
                errors.append(required((*path, "path"), at=(*token_path, "path")))
            else:
                errors += local_non_reserved_path(
                    token_file, (*path, "path"), at=(*token_path, "path")
                )
        if present(source, "clusterTrustBundle"):
            count += 1
        if count > 1:
            errors.append(forbidden(src_path, "may not specify more than 1 volume type"))
    return errors


def validate_volume_mounts(
    mounts: list[Any], volumes: set[str], container: dict[str, Any], path: FieldPath
) -> Errors:
    """``ValidateVolumeMounts`` (subPath errors at ``volumeMounts.subPath``: upstream's path)."""
    errors: Errors = []
    mount_points: set[str] = set()
    for index, mount in enumerate(mounts):
        mount = d(mount)
        m_path = (*path, index)
        name = s(mount.get("name"))
        if not name:
            errors.append(required((*m_path, "name")))
        if name not in volumes:
            errors.append(not_found((*m_path, "name"), name))
        mount_path = s(mount.get("mountPath"))
        if not mount_path:
            errors.append(required((*m_path, "mountPath")))
        if mount_path in mount_points:
            errors.append(invalid((*m_path, "mountPath"), mount_path, "must be unique"))
        mount_points.add(mount_path)
        sub_path = s(mount.get("subPath"))
        if sub_path:
            errors += local_descending_path(sub_path, (*path, "subPath"), at=(*m_path, "subPath"))
        sub_path_expr = s(mount.get("subPathExpr"))
        if sub_path_expr:
            if sub_path:
                errors.append(
                    invalid(
                        (*m_path, "subPathExpr"),
                        sub_path_expr,
                        "subPathExpr and subPath are mutually exclusive",
                    )
                )
            errors += local_descending_path(
                sub_path_expr, (*path, "subPathExpr"), at=(*m_path, "subPathExpr")
            )
        propagation = mount.get("mountPropagation")
        if isinstance(propagation, str):
            supported = ("Bidirectional", "HostToContainer", "None")
            at = (*m_path, "mountPropagation")
            if propagation not in supported:
                errors.append(
                    not_supported((*path, "mountPropagation"), propagation, supported, at=at)
                )
            privileged = d(container.get("securityContext")).get("privileged") is True
            if propagation == "Bidirectional" and not privileged:
                errors.append(
                    forbidden(
                        (*path, "mountPropagation"),
                        "Bidirectional mount propagation is available only to privileged "
                        "containers",
                        at=at,
                    )
                )
        recursive = mount.get("recursiveReadOnly")
        if isinstance(recursive, str):
            at = (*m_path, "recursiveReadOnly")
            if recursive in ("Enabled", "IfPossible"):
                if mount.get("readOnly") is not True:
                    errors.append(
                        forbidden(
                            (*path, "recursiveReadOnly"),
                            "may only be specified when readOnly is true",
                            at=at,
                        )
                    )
                if isinstance(propagation, str) and propagation != "None":
                    errors.append(
                        forbidden(
                            (*path, "recursiveReadOnly"),
                            "may only be specified when mountPropagation is None or not specified",
                            at=at,
                        )
                    )
            elif recursive != "Disabled":
                errors.append(
                    not_supported(
                        (*path, "recursiveReadOnly"),
                        recursive,
                        ("Disabled", "Enabled", "IfPossible"),
                        at=at,
                    )
                )
    return errors


def _no_backsteps(target: str, path: FieldPath, at: FieldPath | None = None) -> Errors:
    if ".." in target.replace("\\", "/").split("/"):
        return [invalid(path, target, "must not contain '..'", at=at)]
    return []


def local_descending_path(target: str, path: FieldPath, at: FieldPath | None = None) -> Errors:
    errors: Errors = []
    if posixpath.isabs(target):
        errors.append(invalid(path, target, "must be a relative path", at=at))
    return errors + _no_backsteps(target, path, at)


def local_non_reserved_path(target: str, path: FieldPath, at: FieldPath | None = None) -> Errors:
    errors = local_descending_path(target, path, at)
    if target.startswith("..") and not target.startswith("../"):
        errors.append(invalid(path, target, "must not start with '..'", at=at))
    return errors
