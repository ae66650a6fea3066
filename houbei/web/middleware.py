from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    """A content security policy and a permissions policy on every response. Everything
    Houbei serves comes from its own origin (no CDN), so the policy can be strict: no inline
    or foreign scripts, no plugins, no framing. Inline styles stay allowed: ECharts and htmx
    set element styles."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = settings.HOUBEI_CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class DatabaseUnavailableMiddleware:
    """The database unreachable (down, restarting, network cut): a clear 503 page instead of
    a server error. Nothing half-done remains: the request's transaction never committed. The
    next request connects afresh (``CONN_HEALTH_CHECKS``), so Houbei recovers by itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return database_unavailable(exception)


def database_unavailable(exception: BaseException | None) -> HttpResponse | None:
    """The 503 page when ``exception`` says the database cannot be reached, else None.

    Used for exceptions in views (the middleware above, also with DEBUG on) and, through the
    500 handler, for those raised earlier — by the session, authentication or scope
    middleware, which touch the database before any view runs."""
    if not isinstance(exception, OperationalError | InterfaceError):
        return None
    logger.error("database unavailable: %s", exception)
    # A plain template: the usual context (user, navigation) would need the database.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "60"
    return response
