from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from houbei.lib import crypto
from houbei.people.keys import key_census, reencrypt_all


class Command(BaseCommand):
    help = "The key of the encrypted ID and phone numbers: make one, see which is in use, rotate."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("new", help="print a new key to put first in HOUBEI_FIELD_KEYS")
        actions.add_parser("status", help="how many values each configured key encrypted")
        rotate = actions.add_parser(
            "rotate", help="re-encrypt every value not under the first key of HOUBEI_FIELD_KEYS"
        )
        rotate.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "new":
            self.stdout.write(crypto.new_key())
        elif action == "status":
            self._status()
        else:
            self._rotate(options["batch_size"])

    def _status(self) -> None:
        census = key_census()
        for found in census:
            keys = ", ".join(f"key {i + 1}: {n}" for i, n in sorted(found.by_key.items()))
            self.stdout.write(
                f"{found.model}.{found.column}: {keys or 'no values'}"
                + (f", unreadable: {found.unreadable}" if found.unreadable else "")
            )
        outdated = sum(found.outdated for found in census)
        unreadable = sum(found.unreadable for found in census)
        if unreadable:
            raise CommandError(
                f"{unreadable} value(s) no configured key decrypts: a key is missing from "
                "HOUBEI_FIELD_KEYS."
            )
        if outdated:
            self.stdout.write(f"{outdated} value(s) under older keys: run `houbei keys rotate`.")
        else:
            self.stdout.write(self.style.SUCCESS("Every value is under the first key."))

    def _rotate(self, batch_size: int) -> None:
        def progress(model: str, done: int, total: int) -> None:
            self.stderr.write(f"\r{model}: {done}/{total}", ending="")

        rotation = reencrypt_all(acting_user=None, batch_size=batch_size, progress=progress)
        self.stderr.write("")
        for model, count in sorted(rotation.rewritten.items()):
            self.stdout.write(f"{model}: {count} row(s) re-encrypted")
        if rotation.unreadable:
            raise CommandError(
                f"{rotation.unreadable} value(s) no configured key decrypts were left as they "
                "are: add the missing key to HOUBEI_FIELD_KEYS and run again."
            )
        self.stdout.write(self.style.SUCCESS("Every value is under the first key."))
