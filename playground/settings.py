"""Settings for Pod Playground, read from the environment with safe local defaults.

Environment variables:
    DEBUG           "1"/"true" (default) or "0"/"false"
    SECRET_KEY      required when DEBUG is off
    ALLOWED_HOSTS   comma-separated, default "127.0.0.1,localhost"
    DATABASE_URL    any dj-database-url URL, default SQLite file db.sqlite3
    REDIS_URL       when set, Channels uses channels_redis instead of the in-memory layer
    SERVE_STATIC    "1" makes the app serve /static/ (WhiteNoise) even when DEBUG is off
    Hosting behind a TLS proxy (README, "Hosting it for a class"):
    CSRF_TRUSTED_ORIGINS      comma-separated origins, e.g. "https://pods.example.edu"
    SECURE_PROXY_SSL_HEADER   "Header-Name: value" the proxy sets on https requests
                              (default "X-Forwarded-Proto: https" when DEBUG is off; "off")
    SECURE_SSL_REDIRECT       default on when DEBUG is off
    SECURE_HSTS_SECONDS       default 31536000 (a year) when DEBUG is off, 0 when on
    SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD    default on / off
    SECURE_COOKIES            CSRF and session cookies over https only; default DEBUG off
    PLAYGROUND_MAX_SHARE_BYTES, PLAYGROUND_SHARES_PER_ADDRESS, PLAYGROUND_SHARE_WINDOW_SECONDS,
    PLAYGROUND_EXPORTS_PER_ADDRESS
"""

from __future__ import annotations

import os
import warnings
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


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """ "X-Forwarded-Proto: https" -> ("HTTP_X_FORWARDED_PROTO", "https"); "off" -> None."""
    if value.strip().lower() in {"", "off", "0", "false", "no", "none"}:
        return None
    name, sep, expected = value.partition(":")
    if not sep or not name.strip() or not expected.strip():
        raise ImproperlyConfigured(
            f'SECURE_PROXY_SSL_HEADER must look like "X-Forwarded-Proto: https", not {value!r}.'
        )
    header = name.strip().upper().replace("-", "_")
    if not header.startswith("HTTP_"):
        header = "HTTP_" + header  # how Django names a request header in request.META
    return header, expected.strip()


DEBUG = _env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-pod-playground-local-development-only"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable when DEBUG is off.")

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "daphne",  # first, so `manage.py runserver` is the ASGI (Daphne) server
    "csp",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "playground",
    "playground.rooms",
]

SERVE_STATIC = _env_bool("SERVE_STATIC", False)

MIDDLEWARE = [
    # Outermost, so that static files get the security headers and the CSP too.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if DEBUG or SERVE_STATIC else []),
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The project's 404 and 500 pages with DEBUG on too (Django's debug pages otherwise).
    "playground.errorpages.ProjectErrorPages",
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
            # channels-redis drops messages past a channel's capacity (default 100): a room's
            # frames reach other processes through it, one message per frame per process.
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 10_000, "expiry": 60},
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
# WhiteNoise serves the files where they are (no collectstatic needed); with
# collectstatic, from STATIC_ROOT too. It warns when STATIC_ROOT does not exist.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

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
# CPU seconds one uninterruptible simulation call may take before its worker is killed
# (its run ends, the worker's other runs are replayed elsewhere): generous, because one
# instant of a 1,000-Pod run can legitimately cost seconds; pause and stop never wait.
PLAYGROUND_OVERRUN_SECONDS = 10.0
PLAYGROUND_OPEN_SECONDS = 30.0  # the same for loading a manifest
PLAYGROUND_WORKER_NICENESS = 10  # workers give way to the event loop on a busy machine
# Per-client limits on the run websocket.
PLAYGROUND_RUNS_PER_ADDRESS = int(os.environ.get("PLAYGROUND_RUNS_PER_ADDRESS") or 4)
PLAYGROUND_MESSAGES_PER_SECOND = 20.0
PLAYGROUND_MESSAGE_BURST = 40

# -- hosting on a public server (README: "Hosting it for a class") ----------------------
# Daphne behind a TLS-terminating proxy: the proxy says a request came over https in a
# header (it must set or strip that header on every request), CSRF trusts the public
# origin, and the browser is told to use https only. Every default below is for that
# deployment when DEBUG is off and changes nothing when DEBUG is on (`make run`).
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(
    os.environ.get("SECURE_PROXY_SSL_HEADER", "" if DEBUG else "X-Forwarded-Proto: https")
)
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Asking browsers to preload HSTS for the whole domain is the domain owner's call:
# check --deploy's reminder about it (W021) is silenced unless it is switched on.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content-Security-Policy (django-csp), on every response, DEBUG or not: the page has
# no inline script (templates load static files only; JSON data is in
# type="application/json" blocks), no <style> element (htmx's indicator style is
# off in base.html) and no style attribute (the SVG export writes presentation
# attributes); scripts set styles through the CSSOM, which a policy does not block.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],  # the run websocket is same-origin (ws: or wss:)
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Share links (playground/models.py): what one link keeps and how many one address makes.
PLAYGROUND_MAX_SHARE_BYTES = _env_int("PLAYGROUND_MAX_SHARE_BYTES", 1024 * 1024)
PLAYGROUND_SHARES_PER_ADDRESS = _env_int("PLAYGROUND_SHARES_PER_ADDRESS", 10)
PLAYGROUND_SHARE_WINDOW_SECONDS = _env_int("PLAYGROUND_SHARE_WINDOW_SECONDS", 600)
# Downloads of a shared run's records (/s/<slug>/records.jsonl) replaying at once per
# address (each takes a place in the worker pool while it streams).
PLAYGROUND_EXPORTS_PER_ADDRESS = _env_int("PLAYGROUND_EXPORTS_PER_ADDRESS", 2)

# Classroom rooms (playground/rooms/, docs/rooms-protocol.md): one run per room, simulated
# once and fanned out. A viewer with more than WINDOW unacknowledged room frames has
# fallen behind: it gets no more live frames until it resyncs from the current moment.
PLAYGROUND_ROOM_IDLE_SECONDS = _env_int("PLAYGROUND_ROOM_IDLE_SECONDS", 7200)
PLAYGROUND_ROOM_VIEWER_WINDOW = _env_int("PLAYGROUND_ROOM_VIEWER_WINDOW", 512)
PLAYGROUND_ROOM_MAX_VIEWERS = _env_int("PLAYGROUND_ROOM_MAX_VIEWERS", 500)
PLAYGROUND_ROOMS_PER_ADDRESS = _env_int("PLAYGROUND_ROOMS_PER_ADDRESS", 4)
PLAYGROUND_ROOM_SAVE_SECONDS = 2.0  # the room's time is saved at least this often while it moves
PLAYGROUND_ROOM_HANDOVER_SECONDS = 600  # a handover link is good once, for this long
PLAYGROUND_ROOM_FORK_SECONDS = 5.0  # one fork per connection this often
