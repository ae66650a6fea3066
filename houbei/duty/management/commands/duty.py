from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from houbei.duty.services.records import duty_close_stale


class Command(BaseCommand):
    help = "Duty housekeeping: close check-ins left open past their post's longest shift."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser(
            "close-stale",
            help="close forgotten check-ins and flag them for review (run every few minutes)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        closed = duty_close_stale()
        self.stdout.write(f"Closed {closed} forgotten check-in(s).")
