from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from houbei.accounts.roles import Capability
from houbei.audit.forms import AuditFilterForm
from houbei.audit.presenters import describe_changes, describe_listed
from houbei.audit.selectors import AuditFilters, audit_get, audit_list
from houbei.lib.http import AuthenticatedHttpRequest


@login_required
@require_GET
def audit_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.scope.require(Capability.AUDIT_VIEW)
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = AuditFilters(
            event_type=int(data["event_type"]) if data["event_type"] else None,
            actor=data["actor"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
            record=data["record"].strip(),
        )
    page = Paginator(audit_list(scope=request.scope, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "audit/list.html", {"section": "audit", "form": form, "page_obj": page})


@login_required
@require_GET
def audit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    request.scope.require(Capability.AUDIT_VIEW)
    event = audit_get(scope=request.scope, pk=pk)
    return render(
        request,
        "audit/detail.html",
        {
            "section": "audit",
            "event": event,
            "changes": describe_changes(event),
            "listed": describe_listed(event, request.GET.get("page")),
        },
    )
