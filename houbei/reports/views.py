from __future__ import annotations

import hashlib
import json
import os
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from houbei.accounts.roles import Capability
from houbei.audit.selectors import data_version
from houbei.jobs.runner import job_start
from houbei.lib.excel import XLSX_CONTENT_TYPE
from houbei.lib.http import AuthenticatedHttpRequest, content_disposition
from houbei.lib.replica import reads_replica
from houbei.pipeline.selectors import pool_status
from houbei.regions.models import Region
from houbei.reports import charts, exports
from houbei.reports.figures import (
    Breakdown,
    Filters,
    Section,
    child_of_village,
    count,
    figure,
    sections,
)
from houbei.reports.selectors import report_campaigns, report_regions, resolve_filters

SECTION = "reports"


class ReportForm(forms.Form):
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    campaign = forms.ChoiceField(label=gettext_lazy("Campaign"), required=False)
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any, *, regions: list[Any], campaigns: list[Any]) -> None:
        super().__init__(data)
        top = min((r.level for r in regions), default=0)
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            (r.code, "\u3000" * (r.level - top) + r.name) for r in regions
        ]
        cast(forms.ChoiceField, self.fields["campaign"]).choices = [
            ("", _("All campaigns")),
            *((str(c.pk), c.name) for c in campaigns),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end comes on or after the start."))
        return data


def _filters(request: AuthenticatedHttpRequest) -> tuple[Filters, ReportForm]:
    """The report's filters from the query string. A region or campaign outside the user's
    scope answers 404; a bad date is shown on the form and the default is used instead."""
    scope = request.scope
    if not scope.can(Capability.PEOPLE_VIEW):
        raise PermissionDenied
    regions = list(report_regions(scope=scope))
    campaigns = list(report_campaigns(scope=scope))
    form = ReportForm(request.GET, regions=regions, campaigns=campaigns)
    form.is_valid()
    campaign = request.GET.get("campaign") or None
    if campaign is not None and not campaign.isdigit():
        raise Http404
    try:
        filters = resolve_filters(
            scope,
            region_code=request.GET.get("region") or None,
            campaign_id=int(campaign) if campaign else None,
            start=form.cleaned_data.get("start") if not form.has_error("start") else None,
            end=form.cleaned_data.get("end") if not form.has_error("end") else None,
        )
    except LookupError:
        raise PermissionDenied from None
    if form.errors:
        if filters.start > filters.end:
            filters = resolve_filters(
                scope,
                region_code=filters.region.code,
                campaign_id=filters.campaign.pk if filters.campaign else None,
                start=None,
                end=None,
            )
        return filters, form
    # Show what the report is about, defaults included.
    shown = {
        "region": filters.region.code,
        "campaign": str(filters.campaign.pk) if filters.campaign else "",
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
    }
    form = ReportForm(shown, regions=regions, campaigns=campaigns)
    form.is_valid()
    return filters, form


def _query(filters: Filters, **extra: str) -> str:
    params = {
        "region": filters.region.code,
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        **extra,
    }
    if filters.campaign is not None:
        params["campaign"] = str(filters.campaign.pk)
    return urlencode(params)


def _counted(
    filters: Filters,
) -> tuple[list[Section], list[Region], dict[int, int], dict[str, Breakdown]]:
    """Every figure counted once, by the region's subdivisions: one query per figure."""
    all_sections = sections()
    children, owner = child_of_village(filters.region)
    counts = {
        item.key: count(item, filters, owner)
        for section in all_sections
        for item in section.figures
    }
    return all_sections, children, owner, counts


@login_required
@require_GET
@reads_replica
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.scope.can(Capability.PEOPLE_VIEW):
        raise PermissionDenied
    key = _dashboard_key(request)
    cached = cache.get(key)
    body = mark_safe(cached) if cached is not None else None  # noqa: S308 - our own rendering
    if body is None:
        filters, form = _filters(request)
        body = render_to_string(
            "reports/_dashboard_body.html", _dashboard_context(filters, form), request=request
        )
        if not form.errors:
            cache.set(key, body, DASHBOARD_CACHE_SECONDS)
    return render(request, "reports/dashboard.html", {"section": SECTION, "body": body})


# A backstop only: the key changes with every audited change (see _dashboard_key).
DASHBOARD_CACHE_SECONDS = 10 * 60


def _dashboard_key(request: AuthenticatedHttpRequest) -> str:
    """The dashboard body is the same for the same user, grants, language, query and data:
    every change a service makes writes an audit event, so the newest event's number
    (``data_version``) says whether anything it shows can have changed. The local date is in
    the key because the default period ends today. Per user, not per scope: a post leader's
    reach also follows the posts they lead."""
    grants = sorted((grant.role.value, grant.region_id) for grant in request.scope.grants)
    parts = [
        request.user.pk,
        grants,
        get_language(),
        sorted(request.GET.lists()),
        data_version(),
        timezone.localdate().isoformat(),
    ]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"reports:dashboard:{digest}"


def _dashboard_context(filters: Filters, form: ReportForm) -> dict[str, Any]:
    all_sections, children, owner, counts = _counted(filters)

    people_url = reverse("reports:people")  # once: url_of runs for every cell (~1 500)

    def url_of(key: str, region_code: str | None = None) -> str:
        return (
            people_url
            + "?"
            + _query(filters, figure=key, **({"region": region_code} if region_code else {}))
        )

    by_key = {section.key: section for section in all_sections}
    coverage, post_rows = charts.post_coverage(filters)
    villages = len(owner) or 1
    village_pools = pool_status(scope=filters.scope, region=filters.region)
    chart_options = {
        "chart-hours": charts.hours_per_day(filters),
        "chart-posts": coverage,
        "chart-funnel": charts.funnel(by_key["pool"], counts, url_of),
        "chart-target": charts.pool_against_target(village_pools, url_of),
        **charts.breakdown_charts(by_key, counts, url_of),
    }
    table_sections = [
        {
            "section": section,
            "rows": [
                {
                    "figure": item,
                    "total": counts[item.key].total,
                    "url": url_of(item.key),
                    "cells": [
                        (counts[item.key].by_child.get(child.pk, 0), url_of(item.key, child.code))
                        for child in children
                    ],
                }
                for item in section.figures
            ],
        }
        for section in all_sections
    ]
    pool_total = counts["pool_total"].total
    return {
        "form": form,
        "filters": filters,
        "children": children,
        "headline": table_sections[0]["rows"],
        "tables": table_sections[1:],
        "post_rows": post_rows,
        "per_village": round(pool_total / villages, 1),
        "villages": len(owner),
        "below_target": len([row for row in village_pools if row.below_target]),
        "charts": chart_options,
        "target_height": 80 + 26 * len(village_pools),
        "query": _query(filters),
    }


@login_required
@require_GET
@reads_replica
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The people behind one number of the dashboard."""
    filters, _form = _filters(request)
    chosen = figure(request.GET.get("figure", ""))
    if chosen is None:
        raise Http404
    people_qs = (
        chosen.people(filters)
        .select_related("village", "standing")
        .order_by("village__code", "name_sort", "pk")
    )
    page = Paginator(people_qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/people.html",
        {
            "section": SECTION,
            "filters": filters,
            "figure": chosen,
            "page_obj": page,
            "query": _query(filters, figure=chosen.key),
            "dashboard_query": _query(filters),
        },
    )


def _export(request: AuthenticatedHttpRequest, kind: str, **params: str) -> HttpResponseBase:
    """Stream a small export at once; hand a large one to a background job."""
    filters, _form = _filters(request)
    try:
        export = exports.export_for(kind, filters, params)
    except LookupError:
        raise Http404 from None
    if export.count > settings.HOUBEI_EXPORT_INLINE_ROWS:
        job = job_start(
            acting_user=request.user,
            kind="reports.export",
            params=exports.job_params(filters, export=kind, **params),
            title=_("Export: %(title)s") % {"title": export.title},
        )
        return redirect("jobs:job", key=job.key)
    return _download(export, filters)


def _download(export: exports.Export, filters: Filters) -> FileResponse:
    path = exports.write(export, filters)
    handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    os.unlink(path)  # the open handle keeps the data until the response is sent
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(export.filename)
    return response


@login_required
@require_GET
def people_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    return _export(request, "people", figure=request.GET.get("figure", ""))


@login_required
@require_GET
def duty_records_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    return _export(request, "duty_records")


@login_required
@require_GET
def decisions_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    return _export(request, "decisions")


@login_required
@require_GET
@reads_replica
def dashboard_export(request: AuthenticatedHttpRequest) -> FileResponse:
    filters, _form = _filters(request)
    all_sections, children, _owner, counts = _counted(filters)
    return _download(exports.dashboard_tables(filters, all_sections, counts, children), filters)
