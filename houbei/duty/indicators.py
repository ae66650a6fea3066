"""Service indicators, kept incrementally and checkable against a full recomputation.

A verified duty record contributes: its seconds, split by local (Asia/Shanghai) day; one
shift; its task counts. A deed contributes one to its commendation level. Every change to a
record or deed computes the contribution before and after, and applies the difference to
the person's rows — for the record's campaign and for the person overall (campaign_key 0).

Days served, the longest run of consecutive days and the first and last day follow from the
person's PersonDay rows; they are re-derived from those rows (one person's days, never all
records) whenever a day changes. One change reads the indicator and day rows of all its keys
together and inserts new rows together: a verified shift costs six statements, not a dozen.

``recompute_all`` derives every figure from the records themselves; ``verify`` compares
that with what is stored. They must agree: the property-based test and
``houbei indicators --verify`` hold the incremental path to it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BigIntegerField, Func

from houbei.duty.models import (
    DutyRecord,
    DutyTaskCount,
    PersonDay,
    PersonIndicator,
    Status,
    TaskKind,
)
from houbei.lib.bulkwork import collection_paused
from houbei.lib.models import id_list, insert_rows, plain_rows, update_rows, upsert_models

OVERALL = 0


class EpochSeconds(Func):
    """A timestamp as whole seconds since 1970 (UTC), computed by the database."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        return self.as_sql(
            compiler,
            connection,
            template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        return self.as_sql(
            compiler,
            connection,
            # date_part, not EXTRACT: EXTRACT gives a numeric, whose arithmetic took a
            # third of reading a city's two million records; a double holds whole and
            # micro-seconds of this era exactly enough for FLOOR.
            template="FLOOR(date_part('epoch', %(expressions)s))::bigint",
            **extra,
        )


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


DAY = 86400
EPOCH_DAY = dt.date(1970, 1, 1)


class LocalDays:
    """Splits spans of time (whole epoch seconds) at the site's local midnights.

    The UTC offset is asked of zoneinfo once per quarter hour of UTC time and remembered —
    zone rules move offsets on quarter-hour boundaries — so that splitting millions of
    records (the full recomputation) costs a dictionary lookup a record, not a zoneinfo
    conversion. Seconds are elapsed seconds: a day with a clock change has 23 or 25 hours."""

    def __init__(self, zone: ZoneInfo | None = None) -> None:
        self.zone = zone or local_zone()
        self._offsets: dict[int, int] = {}
        self._dates: dict[int, dt.date] = {}

    def offset(self, epoch: int) -> int:
        quarter = epoch // 900
        found = self._offsets.get(quarter)
        if found is None:
            moment = dt.datetime.fromtimestamp(quarter * 900, dt.UTC).astimezone(self.zone)
            found = self._offsets[quarter] = int(moment.utcoffset().total_seconds())  # type: ignore[union-attr]
        return found

    def date(self, day_number: int) -> dt.date:
        found = self._dates.get(day_number)
        if found is None:
            found = self._dates[day_number] = EPOCH_DAY + dt.timedelta(days=day_number)
        return found

    def split(self, start: int, end: int) -> list[tuple[int, int]]:
        """(local day number since 1970-01-01, seconds) for every local day [start, end)
        touches; 22:00–06:00 counts on both days."""
        parts = []
        while start < end:
            offset = self.offset(start)
            day = (start + offset) // DAY
            midnight = (day + 1) * DAY - offset
            # The offset at the midnight itself differs on a day the clocks change.
            midnight = (day + 1) * DAY - self.offset(midnight)
            segment_end = min(end, midnight) if midnight > start else end
            parts.append((day, segment_end - start))
            start = segment_end
        return parts

    def seconds_by_day(self, start: int, end: int) -> dict[dt.date, int]:
        """Seconds of [start, end) on each local date it touches."""
        result: dict[dt.date, int] = {}
        for day, seconds in self.split(start, end):
            if seconds > 0:
                date = self.date(day)
                result[date] = result.get(date, 0) + seconds
        return result


def seconds_by_day(starts_at: dt.datetime, ends_at: dt.datetime) -> dict[dt.date, int]:
    """Split [starts_at, ends_at) at local midnights: 22:00–06:00 counts on both days."""
    return LocalDays().seconds_by_day(int(starts_at.timestamp()), int(ends_at.timestamp()))


