from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run a Celery worker for background jobs (imports, large exports) on Redis."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--concurrency", type=int, default=2, help="jobs run at once")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.HOUBEI_JOBS_BACKEND != "celery":
            raise CommandError(
                "HOUBEI_JOBS_BACKEND is not 'celery': jobs run inside the web process "
                "(production settings use Celery; set HOUBEI_REDIS_URL)."
            )
        from houbei.config.celery import app

        app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={options['concurrency']}"])
