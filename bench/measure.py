"""One database, one profile: synthesize it the first time, then measure (run by bench/run in
a child process with DJANGO_SETTINGS_MODULE and DATABASE_URL set). Prints JSON."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import http.client
import io
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import django

# The bench serves no static files: WhiteNoise need not say the collected folder is missing.
warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.db.backends.base.base import BaseDatabaseWrapper  # noqa: E402
from django.db.models import Model  # noqa: E402
from django.db.utils import load_backend  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from houbei.accounts.models import Grant, User  # noqa: E402
from houbei.accounts.roles import Role  # noqa: E402
from houbei.accounts.scoping import Scope  # noqa: E402
from houbei.audit.models import AuditChainHead, AuditEvent, EventType  # noqa: E402
from houbei.campaigns.models import (  # noqa: E402
    Campaign,
    CampaignStatus,
    CampaignType,
    Post,
    PostType,
)
from houbei.duty import indicators  # noqa: E402
from houbei.duty.models import (  # noqa: E402
    DutyRecord,
    DutyTaskCount,
    PersonDay,
    PersonIndicator,
    Source,
    Status,
)
from houbei.duty.selectors import review_queue, verifiable  # noqa: E402
from houbei.duty.services.records import (  # noqa: E402
    duty_check_in,
    duty_check_out,
    duty_records_verify_many,
)
from houbei.lib.idnumber import make_id_number  # noqa: E402
from houbei.lib.models import plain_rows  # noqa: E402
from houbei.lib.names import pinyin_syllables, to_traditional  # noqa: E402
from houbei.people.models import Person  # noqa: E402
from houbei.people.selectors import PersonFilters, person_pages  # noqa: E402
from houbei.people.services import PersonInput, person_build  # noqa: E402
from houbei.pipeline.models import Standing  # noqa: E402
from houbei.pipeline.stages import POOL_STAGES, Stage  # noqa: E402
from houbei.regions.models import Region  # noqa: E402
from houbei.reports import exports  # noqa: E402
from houbei.reports.selectors import resolve_filters  # noqa: E402
from houbei.review.models import (  # noqa: E402
    Department,
    DepartmentVerdict,
    ReviewBatch,
    Verdict,
)
from houbei.review.services import batch_open  # noqa: E402
from houbei.seats.models import Seat, Vacancy, VacancyReason  # noqa: E402
from houbei.synth.builder import (  # noqa: E402
    PROFILES,
    PROVINCE_CODE,
    analyze,
    district_codes,
    synthesize,
)

EXPORT_DAYS = 15  # ≈ 100 000 duty records of one synthetic district
# The quick run exports one day, ≈ 7 000 rows, three times, alternating with its floor
# (the medians compared): the ratio is the same from 7 000 rows up (1.36–1.59 × xlsxwriter
# for one and two days, 1.52–1.72 for a week, 1.32–1.43 for two weeks, on the eighth
# session's machine, where the full export took 17 s), and one export and its floor had
# taken half of the quick run's minute, with a single pair at the mercy of the machine's
# moods (a week's came out at 2.21 in one quick run, 1.52–1.72 by hand). Until the
# eighth session's export was faster, a smaller one weighed its query and setup a fifth
# more. Two days until the twelfth session, whose machine, 2.3 times slower than the
# eleventh's, took 22 s for them of the quick run's 78. The full run exports the issue's
# 100 000 rows once.
QUICK_EXPORT_DAYS = 1
QUICK_EXPORT_SAMPLES = 3
T = TypeVar("T")


def prepare(profile: str, seed: int) -> Region:
    call_command("migrate", verbosity=0)
    codes = district_codes(PROFILES[profile])
    if not Region.objects.filter(code=codes[0]).exists():
        started = time.perf_counter()
        synthesize(PROFILES[profile], seed=seed, progress=lambda line: print(line, file=sys.stderr))
        print(f"synthesized in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    else:
        analyze()  # as autovacuum would have, after migrations that rewrote tables
    return Region.objects.get(code=codes[0])


class Samples(list[float]):
    """The seconds of one measurement's samples, kept as they are until the rounds of a
    comparison are pooled (``pooled``), then given as percentiles."""


@dataclass(frozen=True)
class Turn:
    """Which of a comparison's rounds a measurement is (``scale``): each round takes its
    share of the samples. One round by itself, all of them."""

    index: int = 0
    rounds: int = 1

    def share(self, items: list[T]) -> list[T]:
        return items[self.index :: self.rounds]

    def count(self, total: int) -> int:
        return -(-total // self.rounds)


def pooled(results: list[dict[str, Any]]) -> dict[str, Any]:
    """One measurement's rounds as one: the samples of every round pooled into percentiles
    (those under "samples" given beside the other figures, the others under their names),
    the other figures (how many people, records) as the first round gave them."""
    summary: dict[str, Any] = {}
    for key, value in results[0].items():
        if not isinstance(value, Samples):
            summary[key] = value
        elif key == "samples":
            summary.update(percentiles([s for found in results for s in found[key]]))
        else:
            summary[key] = percentiles([s for found in results for s in found[key]])
    return summary


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

    made = exports.duty_records(filters)
    rows = list(made.rows())  # the floor writes the same rows, already in memory
    samples = QUICK_EXPORT_SAMPLES if quick else 1
    seconds, floor, peak = [], [], 0
    for _sample in range(samples):
        with PeakMemory() as memory:
            seconds.append(timed(run))
        peak = max(peak, memory.peak_growth)
        floor.append(timed(lambda: _xlsxwriter(made.headers, rows)))
    return {
        "rows": len(rows),
        "samples": samples,
        "seconds": statistics.median(seconds),
        "floor_seconds": statistics.median(floor),
        "peak_mb": peak / 2**20,
    }


class PeakMemory:
    """The most the process's resident memory grew above where it started, sampled every
    20 ms from /proc while the block runs: what the machine sees, C libraries included
    (tracemalloc would see Python's allocations only, and slow the run threefold)."""

    def __init__(self) -> None:
        self.peak_growth = 0
        self._stop = threading.Event()

    @staticmethod
    def _resident() -> int:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def __enter__(self) -> PeakMemory:
        start = self._resident()

        def sample() -> None:
            while not self._stop.wait(0.02):
                self.peak_growth = max(self.peak_growth, self._resident() - start)

        self._sampler = threading.Thread(target=sample, daemon=True)
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sampler.join()


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


# Each query of the name search is timed three times and its median is its sample: the p95
# is of what the queries cost, not of the machine's moods. On the eighth session's machine
# single timings put the city / district p95 on SQLite at 1.48 and 1.52 in two runs; the
# same 123 queries, each at its best of five, came out at 1.00–1.03 (p50 4.8–5.4 ms, p95
# 7.9–9.0 ms on either).
SEARCH_REPEATS = 3


def search(quick: bool, turn: Turn = Turn()) -> dict[str, Any]:
    scope = Scope.reading(Region.objects.get(code=PROVINCE_CODE))
    total = Person.objects.count()
    stride = max(1, total // (15 if quick else 40))
    names = list(Person.objects.order_by("pk").values_list("name", flat=True)[::stride])
    queries = []
    for name in turn.share(names):
        queries += [name, to_traditional(name), "".join(s[0] for s in pinyin_syllables(name))]

    def one(query: str) -> None:
        # What the people list page does (people/views.person_list_view).
        filters = PersonFilters(query=query)
        people = person_pages(scope=scope, filters=filters)
        people.count()
        list(people[:25])

    one(queries[0])  # warm up
    return {
        "people": total,
        "samples": Samples(
            statistics.median(timed(partial(one, query)) for _ in range(SEARCH_REPEATS))
            for query in queries
        ),
    }


# --- the dashboard of a district admin ----------------------------------------------------------


def _district_admin(district: Region) -> User:
    user, _ = User.objects.get_or_create(username="bench-district", defaults={"display_name": "测"})
    Grant.objects.get_or_create(user=user, role=Role.DISTRICT_ADMIN, region=district)
    return user


def dashboard(district: Region, quick: bool, turn: Turn = Turn()) -> dict[str, Any]:
    user = _district_admin(district)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    client.get("/reports/")  # warm up
    samples = Samples()
    for _ in range(turn.count(3 if quick else 10)):
        cache.clear()  # the time to compute it (a cached dashboard is the throughput's case)
        started = time.perf_counter()
        response = client.get("/reports/")
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    people = Person.objects.filter(village__parent__parent=district).count()
    return {"people": people, "samples": samples}


# --- vacancy recommendation: a town's pool against a district's ----------------------------------


def recommendation(district: Region, quick: bool) -> dict[str, Any]:
    """``recommend`` for a committee-member vacancy in the district's first village, when
    the reserves who may fill it are a town's (every reserve of the village's town placed in
    the town pool, none in the district's) and when they are the district's (every reserve of
    the district in the district pool): the same vacancy, ~15 times the candidates. Rolled
    back. Synth's people have not been through a joint review, so both pools are mostly
    counted (seats/recommendations.py); what a reviewed candidate adds is measured in
    docs/performance.md."""
    from houbei.seats.models import SeatRole
    from houbei.seats.recommendations import recommend

    samples = 2 if quick else 7
    with transaction.atomic():
        village = _bench_post(district).region
        town = village.parent
        assert town is not None
        seat = Seat.objects.create(village=village, role=SeatRole.COMMITTEE_MEMBER)
        vacancy = Vacancy.objects.create(
            seat=seat, reason=VacancyReason.RESIGNATION, opened_on=timezone.localdate()
        )
        reserves = Standing.objects.filter(
            person__village__parent__parent=district, stage__in=POOL_STAGES
        )
        everyone = list(reserves.values_list("pk", flat=True))
        of_town = list(reserves.filter(person__village__parent=town).values_list("pk", flat=True))
        results = {}
        for pool, stage, members in (
            ("town", Stage.TOWN_RESERVE, of_town),
            ("district", Stage.DISTRICT_RESERVE, everyone),
        ):
            Standing.objects.filter(pk__in=everyone).update(stage=Stage.CANDIDATE)  # no pool …
            Standing.objects.filter(pk__in=members).update(stage=stage)  # … but these
            shortlist = recommend(vacancy=vacancy)
            candidates = (
                len(shortlist.ranked) + len(shortlist.excluded) + shortlist.unreviewed_count
            )
            results[pool] = {
                "candidates": candidates,
                **percentiles([timed(partial(recommend, vacancy=vacancy)) for _ in range(samples)]),
            }
        # What weighing costs: the town pool again, every member through a joint review of
        # all the departments, passed and published (a pass valid today).
        Standing.objects.filter(pk__in=everyone).update(stage=Stage.CANDIDATE)
        Standing.objects.filter(pk__in=of_town).update(stage=Stage.TOWN_RESERVE)
        today = timezone.localdate()
        batch = batch_open(
            acting_user=None,
            region=district,
            name="测量联审",
            opened_on=today - dt.timedelta(days=60),
            deadline=today - dt.timedelta(days=50),
            departments=list(Department.objects.filter(is_active=True)),
            people=list(Person.objects.filter(standing__pk__in=of_town).select_related("village")),
        )
        DepartmentVerdict.objects.filter(subject__batch=batch).update(verdict=Verdict.PASS)
        ReviewBatch.objects.filter(pk=batch.pk).update(
            publication_starts_on=today - dt.timedelta(days=45),
            publication_ends_on=today - dt.timedelta(days=40),
        )
        shortlist = recommend(vacancy=vacancy)
        results["reviewed"] = {
            "candidates": len(shortlist.ranked) + len(shortlist.excluded),
            "ranked": len(shortlist.ranked),
            **percentiles([timed(partial(recommend, vacancy=vacancy)) for _ in range(samples)]),
        }
        transaction.set_rollback(True)
    return results


# --- imports: the real importers against a raw bulk load -------------------------------------

# Samples, not the 100 000-row roster and 1 000 000-row log: the rate is what is
# compared, and make bench must finish in 15 minutes. The roster: 5 000 rows, ten batches
# of 500, show the steady rate. The duty log: 100 000 rows of 600 people, 20 batches of
# 5 000 (a million rows would take 3–4 minutes a sample); on 5 000 rows the raw load's
# per-row cost is half what it is on 100 000 (the table's indexes still in the cache),
# the importer's the same, so the smaller sample understates the ratio at the issue's
# size (0.47 against 0.61 on SQLite). Each side is timed IMPORT_SAMPLES times, the
# importer and its floor alternating, and the medians compared. See docs/performance.md.
IMPORT_ROWS = 5000
DUTY_IMPORT_ROWS = 100_000
# The quick run imports half the roster (five batches) and a log of 5 000 rows, to finish
# in a minute on a slow machine too (the whole roster's three samples and floors took 18.5
# of the twelfth session's 78 s).
QUICK_IMPORT_ROWS = IMPORT_ROWS // 2
QUICK_DUTY_IMPORT_ROWS = 5000
IMPORT_SAMPLES = 3
# The quick run's duty log of 5 000 rows takes a fifth of a second a sample: seven samples
# of each side, so that a moment of the machine's slowness does not decide the ratio
# (0.32 and 0.18 in one quick run on the eighth session's machine, 0.63 and 0.31 in the
# runs before and after).
QUICK_DUTY_IMPORT_SAMPLES = 7


def people_import(district: Region, quick: bool) -> Together:
    """A roster of new people for the district's villages, through ``plan_people_import`` and
    ``apply_people_import`` (every check, encryption, search keys, one audit event a person),
    against reading the same workbook with python-calamine and inserting the rows with
    ``bulk_create``, unchecked. All rolled back."""
    count = QUICK_IMPORT_ROWS if quick else IMPORT_ROWS
    villages = list(Region.objects.filter(parent__parent=district).order_by("code")[:50])
    workbook = _roster(district, villages, count)
    return _import_rates(
        count,
        IMPORT_SAMPLES,
        ["people_import"],
        partial(_people_import_once, district, workbook, count),
        partial(_people_floor_once, workbook, villages),
    )


class Together(dict[str, dict[str, Any]]):
    """The results of several parts measured in the same runs, by part."""


def _import_rates(
    count: int,
    samples: int,
    parts: Sequence[str],
    importer: Callable[[], Sequence[float]],
    floor: Callable[[], float],
) -> Together:
    """The median seconds of ``samples`` runs of each side, alternating. One run of the
    importer measures each of ``parts`` in turn (an import, then its verification), giving
    each one's seconds; a part's rate counts the seconds of those before it."""
    seconds: list[list[float]] = [[] for _part in parts]
    floor_seconds = []
    for _sample in range(samples):
        for index, elapsed in enumerate(itertools.accumulate(importer())):
            seconds[index].append(elapsed)
        floor_seconds.append(floor())
    return Together(
        {
            part: {
                "rows": count,
                "samples": samples,
                "seconds": statistics.median(part_seconds),
                "floor_seconds": statistics.median(floor_seconds),
            }
            for part, part_seconds in zip(parts, seconds, strict=True)
        }
    )


def _people_import_once(district: Region, workbook: bytes, count: int) -> tuple[float]:
    from houbei.imports.people import apply_people_import, plan_people_import

    with transaction.atomic():
        started = time.perf_counter()
        plan = plan_people_import(
            scope=None, data=workbook, filename="花名册.xlsx", region=district
        )
        apply_people_import(acting_user=None, plan=plan)
        seconds = time.perf_counter() - started
        assert len(plan.accepted) == count, plan.rejected[:3]
        transaction.set_rollback(True)
    return (seconds,)


def _people_floor_once(workbook: bytes, villages: list[Region]) -> float:
    from python_calamine import CalamineWorkbook

    with transaction.atomic():
        started = time.perf_counter()
        rows = CalamineWorkbook.from_filelike(io.BytesIO(workbook)).get_sheet_by_index(0)
        by_name = {village.name: village.pk for village in villages}
        people = []
        for cells in rows.to_python()[1:]:
            name, number, phone, village = (str(cells[i]) for i in (0, 1, 2, 5))
            people.append(
                Person(
                    name=name,
                    name_sort=name,
                    sex="M",
                    birth_date=dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                    id_number_encrypted=number,
                    id_number_digest=number,
                    id_number_masked=number,
                    phone_encrypted=phone,
                    village_id=by_name[village],
                )
            )
        Person.objects.bulk_create(people, batch_size=2000)
        floor_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return floor_seconds


def _roster(district: Region, villages: list[Region], count: int) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("花名册")
    sheet.write_row(0, 0, ["姓名", "身份证号", "联系电话", "学历", "政治面貌", "村", "组"])
    names = "强明华丽军芳"
    for number in range(count):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=number % 10000)
        # Sequence numbers from 701 up: synth's people use small ones, so none is registered.
        sequence = 701 + (number // 10000) * 2
        sheet.write_row(
            number + 1,
            0,
            [
                "赵" + names[number % len(names)],
                make_id_number(district.code[:6], birth, sequence),
                f"139{number:08d}",
                "高中",
                "群众",
                villages[number % len(villages)].name,
                "1组",
            ],
        )
    workbook.close()
    return buffer.getvalue()


def _log_people(rows: int) -> int:
    """How many people a duty log of so many rows names: ~167 shifts each, three a day for
    eight weeks (60 people for 5 000 rows, 600 for 100 000)."""
    return max(60, rows // 167)


def duty_imports(district: Region, quick: bool) -> Together:
    """Two parts from the same runs. ``duty_import``: past shifts from a CSV through
    ``plan_duty_import`` and ``apply_duty_import`` (each row checked by the duty service:
    scope, times, overlaps; saved pending with its import's audit event) against the same
    rows loaded raw into the same indexed table: COPY on PostgreSQL, executemany on
    SQLite. ``duty_import_verified``: that import, then the whole of it verified by the
    district's administrator as the review queue's "verify all" does (the queue narrowed
    to the post and to imports, ``duty_records_verify_many``: each record checked, each
    person's indicators changed once, an audit event per batch), against the same raw
    load: the import with the indicators maintained. Each run times the import and the
    verification after it (until the sixth session, two sets of runs imported the same log
    twice over: a minute of ``make bench``). All rolled back."""
    count, data, rows = _duty_log(district, quick)
    insert_wait: list[float | None] = []
    measured = _import_rates(
        count,
        QUICK_DUTY_IMPORT_SAMPLES if quick else IMPORT_SAMPLES,
        ["duty_import", "duty_import_verified"],
        partial(_duty_import_once, district, data, count, insert_wait),
        partial(_duty_floor_once, district, rows),
    )
    waits = [seconds for seconds in insert_wait if seconds is not None]
    if waits:  # PostgreSQL: the records streamed
        measured["duty_import"]["insert_wait_seconds"] = statistics.median(waits)
    return measured


@contextlib.contextmanager
def _records_wait_timed(waiting: list[float | None]) -> Iterator[None]:
    """The seconds the duty service waits at the end of each stream of records
    (``insert_stream``, PostgreSQL) for the database to finish inserting them, added to
    ``waiting`` (None where the records were not streamed): the part of the insert not
    hidden behind the checks of the rows that follow. The real function runs; only the
    clock is added."""
    from houbei.duty.services import records

    insert_stream = records.insert_stream  # type: ignore[attr-defined]  # imported there
    spent: float | None = None

    @contextlib.contextmanager
    def timed(
        model: type[Model], columns: Sequence[str]
    ) -> Iterator[Callable[[Iterable[Sequence[Any]]], None]]:
        nonlocal spent
        with insert_stream(model, columns) as insert:
            yield insert
            ended = time.perf_counter()
        if model is DutyRecord:
            spent = (spent or 0.0) + time.perf_counter() - ended

    records.insert_stream = timed  # type: ignore[attr-defined]
    try:
        yield
    finally:
        records.insert_stream = insert_stream  # type: ignore[attr-defined]
        waiting.append(spent)


def _duty_log(
    district: Region, quick: bool
) -> tuple[int, bytes, list[tuple[str, str, dt.datetime, dt.datetime]]]:
    """The rows of a duty log (``_log_people`` people, three shifts a day): as CSV, and as
    the values the raw load inserts."""
    count = QUICK_DUTY_IMPORT_ROWS if quick else DUTY_IMPORT_ROWS
    zone = indicators.local_zone()
    with transaction.atomic():  # the log's rows, from a post and people made and rolled back
        post = _bench_post(district)
        people = _new_people(post.region, _log_people(count))
        first_day = post.campaign.start_date
        rows = []
        for number in range(count):
            (person, id_number), slot = people[number % len(people)], number // len(people)
            day, shift = first_day + dt.timedelta(days=slot // 3), slot % 3
            starts = dt.datetime.combine(day, dt.time(8 * shift), tzinfo=zone)
            rows.append((person.name, id_number, starts, starts + dt.timedelta(hours=8)))
        post_name = post.name
        transaction.set_rollback(True)
    text = "日期,岗位,姓名,身份证号,开始时间,结束时间\n" + "".join(
        f"{s.date().isoformat()},{post_name},{name},{number},"
        f"{s.strftime('%H:%M')},{e.strftime('%H:%M')}\n"
        for name, number, s, e in rows
    )
    return count, text.encode(), rows


def _duty_import_once(
    district: Region, data: bytes, count: int, insert_wait: list[float | None]
) -> tuple[float, float]:
    """The seconds of the import, and of verifying the whole of it afterwards; those the
    import waited for its records' insert to end are added to ``insert_wait``."""
    from houbei.imports.duty import apply_duty_import, plan_duty_import

    verifier = _district_admin(district)
    with transaction.atomic():
        post = _bench_post(district)
        made = _new_people(post.region, _log_people(count))
        people = [person.pk for person, _number in made]
        started = time.perf_counter()
        with _records_wait_timed(insert_wait):
            plan = plan_duty_import(
                scope=None, data=data, filename="值守.csv", campaign=post.campaign
            )
            apply_duty_import(acting_user=None, plan=plan)
        imported = time.perf_counter()
        _as_if_committed()
        analyzed = time.perf_counter()
        scope = Scope.for_user(verifier)
        waiting = review_queue(scope=scope, post=post, source=Source.IMPORT)
        ids = verifiable(waiting, scope=scope).order_by().values_list("pk", flat=True)
        assert duty_records_verify_many(acting_user=verifier, record_ids=list(ids)) == count
        verified = time.perf_counter()
        assert len(plan.accepted) == count, plan.rejected[:3]
        # The campaign's and the overall figures of each person.
        assert PersonIndicator.objects.filter(person__in=people).count() == 2 * len(people)
        transaction.set_rollback(True)
    return imported - started, verified - analyzed


def _as_if_committed() -> None:
    """What the transaction would do once committed, done now (the records' ANALYZE after a
    large import, ``lib.models.analyze_after_commit``), as the benchmarks roll back to keep
    their databases as synthesized: the verification after it is planned as a verifier's
    would be, the import committed. Not counted in the import's time: it is upkeep after the
    commit, which rows loaded raw would want as much (0.13–0.14 s for 100 000 records)."""
    callbacks, connection.run_on_commit = connection.run_on_commit, []
    for registered in callbacks:  # (savepoints, callback, robust)
        registered[1]()


def _duty_floor_once(
    district: Region, rows: list[tuple[str, str, dt.datetime, dt.datetime]]
) -> float:
    # source, status, needs_review, notes, decline_reason, version
    pending_import = ("import", "pending", False, "", "", 1)
    with transaction.atomic():
        post = _bench_post(district)
        people_now = {
            number: person for person, number in _new_people(post.region, _log_people(len(rows)))
        }
        now = timezone.now()
        values = [
            (now, now, people_now[number].pk, post.pk, post.campaign_id, s, e, *pending_import)
            for _name, number, s, e in rows
        ]
        columns = (
            "created_at, updated_at, person_id, post_id, campaign_id, starts_at, ends_at,"
            " source, status, needs_review, notes, decline_reason, version"
        )
        table = DutyRecord._meta.db_table
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 13)})",
                    values,
                )
        floor_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return floor_seconds


