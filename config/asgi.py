"""ASGI entry point: HTTP through Django, WebSockets through Channels.

WebSocket routes come from each app's `routing.websocket_urlpatterns`; every socket
is authenticated by the session and checked against ALLOWED_HOSTS for its Origin.
Token-authenticated signal POSTs take a fast path in front of Django when
FLOWDESK_SIGNAL_FAST_PATH is on (workflows.api.signal_asgi: new signals are accepted
with the view's own code; every other request and every refusal is Django's).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from config.daphne_requests import use_formless_requests  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from workflows.api.signal_asgi import signal_fast_path  # noqa: E402

use_formless_requests()  # daphne: no Twisted form parsing of bodies Django parses anyway

routed = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
application = signal_fast_path(routed) if settings.FLOWDESK_SIGNAL_FAST_PATH else routed
