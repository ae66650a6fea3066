from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from houbei.accounts.scoping import Scope

# Pages a user with a temporary password may still open.
_PASSWORD_CHANGE_EXEMPT = ("accounts:password_change", "accounts:logout", "web:set_language")


class ScopeMiddleware:
    """Attaches ``request.scope``, built from the user's grants on first use."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: Scope.for_user(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Sends a user signed in with a temporary password to the password change page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith("/static/")
            and request.path not in {reverse(name) for name in _PASSWORD_CHANGE_EXEMPT}
        ):
            return redirect("accounts:password_change")
        return self.get_response(request)
