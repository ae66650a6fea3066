from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from houbei.demo.loader import DEMO_PASSWORD
from houbei.web.loadtest import run

# The demo's accounts: the post leader checks people in and out, the others read.
DEMO_ACCOUNTS = [
    ("demo-village-a", DEMO_PASSWORD, "clerk"),
    ("demo-post", DEMO_PASSWORD, "post"),
    ("demo-town", DEMO_PASSWORD, "clerk"),
    ("demo-village-b", DEMO_PASSWORD, "clerk"),
    ("demo-district", DEMO_PASSWORD, "clerk"),
]


class Command(BaseCommand):
    help = "Run the load scenario against a Houbei serving the demo on this machine."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="loopback only")
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=float, default=60)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = run(options["url"], DEMO_ACCOUNTS, options["users"], options["seconds"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{'action':<16}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}")
        for action, count, errors, p50, p95 in report.table():
            self.stdout.write(f"{action:<16}{count:>9}{errors:>8}{p50:>9.0f}{p95:>9.0f}")
        if report.errors():
            raise CommandError(f"{report.errors()} error(s) under load")