def longest_run(days: Iterable[dt.date]) -> int:
    """The longest stretch of consecutive calendar days."""
    best = current = 0
    previous: dt.date | None = None
    for day in sorted(set(days)):
        current = (
            current + 1 if previous is not None and day - previous == dt.timedelta(days=1) else 1
        )
        best = max(best, current)
        previous = day
    return best


@dataclass(frozen=True)
class Contribution:
    person_id: int
    campaign_id: int | None
    seconds_by_day: dict[dt.date, int] = field(default_factory=dict)
    shifts: int = 0
    tasks: dict[str, int] = field(default_factory=dict)
    deeds: dict[str, int] = field(default_factory=dict)


def record_contribution(
    record: DutyRecord, tasks: dict[str, int] | None = None
) -> Contribution | None:
    """What a record adds to the indicators as it is now (None unless verified and closed)."""
    if record.status != Status.VERIFIED or record.ends_at is None:
        return None
    if tasks is None:
        tasks = dict(record.task_counts.values_list("kind__code", "count"))
    return Contribution(
        person_id=record.person_id,
        campaign_id=record.campaign_id,
        seconds_by_day=seconds_by_day(record.starts_at, record.ends_at),
        shifts=1,
        tasks=dict(tasks),
    )


def deed_contribution(person_id: int, campaign_id: int | None, level: str) -> Contribution:
    return Contribution(person_id=person_id, campaign_id=campaign_id, deeds={level: 1})


@dataclass
class _Delta:
    seconds: int = 0
    shifts: int = 0
    days: Counter[dt.date] = field(default_factory=Counter)
    tasks: Counter[str] = field(default_factory=Counter)
    deeds: Counter[str] = field(default_factory=Counter)

    def add(self, other: _Delta) -> None:
        self.seconds += other.seconds
        self.shifts += other.shifts
        self.days.update(other.days)  # Counter.update adds, negative counts included
        self.tasks.update(other.tasks)
        self.deeds.update(other.deeds)

    def is_zero(self) -> bool:
        return not (
            self.seconds
            or self.shifts
            or any(self.days.values())
            or any(self.tasks.values())
            or any(self.deeds.values())
        )


def _keys(campaign_id: int | None) -> tuple[int, ...]:
    """The figures a contribution to a campaign moves: the campaign's and the overall ones."""
    return (OVERALL,) if campaign_id is None else (campaign_id, OVERALL)


def apply_change(before: Contribution | None, after: Contribution | None) -> None:
    """Move one person's stored indicators from ``before`` to ``after``. Runs inside the
    caller's transaction, which holds the lock on the person (see services)."""
    if before is not None or after is not None:
        apply_changes([(before, after)])


def apply_changes(changes: Iterable[tuple[Contribution | None, Contribution | None]]) -> None:
    """``apply_change`` for many changes at once (a verifier's thousand ticked shifts): the
    changes of each person summed, then applied with one read and write of their rows.
    The caller holds the lock on every person concerned."""
    _require_transaction()
    # Summed by person and campaign first, then added to each figure the campaign moves:
    # a bulk verification's thousands of records are summed once, not once a figure.
    by_campaign: dict[tuple[int, int | None], _Delta] = defaultdict(_Delta)
    for before, after in changes:
        for contribution, sign in ((before, -1), (after, 1)):
            if contribution is None:
                continue
            delta = by_campaign[contribution.person_id, contribution.campaign_id]
            days = contribution.seconds_by_day
            delta.seconds += sign * sum(days.values())
            delta.shifts += sign * contribution.shifts
            for day, seconds in days.items():
                delta.days[day] += sign * seconds
            for code, count in contribution.tasks.items():
                delta.tasks[code] += sign * count
            for level, count in contribution.deeds.items():
                delta.deeds[level] += sign * count
    _apply_summed(by_campaign)