# --- throughput: 16 clients against gunicorn ---------------------------------------------------

CLIENTS = 16


def throughput(district: Region, quick: bool) -> dict[str, Any]:
    """Requests a second that 16 concurrent clients get from gunicorn (the workers
    ``houbei serve`` starts: 2 × cores + 1) for the district admin's dashboard, against a bare
    view behind the same middleware on the same server, signed in the same way."""
    user = _district_admin(district)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "houbei.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str((os.cpu_count() or 1) * 2 + 1),
            "--log-level",
            "warning",
            "--preload",  # the app is loaded once, before the workers fork: they start at once
        ],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        _wait_for(port)
        # The quick run's loads are short: its ratio sits five times over the target.
        seconds = 1.0 if quick else 8.0
        _load(port, session, "/bench/bare/", 0.5)  # warm every worker up
        _load(port, session, "/reports/", 1.0 if quick else 3.0)
        bare = _load(port, session, "/bench/bare/", seconds)
        dashboard = _load(port, session, "/reports/", seconds * 2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"clients": CLIENTS, "dashboard_rps": dashboard, "bare_rps": bare}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _load(port: int, session: str, path: str, seconds: float) -> float:
    """Completed requests a second from CLIENTS threads, each asking again as soon as it is
    answered, for ``seconds``."""
    stop = time.monotonic() + seconds
    done = [0] * CLIENTS

    def client(number: int) -> None:
        while time.monotonic() < stop:
            link = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            link.request(
                "GET",
                path,
                headers={
                    "Host": "localhost",
                    "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
                },
            )
            response = link.getresponse()
            response.read()
            link.close()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            done[number] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


