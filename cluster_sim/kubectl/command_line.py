"""``kubectl get`` and ``kubectl describe`` command lines, answered from a run's store.

``kubectl_text`` parses the command line as kubectl does (resource aliases,
``KIND/NAME``, ``-o wide``, ``--show-labels``, ``-n``) and answers with
kubectl's exit status and text, errors included (``error: the server
doesn't have a resource type "x"``, ``Error from server (NotFound): ...``).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from ..controlplane.store import APIStore
from ..records import Recorder
from .auth import can_i_text
from .describe import DESCRIBERS, describe_text
from .describe_batch import BATCH_DESCRIBERS
from .describe_netpol import NETPOL_DESCRIBERS
from .describe_policy import POLICY_DESCRIBERS
from .describe_sets import SET_DESCRIBERS
from .get import EXIT_ERROR, Command, KubectlError, get_text, resource

DESCRIBERS.update(BATCH_DESCRIBERS)  # Jobs, CronJobs
DESCRIBERS.update(SET_DESCRIBERS)  # DaemonSets, StatefulSets, PVCs
DESCRIBERS.update(POLICY_DESCRIBERS)  # PodDisruptionBudgets
DESCRIBERS.update(NETPOL_DESCRIBERS)  # NetworkPolicies


def parse(argv: Sequence[str]) -> Command:
    """``get KIND[,KIND] [NAME...] [-o wide] [--show-labels] [-n NS]``, ``describe KIND [NAME]``."""
    args = list(argv)
    if args and args[0] == "kubectl":
        args.pop(0)
    if not args:
        raise KubectlError('error: unknown command "" for "kubectl"')
    verb = args.pop(0)
    if verb not in ("get", "describe"):
        raise KubectlError(
            f'error: unknown command "{verb}" for "kubectl"; the playground answers get, '
            "describe and auth can-i"
        )
    positional: list[str] = []
    command = Command(verb, [])
    while args:
        arg = args.pop(0)
        if arg in ("-o", "--output") or arg.startswith(("-o", "--output=")):
            if arg in ("-o", "--output"):
                value = args.pop(0) if args else ""
            else:
                value = arg.split("=", 1)[1] if "=" in arg else arg[2:]
            if verb != "get" or value != "wide":
                raise KubectlError(
                    f"error: unable to match a printer suitable for the output format "
                    f'"{value}", allowed formats are: wide'
                )
            command.wide = True
        elif arg == "--show-labels" and verb == "get":
            command.show_labels = True
        elif arg in ("-n", "--namespace") or arg.startswith("--namespace="):
            value = arg.split("=", 1)[1] if "=" in arg else (args.pop(0) if args else "")
            if not value:
                raise KubectlError(f"error: flag needs an argument: {arg}")
            command.namespace = value
        elif arg.startswith("-"):
            raise KubectlError(
                f"error: unknown flag: {arg.split('=', 1)[0]}\n"
                f"See 'kubectl {verb} --help' for usage."
            )
        else:
            positional.append(arg)
    if not positional:
        raise KubectlError(
            f'You must specify the type of resource to {verb}. Use "kubectl api-resources" '
            "for a complete list of supported resources.\n\n"
            "error: Required resource not specified.\n"
            'Use "kubectl explain <resource>" for a detailed description of that resource '
            "(e.g. kubectl explain pods).\n"
            f"See 'kubectl {verb} -h' for help and examples"
        )
    if "/" in positional[0]:
        for item in positional:
            kind, _, name = item.partition("/")
            if not name:
                raise KubectlError(
                    "error: arguments in resource/name form must have a single resource and name"
                )
            command.targets.append((resource(kind), name))
        return command
    kinds = [resource(k) for k in positional[0].split(",") if k]
    names = positional[1:]
    if names and len(kinds) > 1:
        command.targets = [(k, n) for k in kinds for n in names]
    elif names:
        command.targets = [(kinds[0], n) for n in names]
    else:
        command.targets = [(k, None) for k in kinds]
    return command


def kubectl_text(
    store: APIStore, recorder: Recorder | None, now_ms: int, argv: list[str] | str
) -> tuple[int, str]:
    """Run ``kubectl get|describe|auth can-i ...`` against the store: ``(exit status, output)``.

    ``argv`` may be a list or one command line (``"get deploy -o wide"``);
    a leading ``kubectl`` is allowed. Errors read as kubectl's, exit status 1.
    """
    try:
        words = shlex.split(argv) if isinstance(argv, str) else list(argv)
    except ValueError as exc:
        return EXIT_ERROR, f"error: {exc}\n"
    if words[:1] == ["kubectl"]:
        words = words[1:]
    if words[:1] == ["auth"]:
        if words[1:2] != ["can-i"]:
            sub = words[1] if len(words) > 1 else ""
            return EXIT_ERROR, (
                f'error: unknown command "{sub}" for "kubectl auth"; the playground answers '
                "kubectl auth can-i\n"
            )
        return can_i_text(store, words[2:])
    try:
        command = parse(words)
    except KubectlError as exc:
        return EXIT_ERROR, f"{exc}\n"
    if command.verb == "get":
        return get_text(store, now_ms, command, recorder)
    return describe_text(store, recorder, now_ms, command)
