"""Settings read from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "db": {
        k: str(v)
        for k, v in settings.DATABASES["default"].items()
        if k in ("ENGINE", "NAME", "HOST", "TEST")
    },
    "layer": settings.CHANNEL_LAYERS["default"],
    "first_app": settings.INSTALLED_APPS[0],
    "asgi": settings.ASGI_APPLICATION,
}))
"""


def load_settings(**env: str) -> dict[str, Any]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "playground.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout)


def test_local_defaults() -> None:
    loaded = load_settings()
    assert loaded["debug"] is True
    assert loaded["hosts"] == ["127.0.0.1", "localhost"]
    assert loaded["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["db"]["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert "test_db.sqlite3" in loaded["db"]["TEST"]
    assert loaded["first_app"] == "daphne"
    assert loaded["asgi"] == "playground.asgi.application"


def test_in_memory_channel_layer_never_uses_the_lossy_defaults() -> None:
    layer = load_settings()["layer"]
    assert layer["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert layer["CONFIG"]["capacity"] > 100
    assert layer["CONFIG"]["expiry"] > 60


def test_redis_url_switches_to_channels_redis() -> None:
    layer = load_settings(REDIS_URL="redis://127.0.0.1:6399/0")["layer"]
    assert layer == {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # Room frames cross processes through it: never channels-redis' lossy capacity of 100.
        "CONFIG": {"hosts": ["redis://127.0.0.1:6399/0"], "capacity": 10_000, "expiry": 60},
    }


def test_environment_overrides() -> None:
    loaded = load_settings(
        DEBUG="false",
        SECRET_KEY="s3cret",
        ALLOWED_HOSTS="pods.example, localhost",
        DATABASE_URL="postgres://u:p@db.internal:5432/pods",
    )
    assert loaded["debug"] is False
    assert loaded["hosts"] == ["pods.example", "localhost"]
    assert loaded["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["db"]["HOST"] == "db.internal"
    assert loaded["db"]["NAME"] == "pods"


def test_debug_off_requires_a_secret_key() -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_settings(DEBUG="0")
