"""Reads of campaigns and posts. A campaign or a post is visible to those who keep the
frontline inside its region, to those below it (a village sees the district's campaign and
its town's posts — but through them only its own people), and a post to its leaders."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from houbei.accounts.models import User
from houbei.accounts.roles import Capability, Role
from houbei.accounts.scoping import Scope, get_or_404
from houbei.campaigns.models import Campaign, CampaignType, Post, PostType
from houbei.regions.codes import Level
from houbei.regions.models import Region


def _campaign_q(scope: Scope) -> Q:
    condition = scope.region_q(Capability.DUTY_VIEW, "region__code") | Q(
        region__code__in=scope.ancestor_codes(Capability.DUTY_VIEW)
    )
    if scope.prefixes(Capability.POST_LEAD):
        led = Post.objects.filter(scope.post_q(Capability.DUTY_VIEW)).values("campaign_id")
        condition |= Q(pk__in=led)
    return condition


def _post_q(scope: Scope) -> Q:
    return scope.post_q(Capability.DUTY_VIEW) | Q(
        region__code__in=scope.ancestor_codes(Capability.DUTY_VIEW)
    )


def campaign_list(*, scope: Scope) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(_campaign_q(scope))
        .select_related("campaign_type", "region")
        .order_by("-start_date", "name")
    )


def campaign_get(*, scope: Scope, pk: int) -> Campaign:
    return get_or_404(campaign_list(scope=scope), pk=pk)


def campaign_get_for_manage(*, scope: Scope, pk: int) -> Campaign:
    campaign = campaign_get(scope=scope, pk=pk)
    if not scope.covers(campaign.region, Capability.CAMPAIGN_MANAGE):
        raise PermissionDenied
    return campaign


def post_list(*, scope: Scope, campaign: Campaign | None = None) -> QuerySet[Post]:
    posts = Post.objects.filter(_post_q(scope)).select_related("campaign", "post_type", "region")
    if campaign is not None:
        posts = posts.filter(campaign=campaign)
    return posts.order_by("campaign", "region__code", "name")


def posts_led_by(*, scope: Scope) -> QuerySet[Post]:
    """The posts the user leads (their home page lists them)."""
    if not scope.prefixes(Capability.POST_LEAD):
        return Post.objects.none()
    return (
        Post.objects.filter(
            scope.region_q(Capability.POST_LEAD, "region__code"), leaders=scope.user_id
        )
        .filter(is_active=True, campaign__status="active")
        .select_related("campaign", "region")
        .order_by("name")
    )


def post_get(*, scope: Scope, pk: int) -> Post:
    return get_or_404(post_list(scope=scope).prefetch_related("shift_templates", "leaders"), pk=pk)


def post_get_for_manage(*, scope: Scope, pk: int) -> Post:
    post = post_get(scope=scope, pk=pk)
    if not scope.covers(post.region, Capability.POST_MANAGE):
        raise PermissionDenied
    return post


def regions_for_campaigns(*, scope: Scope) -> QuerySet[Region]:
    """Where the user may open a campaign: towns and above inside their regions."""
    return (
        scope.filter(Region.objects.all(), Capability.CAMPAIGN_MANAGE, code_field="code")
        .filter(level__lte=Level.TOWN, merged_into__isnull=True, valid_to__isnull=True)
        .order_by("code")
    )


def regions_for_posts(*, scope: Scope, campaign: Campaign) -> QuerySet[Region]:
    """Towns and villages of the campaign's region where the user may set up posts."""
    return (
        scope.filter(Region.objects.all(), Capability.POST_MANAGE, code_field="code")
        .filter(
            code__startswith=campaign.region.prefix,
            level__in=[Level.TOWN, Level.VILLAGE],
            merged_into__isnull=True,
            valid_to__isnull=True,
        )
        .order_by("code")
    )


def leader_candidates(*, region: Region, scope: Scope) -> QuerySet[User]:
    """Accounts that may lead posts in ``region``: post leaders, village secretaries and town
    admins granted on a town or village inside it that the user keeps the frontline of."""
    return (
        User.objects.filter(
            scope.region_q(Capability.POST_MANAGE, "grants__region__code"),
            is_active=True,
            grants__role__in=[Role.POST_LEADER, Role.VILLAGE_SECRETARY, Role.TOWN_ADMIN],
            grants__region__code__startswith=region.prefix,
        )
        .distinct()
        .order_by("username")
    )


def active_campaign_types() -> QuerySet[CampaignType]:
    return CampaignType.objects.filter(is_active=True)


def active_post_types() -> QuerySet[PostType]:
    return PostType.objects.filter(is_active=True)
