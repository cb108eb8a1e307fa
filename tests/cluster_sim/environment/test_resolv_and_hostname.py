"""Issue #13 item 11: /etc/resolv.conf as containerd writes it, and busybox hostname's
-i, -f, -d and -s answered from the kubelet's /etc/hosts.

containerd's CRI ``parseDNSOptions`` writes ``search``, then one ``nameserver``
line per server, then ``options``. busybox ``hostname -i/-f/-d`` resolve the
UTS name with gethostbyname, which reads /etc/hosts: the first name of the
matching line is the canonical (fully qualified) one, its address the Pod IP.
"""

from __future__ import annotations

from simrun import last, of, run

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: db-0}
spec:
  %s
  containers:
  - name: c
    image: busybox:1.36
    command: ["sh", "-c", "%s; sleep 3600"]
"""


def lines(spec: str, script: str) -> tuple[list[str], str]:
    records = run(POD % (spec, script), until=15)
    ip = last(records, "pod", pod="default/db-0")["podIP"]
    return [r["line"] for r in of(records, "log")], ip


def test_resolv_conf_has_search_then_nameserver_then_options() -> None:
    said, _ = lines("hostname: db-0", "cat /etc/resolv.conf")
    assert said == [
        "search default.svc.cluster.local svc.cluster.local cluster.local",
        "nameserver 10.96.0.10",
        "options ndots:5",
    ]


def test_every_nameserver_of_a_dns_config_gets_its_own_line_after_search() -> None:
    spec = (
        "dnsPolicy: None\n  dnsConfig:\n    nameservers: [1.1.1.1, 8.8.8.8]\n"
        "    searches: [example.com]\n    options: [{name: ndots, value: '2'}]"
    )
    said, _ = lines(spec, "cat /etc/resolv.conf")
    assert said == [
        "search example.com",
        "nameserver 1.1.1.1",
        "nameserver 8.8.8.8",
        "options ndots:2",
    ]


def test_hostname_i_prints_the_pod_ip_and_f_the_name_from_etc_hosts() -> None:
    said, ip = lines("", "hostname; hostname -i; hostname -f; hostname -s; hostname -d; echo end")
    assert said == ["db-0", ip, "db-0", "db-0", "end"]  # no subdomain: no domain


def test_with_a_subdomain_hostname_f_is_the_fqdn_and_d_its_domain() -> None:
    said, ip = lines("subdomain: db", "hostname -f; hostname -d; hostname -s; hostname -i")
    assert said == [
        "db-0.db.default.svc.cluster.local",
        "db.default.svc.cluster.local",
        "db-0",
        ip,
    ]