def add_verified_shifts(
    shifts: Iterable[tuple[int, int | None, dict[dt.date, int], dict[str, int]]],
) -> None:
    """``apply_changes`` for many shifts just verified, each given as (person, campaign,
    seconds by local day, task counts) and summed straight into its person's and
    campaign's figures: a bulk verification's thousands of shifts, where making a
    Contribution of each cost as much as summing them. The caller holds the lock on every
    person concerned."""
    _require_transaction()
    by_campaign: dict[tuple[int, int | None], _Delta] = defaultdict(_Delta)
    for person_id, campaign_id, seconds_by_day, tasks in shifts:
        delta = by_campaign[person_id, campaign_id]
        delta.shifts += 1
        days = delta.days
        for day, seconds in seconds_by_day.items():
            delta.seconds += seconds
            days[day] += seconds
        if tasks:
            delta.tasks.update(tasks)
    _apply_summed(by_campaign)


def _require_transaction() -> None:
    if transaction.get_connection().in_atomic_block is False:
        raise RuntimeError("indicator changes must run inside the record's transaction")


def _apply_summed(by_campaign: dict[tuple[int, int | None], _Delta]) -> None:
    """The changes summed by person and campaign, added to each figure a campaign moves
    (its own and the overall one), and written."""
    deltas: dict[tuple[int, int], _Delta] = defaultdict(_Delta)
    for (person_id, campaign_id), summed in by_campaign.items():
        for key in _keys(campaign_id):
            deltas[person_id, key].add(summed)
    _apply({pair: delta for pair, delta in deltas.items() if not delta.is_zero()})


# People a query names at most (well within every database's limit on parameters).
_PEOPLE_A_QUERY = 1000
_INDICATORS = connection.ops.quote_name(PersonIndicator._meta.db_table)
_DAYS = connection.ops.quote_name(PersonDay._meta.db_table)
_FIGURES = ("seconds", "shifts", "tasks", "deeds", "days", "longest_run", "first_day", "last_day")


def _people_chunks(pairs: Iterable[tuple[int, int]]) -> Iterator[frozenset[int]]:
    people = sorted({person_id for person_id, _key in pairs})
    for start in range(0, len(people), _PEOPLE_A_QUERY):
        yield frozenset(people[start : start + _PEOPLE_A_QUERY])


def _apply(deltas: dict[tuple[int, int], _Delta]) -> None:
    """The deltas of (person, key) pairs — each person's campaign and overall figures — in
    a handful of statements whatever the number of people: the indicator rows read
    together, the day rows read together (all of them: the days served and the longest run
    follow from them), new rows inserted together, changed rows updated together."""
    if not deltas:
        return
    # The two reads are written out: on every check-out, compiling them through the ORM
    # took three to six times as long as running them (0.36 against 0.12 ms, 0.40 against
    # 0.06 ms on SQLite).
    keys = id_list(sorted({key for _person_id, key in deltas}))
    indicators = {
        (row.person_id, row.campaign_key): row
        for people in _people_chunks(deltas)
        for row in PersonIndicator.objects.raw(
            f"SELECT * FROM {_INDICATORS}"  # noqa: S608 - our names and integers
            f" WHERE person_id IN ({id_list(people)}) AND campaign_key IN ({keys})"
        )
    }
    for person_id, key in deltas:  # a person's first shift overall or in the campaign
        if (person_id, key) not in indicators:
            indicators[person_id, key] = PersonIndicator(
                person_id=person_id, campaign_key=key, campaign_id=key or None
            )
    # (person, key) → day → (row id or None when new, seconds), as plain values: a bulk
    # verification changes thousands of day rows.
    stored: dict[tuple[int, int], dict[dt.date, tuple[int | None, int]]] = {
        pair: {} for pair, delta in deltas.items() if any(delta.days.values())
    }
    day_keys = sorted({key for _person_id, key in stored})
    for people in _people_chunks(stored):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, person_id, campaign_key, day, seconds FROM {_DAYS}"  # noqa: S608
                f" WHERE person_id IN ({id_list(people)}) AND campaign_key IN ({id_list(day_keys)})"
            )
            for pk, person_id, key, day, seconds in cursor.fetchall():
                if (person_id, key) in stored:
                    stored[person_id, key][day] = (pk, seconds)
    adapt_day = connection.ops.adapt_datefield_value
    created: list[tuple[int, int, str | None, int]] = []
    changed: list[tuple[int, int]] = []
    emptied: list[int] = []
    for (person_id, key), days in stored.items():
        for day, change in deltas[person_id, key].days.items():
            if not change:
                continue
            row_id, before = days.get(day, (None, 0))
            seconds = before + change
            if seconds < 0:
                raise RuntimeError(f"negative service seconds for person {person_id} on {day}")
            if row_id is None:
                days[day] = (None, seconds)
                created.append((person_id, key, adapt_day(day), seconds))
            elif seconds == 0:
                del days[day]
                emptied.append(row_id)
            else:
                days[day] = (row_id, seconds)
                changed.append((seconds, row_id))
    # Plain rows: bulk_create builds an instance a row, bulk_update a CASE expression of
    # every row (ten times the Python of plain UPDATEs).
    if created:
        insert_rows(PersonDay, ["person_id", "campaign_key", "day", "seconds"], created)
    if changed:
        update_rows(PersonDay, ["seconds"], changed)
    if emptied:
        PersonDay.objects.filter(pk__in=emptied).delete()
    for pair, delta in deltas.items():
        indicator = indicators[pair]
        indicator.seconds += delta.seconds
        indicator.shifts += delta.shifts
        indicator.tasks = _merged(indicator.tasks, delta.tasks)
        indicator.deeds = _merged(indicator.deeds, delta.deeds)
        if pair in stored:
            served = sorted(stored[pair])
            indicator.days = len(served)
            indicator.longest_run = longest_run(served)
            indicator.first_day = served[0] if served else None
            indicator.last_day = served[-1] if served else None
    # New rows and changed ones in one statement (the caller holds the people's locks:
    # nobody else creates their rows meanwhile).
    upsert_models(
        PersonIndicator,
        ("person", "campaign_key"),
        _FIGURES,
        [indicators[pair] for pair in deltas],
    )


