from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from houbei.accounts.roles import Role
from houbei.accounts.services import user_create
from houbei.regions.selectors import region_by_typed_code


class Command(BaseCommand):
    help = "Create an account with a role on a region (for a district's first administrator)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create an account with one role")
        create.add_argument("--username", required=True)
        create.add_argument("--name", required=True, help="the holder's name")
        create.add_argument("--region", required=True, help="region code, e.g. 511002")
        create.add_argument("--role", required=True, choices=Role.values)

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["region"].strip()
        region = region_by_typed_code(code)
        if region is None:
            raise CommandError(f"No region with code {code}; load regions first.")
        try:
            user, temporary = user_create(
                acting_user=None,
                username=options["username"],
                display_name=options["name"],
                region=region,
                role=Role(options["role"]),
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {user.username} ({Role(options['role']).label}) on {region.name}."
            )
        )
        self.stdout.write(f"Temporary password (must be changed at first sign-in): {temporary}")
