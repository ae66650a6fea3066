from __future__ import annotations

import base64
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from houbei.accounts.roles import Capability
from houbei.audit.conflicts import latest_event_id
from houbei.lib.forms import apply_validation_error
from houbei.lib.http import AuthenticatedHttpRequest
from houbei.people.selectors import people_counts_by_child
from houbei.regions import services
from houbei.regions.codes import Level, normalize_code
from houbei.regions.forms import RegionChildForm, RegionEditForm, RegionImportForm, RegionMergeForm
from houbei.regions.importers import regions_import_apply, regions_import_parse
from houbei.regions.models import Region
from houbei.regions.selectors import (
    region_ancestors,
    region_children,
    region_get,
    region_get_for_manage,
    region_merge_targets,
    region_roots,
)

_IMPORT_SESSION_KEY = "region_import"


def _form_page(
    request: AuthenticatedHttpRequest, form: Form, *, anchor: Region, title: str
) -> HttpResponse:
    """The region form page; 400 when a submitted form comes back with errors."""
    return render(
        request,
        "regions/form.html",
        {"section": "regions", "form": form, "anchor": anchor, "title": title},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def region_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.scope.require(Capability.REGIONS_VIEW)
    roots = region_roots(scope=request.scope)
    if len(roots) == 1:
        return redirect("regions:detail", code=roots[0].code)
    return render(
        request,
        "regions/index.html",
        {
            "section": "regions",
            "roots": roots,
            "can_manage": request.scope.can(Capability.REGIONS_MANAGE),
        },
    )


@login_required
@require_GET
def region_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    scope = request.scope
    scope.require(Capability.REGIONS_VIEW)
    region = region_get(scope=scope, code=code)
    can_see_people = scope.can(Capability.PEOPLE_VIEW)
    return render(
        request,
        "regions/detail.html",
        {
            "section": "regions",
            "region": region,
            "ancestors": region_ancestors(scope=scope, region=region),
            "children": region_children(region=region),
            "people_counts": people_counts_by_child(scope=scope, region=region)
            if can_see_people
            else {},
            "can_see_people": can_see_people,
            "can_manage": scope.covers(region, Capability.REGIONS_MANAGE),
            "child_level": Level(region.level + 1) if region.level < Level.GROUP else None,
            "merged_regions": region.merged_regions.order_by("code"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def region_create_child(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    parent = region_get_for_manage(scope=request.scope, code=code)
    if parent.level >= Level.GROUP:
        return redirect("regions:detail", code=parent.code)
    form = RegionChildForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            child = services.region_create(
                acting_user=request.user,
                code=normalize_code(data["code"], form.level),
                name=data["name"],
                level=form.level,
                parent=parent,
                kind=data["kind"],
                urban_rural_class=data["urban_rural_class"],
                valid_from=data["valid_from"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except ValueError as error:  # CodeError from normalize_code
            form.add_error("code", getattr(error, "message", str(error)))
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": child.name})
            return redirect("regions:detail", code=parent.code)
    return _form_page(request, form, anchor=parent, title=_("Add a region"))


@login_required
@require_http_methods(["GET", "POST"])
def region_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = region_get_for_manage(scope=request.scope, code=code)
    form = RegionEditForm(
        request.POST or None,
        initial={
            "name": region.name,
            "kind": region.kind,
            "urban_rural_class": region.urban_rural_class,
            "valid_from": region.valid_from,
            "valid_to": region.valid_to,
            "seen_event": latest_event_id(region),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.region_update(acting_user=request.user, region=region, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("regions:detail", code=region.code)
    return _form_page(request, form, anchor=region, title=_("Edit region"))


@login_required
@require_http_methods(["GET", "POST"])
def region_merge(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = region_get_for_manage(scope=request.scope, code=code)
    form = RegionMergeForm(
        request.POST or None, targets=region_merge_targets(scope=request.scope, region=region)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.region_merge(
                acting_user=request.user,
                region=region,
                into=form.cleaned_data["into"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has been merged into %(target)s.")
                % {"name": region.name, "target": form.cleaned_data["into"].name},
            )
            return redirect("regions:detail", code=region.code)
    return _form_page(request, form, anchor=region, title=_("Merge region"))


@login_required
@require_http_methods(["GET", "POST"])
def region_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 1: upload and preview. Nothing is written; the file waits in the session."""
    request.scope.require(Capability.REGIONS_MANAGE)
    form = RegionImportForm(request.POST or None, request.FILES or None)
    plan = None
    token = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        plan = regions_import_parse(data, scope=request.scope)
        if plan.ok:
            token = secrets.token_urlsafe(16)
            request.session[_IMPORT_SESSION_KEY] = {
                "token": token,
                "data": base64.b64encode(data).decode("ascii"),
            }
    return render(
        request,
        "regions/import.html",
        {"section": "regions", "form": form, "plan": plan, "token": token},
        status=400 if form.is_bound and (plan is None or not plan.ok) else 200,
    )


@login_required
@require_POST
def region_import_apply(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 2: write the previewed file, checked again against the database as it is now."""
    request.scope.require(Capability.REGIONS_MANAGE)
    pending = request.session.get(_IMPORT_SESSION_KEY)
    if not pending or not secrets.compare_digest(
        pending.get("token", ""), request.POST.get("token", "")
    ):
        messages.error(request, _("The preview has expired; upload the file again."))
        return redirect("regions:import")
    plan = regions_import_parse(base64.b64decode(pending["data"]), scope=request.scope)
    if not plan.ok:
        return render(
            request,
            "regions/import.html",
            {"section": "regions", "form": RegionImportForm(), "plan": plan, "token": ""},
            status=400,
        )
    result = regions_import_apply(plan=plan, acting_user=request.user)
    del request.session[_IMPORT_SESSION_KEY]
    messages.success(
        request,
        _("Import done: %(created)d added, %(updated)d updated, %(unchanged)d unchanged.")
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect("regions:index")
