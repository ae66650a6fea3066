"""Campaigns (练兵场) and their posts. Campaigns are opened by district or town admins in
their regions; posts by anyone who keeps the frontline of the post's region."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability, Role
from houbei.accounts.scoping import Scope
from houbei.audit.conflicts import refuse_stale_edit
from houbei.audit.models import EventType
from houbei.audit.services import audit_record, changed_values
from houbei.campaigns.models import (
    Campaign,
    CampaignStatus,
    CampaignType,
    Post,
    PostType,
    ShiftTemplate,
)
from houbei.regions.codes import Level
from houbei.regions.models import Region

if TYPE_CHECKING:
    from houbei.accounts.models import User


def _require(acting_user: User | None, region: Region, capability: Capability) -> None:
    if acting_user is not None and not Scope.for_user(acting_user).covers(region, capability):
        raise PermissionDenied


def campaign_snapshot(campaign: Campaign) -> dict[str, Any]:
    return {
        "name": campaign.name,
        "campaign_type": campaign.campaign_type.code,
        "region": campaign.region.code,
        "start_date": campaign.start_date.isoformat(),
        "end_date": campaign.end_date.isoformat() if campaign.end_date else None,
        "status": campaign.status,
        "description": campaign.description,
    }


def _check_campaign(campaign: Campaign) -> None:
    if campaign.region.level > Level.TOWN:
        raise ValidationError({"region": _("A campaign covers a town, a district or more.")})
    campaign.full_clean()


@transaction.atomic
def campaign_create(
    *,
    acting_user: User | None,
    name: str,
    campaign_type: CampaignType,
    region: Region,
    start_date: dt.date,
    end_date: dt.date | None = None,
    description: str = "",
) -> Campaign:
    _require(acting_user, region, Capability.CAMPAIGN_MANAGE)
    campaign = Campaign(
        name=name.strip(),
        campaign_type=campaign_type,
        region=region,
        start_date=start_date,
        end_date=end_date,
        description=description.strip(),
        created_by=acting_user,
    )
    _check_campaign(campaign)
    campaign.save()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.CAMPAIGN_CREATED,
        target=campaign,
        region=region,
        new=campaign_snapshot(campaign),
    )
    return campaign


CAMPAIGN_EDITABLE = ("name", "campaign_type", "start_date", "end_date", "status", "description")


@transaction.atomic
def campaign_update(
    *,
    acting_user: User | None,
    campaign: Campaign,
    seen_event: int | None = None,
    **changes: Any,
) -> Campaign:
    unknown = set(changes) - set(CAMPAIGN_EDITABLE)
    if unknown:
        raise TypeError(f"campaign_update cannot change {sorted(unknown)}")
    _require(acting_user, campaign.region, Capability.CAMPAIGN_MANAGE)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    refuse_stale_edit(campaign, seen_event, EventType.CAMPAIGN_UPDATED)
    before = campaign_snapshot(campaign)
    for key, value in changes.items():
        setattr(campaign, key, value.strip() if isinstance(value, str) else value)
    if campaign.status not in CampaignStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    _check_campaign(campaign)
    old, new = changed_values(before, campaign_snapshot(campaign))
    if new:
        campaign.save()
        audit_record(
            acting_user=acting_user,
            event_type=EventType.CAMPAIGN_UPDATED,
            target=campaign,
            region=campaign.region,
            old=old,
            new=new,
        )
    return campaign


# --- posts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftSpec:
    label: str
    start: dt.time
    minutes: int
    people_needed: int


def pattern_round_the_clock(
    shifts: int, people_needed: int, first_start: dt.time = dt.time(0)
) -> list[ShiftSpec]:
    """3 × 8 h (or 2 × 12 h …) covering the whole day from ``first_start``."""
    if shifts not in (1, 2, 3, 4, 6):
        raise ValidationError(_("A day divides into 1, 2, 3, 4 or 6 equal shifts."))
    minutes = 24 * 60 // shifts
    base = dt.datetime.combine(dt.date(2000, 1, 1), first_start)
    return [
        ShiftSpec(
            label=_("Shift %(n)d") % {"n": index + 1},
            start=(base + dt.timedelta(minutes=minutes * index)).time(),
            minutes=minutes,
            people_needed=people_needed,
        )
        for index in range(shifts)
    ]


def _check_pattern(pattern: Sequence[ShiftSpec]) -> None:
    if not pattern:
        raise ValidationError({"pattern": _("A post needs at least one shift a day.")})
    starts = [spec.start for spec in pattern]
    if len(set(starts)) != len(starts):
        raise ValidationError({"pattern": _("Two shifts start at the same time.")})
    for spec in pattern:
        if not 0 < spec.minutes <= 24 * 60:
            raise ValidationError({"pattern": _("A shift lasts between 1 minute and 24 hours.")})
        if spec.people_needed < 1:
            raise ValidationError({"pattern": _("Every shift needs at least one person.")})


def _check_leaders(post: Post, leaders: Sequence[User]) -> None:
    for leader in leaders:
        holds = leader.grants.filter(
            role__in=[Role.POST_LEADER, Role.VILLAGE_SECRETARY, Role.TOWN_ADMIN]
        )
        if not any(
            post.region.code.startswith(grant.region.prefix)
            for grant in holds.select_related("region")
        ):
            raise ValidationError(
                {
                    "leaders": _("%(user)s holds no role that covers %(region)s.")
                    % {"user": leader, "region": post.region.name}
                }
            )


def post_snapshot(post: Post) -> dict[str, Any]:
    return {
        "name": post.name,
        "post_type": post.post_type.code,
        "region": post.region.code,
        "place": post.place,
        "is_active": post.is_active,
        "max_shift_hours": post.max_shift_hours,
        "leaders": sorted(user.username for user in post.leaders.all()) if post.pk else [],
        "shifts": [
            f"{t.label} {t.start_time:%H:%M}+{t.duration_minutes}m×{t.people_needed}"
            for t in post.shift_templates.all()
        ]
        if post.pk
        else [],
    }


def _save_pattern(post: Post, pattern: Sequence[ShiftSpec]) -> None:
    """Templates are matched by start time, so shifts already rostered keep their link."""
    existing = {template.start_time: template for template in post.shift_templates.all()}
    wanted = {spec.start: spec for spec in pattern}
    post.shift_templates.exclude(start_time__in=list(wanted)).delete()
    for start, spec in wanted.items():
        template = existing.get(start) or ShiftTemplate(post=post, start_time=start)
        template.label, template.duration_minutes, template.people_needed = (
            spec.label,
            spec.minutes,
            spec.people_needed,
        )
        template.save()


@transaction.atomic
def post_create(
    *,
    acting_user: User | None,
    campaign: Campaign,
    post_type: PostType,
    name: str,
    region: Region,
    place: str = "",
    pattern: Sequence[ShiftSpec],
    leaders: Sequence[User] = (),
    max_shift_hours: int = 12,
) -> Post:
    _require(acting_user, region, Capability.POST_MANAGE)
    if region.level not in (Level.TOWN, Level.VILLAGE):
        raise ValidationError({"region": _("A post is in a village or a town.")})
    if not region.code.startswith(campaign.region.prefix):
        raise ValidationError({"region": _("The post must lie within the campaign's region.")})
    _check_pattern(pattern)
    post = Post(
        campaign=campaign,
        post_type=post_type,
        name=name.strip(),
        region=region,
        place=place.strip(),
        max_shift_hours=max_shift_hours,
    )
    post.full_clean()
    _check_leaders(post, leaders)
    post.save()
    post.leaders.set(leaders)
    _save_pattern(post, pattern)
    audit_record(
        acting_user=acting_user,
        event_type=EventType.POST_CREATED,
        target=post,
        region=region,
        new=post_snapshot(post),
    )
    return post


@transaction.atomic
def post_update(
    *,
    acting_user: User | None,
    post: Post,
    name: str,
    post_type: PostType,
    place: str,
    is_active: bool,
    max_shift_hours: int,
    leaders: Sequence[User],
    pattern: Sequence[ShiftSpec] | None = None,
    seen_event: int | None = None,
) -> Post:
    """Change a post. A new shift pattern applies to days not yet rostered; shifts already
    on the roster keep their times."""
    _require(acting_user, post.region, Capability.POST_MANAGE)
    post = Post.objects.select_for_update().get(pk=post.pk)
    refuse_stale_edit(post, seen_event, EventType.POST_UPDATED)
    before = post_snapshot(post)
    post.name, post.post_type, post.place = name.strip(), post_type, place.strip()
    post.is_active, post.max_shift_hours = is_active, max_shift_hours
    post.full_clean()
    _check_leaders(post, leaders)
    if pattern is not None:
        _check_pattern(pattern)
    post.save()
    post.leaders.set(leaders)
    if pattern is not None:
        _save_pattern(post, pattern)
    old, new = changed_values(before, post_snapshot(post))
    if new:
        audit_record(
            acting_user=acting_user,
            event_type=EventType.POST_UPDATED,
            target=post,
            region=post.region,
            old=old,
            new=new,
        )
    return post
