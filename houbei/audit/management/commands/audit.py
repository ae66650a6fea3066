from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from houbei.audit.chain import verify
from houbei.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit trail's hash chain: any event edited, deleted or inserted directly."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("verify", help="recompute the chain; exit 1 on any break")

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = list(verify())
        total = AuditEvent.objects.count()
        if not breaks:
            self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {total} events."))
            return
        for found in breaks:
            self.stderr.write(f"  {found}")
        raise CommandError(f"The audit trail has {len(breaks)} break(s) in {total} events.")
