"""Run the benchmarks, each in a fresh process per database and profile, and compare.

Every target is a ratio of two figures measured in the same run (so it holds on a noisy
machine); the absolute figures are reported beside it. See docs/performance.md."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.targets import TARGETS, Row, evaluate

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
PG_URL = os.environ.get("HOUBEI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def database_url(database: str, profile: str, seed: int) -> str:
    if database == "sqlite":
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / f'{profile}-seed{seed}.sqlite3'}"
    name = f"houbei_bench_{profile}_seed{seed}"
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_URL}/{name}"


def measure(database: str, profile: str, seed: int, quick: bool, *options: str) -> dict[str, Any]:
    """One child process: prepare (synthesize once, then reuse) and measure."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "houbei.config.settings.dev",
        "DATABASE_URL": database_url(database, profile, seed),
    }
    command = [sys.executable, "-m", "bench.measure", "--profile", profile, "--seed", str(seed)]
    if quick:
        command.append("--quick")
    command += options
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        command, env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    sys.stderr.write(done.stderr)
    measured: dict[str, Any] = json.loads(done.stdout)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="district on SQLite only")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    started = time.perf_counter()
    figures: dict[str, dict[str, dict[str, Any]]] = {}
    for database in ["sqlite"] if options.quick else ["sqlite", "postgres"]:
        figures[database] = by_profile = {}
        if options.quick:
            sys.stderr.write(f"== {database} district\n")
            by_profile["district"] = measure(database, "district", options.seed, True)
            continue
        for profile in ("district", "city"):
            sys.stderr.write(f"== {database} {profile}\n")
            by_profile[profile] = measure(
                database, profile, options.seed, False, "--without-compared"
            )
        # What is compared between the two: measured in one process, taking turns.
        sys.stderr.write(f"== {database} district and city, taking turns\n")
        city_url = database_url(database, "city", options.seed)
        both = measure(database, "district", options.seed, False, "--compared-with", city_url)
        for profile, parts in both.items():
            seconds = parts.pop("run_seconds")
            by_profile[profile].update(parts)
            by_profile[profile]["run_seconds"].update(seconds)
    rows = [row for target in TARGETS for row in evaluate(target, figures)]
    _print(rows)
    RESULTS.write_text(
        json.dumps(
            {
                "machine": {
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "cpus": os.cpu_count(),
                },
                "quick": options.quick,
                "seconds": round(time.perf_counter() - started, 1),
                "figures": figures,
                "rows": [row.as_dict() for row in rows],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\n{sum(r.met for r in rows)}/{len(rows)} targets met; written to {RESULTS}")


def _print(rows: list[Row]) -> None:
    name = max(len(row.name) for row in rows)
    figures = max(len(row.figures) for row in rows)
    print(f"{'benchmark':{name}} {'figures':{figures}} {'ratio':>7} {'target':>8}  met")
    for row in rows:
        print(
            f"{row.name:{name}} {row.figures:{figures}} {row.ratio:7.2f} {row.target:>8}  "
            f"{'yes' if row.met else 'NO'}"
        )


if __name__ == "__main__":
    main()