# --- one verified duty record: the service against the raw statements -------------------------

RECORDS = 30  # two of them a person: a synthetic village has 60
QUICK_RECORDS = 20


def _bench_post(district: Region) -> Post:
    """A post of a running campaign in the district's first village (synthetic campaigns are
    closed, and a closed post takes no records). Made inside the caller's rolled-back
    transaction."""
    town = Region.objects.filter(parent=district).order_by("code").first()
    assert town is not None
    village = Region.objects.filter(parent=town).order_by("code").first()
    assert village is not None
    campaign = Campaign.objects.create(
        name="测量",
        campaign_type=CampaignType.objects.get(code="epidemic"),
        region=district,
        start_date=timezone.localdate() - dt.timedelta(days=60),
        status=CampaignStatus.ACTIVE,
    )
    return Post.objects.create(
        campaign=campaign,
        post_type=PostType.objects.filter(is_active=True).earliest("pk"),
        name="测量卡点",
        region=village,
    )


GIVEN = "春夏秋冬梅兰竹菊松柏"


def _new_people(village: Region, count: int) -> list[tuple[Person, str]]:
    """Newly registered people of the village and their ID numbers in the clear."""
    made = []
    for number in range(count):
        id_number = make_id_number(
            village.code[:6], dt.date(1985, 1, 1) + dt.timedelta(days=number), 901
        )
        name = "钱" + GIVEN[number % len(GIVEN)] + GIVEN[number // len(GIVEN) % len(GIVEN)]
        person = person_build(PersonInput(name=name, village=village, id_number=id_number))
        made.append((person, id_number))
    Person.objects.bulk_create([person for person, _number in made])
    return made


def verified_record(district: Region, quick: bool, turn: Turn = Turn()) -> dict[str, Any]:
    """A town admin checks people in and out of a post (a witnessed shift, verified at once):
    the service with its checks, audit events and indicators, against the ten statements
    that leave the same rows (record opened, closed and verified, two chained audit events,
    two day rows and two indicator rows upserted). All rolled back afterwards."""
    with transaction.atomic():
        post = _bench_post(district)
        town = post.region.parent
        assert town is not None
        admin, _ = User.objects.get_or_create(
            username="bench-town", defaults={"display_name": "测"}
        )
        Grant.objects.get_or_create(user=admin, role=Role.TOWN_ADMIN, region=town)
        count = turn.count(QUICK_RECORDS if quick else RECORDS)
        # The village's own people, with the indicators they already have.
        people = list(Person.objects.filter(village=post.region).order_by("pk")[: 2 * count])
        assert len(people) == 2 * count, "the district has too few people in its first village"
        zone = indicators.local_zone()
        today = timezone.localdate()
        starts = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(8), tzinfo=zone)
        ends = starts + dt.timedelta(hours=8)

        def service(person: Person) -> None:
            with transaction.atomic():
                record = duty_check_in(acting_user=admin, post=post, person=person, at=starts)
                closed = duty_check_out(acting_user=admin, record=record, at=ends)
            assert closed.status == Status.VERIFIED

        floor = _raw_verified_record(post, admin, starts, ends)
        service_samples, floor_samples = Samples(), Samples()
        for first, second in zip(people[:count], people[count:], strict=True):
            # Taking turns, as the machine's pace drifts.
            service_samples.append(timed(partial(service, first)))
            floor_samples.append(timed(partial(floor, second)))
        transaction.set_rollback(True)
    return {"service": service_samples, "floor": floor_samples}


