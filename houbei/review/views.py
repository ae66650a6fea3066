from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import get_or_404
from houbei.lib.dates import workday_span_end
from houbei.lib.excel import XLSX_CONTENT_TYPE
from houbei.lib.forms import form_status, save_form
from houbei.lib.http import AuthenticatedHttpRequest, content_disposition
from houbei.lib.pdf import pdf_response
from houbei.regions.models import Region
from houbei.review import services
from houbei.review.forms import (
    BatchForm,
    DepartmentForm,
    ItemForm,
    ObjectionForm,
    PublishForm,
    ResolveForm,
    VerdictForm,
)
from houbei.review.ledger import Ledger, batch_ledger, ledger_workbook
from houbei.review.ledger import ledger_pdf as ledger_document
from houbei.review.models import Verdict
from houbei.review.results import Outcome
from houbei.review.selectors import (
    active_departments,
    batch_get,
    batch_rows,
    batches_visible,
    clerk_accounts,
    clerk_verdict_get,
    clerk_verdicts,
    departments,
    is_overdue,
    managed_district,
    may_manage,
    negative_list,
    objection_get_for_manage,
    outcome_counts,
    overdue_verdicts,
    people_to_review,
    subject_get_for_manage,
)

SECTION = "review"


def _district_or_403(request: AuthenticatedHttpRequest) -> Region:
    district = managed_district(scope=request.scope)
    if district is None:
        raise PermissionDenied
    return district


