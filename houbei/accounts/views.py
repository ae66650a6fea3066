from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from houbei.accounts import services
from houbei.accounts.forms import GrantForm, UserCreateForm, UserEditForm
from houbei.accounts.models import User
from houbei.accounts.roles import Capability, Role
from houbei.accounts.selectors import account_history, grant_get, user_get, user_list
from houbei.audit.presenters import describe_events
from houbei.lib.forms import apply_validation_error
from houbei.lib.http import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_change_own_password(
            user=request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("web:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": request.user.must_change_password},
    )


@login_required
@require_http_methods(["GET"])
def user_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.scope.require(Capability.ACCOUNTS_MANAGE)
    query = request.GET.get("q", "").strip()
    page = Paginator(user_list(scope=request.scope, query=query), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/user_list.html",
        {"section": "accounts", "page_obj": page, "query": query},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.scope.require(Capability.ACCOUNTS_MANAGE)
    form = UserCreateForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        try:
            user, temporary = services.user_create(
                acting_user=request.user,
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                region=form.cleaned_data["region"],
                role=Role(form.cleaned_data["role"]),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return render(
                request,
                "accounts/temporary_password.html",
                {"section": "accounts", "account": user, "temporary": temporary, "created": True},
            )
    return render(request, "accounts/user_form.html", {"section": "accounts", "form": form})


@login_required
@require_http_methods(["GET"])
def user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    request.scope.require(Capability.ACCOUNTS_MANAGE)
    account = user_get(scope=request.scope, pk=pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, account))


def _detail_context(
    request: AuthenticatedHttpRequest, account: User, **extra: object
) -> dict[str, object]:
    scope = request.scope
    grants = list(account.grants.select_related("region"))
    visible = [g for g in grants if scope.covers(g.region, Capability.ACCOUNTS_MANAGE)]
    return {
        "section": "accounts",
        "account": account,
        "grants": [
            (grant, Role(grant.role) in scope.grantable_roles(grant.region)) for grant in visible
        ],
        "hidden_grants": len(grants) - len(visible),
        "manageable": services.user_is_manageable(scope=scope, user=account),
        "grant_form": extra.pop("grant_form", None) or GrantForm(scope=scope),
        "edit_form": extra.pop("edit_form", None)
        or UserEditForm(initial={"display_name": account.display_name}),
        "history": describe_events(account_history(scope=scope, account=account)[:20]),
        **extra,
    }


@login_required
@require_POST
def user_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    request.scope.require(Capability.ACCOUNTS_MANAGE)
    account = user_get(scope=request.scope, pk=pk)
    form = UserEditForm(request.POST)
    if form.is_valid():
        try:
            services.user_update(
                acting_user=request.user,
                user=account,
                display_name=form.cleaned_data["display_name"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(
        request,
        "accounts/user_detail.html",
        _detail_context(request, account, edit_form=form),
        status=400,
    )


@login_required
@require_POST
def grant_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    request.scope.require(Capability.ACCOUNTS_MANAGE)
    account = user_get(scope=request.scope, pk=pk)
    form = GrantForm(request.POST, scope=request.scope)
    if form.is_valid():
        try:
            services.grant_add(
                acting_user=request.user,
                user=account,
                region=form.cleaned_data["region"],
                role=Role(form.cleaned_data["role"]),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(
        request,
        "accounts/user_detail.html",
        _detail_context(request, account, grant_form=form),
        status=400,
    )


@login_required
@require_POST
def grant_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    request.scope.require(Capability.ACCOUNTS_MANAGE)
    grant = grant_get(scope=request.scope, pk=pk)
    user_id = grant.user_id
    services.grant_revoke(acting_user=request.user, grant=grant)
    messages.success(request, _("Role revoked."))
    return redirect("accounts:user_detail", pk=user_id)


@login_required
@require_POST
def user_set_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    request.scope.require(Capability.ACCOUNTS_MANAGE)
    account = user_get(scope=request.scope, pk=pk)
    active = request.POST.get("active") == "1"
    services.user_set_active(acting_user=request.user, user=account, active=active)
    messages.success(request, _("Account activated.") if active else _("Account deactivated."))
    return redirect("accounts:user_detail", pk=account.pk)


@login_required
@require_POST
def user_reset_password(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    request.scope.require(Capability.ACCOUNTS_MANAGE)
    account = user_get(scope=request.scope, pk=pk)
    temporary = services.user_reset_password(acting_user=request.user, user=account)
    return render(
        request,
        "accounts/temporary_password.html",
        {"section": "accounts", "account": account, "temporary": temporary, "created": False},
    )
