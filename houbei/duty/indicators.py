"""Service indicators, kept incrementally and checkable against a full recomputation.

A verified duty record contributes: its seconds, split by local (Asia/Shanghai) day; one
shift; its task counts. A deed contributes one to its commendation level. Every change to a
record or deed computes the contribution before and after, and applies the difference to
the person's rows — for the record's campaign and for the person overall (campaign_key 0).

Days served, the longest run of consecutive days and the first and last day follow from the
person's PersonDay rows; they are re-derived from those rows (one person's days, never all
records) whenever a day appears or disappears.

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
from django.db import transaction

from houbei.duty.models import DutyRecord, DutyTaskCount, PersonDay, PersonIndicator, Status

OVERALL = 0


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def seconds_by_day(starts_at: dt.datetime, ends_at: dt.datetime) -> dict[dt.date, int]:
    """Split [starts_at, ends_at) at local midnights: 22:00–06:00 counts on both days."""
    zone = local_zone()
    cursor, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    result: dict[dt.date, int] = {}
    while cursor < end:
        midnight = dt.datetime.combine(
            cursor.date() + dt.timedelta(days=1), dt.time(0), tzinfo=zone
        )
        segment_end = min(end, midnight)
        seconds = int((segment_end - cursor).total_seconds())
        if seconds > 0:
            result[cursor.date()] = result.get(cursor.date(), 0) + seconds
        cursor = segment_end
    return result


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

    def is_zero(self) -> bool:
        return not (
            self.seconds
            or self.shifts
            or any(self.days.values())
            or any(self.tasks.values())
            or any(self.deeds.values())
        )


def _keys(contribution: Contribution) -> tuple[int, ...]:
    return (OVERALL,) if contribution.campaign_id is None else (contribution.campaign_id, OVERALL)


def apply_change(before: Contribution | None, after: Contribution | None) -> None:
    """Move one person's stored indicators from ``before`` to ``after``. Runs inside the
    caller's transaction, which holds the lock on the person (see services)."""
    if before is None and after is None:
        return
    if transaction.get_connection().in_atomic_block is False:
        raise RuntimeError("indicator changes must run inside the record's transaction")
    person_id = (after or before).person_id  # type: ignore[union-attr]
    deltas: dict[int, _Delta] = defaultdict(_Delta)
    for contribution, sign in ((before, -1), (after, 1)):
        if contribution is None:
            continue
        for key in _keys(contribution):
            delta = deltas[key]
            delta.seconds += sign * sum(contribution.seconds_by_day.values())
            delta.shifts += sign * contribution.shifts
            for day, seconds in contribution.seconds_by_day.items():
                delta.days[day] += sign * seconds
            for code, count in contribution.tasks.items():
                delta.tasks[code] += sign * count
            for level, count in contribution.deeds.items():
                delta.deeds[level] += sign * count
    for key, delta in deltas.items():
        if not delta.is_zero():
            _apply(person_id, key, delta)


def _apply(person_id: int, key: int, delta: _Delta) -> None:
    indicator, _created = PersonIndicator.objects.get_or_create(
        person_id=person_id, campaign_key=key, defaults={"campaign_id": key or None}
    )
    changed_days = [day for day, seconds in delta.days.items() if seconds]
    days_toggled = False
    if changed_days:
        stored = {
            row.day: row
            for row in PersonDay.objects.filter(
                person_id=person_id, campaign_key=key, day__in=changed_days
            )
        }
        for day in changed_days:
            row = stored.get(day)
            seconds = (row.seconds if row else 0) + delta.days[day]
            if seconds < 0:
                raise RuntimeError(f"negative service seconds for person {person_id} on {day}")
            if row is None:
                PersonDay.objects.create(
                    person_id=person_id, campaign_key=key, day=day, seconds=seconds
                )
                days_toggled = True
            elif seconds == 0:
                row.delete()
                days_toggled = True
            else:
                row.seconds = seconds
                row.save(update_fields=["seconds"])
    indicator.seconds += delta.seconds
    indicator.shifts += delta.shifts
    indicator.tasks = _merged(indicator.tasks, delta.tasks)
    indicator.deeds = _merged(indicator.deeds, delta.deeds)
    if days_toggled:
        days = list(
            PersonDay.objects.filter(person_id=person_id, campaign_key=key)
            .order_by("day")
            .values_list("day", flat=True)
        )
        indicator.days = len(days)
        indicator.longest_run = longest_run(days)
        indicator.first_day = days[0] if days else None
        indicator.last_day = days[-1] if days else None
    indicator.save()


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


def recompute_all() -> dict[tuple[int, int], Figures]:
    """Every person's figures derived from the records and deeds themselves."""
    from houbei.deeds.models import Deed

    figures: dict[tuple[int, int], Figures] = defaultdict(Figures)

    def keys(person_id: int, campaign_id: int | None) -> Iterator[tuple[int, int]]:
        yield (person_id, OVERALL)
        if campaign_id is not None:
            yield (person_id, campaign_id)

    verified = DutyRecord.objects.filter(status=Status.VERIFIED, ends_at__isnull=False)
    for person_id, campaign_id, starts_at, ends_at in verified.values_list(
        "person_id", "campaign_id", "starts_at", "ends_at"
    ).iterator(chunk_size=5000):
        by_day = seconds_by_day(starts_at, ends_at) if ends_at else {}
        for key in keys(person_id, campaign_id):
            entry = figures[key]
            entry.seconds += sum(by_day.values())
            entry.shifts += 1
            for day, seconds in by_day.items():
                entry.days[day] = entry.days.get(day, 0) + seconds
    counts = DutyTaskCount.objects.filter(
        record__status=Status.VERIFIED, record__ends_at__isnull=False
    )
    for person_id, campaign_id, code, count in counts.values_list(
        "record__person_id", "record__campaign_id", "kind__code", "count"
    ).iterator(chunk_size=5000):
        for key in keys(person_id, campaign_id):
            figures[key].tasks[code] += count
    for person_id, campaign_id, level in Deed.objects.values_list(
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
    PersonDay.objects.bulk_create(
        (
            PersonDay(person_id=person_id, campaign_key=key, day=day, seconds=seconds)
            for (person_id, key), figures in expected.items()
            for day, seconds in figures.days.items()
        ),
        batch_size=5000,
    )
    rows = [
        PersonIndicator(
            person_id=person_id, campaign_key=key, campaign_id=key or None, **figures.row()
        )
        for (person_id, key), figures in expected.items()
    ]
    PersonIndicator.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