def _raw_verified_record(
    post: Post, admin: User, starts: dt.datetime, ends: dt.datetime
) -> Callable[[Person], None]:
    records, days = DutyRecord._meta.db_table, PersonDay._meta.db_table
    figures = PersonIndicator._meta.db_table
    head, events = AuditChainHead._meta.db_table, AuditEvent._meta.db_table
    record_type = ContentType.objects.get_for_model(DutyRecord).pk
    seconds = int((ends - starts).total_seconds())
    day = starts.astimezone(indicators.local_zone()).date()

    def audit(cursor: Any, event: int, record_id: int, data: str) -> None:
        cursor.execute(f"UPDATE {head} SET sequence = sequence + 1, last_hash = %s", ["0" * 64])
        cursor.execute(
            f"INSERT INTO {events} (sequence, prev_hash, entry_hash, event_time, acting_user_id,"
            " event_type, target_type_id, target_id, target_label, region_id, extra_data)"
            f" SELECT sequence, last_hash, %s, %s, %s, %s, %s, %s, %s, %s, %s FROM {head}",
            [
                hashlib.sha256(data.encode()).hexdigest(),
                dt.datetime.now(dt.UTC),
                admin.pk,
                event,
                record_type,
                str(record_id),
                "测量",
                post.region_id,
                data,
            ],
        )

    def run(person: Person) -> None:
        now = dt.datetime.now(dt.UTC)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {records} (created_at, updated_at, person_id, post_id, campaign_id,"
                " starts_at, source, status, needs_review, notes, recorded_by_id,"
                " decline_reason, version) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '', %s,"
                " '', 1) RETURNING id",
                [
                    now,
                    now,
                    person.pk,
                    post.pk,
                    post.campaign_id,
                    starts,
                    Source.CHECK_IN,
                    Status.OPEN,
                    False,
                    admin.pk,
                ],
            )
            record_id = cursor.fetchone()[0]
            audit(cursor, EventType.DUTY_CHECKED_IN, record_id, '{"new": {}}')
            cursor.execute(
                f"UPDATE {records} SET ends_at = %s, status = %s, verified_by_id = %s,"
                " verified_at = %s, version = 2, updated_at = %s WHERE id = %s",
                [ends, Status.VERIFIED, admin.pk, now, now, record_id],
            )
            audit(cursor, EventType.DUTY_CHECKED_OUT, record_id, '{"new": {}}')
            for key in (post.campaign_id, 0):
                cursor.execute(
                    f"INSERT INTO {days} (person_id, campaign_key, day, seconds)"
                    " VALUES (%s, %s, %s, %s) ON CONFLICT (person_id, campaign_key, day)"
                    f" DO UPDATE SET seconds = {days}.seconds + excluded.seconds",
                    [person.pk, key, day, seconds],
                )
                cursor.execute(
                    f"INSERT INTO {figures} (person_id, campaign_key, campaign_id, seconds,"
                    " shifts, days, longest_run, first_day, last_day, deeds, tasks)"
                    " VALUES (%s, %s, %s, %s, 1, 1, 1, %s, %s, '{}', '{}')"
                    " ON CONFLICT (person_id, campaign_key) DO UPDATE SET"
                    f" seconds = {figures}.seconds + excluded.seconds,"
                    f" shifts = {figures}.shifts + 1",
                    [person.pk, key, key or None, seconds, day, day],
                )

    return run


