"""The securityContext tables of classed-society-cases.json, case by case.

``effective_identity`` (containerd's TestProcessUser and the docs' ``id``
outputs), ``verify_run_as_non_root`` (the kubelet's TestVerifyRunAsNonRoot,
1.33: the out-of-range image uid cases are not errors yet),
``capabilities_resolution`` (TestContainerCapabilities and the docs' CapPrm
and CapEff) and ``fsgroup_skip_permission_change`` (TestSkipPermissionChange).
"""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim import images
from cluster_sim.security.capabilities import (
    ALL_CAPS,
    bitmap,
    process_sets,
    resolve,
    status_lines,
)
from cluster_sim.security.context import determine_effective
from cluster_sim.security.fsgroup import skip_permission_change
from cluster_sim.security.identity import format_id, process_user
from cluster_sim.security.nonroot import pod_desc, verify_run_as_non_root
from tests.cluster_sim.reference_cases import load


def cases(table: str) -> list[dict[str, Any]]:
    return [c for c in load("classed-society-cases.json")["cases"] if c["table"] == table]


def ids(case: dict[str, Any]) -> str:
    return case["source"].rsplit("::", 1)[-1][:70]


# The docs' supplementalGroups image (agnhost) as the excerpt in the case describes it.
DOCS_IMAGE_PASSWD = "user-defined-in-image:x:1000:1000::/home/user-defined-in-image:/bin/sh\n"


@pytest.mark.parametrize("case", cases("effective_identity"), ids=ids)
def test_effective_identity(case: dict[str, Any]) -> None:
    given, expected = case["input"], case["expected"]
    if "cri_security_context" in given:
        cri = given["cri_security_context"] or {}
        identity = process_user(
            image_user=given["image_user"],
            passwd=given["image_etc_passwd"],
            group=given["image_etc_group"],
            run_as_user=cri.get("runAsUser"),
            run_as_group=cri.get("runAsGroup"),
            supplemental_groups=tuple(cri.get("supplementalGroups", ())),
            policy=cri.get("supplementalGroupsPolicy"),
        )
        assert (identity.uid, identity.gid) == (expected["uid"], expected["gid"])
        assert list(identity.groups) == expected["additionalGids"]
        assert format_id(identity, "", "") == expected["busybox_id_numeric_derived"]
        return
    # A docs example: the pod's securityContext, merged as the kubelet does.
    pod_spec = {"securityContext": given["pod_security_context"]}
    sc = determine_effective(pod_spec, {"name": "sec-ctx-demo"})
    cri_groups = ((sc.fs_group,) if sc.fs_group is not None else ()) + sc.supplemental_groups
    if given.get("image") == "busybox:1.28":
        image = images.lookup(images.parse_image(given["image"]))
        assert image is not None
        passwd, group, user = image.etc_passwd, image.etc_group, image.user
    else:
        passwd, group, user = DOCS_IMAGE_PASSWD, given["image_etc_group_excerpt"], "1000"
    identity = process_user(
        image_user=user,
        passwd=passwd,
        group=group,
        run_as_user=sc.run_as_user,
        run_as_group=sc.run_as_group,
        supplemental_groups=cri_groups,
        policy=sc.supplemental_groups_policy,
    )
    # The docs print numbers only: none of these ids has a name in busybox's files.
    shown = format_id(identity, passwd, group) if user == "" else format_id(identity, "", "")
    assert shown == expected["stdout"]
    status = expected.get("status.containerStatuses[0].user.linux")
    if status:
        assert (identity.uid, identity.gid) == (status["uid"], status["gid"])
        assert list(identity.groups) == status["supplementalGroups"]


def test_busybox_root_id_names_root_and_wheel() -> None:
    """Nothing set, busybox: root, and wheel from busybox's /etc/group."""
    image = images.lookup(images.parse_image("busybox"))
    assert image is not None
    identity = process_user(image_user="", passwd=image.etc_passwd, group=image.etc_group)
    assert (
        format_id(identity, image.etc_passwd, image.etc_group)
        == "uid=0(root) gid=0(root) groups=0(root),10(wheel)"
    )


@pytest.mark.parametrize("case", cases("verify_run_as_non_root"), ids=ids)
def test_verify_run_as_non_root(case: dict[str, Any]) -> None:
    given, expected = case["input"], case["expected"]
    pod = given["pod"]
    container = given["container"]
    sc = determine_effective({}, container)
    message = verify_run_as_non_root(
        pod_desc(pod["name"], pod["namespace"], pod["uid"]),
        container["name"],
        sc,
        given["image_uid"],
        given["image_username"],
    )
    if "version_note" in expected:
        # PR #130871 came after 1.33: the 1.33 kubelet lets these images start.
        assert message is None
    elif expected["error"]:
        assert message == expected["message"]
        assert f"Error: {message}" == expected["event"]["message"]
    else:
        assert message is None


@pytest.mark.parametrize("case", cases("capabilities_resolution"), ids=ids)
def test_capabilities_resolution(case: dict[str, Any]) -> None:
    given, expected = case["input"], case["expected"]
    caps_spec = given.get("capabilities") or {}
    caps = resolve(
        caps_spec.get("add", ()), caps_spec.get("drop", ()), given.get("privileged", False)
    )
    if "CapPrm" in expected:
        sets = process_sets(caps, given["process_uid"])
        lines = status_lines(sets)
        assert f"CapPrm:\t{expected['CapPrm']}" in lines
        assert f"CapEff:\t{expected['CapEff']}" in lines
        assert sorted(caps) == sorted(expected["set"])
        return
    derived = expected["resolved_from_containerd_default_derived"]
    if derived == "all known capabilities":
        assert caps == set(ALL_CAPS)
    elif derived == "all known capabilities minus CAP_CHOWN":
        assert caps == set(ALL_CAPS) - {"CAP_CHOWN"}
    else:
        assert sorted(caps) == sorted(derived)
    if isinstance(expected["excludes"], list):
        assert not caps & set(expected["excludes"])
    sets = process_sets(caps, 0)
    assert sets.inheritable == frozenset() and sets.ambient == frozenset()


def test_privileged_holds_every_known_capability() -> None:
    assert bitmap(resolve(privileged=True)) == "000001ffffffffff"


def test_non_root_process_keeps_only_the_bounding_set() -> None:
    lines = status_lines(process_sets(resolve(), 1000))
    assert lines == [
        "CapInh:\t0000000000000000",
        "CapPrm:\t0000000000000000",
        "CapEff:\t0000000000000000",
        "CapBnd:\t00000000a80425fb",
        "CapAmb:\t0000000000000000",
    ]


@pytest.mark.parametrize("case", cases("fsgroup_skip_permission_change"), ids=ids)
def test_fsgroup_skip_permission_change(case: dict[str, Any]) -> None:
    given = case["input"]
    fs_group = 3000
    mode = 0o770 if given["root_dir_has_rwxrwx---_bits"] else 0o700
    if given["root_dir_has_setgid"]:
        mode |= 0o2000
    skipped = skip_permission_change(
        given["fsGroupChangePolicy"],
        root_gid=fs_group if given["root_dir_gid_matches_fsGroup"] else 0,
        root_mode=mode,
        fs_group=fs_group,
        read_only=given["readOnly"],
    )
    assert skipped == case["expected"]["skip_recursive_change"]
