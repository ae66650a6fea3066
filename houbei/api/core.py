"""The REST API v1: authentication, one error shape, pagination.

- Authentication: a personal token (``Authorization: Bearer hb_…``, made and revoked on the
  account's *API tokens* page) or the signed-in session (the browsable documentation). Either
  way the request acts as its user, with the user's scope: the same selectors and services
  as the pages, so out-of-scope records answer 404 and missing capabilities 403.
- Every error has the shape ``{"error": {"code": …, "message": …, "fields": {…}}}``.
- Lists are paginated: ``?page=N`` (50 a page) → ``{"items": […], "count", "page", "pages"}``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.security import HttpBearer, django_auth

from houbei.accounts.scoping import Scope
from houbei.api.services import token_authenticate
from houbei.people.services import EditConflict
from houbei.pipeline.services import DecisionConflict

PAGE_SIZE = 50
T = TypeVar("T")


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token)
        if found is None:
            return None
        request.user = found.user
        request.scope = Scope.for_user(found.user)  # type: ignore[attr-defined]
        return found


api = NinjaAPI(
    title="Houbei API",
    version="1",
    description=__doc__ or "",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    docs_url="/docs/",
    openapi_url="/openapi.json",
)


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorBody


# Declared on every operation, so a client (and the fuzzer) knows every answer it may get.
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
}


def error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 401, "unauthorized", _("Sign in, or send a valid API token."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error(request, 400, "invalid", "；".join(exc.messages), fields)


@api.exception_handler(DecisionConflict)
@api.exception_handler(EditConflict)
def _conflict(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(
        request, 409, "conflict", _("The record changed since you read it; read it again.")
    )


@api.exception_handler(RequestValidationError)
def _bad_request(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        name = ".".join(str(part) for part in item.get("loc", ())[1:]) or "__all__"
        fields.setdefault(name, []).append(str(item.get("msg", "")))
    return error(request, 400, "invalid", _("Some values are missing or not valid."), fields)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found"}
    return error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


class Pageable(Protocol):
    """A queryset, or an object list that pages like one (people.selectors.NameSearch)."""

    def count(self) -> int: ...
    def __getitem__(self, index: slice) -> Iterable[Any]: ...


def paginate(queryset: Pageable, page: int, serialize: Any = None) -> dict[str, Any]:
    """One page of ``queryset``; a page beyond the last answers 404."""
    count = queryset.count()
    pages = max(1, math.ceil(count / PAGE_SIZE))
    if page < 1 or page > pages:
        raise Http404
    items = list(queryset[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return {
        "items": [serialize(i) for i in items] if serialize else items,
        "count": count,
        "page": page,
        "pages": pages,
    }