# --- full recompute of the indicators vs DuckDB ------------------------------------------------

DUCKDB_INDICATORS = """
WITH keyed AS (
    SELECT person_id, 0 AS k, s, e FROM records
    UNION ALL
    SELECT person_id, campaign_id, s, e FROM records WHERE campaign_id IS NOT NULL
),
local_spans AS (
    SELECT person_id, k, to_timestamp(s) AS s, to_timestamp(e) AS e,
           timezone($zone, to_timestamp(s)) AS local_s, timezone($zone, to_timestamp(e)) AS local_e
    FROM keyed
),
by_day AS (
    SELECT person_id, k, CAST(midnight AS DATE) AS day,
           SUM(epoch(least(e, timezone($zone, midnight + INTERVAL 1 DAY)))
               - epoch(greatest(s, timezone($zone, midnight)))) AS seconds
    FROM local_spans,
         generate_series(date_trunc('day', local_s), local_e, INTERVAL 1 DAY) AS g(midnight)
    WHERE midnight < local_e
    GROUP BY ALL
    HAVING SUM(epoch(least(e, timezone($zone, midnight + INTERVAL 1 DAY)))
               - epoch(greatest(s, timezone($zone, midnight)))) > 0
),
runs AS (
    SELECT person_id, k, COUNT(*) AS run
    FROM (SELECT person_id, k, day,
                 day - CAST(ROW_NUMBER() OVER (PARTITION BY person_id, k ORDER BY day) AS INTEGER)
                 AS island
          FROM by_day)
    GROUP BY person_id, k, island
),
totals AS (
    SELECT person_id, k, SUM(e - s) AS seconds, COUNT(*) AS shifts FROM keyed GROUP BY ALL
),
day_figures AS (
    SELECT person_id, k, COUNT(*) AS days, MIN(day) AS first_day, MAX(day) AS last_day
    FROM by_day GROUP BY ALL
),
longest AS (SELECT person_id, k, MAX(run) AS longest_run FROM runs GROUP BY ALL)
SELECT t.person_id, t.k, t.seconds, t.shifts, d.days, l.longest_run, d.first_day, d.last_day
FROM totals t
JOIN day_figures d USING (person_id, k)
JOIN longest l USING (person_id, k)
"""
DUCKDB_TASKS = """
SELECT person_id, 0 AS k, code, SUM(n) FROM tasks GROUP BY ALL
UNION ALL
SELECT person_id, campaign_id, code, SUM(n) FROM tasks WHERE campaign_id IS NOT NULL GROUP BY ALL
"""


