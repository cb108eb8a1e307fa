"""A pod's network identity: hostname and domain, ``/etc/hosts`` and ``resolv.conf``.

pod-environment.md section 7.  Ports of the kubelet's
``GeneratePodHostNameAndDomain``, ``managedHostsFileContent`` and the DNS
configurer (``pkg/kubelet/network/dns``), plus the DNS names the cluster DNS
add-on serves for Services and pods.  Pods are plain manifest dicts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "DNSConfig",
    "HostnameError",
    "generate_pod_hostname_and_domain",
    "host_network_hosts_file_content",
    "managed_hosts_file_content",
    "pod_dns_config",
    "pod_fqdn",
    "pod_ip_dns_name",
    "pod_ip_service_dns_name",
    "resolv_conf_content",
    "service_dns_name",
    "service_srv_name",
]

MANAGED_HOSTS_HEADER: Final = "# Kubernetes-managed hosts file.\n"
# [UNVERIFIED] header of the host-network variant (pod-environment.md section 7)
MANAGED_HOSTS_HEADER_HOST_NETWORK: Final = "# Kubernetes-managed hosts file (host network).\n"
HOSTNAME_MAX_LENGTH: Final = 63
MAX_DNS_NAMESERVERS: Final = 3
MAX_DNS_SEARCH_PATHS: Final = 32
MAX_DNS_SEARCH_LIST_CHARS: Final = 2048
_DNS1123_SUBDOMAIN_MAX_LENGTH: Final = 253
DEFAULT_DNS_OPTIONS: Final = ("ndots:5",)

_LABEL_RE: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_SUBDOMAIN_RE: Final = re.compile(
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
)
_LABEL_MSG: Final = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-',"
    " and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc',"
    " regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)


class HostnameError(ValueError):
    """``spec.hostname`` or ``spec.subdomain`` is not a DNS label (kubelet message)."""


def _dns1123_label_errors(value: str) -> list[str]:
    """apimachinery ``IsDNS1123Label``."""
    errors: list[str] = []
    if len(value) > HOSTNAME_MAX_LENGTH:
        errors.append(f"must be no more than {HOSTNAME_MAX_LENGTH} characters")
    if not _LABEL_RE.fullmatch(value):
        errors.append("must not contain dots" if _SUBDOMAIN_RE.fullmatch(value) else _LABEL_MSG)
    return errors


def _truncate_hostname(pod_name: str, hostname: str) -> str:
    """``truncatePodHostnameIfNeeded``: cut to 63 characters, drop trailing ``-``/``.``."""
    if len(hostname) <= HOSTNAME_MAX_LENGTH:
        return hostname
    truncated = hostname[:HOSTNAME_MAX_LENGTH].rstrip("-.")
    if not truncated:
        raise HostnameError(f'hostname for pod "{pod_name}" was invalid: "{hostname}"')
    return truncated


def generate_pod_hostname_and_domain(
    pod: Mapping[str, Any], cluster_domain: str = "cluster.local"
) -> tuple[str, str]:
    """``GeneratePodHostNameAndDomain``: (hostname, domain) inside the pod.

    The hostname is ``spec.hostname`` or else the pod name, at most 63
    characters.  The domain is ``<subdomain>.<namespace>.svc.<cluster domain>``
    when ``spec.subdomain`` is set, otherwise empty.
    """
    metadata = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    name = str(metadata.get("name") or "")
    hostname = name
    requested = str(spec.get("hostname") or "")
    if requested:
        errors = _dns1123_label_errors(requested)
        if errors:
            raise HostnameError(
                f'pod Hostname "{requested}" is not a valid DNS label: {";".join(errors)}'
            )
        hostname = requested
    hostname = _truncate_hostname(name, hostname)

    domain = ""
    subdomain = str(spec.get("subdomain") or "")
    if subdomain:
        errors = _dns1123_label_errors(subdomain)
        if errors:
            raise HostnameError(
                f'pod Subdomain "{subdomain}" is not a valid DNS label: {";".join(errors)}'
            )
        namespace = str(metadata.get("namespace") or "default")
        domain = f"{subdomain}.{namespace}.svc.{cluster_domain}"
    return hostname, domain


def pod_fqdn(hostname: str, domain: str) -> str:
    """``hostname.domain`` when there is a domain, else the bare hostname."""
    return f"{hostname}.{domain}" if domain else hostname


def _host_aliases_block(host_aliases: Iterable[Mapping[str, Any]]) -> str:
    """``hostsEntriesFromHostAliases``: one line per alias IP after a blank line."""
    aliases = list(host_aliases)
    if not aliases:
        return ""
    lines = ["\n# Entries added by HostAliases.\n"]
    for alias in aliases:
        lines.append(f"{alias.get('ip', '')}\t{chr(9).join(alias.get('hostnames') or ())}\n")
    return "".join(lines)


def managed_hosts_file_content(
    host_ips: Sequence[str],
    hostname: str,
    domain: str = "",
    host_aliases: Iterable[Mapping[str, Any]] = (),
) -> str:
    """``managedHostsFileContent``: the ``/etc/hosts`` the kubelet writes for a pod.

    ``host_ips`` are the pod's IPs (one line each), ``hostname``/``domain``
    come from :func:`generate_pod_hostname_and_domain` and ``host_aliases`` is
    ``spec.hostAliases``.
    """
    lines = [
        MANAGED_HOSTS_HEADER,
        "127.0.0.1\tlocalhost\n",
        "::1\tlocalhost ip6-localhost ip6-loopback\n",
        "fe00::0\tip6-localnet\n",
        "fe00::0\tip6-mcastprefix\n",
        "fe00::1\tip6-allnodes\n",
        "fe00::2\tip6-allrouters\n",
    ]
    for ip in host_ips:
        if domain:
            lines.append(f"{ip}\t{hostname}.{domain}\t{hostname}\n")
        else:
            lines.append(f"{ip}\t{hostname}\n")
    return "".join(lines) + _host_aliases_block(host_aliases)


def host_network_hosts_file_content(
    node_hosts_file: str, host_aliases: Iterable[Mapping[str, Any]] = ()
) -> str:
    """``nodeHostsFileContent`` for hostNetwork pods: the node's file plus aliases.

    The header line is [UNVERIFIED] in the reference.
    """
    return MANAGED_HOSTS_HEADER_HOST_NETWORK + node_hosts_file + _host_aliases_block(host_aliases)


# --------------------------------------------------------------------------------------
# DNS (pkg/kubelet/network/dns/dns.go)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DNSConfig:
    """The resolver configuration handed to the runtime (runtimeapi.DNSConfig)."""

    servers: tuple[str, ...] = ()
    searches: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)


def _omit_duplicates(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result: list[str] = []
    for value in values:
        if value not in seen:
            seen.add(value)
            result.append(value)
    return result


def _merge_dns_options(existing: Iterable[str], extra: Iterable[Mapping[str, Any]]) -> list[str]:
    """``mergeDNSOptions``: pod options override the base ones by name.

    Go builds the list from a map (random order); it is sorted here.
    """
    options: dict[str, str] = {}
    for option in existing:
        name, _, value = option.partition(":")
        options[name] = value
    for entry in extra:
        given = entry.get("value")
        options[str(entry.get("name", ""))] = "" if given is None else str(given)
    return [f"{name}:{value}" if value else name for name, value in sorted(options.items())]


def _fit_searches(searches: list[str], warnings: list[str]) -> list[str]:
    """``formDNSSearchFitsLimits``."""
    exceeded = False
    if len(searches) > MAX_DNS_SEARCH_PATHS:
        searches = searches[:MAX_DNS_SEARCH_PATHS]
        exceeded = True
    kept = [s for s in searches if len(s) <= _DNS1123_SUBDOMAIN_MAX_LENGTH]
    exceeded = exceeded or len(kept) != len(searches)
    searches = kept
    line_length = len(" ".join(searches))
    if line_length > MAX_DNS_SEARCH_LIST_CHARS:
        cut_number = 0
        cut_length = 0
        for search in reversed(searches):
            cut_length += len(search) + 1
            cut_number += 1
            if line_length - cut_length <= MAX_DNS_SEARCH_LIST_CHARS:
                break
        searches = searches[: len(searches) - cut_number]
        exceeded = True
    if exceeded:
        warnings.append(
            "Search Line limits were exceeded, some search paths have been omitted, "
            "the applied search line is: " + " ".join(searches)
        )
    return searches


def pod_dns_config(
    pod: Mapping[str, Any],
    *,
    cluster_dns: Sequence[str] = (),
    cluster_domain: str = "cluster.local",
    node_nameservers: Sequence[str] = (),
    node_searches: Sequence[str] = (),
    node_options: Sequence[str] = (),
) -> DNSConfig:
    """``Configurer.GetPodDNS``: nameservers, search list and options for a pod.

    ``ClusterFirst`` (the default) uses the cluster DNS service and the search
    list ``<ns>.svc.<domain> svc.<domain> <domain>`` followed by the node's
    search domains, with ``ndots:5``; hostNetwork pods fall back to
    ``Default`` (the node's resolv.conf) unless the policy is
    ``ClusterFirstWithHostNet``; ``None`` starts empty.  ``spec.dnsConfig`` is
    appended last.  ``warnings`` carries the DNSConfigForming event messages.
    """
    spec = pod.get("spec") or {}
    namespace = str((pod.get("metadata") or {}).get("namespace") or "default")
    policy = str(spec.get("dnsPolicy") or "ClusterFirst")
    warnings: list[str] = []

    servers = list(node_nameservers)
    searches = list(node_searches)
    options = list(node_options)
    if policy == "ClusterFirst":
        use_cluster = not spec.get("hostNetwork")
    else:
        # an unknown policy (rejected by the API anyway) is treated as ClusterFirst
        use_cluster = policy not in ("Default", "None")
    if policy == "None":
        servers, searches, options = [], [], []
    elif use_cluster and cluster_dns:
        servers = list(cluster_dns)
        if cluster_domain:
            cluster_search = [
                f"{namespace}.svc.{cluster_domain}",
                f"svc.{cluster_domain}",
                cluster_domain,
            ]
            searches = _omit_duplicates([*cluster_search, *searches])
        options = list(DEFAULT_DNS_OPTIONS)
    elif use_cluster:
        warnings.append(
            "kubelet does not have ClusterDNS IP configured and cannot create Pod using "
            '"ClusterFirst" policy. Falling back to "Default" policy.'
        )

    dns_config = spec.get("dnsConfig")
    if dns_config:
        servers = _omit_duplicates([*servers, *(dns_config.get("nameservers") or ())])
        searches = _omit_duplicates([*searches, *(dns_config.get("searches") or ())])
        options = _merge_dns_options(options, dns_config.get("options") or ())

    if len(servers) > MAX_DNS_NAMESERVERS:
        servers = servers[:MAX_DNS_NAMESERVERS]
        warnings.append(
            "Nameserver limits were exceeded, some nameservers have been omitted, "
            "the applied nameserver line is: " + " ".join(servers)
        )
    searches = _fit_searches(searches, warnings)
    return DNSConfig(tuple(servers), tuple(searches), tuple(options), tuple(warnings))


def resolv_conf_content(config: DNSConfig) -> str:
    """The pod's ``/etc/resolv.conf`` as containerd writes it (CRI ``parseDNSOptions``):
    the search line, then one nameserver line per server, then options."""
    lines = []
    if config.searches:
        lines.append("search " + " ".join(config.searches))
    lines += [f"nameserver {server}" for server in config.servers]
    if config.options:
        lines.append("options " + " ".join(config.options))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# names served by the cluster DNS add-on (kubernetes.io docs: DNS for Services and Pods)
# --------------------------------------------------------------------------------------


def service_dns_name(service: str, namespace: str, cluster_domain: str = "cluster.local") -> str:
    """``my-svc.my-namespace.svc.cluster.local``."""
    return f"{service}.{namespace}.svc.{cluster_domain}"


def service_srv_name(
    port_name: str,
    protocol: str,
    service: str,
    namespace: str,
    cluster_domain: str = "cluster.local",
) -> str:
    """``_http._tcp.my-svc.my-namespace.svc.cluster.local`` for a named port."""
    name = service_dns_name(service, namespace, cluster_domain)
    return f"_{port_name}._{protocol.lower()}.{name}"


def _dashed_ip(pod_ip: str) -> str:
    return pod_ip.replace(".", "-").replace(":", "-")


def pod_ip_dns_name(pod_ip: str, namespace: str, cluster_domain: str = "cluster.local") -> str:
    """``172-17-0-3.my-namespace.pod.cluster.local`` (legacy pod A record)."""
    return f"{_dashed_ip(pod_ip)}.{namespace}.pod.{cluster_domain}"


def pod_ip_service_dns_name(
    pod_ip: str, service: str, namespace: str, cluster_domain: str = "cluster.local"
) -> str:
    """``172-17-0-3.my-svc.my-namespace.svc.cluster.local`` (pod behind a Service)."""
    return f"{_dashed_ip(pod_ip)}.{service_dns_name(service, namespace, cluster_domain)}"