def _merged(stored: dict[str, int], delta: Counter[str]) -> dict[str, int]:
    merged = Counter({code: int(value) for code, value in stored.items()})
    merged.update(delta)
    return {code: value for code, value in sorted(merged.items()) if value}


# --- full recomputation --------------------------------------------------------------------


@dataclass
class Figures:
    seconds: int = 0
    shifts: int = 0
    days: dict[dt.date, int] = field(default_factory=dict)
    tasks: Counter[str] = field(default_factory=Counter)
    deeds: Counter[str] = field(default_factory=Counter)

    def row(self) -> dict[str, object]:
        days = sorted(self.days)
        return {
            "seconds": self.seconds,
            "shifts": self.shifts,
            "days": len(days),
            "longest_run": longest_run(days),
            "first_day": days[0] if days else None,
            "last_day": days[-1] if days else None,
            "tasks": {code: value for code, value in sorted(self.tasks.items()) if value},
            "deeds": {level: value for level, value in sorted(self.deeds.items()) if value},
        }


# Distinct spans of time remembered by the full recomputation (a few MB at most).
SPANS_REMEMBERED = 50_000


@collection_paused()  # a city's 150 000 figures and their days: 5–8 % of the time in its passes
def recompute_all() -> dict[tuple[int, int], Figures]:
    """Every person's figures derived from the records and deeds themselves."""
    from houbei.deeds.models import Deed

    figures: dict[tuple[int, int], Figures] = defaultdict(Figures)

    def keys(person_id: int, campaign_id: int | None) -> Iterator[tuple[int, int]]:
        yield (person_id, OVERALL)
        if campaign_id is not None:
            yield (person_id, campaign_id)

    # Millions of rows at city scale: times are read as epoch seconds (no datetime objects)
    # and split with LocalDays' remembered offsets — the same split seconds_by_day makes.
    local = LocalDays()
    # Nearly every record is verified: the status is tested here, not in SQL, where SQLite
    # would read the records through the status index, one lookup each (2.4× slower).
    # Unordered: the records' default order had the database sort two million rows first
    # (a city on PostgreSQL: reading them 4.4–4.7 → 2.5 s).
    closed = (
        DutyRecord.objects.filter(ends_at__isnull=False)
        .order_by()
        .annotate(start=EpochSeconds("starts_at"), end=EpochSeconds("ends_at"))
        .values_list("person_id", "campaign_id", "start", "end", "status")
    )
    verified = Status.VERIFIED.value
    # Shift logs repeat their times: a post's 08:00–16:00 on one day is many people's. Each
    # distinct span is split once (remembered up to SPANS_REMEMBERED of them).
    spans: dict[tuple[int, int], tuple[tuple[dt.date, int], ...]] = {}
    for person_id, campaign_id, start, end, status in plain_rows(closed):
        if status != verified:
            continue
        by_day = spans.get((start, end))
        if by_day is None:
            if len(spans) >= SPANS_REMEMBERED:
                spans.clear()
            by_day = spans[(start, end)] = tuple(
                (local.date(day), seconds) for day, seconds in local.split(start, end) if seconds
            )
        # A record always has its campaign: its figures are summed there, and each
        # person's campaigns into their overall figures below — once a record, not twice.
        entry = figures[person_id, campaign_id]
        entry.seconds += end - start if end > start else 0
        entry.shifts += 1
        days = entry.days
        for day, seconds in by_day:
            days[day] = days.get(day, 0) + seconds
    for (person_id, _campaign_id), in_campaign in list(figures.items()):
        overall = figures[person_id, OVERALL]
        overall.seconds += in_campaign.seconds
        overall.shifts += in_campaign.shifts
        days = overall.days
        for day, seconds in in_campaign.days.items():
            days[day] = days.get(day, 0) + seconds
    counts = DutyTaskCount.objects.filter(
        record__status=Status.VERIFIED, record__ends_at__isnull=False
    )
    codes = dict(TaskKind.objects.values_list("pk", "code"))  # a handful: not joined per row
    for person_id, campaign_id, kind_id, count in plain_rows(
        counts.values_list("record__person_id", "record__campaign_id", "kind_id", "count")
    ):
        for key in keys(person_id, campaign_id):
            figures[key].tasks[codes[kind_id]] += count
    for person_id, campaign_id, level in Deed.objects.order_by().values_list(
        "person_id", "campaign_id", "level"
    ):
        for key in keys(person_id, campaign_id):
            figures[key].deeds[level] += 1
    return figures


