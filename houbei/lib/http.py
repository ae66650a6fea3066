"""The request type views see after the middleware ran."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from houbei.accounts.models import User
    from houbei.accounts.scoping import Scope


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    scope: Scope
    htmx: HtmxDetails
