"""The team server's entry point: ``streamlit run dashboard/server.py`` (what ``make app`` runs).

Streamlit has no setting for response headers, but since 1.5x it can serve an app as an ASGI
application (``st.App``; ``streamlit run`` finds the ``app`` below and serves it with uvicorn).
That gives two things ``dashboard/app.py`` alone cannot: every HTTP response carries
anti-framing headers (``Content-Security-Policy: frame-ancestors 'self'`` and
``X-Frame-Options: SAMEORIGIN``, so no page elsewhere can frame ``/annotate`` and trick a click;
``'self'``, not ``'none'``, because Streamlit's own components — the sign-in cookie manager — are
frames of the app itself), and the
bind-address check runs in the lifespan hook, before the server accepts a single connection: without
sign-in configured, a non-loopback ``server.address`` stops the server at start with one clear
message. The pages are ``dashboard/app.py``'s, unchanged; ``streamlit run dashboard/app.py`` still
works for development on 127.0.0.1, where app.py repeats the bind check on each session.

May import Streamlit, starlette, ``components.access`` and ``dashboard.auth``; the pages are
named by path (``app.py``), never imported.
"""

from __future__ import annotations

import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/server.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

from components import sampler  # noqa: E402
from components.access import Forbidden, check_bind  # noqa: E402

sampler.start_from_env()  # SOURCELIGHT_PROFILE_SAMPLES=PATH: where the server's CPU goes (off by default)

#: Sent with every HTTP response (pages, static files, the WebSocket upgrade's refusal).
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", b"frame-ancestors 'self'"),  # no other site may frame a page (CSP 2)
    (b"x-frame-options", b"SAMEORIGIN"),  # the same for browsers that predate frame-ancestors
    (b"x-content-type-options", b"nosniff"),  # an uploaded or exported file is never run as a script
    (b"referrer-policy", b"same-origin"),  # article ids in URLs do not leak to linked sites
)


class SecurityHeaders:
    """Pure ASGI middleware adding ``SECURITY_HEADERS`` to each HTTP response (not re-adding any
    the response already sets)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in present
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


@asynccontextmanager
async def refuse_open_bind(_app):
    """Before the server listens: refuse a non-loopback address unless sign-in is configured."""
    from dashboard import auth

    try:
        check_bind(st.get_option("server.address"), auth.mode() != auth.NONE)
    except Forbidden as refusal:
        # One line and exit 2 before any request is served; raising here would print a traceback.
        print(f"Sourcelight: {refusal}", file=sys.stderr, flush=True)
        os._exit(2)
    yield


def _middleware():
    from starlette.middleware import Middleware

    return [Middleware(SecurityHeaders)]


app = st.App("app.py", middleware=_middleware(), lifespan=refuse_open_bind)
