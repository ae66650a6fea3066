from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from houbei.regions.importers import RegionImportPlan, regions_import_apply, regions_import_parse

REFERENCE_FILE = Path(__file__).resolve().parents[2] / "data" / "neijiang.csv"


class Command(BaseCommand):
    help = "Import regions from a CSV file, or load the shipped reference codes of 内江市."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "import", help="import a CSV file (code, name, level, parent_code, …)"
        )
        load.add_argument("file", type=Path)
        load.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        actions.add_parser(
            "load-reference", help="load the shipped official codes (四川省/内江市/市中区 …)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load-reference":
            path, dry_run = REFERENCE_FILE, False
        else:
            path, dry_run = options["file"], options["dry_run"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        plan = regions_import_parse(path.read_bytes())
        self._report(plan)
        if not plan.ok:
            raise CommandError(f"{len(plan.errors)} row(s) rejected; nothing was imported.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        result = regions_import_apply(plan=plan, acting_user=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Regions: {result.created} added, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
        )

    def _report(self, plan: RegionImportPlan) -> None:
        self.stdout.write(
            f"{len(plan.rows)} row(s) ready ({plan.count('create')} new, "
            f"{plan.count('update')} changed, {plan.count('unchanged')} unchanged), "
            f"{len(plan.errors)} rejected."
        )
        for error in plan.errors:
            self.stderr.write(f"  line {error.line}: [{error.reason}] {error.message}")
