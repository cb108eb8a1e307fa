"""cluster_sim.environment.hosts reproduces a pod's hostname, /etc/hosts and DNS.

Cases: pod-environment-cases.json topics ``pod_hosts_file``
(kubelet_pods_test.go TestManagedHostsFileContent), ``pod_hostname``
(GeneratePodHostNameAndDomain) and ``pod_dns`` (dns.go and the DNS docs).
"""

from __future__ import annotations

from typing import Any

import pytest
from reference_cases import load

from cluster_sim.environment.hosts import (
    HostnameError,
    generate_pod_hostname_and_domain,
    managed_hosts_file_content,
    pod_dns_config,
    pod_fqdn,
    pod_ip_dns_name,
    pod_ip_service_dns_name,
    resolv_conf_content,
    service_dns_name,
    service_srv_name,
)

CASES_FILE = "pod-environment-cases.json"

ALL_CASES: list[dict[str, Any]] = load(CASES_FILE)
POD_IP_PLACEHOLDER = "<podIP>"


def is_unverified(case: dict[str, Any]) -> bool:
    return "[UNVERIFIED]" in case["source"] or "[UNVERIFIED]" in (case.get("note") or "")


def params(topic: str, name: Any) -> list[Any]:
    chosen = []
    for case in (c for c in ALL_CASES if c["topic"] == topic):
        marks = []
        if is_unverified(case):
            marks.append(
                pytest.mark.xfail(
                    reason="case marked [UNVERIFIED] in the reference: " + case["note"],
                    strict=False,
                )
            )
        chosen.append(pytest.param(case, id=f"{topic}/{name(case)}", marks=marks))
    assert chosen
    return chosen


def hosts_case_name(case: dict[str, Any]) -> str:
    data = case["input"]
    parts = ["TestManagedHostsFileContent", f"{len(data['hostIPs'])}ip"]
    parts.append("domain" if data["hostDomainName"] else "no-domain")
    parts.append(f"{len(data['hostAliases'])}aliases")
    return "-".join(parts)


def hostname_case_name(case: dict[str, Any]) -> str:
    return "GeneratePodHostNameAndDomain-" + case["input"]["pod"]["name"][:20]


def dns_case_name(case: dict[str, Any]) -> str:
    if "dnsPolicy" in case["input"]:
        return "generateSearchesForDNSClusterFirst"
    return "dns-pod-service-names"


@pytest.mark.parametrize("case", params("pod_hosts_file", hosts_case_name))
def test_managed_hosts_file_content(case: dict[str, Any]) -> None:
    data = case["input"]
    got = managed_hosts_file_content(
        data["hostIPs"], data["hostName"], data["hostDomainName"], data["hostAliases"]
    )
    assert got == case["expected"]["etc_hosts"]


@pytest.mark.parametrize("case", params("pod_hostname", hostname_case_name))
def test_pod_hostname_and_domain(case: dict[str, Any]) -> None:
    data = case["input"]
    described = data["pod"]
    pod = {
        "metadata": {"name": described["name"], "namespace": described.get("namespace")},
        "spec": described.get("spec", {}),
    }
    expected = case["expected"]
    hostname, domain = generate_pod_hostname_and_domain(
        pod, data.get("clusterDomain", "cluster.local")
    )
    assert hostname == expected["hostname"]
    if "hostDomain" in expected:
        assert domain == expected["hostDomain"]
    if "fqdn" in expected:
        assert pod_fqdn(hostname, domain) == expected["fqdn"]
    if "etc_hosts_pod_line" in expected:
        content = managed_hosts_file_content([POD_IP_PLACEHOLDER], hostname, domain)
        assert content.splitlines()[-1] == expected["etc_hosts_pod_line"]


@pytest.mark.parametrize("case", params("pod_dns", dns_case_name))
def test_pod_dns(case: dict[str, Any]) -> None:
    data = case["input"]
    expected = case["expected"]
    if "dnsPolicy" in data:
        pod = {
            "metadata": {"name": "p", "namespace": data["namespace"]},
            "spec": {"dnsPolicy": data["dnsPolicy"]},
        }
        config = pod_dns_config(
            pod,
            cluster_dns=data["clusterDNS"],
            cluster_domain=data["clusterDomain"],
            node_searches=data["node_resolv_search"],
        )
        # The table gives the lines the kubelet's DNS config makes; their order in the
        # file is containerd's (search, nameserver, options: see the test below).
        content = resolv_conf_content(config)
        assert sorted(content.splitlines()) == sorted(expected["resolv_conf"].splitlines())
        assert content.splitlines()[0].startswith("search ")
        assert config.warnings == ()
    else:
        domain = data["clusterDomain"]
        service, namespace = data["service"], data["namespace"]
        port = data["named_port"]
        assert service_dns_name(service, namespace, domain) == expected["service_A"]
        assert (
            service_srv_name(port["name"], port["protocol"], service, namespace, domain)
            == (expected["service_SRV"])
        )
        assert pod_ip_dns_name(data["pod_ip"], namespace, domain) == expected["pod_A_legacy"]
        assert (
            pod_ip_service_dns_name(data["pod_ip"], service, namespace, domain)
            == (expected["pod_A_via_service_legacy"])
        )


# Rules from pod-environment.md section 7 the tables only imply ----------------------


def test_invalid_hostname_is_refused_with_the_kubelet_message() -> None:
    pod = {"metadata": {"name": "p", "namespace": "ns"}, "spec": {"hostname": "a.b"}}
    with pytest.raises(
        HostnameError,
        match=r'^pod Hostname "a.b" is not a valid DNS label: '
        r"must not contain dots$",
    ):
        generate_pod_hostname_and_domain(pod)


def test_dns_limits_and_host_network_fallback() -> None:
    pod = {
        "metadata": {"namespace": "ns"},
        "spec": {
            "dnsConfig": {
                "nameservers": ["1.1.1.1", "8.8.8.8", "9.9.9.9"],
                "options": [{"name": "ndots", "value": "2"}],
            }
        },
    }
    config = pod_dns_config(pod, cluster_dns=["10.96.0.10"])
    assert config.servers == ("10.96.0.10", "1.1.1.1", "8.8.8.8")
    assert config.options == ("ndots:2",)
    assert config.warnings[0].startswith("Nameserver limits were exceeded")

    host_network = {"spec": {"hostNetwork": True}}
    config = pod_dns_config(
        host_network,
        cluster_dns=["10.96.0.10"],
        node_nameservers=["192.168.1.1"],
        node_searches=["lan"],
    )
    assert resolv_conf_content(config) == "search lan\nnameserver 192.168.1.1"
