from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from houbei.accounts.roles import Capability
from houbei.audit.conflicts import latest_event_id
from houbei.campaigns import services
from houbei.campaigns.forms import CampaignForm, PostForm, pattern_text
from houbei.campaigns.models import Campaign
from houbei.campaigns.selectors import (
    campaign_get,
    campaign_get_for_manage,
    campaign_list,
    leader_candidates,
    post_get_for_manage,
    post_list,
)
from houbei.lib.forms import apply_validation_error
from houbei.lib.http import AuthenticatedHttpRequest


def _require_frontline(request: AuthenticatedHttpRequest) -> None:
    if not (request.scope.can(Capability.DUTY_VIEW) or request.scope.can(Capability.POST_LEAD)):
        request.scope.require(Capability.DUTY_VIEW)


@login_required
@require_GET
def campaign_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_frontline(request)
    campaigns = campaign_list(scope=request.scope)
    return render(
        request,
        "campaigns/list.html",
        {
            "section": "frontline",
            "campaigns": campaigns,
            "can_create": request.scope.can(Capability.CAMPAIGN_MANAGE),
            "can_review": request.scope.can(Capability.DUTY_VERIFY)
            or request.scope.can(Capability.POST_LEAD),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.scope.require(Capability.CAMPAIGN_MANAGE)
    form = CampaignForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                acting_user=request.user,
                name=data["name"],
                campaign_type=data["campaign_type"],
                region=data["region"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                description=data["description"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s has been opened.") % {"name": campaign.name})
            return redirect("campaigns:detail", pk=campaign.pk)
    return _form_page(request, form, title=_("Open a campaign"))


@login_required
@require_GET
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_frontline(request)
    campaign = campaign_get(scope=request.scope, pk=pk)
    return render(
        request,
        "campaigns/detail.html",
        {
            "section": "frontline",
            "campaign": campaign,
            "posts": post_list(scope=request.scope, campaign=campaign),
            "can_manage": request.scope.covers(campaign.region, Capability.CAMPAIGN_MANAGE),
            "can_add_post": request.scope.can(Capability.POST_MANAGE),
            "can_import": request.scope.can(Capability.DUTY_RECORD),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get_for_manage(scope=request.scope, pk=pk)
    initial = {
        "name": campaign.name,
        "campaign_type": campaign.campaign_type_id,
        "start_date": campaign.start_date,
        "end_date": campaign.end_date,
        "status": campaign.status,
        "description": campaign.description,
        "seen_event": latest_event_id(campaign),
    }
    form = CampaignForm(
        request.POST or None, scope=request.scope, campaign=campaign, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                acting_user=request.user, campaign=campaign, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return _form_page(request, form, title=_("Edit campaign"), campaign=campaign)


def _form_page(
    request: AuthenticatedHttpRequest,
    form: CampaignForm | PostForm,
    *,
    title: str,
    campaign: Campaign | None = None,
) -> HttpResponse:
    return render(
        request,
        "campaigns/form.html",
        {"section": "frontline", "form": form, "title": title, "campaign": campaign},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    request.scope.require(Capability.POST_MANAGE)
    campaign = campaign_get(scope=request.scope, pk=pk)
    form = PostForm(
        request.POST or None,
        scope=request.scope,
        campaign=campaign,
        leaders=leader_candidates(region=campaign.region, scope=request.scope),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = services.post_create(
                acting_user=request.user,
                campaign=campaign,
                post_type=data["post_type"],
                name=data["name"],
                region=data["region"],
                place=data["place"],
                pattern=data["shift_specs"],
                leaders=list(data["leaders"]),
                max_shift_hours=data["max_shift_hours"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s has been set up.") % {"name": post.name})
            return redirect("duty:post_roster", pk=post.pk)
    return _form_page(request, form, title=_("Set up a post"), campaign=campaign)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    post = post_get_for_manage(scope=request.scope, pk=pk)
    initial = {
        "name": post.name,
        "post_type": post.post_type_id,
        "place": post.place,
        "pattern": "custom",
        "custom_shifts": pattern_text(post),
        "leaders": list(post.leaders.all()),
        "max_shift_hours": post.max_shift_hours,
        "is_active": post.is_active,
        "seen_event": latest_event_id(post),
    }
    form = PostForm(
        request.POST or None,
        scope=request.scope,
        campaign=post.campaign,
        post=post,
        leaders=leader_candidates(region=post.region, scope=request.scope),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.post_update(
                acting_user=request.user,
                post=post,
                name=data["name"],
                post_type=data["post_type"],
                place=data["place"],
                is_active=data["is_active"],
                max_shift_hours=data["max_shift_hours"],
                leaders=list(data["leaders"]),
                pattern=data["shift_specs"],
                seen_event=data["seen_event"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("duty:post_roster", pk=post.pk)
    return _form_page(request, form, title=_("Edit post"), campaign=post.campaign)
