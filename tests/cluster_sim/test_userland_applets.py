"""busybox 1.36 applets the talk's demos and the docs' tasks use (issue #13, item 13).

Each expected output is what the applet prints, byte for byte (wordings
written from memory of busybox's source are marked so in DESIGN.md).
"""

from __future__ import annotations

import pytest
from simrun import of, run
from test_userland import sh

CASES = [
    # sort, uniq, cut, tr
    ("printf 'b\\na\\nc\\na\\n' | sort", "a\na\nb\nc\n"),
    ("printf '10\\n9\\n100\\n' | sort -n", "9\n10\n100\n"),
    ("printf '10\\n9\\n100\\n' | sort -rn", "100\n10\n9\n"),
    ("printf 'a 3\\nb 1\\nc 2\\n' | sort -k2 -n", "b 1\nc 2\na 3\n"),
    ("printf 'x:3\\ny:1\\n' | sort -t: -k2", "y:1\nx:3\n"),
    ("printf 'b\\na\\nb\\n' | sort -u", "a\nb\n"),
    ("printf 'a\\na\\nb\\na\\n' | uniq -c", "      2 a\n      1 b\n      1 a\n"),
    ("printf 'a\\na\\nb\\n' | sort | uniq -d", "a\n"),
    ("echo a:b:c:d | cut -d: -f2,4", "b:d\n"),
    ("echo hello | cut -c2-4", "ell\n"),
    ("echo hello | tr a-z A-Z", "HELLO\n"),
    ("echo hello | tr '[:lower:]' '[:upper:]'", "HELLO\n"),
    ("echo hello world | tr -d lo", "he wrd\n"),
    ("echo aaabbb | tr -s ab", "ab\n"),
    # grep keeps every -e pattern (a line matching any of them)
    ("printf 'tmpfs\\nshm\\next4\\n' | grep -e tmpfs -e shm", "tmpfs\nshm\n"),
    ("printf 'a\\nb\\nc\\n' | grep -v -e a -e c", "b\n"),
    # sed
    ("echo hello world | sed s/o/0/", "hell0 world\n"),
    ("echo hello world | sed s/o/0/g", "hell0 w0rld\n"),
    ("printf 'a\\nb\\nc\\nd\\n' | sed -n 2,3p", "b\nc\n"),
    ("printf 'a\\nb\\nc\\n' | sed 2d", "a\nc\n"),
    ("printf 'a\\nb\\nc\\n' | sed '$d'", "a\nb\n"),
    ("printf 'a\\nb\\nc\\n' | sed -n '$p'", "c\n"),
    ("printf 'x1\\ny2\\nx3\\n' | sed -n /x/p", "x1\nx3\n"),
    ("printf 'a\\nb\\nc\\n' | sed '/b/!d'", "b\n"),
    ("echo abc | sed -E 's/(a)(b)/\\2\\1[&]/'", "ba[ab]c\n"),
    ("printf 'a\\nb\\n' | sed -e s/a/A/ -e s/b/B/", "A\nB\n"),
    ("printf '1\\n2\\n3\\n' | sed 2q", "1\n2\n"),
    ("printf 'a\\nb\\n' | sed =", "1\na\n2\nb\n"),
    ("echo foo > /tmp/f; sed -i s/foo/bar/ /tmp/f; cat /tmp/f", "bar\n"),
    ("echo a | sed k; echo $?", "sed: unknown command: 'k'\n1\n"),
    # awk
    ("echo 'a b c' | awk '{print $2}'", "b\n"),
    ("printf 'x 1\\ny 2\\nz 3\\n' | awk '$2 > 1 {print $1, NR}'", "y 2\nz 3\n"),
    ("printf 'x 1\\ny 2\\n' | awk '{s += $2} END {print s, NR}'", "3 2\n"),
    ("echo a:b:c | awk -F: '{print NF, $NF}'", "3 c\n"),
    ("printf 'ERROR x\\nINFO y\\n' | awk '/ERROR/'", "ERROR x\n"),
    ('echo 3 4 | awk \'{printf "%d-%5.2f|%s\\n", $1, $2/3, "s"}\'', "3- 1.33|s\n"),
    (
        'awk \'BEGIN {x = 2; x++; print x * 3, length("abc"), substr("hello", 2, 3)}\'',
        "9 3 ell\n",
    ),
    ("awk -v n=5 'BEGIN {print n + 1}'", "6\n"),
    ("printf 'a\\nb\\na\\n' | awk '{c[$1]++} END {print c[\"a\"], c[\"b\"]}'", "2 1\n"),
    ('echo \'a b\' | awk \'{ if ($1 == "a") print "yes"; else print "no" }\'', "yes\n"),
    ("echo 5 | awk '{print $1 / 2, $1 % 2, -$1}'", "2.5 1 -5\n"),
    ("echo a b | awk '{$2 = \"X\"; print; print NF}'", "a X\n2\n"),
    ("awk 'BEGIN {print 1/3}'", "0.333333\n"),
    # identity and the kernel
    ("id; whoami", "uid=0(root) gid=0(root) groups=0(root),10(wheel)\nroot\n"),
    ("uname; uname -n; uname -m", "Linux\nweb-1\nx86_64\n"),
    (
        "uname -a",
        "Linux web-1 6.8.0-1015-gke #19-Ubuntu SMP PREEMPT_DYNAMIC Tue Aug 27 14:30:28 UTC 2024"
        " x86_64 GNU/Linux\n",
    ),
    ("nproc", "2\n"),
    # files and commands
    (
        "stat -c '%n %s %A %F' /etc /etc/hostname",
        "/etc 4096 drwxr-xr-x directory\n/etc/hostname 6 -rw-r--r-- regular file\n",
    ),
    (
        "mkdir -p /t/a; touch /t/a/x.log /t/b.txt; find /t; find /t -name '*.log'; "
        "find /t -type d -maxdepth 1",
        "/t\n/t/a\n/t/a/x.log\n/t/b.txt\n/t/a/x.log\n/t\n/t/a\n",
    ),
    ("echo a b c | xargs -n 1 echo item", "item a\nitem b\nitem c\n"),
    ("mkdir /d; echo hi > /d/f; find /d -type f | xargs cat", "hi\n"),
    ("mkdir /d; echo hi > /d/f; find /d -name f -exec cat {} ';'", "hi\n"),
    ("which sh ls nope; echo $?", "/bin/sh\n/bin/ls\n1\n"),
    ("command -v echo ls nope; echo $?", "echo\n/bin/ls\n1\n"),
    ("f() { :; }; command -V f echo", "f is a function\necho is a shell builtin\n"),
    # the ones that were there before, kept exact
    ("printf 'a\\nb\\nc\\n' | wc -l; echo abc | wc -c", "3\n4\n"),
    ("seq 3 | tee /tmp/t | tail -n 1; cat /tmp/t", "3\n1\n2\n3\n"),
    ("basename /a/b/c.txt .txt; dirname /a/b/c.txt", "c\n/a/b\n"),
]


