from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from houbei.synth.builder import PROFILES, AlreadySynthesized, synthesize


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic districts for measuring (district: ~15 000 people "
        "and ~400 000 duty records; city: five districts; province: fifty, PostgreSQL)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--profile", choices=sorted(PROFILES), default="district")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, profile: str, seed: int, **options: Any) -> None:
        chosen = PROFILES[profile]
        sizes = ", ".join(f"{name} ≈ {count:,}" for name, count in chosen.expected().items())
        self.stderr.write(f"synth {profile} (seed {seed}): {sizes}")
        started = time.perf_counter()
        try:
            made = synthesize(chosen, seed=seed, progress=self.stderr.write)
        except AlreadySynthesized as error:
            raise CommandError(
                f"This database already holds the {profile} profile (district {error}): "
                "synthesize into a fresh database."
            ) from error
        for name, count in made.counts.items():
            seconds = made.seconds.get(name)
            timing = f" ({seconds:.1f} s)" if seconds is not None else ""
            self.stdout.write(f"{name}: {count:,}{timing}")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s."))
