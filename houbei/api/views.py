from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from houbei.api.selectors import token_get, tokens_of
from houbei.api.services import token_create, token_revoke
from houbei.lib.forms import form_status, save_form
from houbei.lib.http import AuthenticatedHttpRequest


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What it is for"),
        max_length=80,
        help_text=gettext_lazy("e.g. the town's statistics workbook"),
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own API tokens; a new key is shown once, right after it is made."""
    form = TokenForm(request.POST or None)
    created = save_form(
        request, form, lambda data: token_create(acting_user=request.user, name=data["name"])
    )
    key = created[1] if created else None
    return render(
        request,
        "api/tokens.html",
        {
            "form": TokenForm() if key else form,
            "key": key,
            "tokens": tokens_of(user=request.user),
        },
        status=200 if key else form_status(form),
    )


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = token_get(user=request.user, pk=pk)
    token_revoke(acting_user=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("api_tokens:list")