@login_required
@require_GET
def batch_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.scope.require(Capability.PEOPLE_VIEW)
    return render(
        request,
        "review/batches.html",
        {
            "section": SECTION,
            "batches": batches_visible(scope=request.scope).order_by("-opened_on", "-id")[:100],
            "can_manage": request.scope.can(Capability.REVIEW_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = _district_or_403(request)
    today = timezone.localdate()
    people = people_to_review(scope=request.scope)
    form = BatchForm(
        request.POST or None,
        departments=active_departments(),
        people=people,
        initial={
            "opened_on": today,
            "deadline": workday_span_end(today, 10),
            "departments": list(active_departments()),
        },
    )
    batch = save_form(
        request,
        form,
        lambda data: services.batch_open(
            acting_user=request.user,
            region=district,
            name=data["name"],
            opened_on=data["opened_on"],
            deadline=data["deadline"],
            departments=list(data["departments"]),
            people=list(data["people"]),
        ),
    )
    if batch:
        messages.success(request, _("The batch is open: each department sees its queue now."))
        return redirect("review:batch", pk=batch.pk)
    return render(
        request,
        "review/batch_form.html",
        {"section": SECTION, "form": form},
        status=form_status(form),
    )


@login_required
@require_GET
def batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = batch_get(scope=request.scope, pk=pk)
    today = timezone.localdate()
    rows = batch_rows(batch=batch, today=today)
    can_manage = may_manage(scope=request.scope, batch=batch)
    start = max(today, batch.deadline)
    return render(
        request,
        "review/batch.html",
        {
            "section": SECTION,
            "batch": batch,
            "departments": list(batch.departments.all()),
            "rows": rows,
            "counts": [(Outcome(key), n) for key, n in outcome_counts(rows).items()],
            "overdue": overdue_verdicts(batch=batch, today=today),
            "can_manage": can_manage,
            "publish_form": PublishForm(
                initial={"starts_on": start, "ends_on": workday_span_end(start, _workdays())}
            )
            if can_manage and not batch.is_published
            else None,
            "today": today,
        },
    )


def _ledger(request: AuthenticatedHttpRequest, pk: int) -> Ledger:
    """The batch's ledger, for those who manage its district: 404 outside the scope (as for
    the batch page), 403 for those who may only read the batch."""
    batch = batch_get(scope=request.scope, pk=pk)
    if not may_manage(scope=request.scope, batch=batch):
        raise PermissionDenied
    return batch_ledger(batch=batch, today=timezone.localdate())


@login_required
@require_GET
def ledger_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The joint-review ledger (联审台账) as a workbook."""
    ledger = _ledger(request, pk)
    response = HttpResponse(ledger_workbook(ledger), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"{ledger.batch.name}-联审台账.xlsx", inline=False
    )
    return response


@login_required
@require_GET
def ledger_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The joint-review ledger (联审台账) as an A4-landscape PDF."""
    ledger = _ledger(request, pk)
    return pdf_response(
        ledger_document(ledger, request=request), f"{ledger.batch.name}-联审台账.pdf"
    )


def _workdays() -> int:
    return int(settings.HOUBEI_REVIEW_PUBLICATION_WORKDAYS)


@login_required
@require_POST
def batch_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = batch_get(scope=request.scope, pk=pk)
    if not may_manage(scope=request.scope, batch=batch):
        raise PermissionDenied
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the dates of the public notice."))
        return redirect("review:batch", pk=batch.pk)
    try:
        services.batch_publish(acting_user=request.user, batch=batch, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Published. Objections can be recorded until the notice ends."))
    return redirect("review:batch", pk=batch.pk)


@login_required
@require_http_methods(["GET", "POST"])
def objection_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = subject_get_for_manage(scope=request.scope, pk=pk)
    form = ObjectionForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.objection_record(acting_user=request.user, subject=subject, **data),
    ):
        messages.success(
            request, _("The objection has been recorded; the pass waits for its resolution.")
        )
        return redirect("review:batch", pk=subject.batch_id)
    return render(
        request,
        "review/form.html",
        {
            "section": SECTION,
            "form": form,
            "batch": subject.batch,
            "title": _("Objection concerning %(name)s") % {"name": subject.person.name},
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def objection_resolve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objection = objection_get_for_manage(scope=request.scope, pk=pk)
    form = ResolveForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.objection_resolve(
            acting_user=request.user, objection=objection, **data
        ),
    ):
        messages.success(request, _("The objection is resolved."))
        return redirect("review:batch", pk=objection.subject.batch_id)
    return render(
        request,
        "review/form.html",
        {
            "section": SECTION,
            "form": form,
            "batch": objection.subject.batch,
            "objection": objection,
            "title": _("Resolve the objection concerning %(name)s")
            % {"name": objection.subject.person.name},
        },
        status=form_status(form),
    )


# --- a department clerk's queue ----------------------------------------------------------------


@login_required
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.scope.require(Capability.REVIEW_VERDICT)
    today = timezone.localdate()
    verdicts = list(clerk_verdicts(scope=request.scope, user=request.user))
    open_items = [
        v
        for v in verdicts
        if v.verdict in (Verdict.PENDING, Verdict.QUERY) and not v.subject.batch.is_published
    ]
    return render(
        request,
        "review/queue.html",
        {
            "section": SECTION,
            "open_items": [(v, is_overdue(v, today)) for v in open_items],
            "done": [v for v in verdicts if v not in open_items][:100],
            "departments": request.user.review_departments.all(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verdict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    request.scope.require(Capability.REVIEW_VERDICT)
    item = clerk_verdict_get(scope=request.scope, user=request.user, pk=pk)
    form = VerdictForm(
        request.POST or None,
        items=negative_list().filter(is_active=True),
        initial={
            "verdict": item.verdict if item.verdict != Verdict.PENDING else None,
            "items": list(item.items.all()),
            "notes": item.notes,
        },
    )
    if save_form(
        request,
        form,
        lambda data: services.verdict_record(
            acting_user=request.user,
            verdict=item,
            result=data["verdict"],
            items=list(data["items"]),
            notes=data["notes"],
        ),
    ):
        messages.success(request, _("Recorded for %(name)s.") % {"name": item.subject.person.name})
        return redirect("review:queue")
    return render(
        request,
        "review/verdict.html",
        {
            "section": SECTION,
            "item": item,
            "person": item.subject.person,
            "form": form,
            "locked": item.subject.batch.is_published,
        },
        status=form_status(form),
    )


@never_cache
@login_required
@require_POST
def verdict_reveal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    request.scope.require(Capability.REVIEW_VERDICT)
    item = clerk_verdict_get(scope=request.scope, user=request.user, pk=pk)
    number = services.verdict_reveal_id_number(acting_user=request.user, verdict=item)
    return render(request, "review/_revealed.html", {"number": number})


# --- configuration -------------------------------------------------------------------------------


@login_required
@require_GET
def settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _district_or_403(request)
    return render(
        request,
        "review/settings.html",
        {"section": SECTION, "departments": departments(), "items": negative_list()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def department_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    district = _district_or_403(request)
    department = get_or_404(departments(), pk=pk) if pk else None
    initial = (
        {
            "code": department.code,
            "name": department.name,
            "name_en": department.name_en,
            "is_active": department.is_active,
            "clerks": list(department.clerks.all()),
        }
        if department
        else None
    )
    form = DepartmentForm(
        request.POST or None, clerks=clerk_accounts(region=district), initial=initial
    )
    return _settings_form(
        request,
        form,
        department.name if department else _("New department"),
        lambda data: services.department_save(
            acting_user=request.user,
            region=district,
            department=department,
            code=data["code"],
            name=data["name"],
            name_en=data["name_en"],
            is_active=data["is_active"],
            clerks=list(data["clerks"]),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    district = _district_or_403(request)
    item = get_or_404(negative_list(), pk=pk) if pk else None
    initial = (
        {
            "code": item.code,
            "category": item.category,
            "wording": item.wording,
            "lookback_years": item.lookback_years,
            "department": item.department_id,
            "is_active": item.is_active,
        }
        if item
        else None
    )
    form = ItemForm(request.POST or None, initial=initial)
    return _settings_form(
        request,
        form,
        item.code if item else _("New negative-list item"),
        lambda data: services.item_save(
            acting_user=request.user, region=district, item=item, **data
        ),
    )


def _settings_form(
    request: AuthenticatedHttpRequest,
    form: forms.BaseForm,
    title: str,
    save: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """Save a configuration form and go back to the settings page, or show it with its errors."""
    if save_form(request, form, save):
        messages.success(request, _("Saved."))
        return redirect("review:settings")
    return render(
        request,
        "review/form.html",
        {"section": SECTION, "form": form, "title": title, "back": "review:settings"},
        status=form_status(form),
    )
