"""What a report may be about: regions and campaigns in the user's scope, resolved to
``Filters``. A region or campaign outside the scope answers 404, like a missing one."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope, get_or_404
from houbei.campaigns.models import Campaign
from houbei.campaigns.selectors import campaign_get, campaign_list
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.reports.figures import Filters


def report_regions(*, scope: Scope) -> QuerySet[Region]:
    """District, town and village nodes the user may report on (current ones)."""
    return scope.filter(
        Region.objects.filter(
            level__in=[Level.DISTRICT, Level.TOWN, Level.VILLAGE],
            merged_into__isnull=True,
            valid_to__isnull=True,
        ),
        Capability.PEOPLE_VIEW,
        code_field="code",
    ).order_by("code")


def default_region(*, scope: Scope) -> Region | None:
    """The widest region of the user's grants."""
    return report_regions(scope=scope).order_by("level", "code").first()


def report_campaigns(*, scope: Scope) -> QuerySet[Campaign]:
    return campaign_list(scope=scope)


def resolve_filters(
    scope: Scope,
    *,
    region_code: str | None,
    campaign_id: int | None,
    start: dt.date | None,
    end: dt.date | None,
) -> Filters:
    """The filters of a report; a missing value takes its default: the widest region, no
    campaign, the campaign's dates (to today while it runs) or this year to date."""
    if region_code:
        region = get_or_404(report_regions(scope=scope), code=region_code)
    else:
        found = default_region(scope=scope)
        if found is None:
            raise LookupError("no region in scope")
        region = found
    campaign = campaign_get(scope=scope, pk=campaign_id) if campaign_id else None
    today = timezone.localdate()
    if campaign is not None:
        default_start = campaign.start_date
        default_end = min(campaign.end_date or today, today)
    else:
        default_start, default_end = today.replace(month=1, day=1), today
    return Filters(scope, region, campaign, start or default_start, end or default_end)


def operator_filters(region: Region, campaign: Campaign | None) -> Filters:
    """The whole region read by an operator (command line, demo loader), with defaults."""
    return resolve_filters(
        Scope.reading(region),
        region_code=region.code,
        campaign_id=campaign.pk if campaign else None,
        start=None,
        end=None,
    )
