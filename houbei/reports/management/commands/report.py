from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from houbei.campaigns.models import Campaign
from houbei.regions.models import Region
from houbei.regions.selectors import region_by_typed_code
from houbei.reports.figures import figure, frontline_summary
from houbei.reports.selectors import operator_filters


class Command(BaseCommand):
    help = "Print report figures for a region, counted from the records (as the dashboard does)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        reports = parser.add_subparsers(dest="report", required=True)
        frontline = reports.add_parser(
            "frontline", help="the article's four figures for a region and a campaign"
        )
        frontline.add_argument("--region", required=True, help="region code, e.g. 511002")
        frontline.add_argument("--campaign", type=int, help="campaign id (default: all campaigns)")
        frontline.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        region = _region(options["region"])
        campaign = None
        if options["campaign"] is not None:
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"no campaign with id {options['campaign']}")
        filters = operator_filters(region, campaign)
        summary = frontline_summary(filters)
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"{region.name} · {campaign.name if campaign else '—'} · "
            f"{filters.start.isoformat()} – {filters.end.isoformat()}"
        )
        for key, value in summary.items():
            found = figure(key)
            self.stdout.write(f"  {value:>6}  {found.label if found else key}")


def _region(raw: str) -> Region:
    region = region_by_typed_code(raw)
    if region is None:
        raise CommandError(f"no region with code {raw}")
    return region