def indicator_recompute() -> dict[str, Any]:
    """``indicators.recompute_all`` (reads the records, splits them at local midnights, sums)
    against DuckDB computing the same figures from the same rows already in its memory. The
    two results are compared figure by figure before the times count."""
    import duckdb

    started = time.perf_counter()
    ours = indicators.recompute_all()
    seconds = time.perf_counter() - started
    duck = duckdb.connect()
    with tempfile.TemporaryDirectory() as folder:
        records, tasks = Path(folder) / "records.csv", Path(folder) / "tasks.csv"
        verified = DutyRecord.objects.filter(status=Status.VERIFIED, ends_at__isnull=False)
        _csv(
            records,
            verified.annotate(
                s=indicators.EpochSeconds("starts_at"), e=indicators.EpochSeconds("ends_at")
            ).values_list("person_id", "campaign_id", "s", "e"),
        )
        _csv(
            tasks,
            DutyTaskCount.objects.filter(
                record__status=Status.VERIFIED, record__ends_at__isnull=False
            ).values_list("record__person_id", "record__campaign_id", "kind__code", "count"),
        )
        duck.execute(
            "CREATE TABLE records AS SELECT * FROM read_csv(?, header = false, columns = "
            "{'person_id': 'BIGINT', 'campaign_id': 'BIGINT', 's': 'BIGINT', 'e': 'BIGINT'})",
            [str(records)],
        )
        duck.execute(
            "CREATE TABLE tasks AS SELECT * FROM read_csv(?, header = false, columns = "
            "{'person_id': 'BIGINT', 'campaign_id': 'BIGINT', 'code': 'VARCHAR', 'n': 'BIGINT'})",
            [str(tasks)],
        )
    zone = {"zone": settings.TIME_ZONE}

    def floor() -> tuple[list[Any], list[Any]]:
        return (
            duck.execute(DUCKDB_INDICATORS, zone).fetchall(),
            duck.execute(DUCKDB_TASKS).fetchall(),
        )

    floor_seconds = min(timed(floor) for _ in range(2))
    figures, task_rows = floor()
    _same_indicators(ours, figures, task_rows)
    return {
        "records": duck.execute("SELECT COUNT(*) FROM records").fetchone()[0],  # type: ignore[index]
        "seconds": seconds,
        "floor_seconds": floor_seconds,
    }


