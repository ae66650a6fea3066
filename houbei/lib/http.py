"""The request type views see after the middleware ran."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from houbei.accounts.models import User
    from houbei.accounts.scoping import Scope


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    scope: Scope
    htmx: HtmxDetails


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition header value with a UTF-8 file name (RFC 5987 / 6266): Chinese
    file names arrive intact in every current browser."""
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename*=UTF-8''{quote(filename, safe='')}"


def client_address(request: HttpRequest | None) -> str | None:
    """The address of the client, for lockouts and rate limits.

    Behind ``HOUBEI_PROXY_COUNT`` trusted proxies (a load balancer in front of several app
    servers), REMOTE_ADDR is the last proxy's, the same for everyone; the client is then the
    address the outermost trusted proxy saw, that many entries from the right of
    X-Forwarded-For. Entries further left are whatever the client claimed and are ignored."""
    if request is None:
        return None
    proxies = settings.HOUBEI_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    return request.META.get("REMOTE_ADDR") or None
