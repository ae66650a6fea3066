from __future__ import annotations

import json
from argparse import ArgumentParser
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from houbei.campaigns.models import Campaign
from houbei.imports.duty import DutyPlan, apply_duty_import, plan_duty_import
from houbei.imports.people import (
    PeoplePlan,
    apply_people_import,
    plan_people_import,
    write_rejected,
)
from houbei.imports.reader import UnreadableFile
from houbei.regions.models import Region
from houbei.regions.selectors import region_by_typed_code


class Command(BaseCommand):
    help = "Import a workbook (.xlsx/.xls/.csv): people into a village or town, or duty records."

    def add_arguments(self, parser: ArgumentParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        people = kinds.add_parser("people", help="a roster of people (花名册)")
        people.add_argument("--region", required=True, help="village or town code")
        people.add_argument("--update", action="store_true", help="update people registered")
        duty = kinds.add_parser("duty", help="duty records of a campaign (值守记录)")
        duty.add_argument("--campaign", type=int, required=True, help="campaign id")
        for kind in (people, duty):
            kind.add_argument("file", type=Path)
            kind.add_argument(
                "--dry-run", action="store_true", help="check every row, write nothing"
            )
            kind.add_argument("--errors", type=Path, help="write the rejected rows to this .xlsx")
            kind.add_argument("--json", action="store_true", help="print the summary as JSON")

    def _progress(self, done: int, total: int) -> None:
        # On stderr, so that --json output stays clean; nothing is committed before the end.
        self.stderr.write(f"saving {done}/{total}")
        self.stderr.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        plan: PeoplePlan | DutyPlan
        try:
            if options["kind"] == "people":
                plan = plan_people_import(
                    scope=None,
                    data=path.read_bytes(),
                    filename=path.name,
                    region=_region(options["region"]),
                    update=options["update"],
                )
                if not options["dry_run"]:
                    apply_people_import(acting_user=None, plan=plan, progress=self._progress)
            else:
                campaign = Campaign.objects.filter(pk=options["campaign"]).first()
                if campaign is None:
                    raise CommandError(f"no campaign with id {options['campaign']}")
                plan = plan_duty_import(
                    scope=None, data=path.read_bytes(), filename=path.name, campaign=campaign
                )
                if not options["dry_run"]:
                    apply_duty_import(acting_user=None, plan=plan, progress=self._progress)
        except UnreadableFile as error:
            raise CommandError(f"{path}: {error.message}") from None
        if options["errors"] and plan.rejected:
            write_rejected(plan, str(options["errors"]))
        if options["json"]:
            self.stdout.write(json.dumps(plan.summary(), ensure_ascii=False))
            return
        verb = "would be imported" if options["dry_run"] else "imported"
        self.stdout.write(f"{len(plan.accepted)} row(s) {verb}, {len(plan.rejected)} rejected.")
        for reason, count in sorted(Counter(r.reason for r in plan.rejected).items()):
            self.stdout.write(f"  {reason}: {count}")
        for rejection in plan.rejected:
            self.stderr.write(f"  row {rejection.row}: [{rejection.reason}] {rejection.message}")


def _region(raw: str) -> Region:
    region = region_by_typed_code(raw)
    if region is None:
        raise CommandError(f"no region with code {raw}")
    return region