def _csv(path: Path, rows: Any) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(plain_rows(rows))


def _same_indicators(ours: dict[Any, Any], figures: list[Any], task_rows: list[Any]) -> None:
    theirs = {
        (person, key): {
            "seconds": total,
            "shifts": shifts,
            "days": days,
            "longest_run": run,
            "first_day": first,
            "last_day": last,
        }
        for person, key, total, shifts, days, run, first, last in figures
    }
    for person, key, code, count in task_rows:
        theirs[(person, key)].setdefault("tasks", {})[code] = count
    mine = {
        key: {
            name: value
            for name, value in found.row().items()
            if name != "deeds" and (name != "tasks" or value)
        }
        for key, found in ours.items()
        if found.shifts
    }
    if mine != theirs:
        wrong = next(key for key in mine.keys() | theirs.keys() if mine.get(key) != theirs.get(key))
        raise AssertionError(
            f"DuckDB disagrees for {wrong}: {mine.get(wrong)} vs {theirs.get(wrong)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--compared-with",
        metavar="URL",
        help="the city's database: measure only the parts compared between a district and a"
        " city, in this process's database (the district's) and the city's, taking turns",
    )
    parser.add_argument(
        "--without-compared",
        action="store_true",
        help="leave out the parts a --compared-with run measures",
    )
    options = parser.parse_args()
    settings.DEBUG = False  # measured as in production: no query log
    quick = options.quick
    if options.compared_with:
        print(json.dumps(compared(options.compared_with), default=str))
        return
    district = prepare(options.profile, options.seed)
    parts: dict[str, Callable[[], dict[str, Any]]] = {"export": partial(export, district, quick)}
    if not options.without_compared:
        parts.update(_compared_parts(district, quick, Turn()))
    if options.profile == "district":  # one server's answer; the data size is not the point
        parts["people_import"] = partial(people_import, district, quick)
        parts["duty_imports"] = partial(duty_imports, district, quick)
        parts["recommendation"] = partial(recommendation, district, quick)
        # Last: for a while after 16 clients and five gunicorn workers, this machine ran
        # the single-process measurements a third slower (the duty import 18 000 rows a
        # second right after it, 27 000 before).
        parts["throughput"] = partial(throughput, district, quick)
    if not quick and options.profile == "city":
        parts["indicators"] = indicator_recompute
    result: dict[str, Any] = {"run_seconds": {}}
    for name, measure in parts.items():
        started = time.perf_counter()
        measured = measure()
        found = measured if isinstance(measured, Together) else {name: measured}
        result.update({part: pooled([value]) for part, value in found.items()})
        result["run_seconds"][name] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, default=str))


