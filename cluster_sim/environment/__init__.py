"""What a container sees of its pod: environment variables, Downward API, hosts, DNS.

* :mod:`.expansion`: ``$(VAR)`` expansion;
* :mod:`.service_links`: service-link environment variables;
* :mod:`.downward`: ``fieldRef``/``resourceFieldRef`` values and volume files;
* :mod:`.hosts`: hostname and domain, ``/etc/hosts``, ``resolv.conf``.
"""

from cluster_sim.environment.downward import (
    container_resource_runtime_value,
    default_limits_for_downward_api,
    format_map,
    pod_field_runtime_value,
)
from cluster_sim.environment.expansion import expand, expand_env_values, mapping_func_for
from cluster_sim.environment.hosts import (
    generate_pod_hostname_and_domain,
    managed_hosts_file_content,
    pod_dns_config,
    resolv_conf_content,
)
from cluster_sim.environment.service_links import (
    from_services,
    merge_service_env,
    service_env_var_map,
)

__all__ = [
    "container_resource_runtime_value",
    "default_limits_for_downward_api",
    "expand",
    "expand_env_values",
    "format_map",
    "from_services",
    "generate_pod_hostname_and_domain",
    "managed_hosts_file_content",
    "mapping_func_for",
    "merge_service_env",
    "pod_dns_config",
    "pod_field_runtime_value",
    "resolv_conf_content",
    "service_env_var_map",
]
