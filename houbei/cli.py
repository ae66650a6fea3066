"""The ``houbei`` command: every operator task, as Django management commands."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    # The demo shows the application's own error pages; everything else defaults to the
    # development settings. An operator's DJANGO_SETTINGS_MODULE always wins.
    default = "demo" if arguments[:1] == ["demo"] else "dev"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"houbei.config.settings.{default}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["houbei", *arguments])


if __name__ == "__main__":
    main()
