"""Checking a gallery entry's "what to watch for" text against its run.

Every number (times, counts, sizes), spelled count ("three", "twice"), signal
name and Kubernetes status or reason word (``CrashLoopBackOff``, ``Running``,
``OOMKilled``, ``Guaranteed``, ...) in an entry's ``watch`` text is a *fact*.
A watch check confirms each fact with a phrase built from the run:

    @watch_check("liveness-restart")
    def _(records, watch):
        pod = last_pod(records, "liveness-exec")
        watch.says("RESTARTS is {}", pod["restarts"])      # the run's value, written in
        watch.holds("the kernel drops SIGTERM", no_exit_at_sigterm)
        watch.configured("failureThreshold 1", "failureThreshold: 1")  # a setting, not a result

``says`` writes the run's values into the phrase and requires that exact phrase
in the text; ``holds`` requires the phrase in the text and the run to show it (a
boolean computed from the records); ``configured`` is for what the text says
about the manifests' settings (it must find the setting in the entry's YAML).
After the check, every fact of the text must lie inside a confirmed phrase: a
number added to the text, or a run that changes, fails the entry's test, so the
text cannot drift from the run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

Record = dict[str, Any]
Records = tuple[Record, ...]
WatchCheck = Callable[[Records, "Watch"], None]

# Status strings, reasons, conditions and classes a learner reads off kubectl.
STATUS_WORDS = frozenset(
    """
    Pending Running Succeeded Failed Unknown Terminating Completed Error Evicted
    Ready NotReady Scheduled Killing Unhealthy Pulled Pulling Started Created BackOff
    True False Guaranteed Burstable BestEffort Recreate RollingUpdate
    """.split()
)
# CamelCase words that name a kind of object, not something that happens in the run.
KINDS = frozenset(
    """
    ConfigMap ReplicaSet ReplicationController StatefulSet DaemonSet CronJob
    PersistentVolumeClaim PersistentVolume PodDisruptionBudget ServiceAccount RoleBinding
    ClusterRole ClusterRoleBinding NetworkPolicy EndpointSlice HorizontalPodAutoscaler
    LimitRange ResourceQuota PriorityClass StorageClass GalleryEntry
    """.split()
)
SPELLED = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twice": 2, "third": 3, "fourth": 4, "fifth": 5,
}  # fmt: skip
FACT = re.compile(
    r"(?<!\w)\d+(?:[.:/]\d+)*"  # 30, 1.99, 0/2, Init:0/2's digits
    r"|\bSIG[A-Z]+\b"
    r"|\b[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+\b"  # CamelCase: CrashLoopBackOff, MemoryPressure
    r"|\b[A-Z]{2,}[a-z][A-Za-z]*\b"  # OOMKilled
    r"|\b[A-Za-z]+\b"
)


def _is_fact(word: str) -> bool:
    if word[0].isdigit() or word.startswith("SIG"):
        return True
    if word.lower() in SPELLED:
        return True
    if word in STATUS_WORDS:
        return True
    camel = re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+|[A-Z]{2,}[a-z][A-Za-z]*", word)
    return bool(camel) and word not in KINDS


def facts(text: str) -> list[tuple[int, int, str]]:
    """The facts of a watch text: (start, end, word)."""
    return [(m.start(), m.end(), m.group()) for m in FACT.finditer(text) if _is_fact(m.group())]


def spelled(n: int) -> str:
    """A count as the text spells it: 2 -> "two" (the numbers ``SPELLED`` knows)."""
    words = {v: k for k, v in SPELLED.items() if not k.endswith(("th", "rd", "ce"))}
    return words.get(n, str(n))


def show(value: object) -> str:
    """A run value as a text writes it: 30.0 -> "30", 0.5 -> "0.5"."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


class Watch:
    """One entry's watch text and the phrases of it a check has confirmed."""

    def __init__(self, slug: str, lines: Sequence[str], manifests: str = "") -> None:
        self.slug = slug
        self.text = "\n".join(lines)
        self.manifests = manifests  # the entry's YAML, for what the text says about its settings
        self.confirmed: list[tuple[int, int]] = []

    def _confirm(self, phrase: str, why: str) -> None:
        start = self.text.find(phrase)
        assert start >= 0, (
            f"{self.slug}: the run gives {phrase!r}{why}, but the watch text says:\n{self.text}"
        )
        while start >= 0:
            self.confirmed.append((start, start + len(phrase)))
            start = self.text.find(phrase, start + 1)

    def says(self, template: str, *values: object) -> None:
        """The run's values, written into ``template`` ({} places), are in the text verbatim."""
        self._confirm(template.format(*(show(v) for v in values)), "")

    def holds(self, phrase: str, fact: bool, why: str = "") -> None:
        """The text says ``phrase`` and the run shows it (``fact``, computed from the run)."""
        assert phrase in self.text, f"{self.slug}: no {phrase!r} in the watch text:\n{self.text}"
        assert fact, f"{self.slug}: the watch text says {phrase!r} but the run does not" + (
            f" ({why})" if why else ""
        )
        self._confirm(phrase, "")

    def configured(self, phrase: str, setting: str) -> None:
        """The text says ``phrase`` about a setting, and the manifests hold ``setting`` verbatim."""
        assert setting in self.manifests, f"{self.slug}: no {setting!r} in the manifests"
        self.holds(phrase, True)

    def unchecked(self) -> list[str]:
        """The facts of the text that no confirmed phrase covers."""
        return [
            word
            for start, end, word in facts(self.text)
            if not any(a <= start and end <= b for a, b in self.confirmed)
        ]


WATCH_CHECKS: dict[str, WatchCheck] = {}

# Entries whose text is known to be false of the run, and who is fixing it. Their watch
# test is a strict xfail: it fails as soon as the text holds, to have the entry removed.
KNOWN_DRIFT: dict[str, str] = {}


def watch_check(slug: str) -> Callable[[WatchCheck], WatchCheck]:
    """Register ``check(records, watch)`` as the watch-text check of gallery entry ``slug``."""

    def register(check: WatchCheck) -> WatchCheck:
        assert slug not in WATCH_CHECKS, f"two watch checks for {slug}"
        WATCH_CHECKS[slug] = check
        return check

    return register
