from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from houbei.accounts.roles import Capability
from houbei.audit.presenters import describe_changes, describe_events
from houbei.audit.selectors import audit_for_record
from houbei.duty.selectors import overall_indicator
from houbei.lib.forms import apply_validation_error, form_status, save_form
from houbei.lib.http import AuthenticatedHttpRequest
from houbei.people import services
from houbei.people.forms import (
    PersonFilterForm,
    PersonForm,
    RelationshipForm,
    RevealForm,
    person_initial,
)
from houbei.people.models import RevealedField, RevealReason
from houbei.people.selectors import (
    PersonFilters,
    groups_of_village,
    person_get,
    person_get_for_edit,
    person_pages,
    possible_relatives,
    regions_for_people_filter,
    relationship_get_for_edit,
    relationships_of,
    villages_for_registration,
)
from houbei.pipeline.selectors import standing_of


@login_required
@require_GET
def person_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(Capability.PEOPLE_VIEW)
    form = PersonFilterForm(request.GET or None, regions=regions_for_people_filter(scope=scope))
    filters = PersonFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = PersonFilters(
            query=data["q"].strip(),
            region=data["region"],
            category=data["category"],
            political_status=data["political_status"],
        )
    page = Paginator(person_pages(scope=scope, filters=filters), 25).get_page(
        request.GET.get("page")
    )
    template = (
        "people/_results.html" if request.htmx and not request.htmx.boosted else "people/list.html"
    )
    return render(
        request,
        template,
        {
            "section": "people",
            "form": form,
            "page_obj": page,
            "filtered": any(
                [filters.query, filters.region, filters.category, filters.political_status]
            ),
            "can_register": scope.can(Capability.PEOPLE_EDIT),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.scope.require(Capability.PEOPLE_EDIT)
    form = PersonForm(request.POST or None, request.FILES or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_register(acting_user=request.user, data=form.to_input())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s has been registered.") % {"name": person.name})
            if "add_another" in request.POST:
                return redirect("people:create")
            return redirect("people:detail", pk=person.pk)
    status = 400 if form.is_bound else 200
    return render(request, "people/form.html", {"section": "register", "form": form}, status=status)


@login_required
@require_GET
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    person = person_get(scope=scope, pk=pk)
    return render(
        request,
        "people/detail.html",
        {
            "section": "people",
            "person": person,
            "can_edit": scope.covers(person.village, Capability.PEOPLE_EDIT),
            "can_reveal_id": scope.covers(person.village, Capability.ID_NUMBER_REVEAL),
            "can_reveal_phone": bool(person.phone_masked)
            and scope.covers(person.village, Capability.PHONE_REVEAL),
            "history": describe_events(audit_for_record(record=person)[:30]),
            "frontline": overall_indicator(person=person),
            "standing": standing_of(person=person),
            "can_nominate": scope.covers(person.village, Capability.NOMINATE),
            "reveal_form": RevealForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = person_get_for_edit(scope=request.scope, pk=pk)
    form = PersonForm(
        request.POST or None,
        request.FILES or None,
        scope=request.scope,
        person=person,
        initial=person_initial(person),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                acting_user=request.user,
                person=person,
                data=form.to_input(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except services.EditConflict as error:
            conflict = error
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", pk=person.pk)
    status = 409 if conflict else 400 if form.is_bound else 200
    return render(
        request,
        "people/form.html",
        {
            "section": "people",
            "form": form,
            "person": person,
            "conflict": conflict,
            "conflict_changes": describe_changes(conflict.latest)
            if conflict and conflict.latest
            else [],
        },
        status=status,
    )


@login_required
@require_POST
@never_cache
def person_reveal(request: AuthenticatedHttpRequest, pk: int, field: str) -> HttpResponse:
    """Show an ID or phone number in full, once, after recording why (htmx fragment)."""
    person = person_get(scope=request.scope, pk=pk)
    if field not in RevealedField.values:
        raise Http404
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            value = services.person_reveal(
                acting_user=request.user,
                person=person,
                field_name=RevealedField(field),
                reason=RevealReason(form.cleaned_data["reason"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return render(request, "people/_revealed.html", {"value": value, "field": field})
    return render(
        request,
        "people/_reveal_form.html",
        {"person": person, "field": field, "reveal_form": form},
        status=400,
    )


@login_required
@require_GET
def person_photo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    person = person_get(scope=request.scope, pk=pk)
    if not person.photo:
        raise Http404
    response = FileResponse(person.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def group_options(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The villager groups of the village chosen on the person form (htmx)."""
    request.scope.require(Capability.PEOPLE_EDIT)
    groups = []
    village_id = request.GET.get("village", "")
    if village_id.isdigit():
        village = villages_for_registration(scope=request.scope).filter(pk=int(village_id)).first()
        if village is not None:
            groups = list(groups_of_village(village=village))
    return render(request, "people/_group_options.html", {"groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def relatives(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """家庭主要成员及社会关系 in the village: what close-relative avoidance checks."""
    person = person_get(scope=request.scope, pk=pk)
    can_edit = request.scope.covers(person.village, Capability.PEOPLE_EDIT)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = RelationshipForm(
        request.POST or None, people=possible_relatives(scope=request.scope, person=person)
    )
    if save_form(
        request,
        form,
        lambda data: services.relationship_add(
            acting_user=request.user, person=person, relative=data["relative"], kind=data["kind"]
        ),
    ):
        messages.success(request, _("Recorded."))
        return redirect("people:relatives", pk=person.pk)
    return render(
        request,
        "people/relatives.html",
        {
            "section": "people",
            "person": person,
            "relationships": relationships_of(person=person),
            "form": form if can_edit else None,
        },
        status=form_status(form),
    )


@login_required
@require_POST
def relative_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = relationship_get_for_edit(scope=request.scope, pk=pk)
    person_pk = relationship.person_id
    services.relationship_remove(acting_user=request.user, relationship=relationship)
    messages.success(request, _("Removed."))
    return redirect("people:relatives", pk=person_pk)
