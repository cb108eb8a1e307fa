"""Probe and lifecycle-handler specs, read from a container's manifest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HANDLER_KINDS = ("exec", "httpGet", "tcpSocket", "grpc", "sleep")


@dataclass(frozen=True, slots=True)
class Handler:
    """What a probe or hook does: one of exec, httpGet, tcpSocket, grpc, sleep."""

    kind: str
    command: tuple[str, ...] = ()
    path: str = "/"
    port: int | str = 0
    host: str = ""
    scheme: str = "HTTP"
    service: str = ""
    seconds: int = 0

    @classmethod
    def from_manifest(cls, spec: dict[str, Any]) -> Handler | None:
        for kind in HANDLER_KINDS:
            body = spec.get(kind)
            if body is None:
                continue
            body = body or {}
            if kind == "exec":
                return cls("exec", command=tuple(str(x) for x in body.get("command") or ()))
            if kind == "sleep":
                return cls("sleep", seconds=int(body.get("seconds", 0)))
            return cls(
                kind,
                path=str(body.get("path") or "/"),
                port=body.get("port", 0),
                host=str(body.get("host") or ""),
                scheme=str(body.get("scheme") or "HTTP"),
                service=str(body.get("service") or ""),
            )
        return None


@dataclass(frozen=True, slots=True)
class Probe:
    """A container probe after API defaulting."""

    handler: Handler
    initial_delay_seconds: int = 0
    timeout_seconds: int = 1
    period_seconds: int = 10
    success_threshold: int = 1
    failure_threshold: int = 3
    termination_grace_period_seconds: int | None = None

    @classmethod
    def from_manifest(cls, spec: Any) -> Probe | None:
        if not isinstance(spec, dict):
            return None
        handler = Handler.from_manifest(spec)
        if handler is None:
            return None
        grace = spec.get("terminationGracePeriodSeconds")
        return cls(
            handler=handler,
            initial_delay_seconds=int(spec.get("initialDelaySeconds") or 0),
            timeout_seconds=int(spec.get("timeoutSeconds") or 1),
            period_seconds=int(spec.get("periodSeconds") or 10),
            success_threshold=int(spec.get("successThreshold") or 1),
            failure_threshold=int(spec.get("failureThreshold") or 3),
            termination_grace_period_seconds=None if grace is None else int(grace),
        )

    def describe(self) -> str:
        """``kubectl describe``'s probe line, e.g. ``exec [cat /tmp/healthy] delay=5s ...``."""
        h = self.handler
        if h.kind == "exec":
            what = f"exec [{' '.join(h.command)}]"
        elif h.kind == "httpGet":
            what = f"http-get {h.scheme.lower()}://{h.host or ''}:{h.port}{h.path}"
        elif h.kind == "tcpSocket":
            what = f"tcp-socket {h.host or ''}:{h.port}"
        else:
            what = f"grpc <pod>:{h.port} {h.service}".rstrip()
        return (
            f"{what} delay={self.initial_delay_seconds}s timeout={self.timeout_seconds}s "
            f"period={self.period_seconds}s #success={self.success_threshold} "
            f"#failure={self.failure_threshold}"
        )


@dataclass(frozen=True, slots=True)
class Lifecycle:
    post_start: Handler | None = None
    pre_stop: Handler | None = None

    @classmethod
    def from_manifest(cls, spec: Any) -> Lifecycle:
        if not isinstance(spec, dict):
            return cls()
        post = spec.get("postStart")
        pre = spec.get("preStop")
        return cls(
            post_start=Handler.from_manifest(post) if isinstance(post, dict) else None,
            pre_stop=Handler.from_manifest(pre) if isinstance(pre, dict) else None,
        )