# --- district against city, in one process -------------------------------------------------------

# What is compared between a district's database and a city's (the cost must not grow with
# the data) is measured in one process, the two databases taking turns round by round and
# the samples of each pooled. Measured in two processes minutes apart, as the other parts
# are, the same code's city / district came out anywhere from 0.9 to 1.5: the machine's
# pace drifts by a third over minutes (and the city's process followed the district's
# sixteen gunicorn clients), which is the comparison's noise, not the data's.
COMPARED_ROUNDS = 4


def _compared_parts(
    district: Region, quick: bool, turn: Turn
) -> dict[str, Callable[[], dict[str, Any]]]:
    return {
        "search": partial(search, quick, turn),
        "dashboard": partial(dashboard, district, quick, turn),
        "verified_record": partial(verified_record, district, quick, turn),
    }


def compared(city_url: str) -> dict[str, dict[str, Any]]:
    """The compared parts in the district's database (this process's) and the city's, made
    and prepared by their own runs before: COMPARED_ROUNDS rounds, each measuring its share
    of the samples in both, the order reversed every other round."""
    databases = {"district": connections["default"], "city": _connection_to(city_url)}
    found: dict[str, dict[str, list[dict[str, Any]]]] = {p: {} for p in databases}
    seconds: dict[str, dict[str, float]] = {p: {} for p in databases}
    for index in range(COMPARED_ROUNDS):
        turn = Turn(index, COMPARED_ROUNDS)
        for profile in list(databases)[:: 1 if index % 2 == 0 else -1]:
            _use(databases[profile])
            district = Region.objects.get(code=district_codes(PROFILES[profile])[0])
            for name, measure in _compared_parts(district, quick=False, turn=turn).items():
                started = time.perf_counter()
                found[profile].setdefault(name, []).append(measure())
                spent = time.perf_counter() - started
                seconds[profile][name] = seconds[profile].get(name, 0) + spent
    _use(databases["district"])
    return {
        profile: {
            "run_seconds": {name: round(spent, 1) for name, spent in seconds[profile].items()},
            **{name: pooled(rounds) for name, rounds in found[profile].items()},
        }
        for profile in databases
    }


def _connection_to(url: str) -> BaseDatabaseWrapper:
    """A connection to another database on the same terms as the default one (its engine,
    options, time zone), to stand in for it (``_use``)."""
    import dj_database_url

    parsed = dj_database_url.parse(url)
    config = {
        **connections.settings["default"],
        "NAME": parsed["NAME"],
        "USER": parsed["USER"],
        "PASSWORD": parsed["PASSWORD"],
        "HOST": parsed["HOST"],
        "PORT": parsed["PORT"],
    }
    wrapper: BaseDatabaseWrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, "default")
    return wrapper


def _use(database: BaseDatabaseWrapper) -> None:
    """Make ``database`` the default connection of everything that follows in this thread
    (the ORM, the services, the test client's requests)."""
    connections["default"] = database
    ContentType.objects.clear_cache()  # content type ids are each database's own


if __name__ == "__main__":
    main()