@dataclass(frozen=True)
class Difference:
    person_id: int
    campaign_key: int
    field: str
    stored: object
    expected: object


def verify() -> list[Difference]:
    """Compare stored indicators and day rows with a full recomputation."""
    expected = recompute_all()
    differences: list[Difference] = []
    stored_rows = {(row.person_id, row.campaign_key): row for row in PersonIndicator.objects.all()}
    empty = Figures().row()
    for key in sorted(set(expected) | set(stored_rows)):
        want = expected[key].row() if key in expected else empty
        row = stored_rows.get(key)
        for name, value in want.items():
            have = getattr(row, name) if row is not None else empty[name]
            if have != value:
                differences.append(Difference(key[0], key[1], name, have, value))
    stored_days: dict[tuple[int, int], dict[dt.date, int]] = defaultdict(dict)
    for person_id, campaign_key, day, seconds in PersonDay.objects.values_list(
        "person_id", "campaign_key", "day", "seconds"
    ).iterator(chunk_size=5000):
        stored_days[(person_id, campaign_key)][day] = seconds
    for key in sorted(set(stored_days) | {k for k, f in expected.items() if f.days}):
        want_days = expected[key].days if key in expected else {}
        if stored_days.get(key, {}) != want_days:
            differences.append(
                Difference(key[0], key[1], "day_seconds", stored_days.get(key, {}), want_days)
            )
    return differences


@transaction.atomic
def rebuild() -> int:
    """Replace every stored indicator with the recomputation; returns the rows written."""
    expected = recompute_all()
    PersonDay.objects.all().delete()
    PersonIndicator.objects.all().delete()
    insert_rows(
        PersonDay,
        ["person_id", "campaign_key", "day", "seconds"],
        (
            (person_id, key, day, seconds)
            for (person_id, key), figures in expected.items()
            for day, seconds in figures.days.items()
        ),
    )
    rows = [
        PersonIndicator(
            person_id=person_id, campaign_key=key, campaign_id=key or None, **figures.row()
        )
        for (person_id, key), figures in expected.items()
    ]
    PersonIndicator.objects.bulk_create(rows, batch_size=5000)
    # No audit event marks a rebuild, and cached pages follow the audit events.
    transaction.on_commit(cache.clear)
    return len(rows)
