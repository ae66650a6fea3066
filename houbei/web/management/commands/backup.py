from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from houbei.web.backup import backup


class Command(BaseCommand):
    help = "Back up the database and the private files into one archive with checksums."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "destination", type=Path, nargs="?", default=Path("."), help="folder or .tar.gz path"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = backup(options["destination"])
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive}"))
