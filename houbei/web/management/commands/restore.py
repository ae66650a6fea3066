from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from houbei.web.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = "Restore a backup archive made by 'houbei backup' (replaces the current data)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file")
        try:
            manifest = read_manifest(archive)
        except (BackupError, OSError) as error:
            raise CommandError(f"{archive}: not a Houbei backup ({error})") from None
        if not options["yes"]:
            answer = input(
                f"Replace ALL current data with the backup of {manifest.get('created')}? [y/N] "
            )
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing was restored.")
        try:
            restore(archive)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored the backup of {manifest['created']}."))
