from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from houbei.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo (市中区, villages, synthetic people, one account per role) and serve it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)"
        )
        parser.add_argument("--no-serve", action="store_true", help="load the data and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        accounts, added = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({added} people added this time)."))
        self.stdout.write(f"Every demo account has the password: {DEMO_PASSWORD}")
        for account in accounts:
            self.stdout.write(f"  {account.username:<16} {account.role.label}  {account.name}")
        if options["no_serve"]:
            return
        address = f"127.0.0.1:{options['port']}"
        self.stdout.write(self.style.SUCCESS(f"Serving on http://{address}/  (Ctrl+C to stop)"))
        # --insecure: runserver serves the static files although DEBUG is off (demo settings).
        call_command("runserver", address, use_reloader=False, insecure_serving=True)