@pytest.mark.parametrize(("script", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_applet_prints_as_busybox_does(script: str, expected: str) -> None:
    result = sh(script)
    assert result.log == expected


def test_ps_lists_pid_1_first_then_the_shell_children() -> None:
    result = sh("sleep 5 & yes | head -n 1 >/dev/null; ps; kill %1")
    assert result.log == (
        "PID   USER     TIME  COMMAND\n"
        "    1 root      0:00 sh -c sleep 5 & yes | head -n 1 >/dev/null; ps; kill %1\n"
        "    2 root      0:00 sleep 5\n"
    )


def test_ps_shows_each_stage_of_a_running_pipeline() -> None:
    result = sh("sleep 1 | ps | cat")
    assert result.log == (
        "PID   USER     TIME  COMMAND\n"
        "    1 root      0:00 sh -c sleep 1 | ps | cat\n"
        "    2 root      0:00 sleep 1\n"
        "    3 root      0:00 ps\n"
        "    4 root      0:00 sh -c sleep 1 | ps | cat\n"
    )


def test_pkill_signals_the_matching_job_and_pgrep_finds_it() -> None:
    result = sh("sleep 100 & pgrep sleep; pkill sleep; echo $?; wait; pgrep sleep; echo $?")
    assert (result.log, result.slept) == ("2\n0\n1\n", 0)


def test_df_and_mount_show_the_container_filesystems_with_their_types() -> None:
    assert sh("df").log == (
        "Filesystem           1K-blocks      Used Available Use% Mounted on\n"
        "overlay              104857600   5242880  99614720   5% /\n"
        "tmpfs                    65536         0     65536   0% /dev\n"
        "shm                      65536         0     65536   0% /dev/shm\n"
    )
    assert sh("mount").log.splitlines()[0] == "overlay on / type overlay (rw,relatime)"
    assert (
        "shm on /dev/shm type tmpfs (rw,nosuid,nodev,noexec,relatime,size=65536k)"
        in sh("mount").log.splitlines()
    )


def test_free_shows_the_node_memory_in_kib() -> None:
    assert sh("free").log == (
        "              total        used        free      shared  buff/cache   available\n"
        "Mem:        8388608      524288     6815744           0     1048576     7864320\n"
        "Swap:             0           0           0\n"
    )


def test_stat_prints_busybox_layout() -> None:
    assert sh("stat /etc/hostname").log == (
        "  File: '/etc/hostname'\n"
        "  Size: 6         \tBlocks: 8          IO Block: 4096   regular file\n"
        "Device: 10000ch/65548d\tInode: 0           Links: 1\n"
        "Access: (0644/-rw-r--r--)  Uid: (    0/    root)   Gid: (    0/    root)\n"
        "Access: 2026-01-01 00:00:00.000000000 +0000\n"
        "Modify: 2026-01-01 00:00:00.000000000 +0000\n"
        "Change: 2026-01-01 00:00:00.000000000 +0000\n"
    )


FILTERS = [
    ("sed s/x/y/", "y\n"),
    ("awk '{print $1}'", "x\n"),
    ("cut -c1", "x\n"),
    ("tr x z", "z\n"),
    ("grep x", "x\n"),
    ("cat", "x\n"),
    ("tee /tmp/copy", "x\n"),
]


@pytest.mark.parametrize(("filt", "line"), FILTERS)
def test_a_filter_at_the_end_of_an_endless_pipe_delivers_each_line(filt: str, line: str) -> None:
    result = sh(f"while true; do echo x; sleep 1; done | {filt}", until=2500)
    assert result.status is None
    assert result.outputs == [(0, line), (1000, line), (2000, line)]


def test_uniq_prints_a_line_once_the_next_different_one_arrives() -> None:
    result = sh("i=0; while true; do echo $i; i=$((i+1)); sleep 1; done | uniq", until=2500)
    assert result.outputs == [(1000, "0\n"), (2000, "1\n")]


def test_ls_dash_capital_l_shows_what_links_point_to() -> None:
    script = "mkdir /d; echo hello > /d/real; ln -s real /d/link; ls -l /d; ls -lL /d"
    assert sh(script).log == (
        "total 4\n"
        "lrwxrwxrwx    1 root     root             4 Jan  1 00:00 link -> real\n"
        "-rw-r--r--    1 root     root             6 Jan  1 00:00 real\n"
        "total 8\n"
        "-rw-r--r--    1 root     root             6 Jan  1 00:00 link\n"
        "-rw-r--r--    1 root     root             6 Jan  1 00:00 real\n"
    )


def test_cat_numbers_lines_of_a_pipe_as_they_come() -> None:
    assert (
        sh("printf 'a\\nb\\n' | cat -n; echo x | cat -n").log == "     1\ta\n     2\tb\n     1\tx\n"
    )
    result = sh("while true; do echo x; sleep 1; done | cat -n", until=1500)
    assert result.outputs == [(0, "     1\tx\n"), (1000, "     2\tx\n")]


NC_POD = """apiVersion: v1
kind: Pod
metadata: {name: nc}
spec:
  containers:
  - name: nc
    image: busybox
    command: ["sh", "-c", "nc -lk -p 8080"]
    readinessProbe:
      tcpSocket: {port: 8080}
      periodSeconds: 5
"""


def test_nc_listening_makes_a_tcp_probe_pass() -> None:
    records = run(NC_POD, until=10)
    assert [(r["t"], r["ready"]) for r in of(records, "pod")][-1] == (3.0, "1/1")


def test_ip_and_ifconfig_show_the_pod_address_on_eth0() -> None:
    assert sh("ip addr").log == (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "    inet 127.0.0.1/8 scope host lo\n"
        "       valid_lft forever preferred_lft forever\n"
        "2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue \n"
        "    link/ether 0a:58:0a:f4:00:02 brd ff:ff:ff:ff:ff:ff\n"
        "    inet 10.244.0.2/24 brd 10.244.0.255 scope global eth0\n"
        "       valid_lft forever preferred_lft forever\n"
    )
    assert sh("ifconfig eth0").log.splitlines()[:2] == [
        "eth0      Link encap:Ethernet  HWaddr 0A:58:0A:F4:00:02  ",
        "          inet addr:10.244.0.2  Bcast:10.244.0.255  Mask:255.255.255.0",
    ]


def test_ping_answers_from_the_pod_and_not_from_a_service_ip() -> None:
    result = sh("ping -c 2 localhost")
    assert (result.log, result.slept) == (
        "PING localhost (127.0.0.1): 56 data bytes\n"
        "64 bytes from 127.0.0.1: seq=0 ttl=64 time=0.080 ms\n"
        "64 bytes from 127.0.0.1: seq=1 ttl=64 time=0.080 ms\n"
        "\n--- localhost ping statistics ---\n"
        "2 packets transmitted, 2 packets received, 0% packet loss\n"
        "round-trip min/avg/max = 0.080/0.080/0.080 ms\n",
        1000,
    )
    lost = sh("ping -c 1 10.96.0.1; echo $?")
    assert lost.log == (
        "PING 10.96.0.1 (10.96.0.1): 56 data bytes\n"
        "\n--- 10.96.0.1 ping statistics ---\n"
        "1 packets transmitted, 0 packets received, 100% packet loss\n1\n"
    )


def test_top_once_lists_the_processes() -> None:
    assert sh("top -n 1").log == (
        "Mem: 524288K used, 7864320K free, 0K shrd, 0K buff, 1048576K cached\n"
        "CPU:   0% usr   0% sys   0% nic 100% idle   0% io   0% irq   0% sirq\n"
        "Load average: 0.00 0.00 0.00 1/1 1\n"
        "  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND\n"
        "    1     0 root     R     1336   0%   0   0% sh -c top -n 1\n"
    )
