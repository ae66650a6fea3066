"""One database, one profile: synthesize it the first time, then measure (run by bench/run in
a child process with DJANGO_SETTINGS_MODULE and DATABASE_URL set). Prints JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from houbei.accounts.models import Grant, User  # noqa: E402
from houbei.accounts.roles import Role  # noqa: E402
from houbei.accounts.scoping import Scope  # noqa: E402
from houbei.campaigns.models import Campaign  # noqa: E402
from houbei.lib.names import pinyin_syllables, to_traditional  # noqa: E402
from houbei.people.models import Person  # noqa: E402
from houbei.people.selectors import PersonFilters, person_list  # noqa: E402
from houbei.regions.models import Region  # noqa: E402
from houbei.reports import exports  # noqa: E402
from houbei.reports.selectors import resolve_filters  # noqa: E402
from houbei.synth.builder import PROFILES, PROVINCE_CODE, district_codes, synthesize  # noqa: E402

EXPORT_DAYS = 15  # ≈ 100 000 duty records of one synthetic district
QUICK_EXPORT_DAYS = 4  # ≈ 27 000


def prepare(profile: str, seed: int) -> Region:
    call_command("migrate", verbosity=0)
    codes = district_codes(PROFILES[profile])
    if not Region.objects.filter(code=codes[0]).exists():
        started = time.perf_counter()
        synthesize(PROFILES[profile], seed=seed, progress=lambda line: print(line, file=sys.stderr))
        print(f"synthesized in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return Region.objects.get(code=codes[0])


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000,
        "samples": len(ordered),
    }


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


# --- Excel export vs xlsxwriter directly --------------------------------------------------------


def export(district: Region, quick: bool) -> dict[str, Any]:
    campaign = Campaign.objects.get(region=district)
    filters = resolve_filters(
        Scope.reading(district),
        region_code=district.code,
        campaign_id=campaign.pk,
        start=campaign.start_date,
        end=campaign.start_date
        + dt.timedelta(days=(QUICK_EXPORT_DAYS if quick else EXPORT_DAYS) - 1),
    )

    def run() -> None:
        Path(exports.write(exports.duty_records(filters), filters)).unlink()

    seconds = timed(run)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    made = exports.duty_records(filters)
    rows = list(made.rows())  # the floor writes the same rows, already in memory
    floor = timed(lambda: _xlsxwriter(made.headers, rows))
    return {
        "rows": len(rows),
        "seconds": seconds,
        "floor_seconds": floor,
        "peak_mb": peak / 2**20,
    }


def _xlsxwriter(headers: list[str], rows: list[Any]) -> None:
    import xlsxwriter  # type: ignore[import-untyped]

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        workbook = xlsxwriter.Workbook(handle.name, {"constant_memory": True})
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, headers)
        for number, row in enumerate(rows, 1):
            sheet.write_row(number, 0, row)
        workbook.close()


# --- name search over everyone ------------------------------------------------------------------


def search(quick: bool) -> dict[str, Any]:
    scope = Scope.reading(Region.objects.get(code=PROVINCE_CODE))
    total = Person.objects.count()
    stride = max(1, total // (15 if quick else 40))
    names = list(Person.objects.order_by("pk").values_list("name", flat=True)[::stride])
    queries = []
    for name in names:
        queries += [name, to_traditional(name), "".join(s[0] for s in pinyin_syllables(name))]

    def one(query: str) -> None:
        people = person_list(scope=scope, filters=PersonFilters(query=query))
        people.count()
        list(people[:25])  # what the list page shows

    one(queries[0])  # warm up
    return {"people": total, **percentiles([timed(partial(one, q)) for q in queries])}


# --- the dashboard of a district admin ----------------------------------------------------------


def dashboard(district: Region, quick: bool) -> dict[str, Any]:
    user, _ = User.objects.get_or_create(username="bench-district", defaults={"display_name": "测"})
    Grant.objects.get_or_create(user=user, role=Role.DISTRICT_ADMIN, region=district)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    client.get("/reports/")  # warm up
    samples = []
    for _ in range(8 if quick else 20):
        started = time.perf_counter()
        response = client.get("/reports/")
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    people = Person.objects.filter(village__parent__parent=district).count()
    return {"people": people, **percentiles(samples)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    district = prepare(options.profile, options.seed)
    settings.DEBUG = False  # measured as in production: no query log
    result = {
        "export": export(district, options.quick),
        "search": search(options.quick),
        "dashboard": dashboard(district, options.quick),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
