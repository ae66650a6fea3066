"""The request type views see after the middleware ran."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

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
