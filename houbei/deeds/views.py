from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from houbei.accounts.roles import Capability
from houbei.audit.conflicts import latest_event_id
from houbei.campaigns.selectors import campaign_list
from houbei.deeds import services
from houbei.deeds.forms import DeedForm, EvidenceForm
from houbei.deeds.selectors import deed_get_for_edit, evidence_get, evidence_get_for_edit
from houbei.lib.forms import apply_validation_error
from houbei.lib.http import AuthenticatedHttpRequest
from houbei.people.selectors import person_get


@login_required
@require_http_methods(["GET", "POST"])
def deed_create(request: AuthenticatedHttpRequest, person_pk: int) -> HttpResponse:
    person = person_get(scope=request.scope, pk=person_pk)
    if not request.scope.covers(person.village, Capability.DEED_EDIT):
        raise PermissionDenied
    form = DeedForm(
        request.POST or None, request.FILES or None, campaigns=campaign_list(scope=request.scope)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.deed_create(
                acting_user=request.user,
                person=person,
                date=data["date"],
                title=data["title"],
                narrative=data["narrative"],
                level=data["level"],
                campaign=data["campaign"],
                files=data["attachments"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The deed has been recorded."))
            return redirect("duty:person_profile", pk=person.pk)
    return render(
        request,
        "deeds/form.html",
        {"section": "people", "form": form, "person": person, "title": _("Record a deed")},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def deed_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    deed = deed_get_for_edit(scope=request.scope, pk=pk)
    initial = {
        "date": deed.date,
        "title": deed.title,
        "narrative": deed.narrative,
        "level": deed.level,
        "campaign": deed.campaign_id,
        "seen_event": latest_event_id(deed),
    }
    form = DeedForm(
        request.POST or None,
        campaigns=campaign_list(scope=request.scope),
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.deed_update(
                acting_user=request.user,
                deed=deed,
                date=data["date"],
                title=data["title"],
                narrative=data["narrative"],
                level=data["level"],
                campaign=data["campaign"],
                seen_event=data["seen_event"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("duty:person_profile", pk=deed.person_id)
    return render(
        request,
        "deeds/form.html",
        {
            "section": "people",
            "form": form,
            "person": deed.person,
            "deed": deed,
            "evidence_form": EvidenceForm(),
            "title": _("Edit deed"),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def evidence_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    deed = deed_get_for_edit(scope=request.scope, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.deed_add_evidence(
                acting_user=request.user, deed=deed, files=form.cleaned_data["attachments"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Evidence added."))
    else:
        messages.error(request, _("Choose one or more photos or PDF files."))
    return redirect("deeds:edit", pk=deed.pk)


@login_required
@require_GET
def evidence_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence = evidence_get(scope=request.scope, pk=pk)
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def evidence_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = evidence_get_for_edit(scope=request.scope, pk=pk)
    deed_pk = evidence.deed_id
    services.deed_remove_evidence(acting_user=request.user, evidence=evidence)
    messages.success(request, _("Evidence removed."))
    return redirect("deeds:edit", pk=deed_pk)
