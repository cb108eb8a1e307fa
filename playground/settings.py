"""Settings for Pod Playground, read from the environment with safe local defaults.

Environment variables:
    DEBUG           "1"/"true" (default) or "0"/"false"
    SECRET_KEY      required when DEBUG is off
    ALLOWED_HOSTS   comma-separated, default "127.0.0.1,localhost"
    DATABASE_URL    any dj-database-url URL, default SQLite file db.sqlite3
    REDIS_URL       when set, Channels uses channels_redis instead of the in-memory layer
    SERVE_STATIC    "1" makes the ASGI app serve /static/ even when DEBUG is off
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-pod-playground-local-development-only"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable when DEBUG is off.")

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "daphne",  # first, so `manage.py runserver` is the ASGI (Daphne) server
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "playground",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "playground.urls"
ASGI_APPLICATION = "playground.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not ":memory:": live-server tests run Daphne in another process.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test_db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        },
    }
else:
    # InMemoryChannelLayer's defaults (capacity=100, expiry=60 s) drop messages
    # silently under a burst and expire group members, so both are set explicitly.
    # The run stream itself does not go through the layer (each consumer sends to
    # its own socket), but anything added later must not inherit silent loss.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 10_000, "expiry": 3600},
        },
    }

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

SERVE_STATIC = _env_bool("SERVE_STATIC", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"playground": {"handlers": ["console"], "level": "INFO"}},
}

# Simulation run limits, read by the websocket consumer on every start
# (defaults from cluster_sim.limits, the one source of truth; override here).
from cluster_sim.limits import DEFAULT_LIMITS  # noqa: E402

PLAYGROUND_MAX_MANIFEST_BYTES = DEFAULT_LIMITS.manifest_bytes
PLAYGROUND_HORIZON_SECONDS = float(DEFAULT_LIMITS.horizon_s)
PLAYGROUND_MAX_SPEED = float(DEFAULT_LIMITS.speed)
PLAYGROUND_TICK_SECONDS = 0.1

# Isolation (playground/simpool.py): simulations run in worker processes, never on the
# event loop. PLAYGROUND_WORKERS=0 simulates in-process (debugging only: no isolation).
PLAYGROUND_WORKERS = int(os.environ.get("PLAYGROUND_WORKERS") or os.cpu_count() or 1)
PLAYGROUND_RUNS_PER_WORKER = int(os.environ.get("PLAYGROUND_RUNS_PER_WORKER") or 64)
PLAYGROUND_SLICE_SECONDS = 0.02  # wall time one run simulates before the next one's turn
PLAYGROUND_OVERRUN_SECONDS = 3.0  # one uninterruptible step longer than this ends its run
PLAYGROUND_WORKER_NICENESS = 5  # workers give way to the event loop on a busy machine
# Per-client limits on the run websocket.
PLAYGROUND_RUNS_PER_ADDRESS = int(os.environ.get("PLAYGROUND_RUNS_PER_ADDRESS") or 4)
PLAYGROUND_MESSAGES_PER_SECOND = 20.0
PLAYGROUND_MESSAGE_BURST = 40
