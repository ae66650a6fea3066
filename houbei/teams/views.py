from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from houbei.audit.conflicts import latest_event_id
from houbei.campaigns.selectors import campaign_list
from houbei.lib.forms import apply_validation_error
from houbei.lib.http import AuthenticatedHttpRequest
from houbei.lib.ratelimit import hit
from houbei.people.models import Person
from houbei.people.selectors import PersonFilters, person_list
from houbei.regions.models import Region
from houbei.teams import services
from houbei.teams.forms import DeclineApplicationForm, LinkForm, MemberForm, SignupForm, TeamForm
from houbei.teams.models import Team
from houbei.teams.selectors import (
    application_get,
    groups_for_signup,
    link_get,
    membership_get,
    open_link_by_token,
    require_team_manage,
    team_applications,
    team_get,
    team_links,
    team_list,
    team_members,
    villages_for_signup,
)

# The public sign-up page: at most this many submissions per client address per hour.
SIGNUP_LIMIT_PER_HOUR = 10


def _people_of(request: AuthenticatedHttpRequest, region: Region | None) -> QuerySet[Person]:
    return person_list(scope=request.scope, filters=PersonFilters(region=region)).select_related(
        "village"
    )


@login_required
@require_GET
def team_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_team_manage(request.scope)
    return render(
        request, "teams/list.html", {"section": "teams", "teams": team_list(scope=request.scope)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_team_manage(request.scope)
    form = TeamForm(
        request.POST or None,
        scope=request.scope,
        people=_people_of(request, None),
        campaigns=campaign_list(scope=request.scope),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.team_create(
                acting_user=request.user,
                name=data["name"],
                kind=data["kind"],
                region=data["region"],
                leader=data["leader"],
                campaigns=list(data["campaigns"]),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s has been set up.") % {"name": team.name})
            return redirect("teams:detail", pk=team.pk)
    return render(
        request,
        "teams/form.html",
        {"section": "teams", "form": form, "title": _("New team")},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team = team_get(scope=request.scope, pk=pk)
    form = TeamForm(
        request.POST or None,
        scope=request.scope,
        people=_people_of(request, team.region),
        campaigns=campaign_list(scope=request.scope),
        editing=True,
        initial={
            "name": team.name,
            "kind": team.kind_id,
            "leader": team.leader_id,
            "campaigns": list(team.campaigns.all()),
            "seen_event": latest_event_id(team),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.team_update(
                acting_user=request.user,
                team=team,
                name=data["name"],
                kind=data["kind"],
                leader=data["leader"],
                campaigns=list(data["campaigns"]),
                seen_event=data["seen_event"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("teams:detail", pk=team.pk)
    return render(
        request,
        "teams/form.html",
        {"section": "teams", "form": form, "title": _("Edit team"), "team": team},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def team_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team = team_get(scope=request.scope, pk=pk)
    return _detail_page(request, team)


def _detail_page(
    request: AuthenticatedHttpRequest,
    team: Team,
    *,
    member_form: MemberForm | None = None,
    status: int = 200,
) -> HttpResponse:
    links = [
        (
            link,
            request.build_absolute_uri(reverse("join:signup", args=[link.token])),
            services.signup_link_is_open(link),
        )
        for link in team_links(team=team)
    ]
    return render(
        request,
        "teams/detail.html",
        {
            "section": "teams",
            "team": team,
            "members": team_members(team=team),
            "applications": team_applications(team=team),
            "links": links,
            "member_form": member_form
            or MemberForm(
                people=_people_of(request, team.region).exclude(team_memberships__team=team)
            ),
            "link_form": LinkForm(),
            "decline_form": DeclineApplicationForm(),
        },
        status=status,
    )


@login_required
@require_POST
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team = team_get(scope=request.scope, pk=pk)
    form = MemberForm(request.POST, people=_people_of(request, team.region))
    if form.is_valid():
        try:
            services.team_add_member(
                acting_user=request.user, team=team, person=form.cleaned_data["person"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has joined the team.") % {"name": form.cleaned_data["person"].name},
            )
            return redirect("teams:detail", pk=team.pk)
    return _detail_page(request, team, member_form=form, status=400)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = membership_get(scope=request.scope, pk=pk)
    try:
        services.team_remove_member(acting_user=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s has left the team.") % {"name": membership.person.name}
        )
    return redirect("teams:detail", pk=membership.team_id)


@login_required
@require_POST
def link_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team = team_get(scope=request.scope, pk=pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.signup_link_open(
                acting_user=request.user, team=team, expires_on=form.cleaned_data["expires_on"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The sign-up link is open; share it or print its QR code."))
    return redirect("teams:detail", pk=team.pk)


@login_required
@require_POST
def link_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = link_get(scope=request.scope, pk=pk)
    services.signup_link_close(acting_user=request.user, link=link)
    messages.success(request, _("The sign-up link is closed."))
    return redirect("teams:detail", pk=link.team_id)


@login_required
@require_GET
def link_qr(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The link as a QR code (SVG) to print or show on a phone."""
    link = link_get(scope=request.scope, pk=pk)
    url = request.build_absolute_uri(reverse("join:signup", args=[link.token]))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@login_required
@require_POST
def application_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = application_get(scope=request.scope, pk=pk)
    try:
        services.application_accept(acting_user=request.user, application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s has joined the team and the registry.") % {"name": application.name},
        )
    return redirect("teams:detail", pk=application.team_id)


@login_required
@require_POST
def application_decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = application_get(scope=request.scope, pk=pk)
    form = DeclineApplicationForm(request.POST)
    if form.is_valid():
        try:
            services.application_decline(
                acting_user=request.user,
                application=application,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The application is declined."))
    else:
        messages.error(request, _("Say why the application is declined."))
    return redirect("teams:detail", pk=application.team_id)


@require_GET
def signup_done(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """After a submission (post/redirect/get: reloading does not send it again)."""
    link = open_link_by_token(token=token)
    return render(request, "teams/signup_done.html", {"team": link.team})


# --- the public sign-up page ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """“请组织允许我加入一线队伍”: anyone with the link may apply. Rate-limited per client;
    whatever is submitted, the answer says nothing about anyone else."""
    link = open_link_by_token(token=token)
    villages, groups = villages_for_signup(link=link), groups_for_signup(link=link)
    form = SignupForm(request.POST or None, villages=villages, groups=groups)
    if request.method == "POST":
        if not hit("signup", request, limit=SIGNUP_LIMIT_PER_HOUR, window_seconds=3600):
            return render(request, "teams/signup_limited.html", {"team": link.team}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.application_submit(
                    link=link,
                    data=services.ApplicationInput(
                        name=data["name"],
                        id_number=data["id_number"],
                        phone=data["phone"],
                        village=data["village"],
                        villager_group=data["villager_group"],
                        skills=data["skills"],
                        availability=data["availability"],
                    ),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return redirect("join:done", token=link.token)
    return render(
        request,
        "teams/signup.html",
        {"team": link.team, "form": form},
        status=400 if form.is_bound else 200,
    )
