"""ASGI entry point: Django for HTTP, the run consumer for websockets."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")

# Set up Django before importing anything that touches models or settings.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from playground.routing import websocket_urlpatterns  # noqa: E402

# Static files are served by WhiteNoise inside Django's middleware (DEBUG or SERVE_STATIC),
# so they get the security headers and the Content-Security-Policy like every page.
http_app = django_asgi_app

application = ProtocolTypeRouter(
    {
        "http": http_app,
        # django-stubs type the patterns as URLPattern, types-channels wants its own subclass.
        "websocket": AllowedHostsOriginValidator(
            URLRouter(websocket_urlpatterns)  # type: ignore[arg-type]
        ),
    }
)
