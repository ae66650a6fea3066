from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope, get_or_404
from houbei.people.models import Person
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.teams.models import (
    ApplicationStatus,
    SignupLink,
    Team,
    TeamKind,
    TeamMembership,
    VolunteerApplication,
)


def team_list(*, scope: Scope) -> QuerySet[Team]:
    return (
        scope.filter(Team.objects.all(), Capability.TEAM_MANAGE, code_field="region__code")
        .select_related("kind", "region", "leader")
        .annotate(
            member_count=Count("memberships", distinct=True),
            pending_count=Count(
                "applications",
                filter=Q(applications__status=ApplicationStatus.PENDING),
                distinct=True,
            ),
        )
        .order_by("region__code", "name")
    )


def teams_of(*, person: Person) -> QuerySet[Team]:
    """The teams ``person`` belongs to (the caller has been allowed to see the person)."""
    return Team.objects.filter(memberships__person=person).distinct().order_by("name")


def team_get(*, scope: Scope, pk: int) -> Team:
    return get_or_404(team_list(scope=scope), pk=pk)


def team_members(*, team: Team) -> QuerySet[TeamMembership]:
    return team.memberships.select_related("person__village", "person__villager_group").order_by(
        "person__name_sort"
    )


def team_applications(*, team: Team) -> QuerySet[VolunteerApplication]:
    return team.applications.select_related("village", "villager_group", "decided_by").order_by(
        "status", "-created_at"
    )


def team_links(*, team: Team) -> QuerySet[SignupLink]:
    return team.signup_links.order_by("-created_at")


def application_get(*, scope: Scope, pk: int) -> VolunteerApplication:
    return get_or_404(
        scope.filter(
            VolunteerApplication.objects.select_related("team__region", "village"),
            Capability.TEAM_MANAGE,
            code_field="team__region__code",
        ),
        pk=pk,
    )


def membership_get(*, scope: Scope, pk: int) -> TeamMembership:
    return get_or_404(
        scope.filter(
            TeamMembership.objects.select_related("team__region", "person"),
            Capability.TEAM_MANAGE,
            code_field="team__region__code",
        ),
        pk=pk,
    )


def link_get(*, scope: Scope, pk: int) -> SignupLink:
    return get_or_404(
        scope.filter(
            SignupLink.objects.select_related("team__region"),
            Capability.TEAM_MANAGE,
            code_field="team__region__code",
        ),
        pk=pk,
    )


def open_link_by_token(*, token: str) -> SignupLink:
    """The public page: a token is the only key; closed or unknown links look the same."""
    link = (
        SignupLink.objects.filter(token=token, is_active=True)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()))
        .select_related("team__region", "team__kind")
        .first()
    )
    if link is None:
        raise Http404
    return link


def villages_for_signup(*, link: SignupLink) -> QuerySet[Region]:
    region = link.team.region
    if region.level == Level.VILLAGE:
        return Region.objects.filter(pk=region.pk)
    return Region.objects.filter(
        code__startswith=region.prefix,
        level=Level.VILLAGE,
        merged_into__isnull=True,
        valid_to__isnull=True,
    ).order_by("code")


def groups_for_signup(*, link: SignupLink) -> QuerySet[Region]:
    return (
        Region.objects.filter(
            parent__in=villages_for_signup(link=link), level=Level.GROUP, valid_to__isnull=True
        )
        .select_related("parent")
        .order_by("code")
    )


def regions_for_teams(*, scope: Scope) -> QuerySet[Region]:
    return (
        scope.filter(Region.objects.all(), Capability.TEAM_MANAGE, code_field="code")
        .filter(
            level__in=[Level.TOWN, Level.VILLAGE], merged_into__isnull=True, valid_to__isnull=True
        )
        .order_by("code")
    )


def active_team_kinds() -> QuerySet[TeamKind]:
    return TeamKind.objects.filter(is_active=True)


def require_team_manage(scope: Scope) -> None:
    if not scope.can(Capability.TEAM_MANAGE):
        raise PermissionDenied
