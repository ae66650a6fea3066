"""Importing duty records (值守记录) of a campaign from a workbook: date, post, person (by ID
number, or by name within the post's region when that name is unambiguous), start, end and
task counts. Same reader and two steps as the people import; every record is saved through
the duty service, so it waits for verification like any record entered after the fact, and
overlaps with recorded shifts are refused row by row."""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.models import User
from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.campaigns.models import Campaign, Post
from houbei.campaigns.selectors import post_list
from houbei.duty import indicators
from houbei.duty.models import Source, TaskKind
from houbei.duty.services import records
from houbei.duty.services.records import (
    DutyInput,
    Entries,
    EntriesSaved,
    EntryChunk,
    duty_record_create_many,
)
from houbei.imports.people import Rejected, Rejection, parse_birth
from houbei.imports.reader import Cell, Row, Table, read_table
from houbei.lib import crypto
from houbei.lib.bulkwork import collection_paused
from houbei.lib.idnumber import IdNumberError, parse_id_number
from houbei.lib.names import clean_name
from houbei.lib.text import to_halfwidth
from houbei.people.models import Person
from houbei.people.services import ID_PURPOSE
from houbei.regions.models import Region

DUTY_HEADERS: dict[str, str] = {
    **dict.fromkeys(["序号", "编号"], "serial"),
    **dict.fromkeys(["日期", "值守日期", "执勤日期", "时间"], "date"),
    **dict.fromkeys(["岗位", "卡点", "岗位名称", "值守点位", "点位", "卡口"], "post"),
    **dict.fromkeys(["姓名", "值守人员", "人员"], "name"),
    **dict.fromkeys(["身份证号", "身份证号码", "公民身份号码"], "id_number"),
    **dict.fromkeys(["开始时间", "上岗时间", "开始", "起"], "start"),
    **dict.fromkeys(["结束时间", "下岗时间", "结束", "止"], "end"),
    **dict.fromkeys(["工作内容", "任务", "完成任务", "工作量"], "tasks"),
    **dict.fromkeys(["备注", "说明"], "notes"),
}
Key = TypeVar("Key")
Value = TypeVar("Value")
DUTY_REASONS = (
    "date_invalid",
    "time_invalid",
    "post_unknown",
    "person_unknown",
    "person_ambiguous",
    "task_unknown",
    "duplicate_in_file",
    "not_saved",
)


# A row of the log made an entry: its sheet row number, its post, the entry.
Planned = tuple[int, Post, DutyInput]


class DutyPlan:
    """A duty log read, and matched against the campaign's posts and the people it names.
    Its rows become entries or rejections all at once when ``accepted`` or ``rejected`` is
    first looked at (a preview, a dry run), or a chunk at a time while they are saved
    (``apply_duty_import``): each chunk while the records of the one before are inserted."""

    def __init__(self, reading: _Reading, table: Table) -> None:
        self.campaign = reading.campaign
        self.table = table
        self.reading = reading
        self._accepted: list[Planned] | None = None
        self._rejected: list[Rejection] = []

    @property
    def accepted(self) -> list[Planned]:
        if self._accepted is None:
            with collection_paused(), _cells_of_one_file():
                self._accepted = _RowPlanning(self.reading).plan(self.table.rows, self._rejected)
        return self._accepted

    @property
    def rejected(self) -> list[Rejection]:
        self.accepted  # noqa: B018 - the rows planned first
        return self._rejected

    def saved(self, accepted: list[Planned], rejected: list[Rejection]) -> None:
        """What became of the rows once saved (``apply_duty_import``)."""
        self._accepted, self._rejected = accepted, rejected

    def summary(self) -> dict[str, Any]:
        return {
            "accepted": len(self.accepted),
            "rejected": [
                {"row": r.row, "reason": r.reason, "message": r.message} for r in self.rejected
            ],
        }


@contextlib.contextmanager
def _cells_of_one_file() -> Iterator[None]:
    """The folded cells remembered while a file's rows are read hold names and ID numbers
    in the clear: they are not kept past the file."""
    try:
        yield
    finally:
        _folded.cache_clear()


@collection_paused()
def plan_duty_import(
    *, scope: Scope | None, data: bytes, filename: str, campaign: Campaign
) -> DutyPlan:
    with _cells_of_one_file():
        return _plan(scope, data, filename, campaign)


@dataclass(frozen=True)
class _Reading:
    """What a log's rows are matched against, read once for the file."""

    campaign: Campaign
    posts: dict[str, Post]  # by name: those the user sees
    people: _People
    times: _Times
    kinds: dict[str, TaskKind]
    task_columns: list[str]

    def post_of(self, row: Row) -> Post | None:
        return self.posts.get(_str(row.values.get("post")))


def _plan(scope: Scope | None, data: bytes, filename: str, campaign: Campaign) -> DutyPlan:
    kinds = {k.name: k for k in TaskKind.objects.filter(is_active=True)}
    synonyms = {**DUTY_HEADERS, **{k: f"task:{k}" for k in kinds}}
    # A log names each person by name or by ID number: either column makes its header.
    table = read_table(data, filename, synonyms, {"name": "姓名", "id_number": "身份证号"})
    task_columns = [column for column in table.fields if column and column.startswith("task:")]
    # The posts the user sees (all of them from the command line): another village's post
    # is as unknown to the file as one that does not exist.
    posts = {
        p.name: p
        for p in (
            Post.objects.filter(campaign=campaign).select_related("region", "campaign")
            if scope is None
            else post_list(scope=scope, campaign=campaign)
        )
    }
    people = _People(scope, table.rows, posts)
    reading = _Reading(campaign, posts, people, _Times(campaign), kinds, task_columns)
    return DutyPlan(reading, table)


class _RowPlanning:
    """Rows made entries, or rejected, in the file's order: one pass over a file, in one go
    or a chunk at a time (a shift named twice is refused on its second row)."""

    def __init__(self, reading: _Reading) -> None:
        self.reading = reading
        self.seen: dict[tuple[int, dt.datetime], int] = {}

    def plan(self, rows: Sequence[Row], rejected: list[Rejection]) -> list[Planned]:
        """The rows' entries; the rows rejected go to ``rejected``."""
        reading, seen = self.reading, self.seen
        posts, people, times = reading.posts, reading.people, reading.times
        kinds, task_columns = reading.kinds, reading.task_columns
        accepted: list[Planned] = []
        # Written for logs of a million rows: what repeats is looked up by the cells as
        # read, and a row without task or note cells skips their reading (a few
        # microseconds a row).
        for row in rows:
            values = row.values
            try:
                post_name = _str(values.get("post"))
                post = posts.get(post_name)
                if post is None:
                    raise Rejected(
                        "post_unknown",
                        _("%(post)s is not a post of %(campaign)s.")
                        % {"post": post_name or "—", "campaign": reading.campaign.name},
                    )
                person = people.find(values, post)
                starts_at, ends_at = times.read(values)
                key = (person.id, starts_at)
                if key in seen:
                    raise Rejected(
                        "duplicate_in_file",
                        _("The same shift is on row %(row)d of this file.") % {"row": seen[key]},
                    )
                seen[key] = row.number
                tasks = (
                    _tasks(values, kinds, task_columns) if task_columns or "tasks" in values else {}
                )
                notes = _str(values["notes"])[:200] if "notes" in values else ""
                entry = DutyInput(person, starts_at, ends_at, tasks, notes)
                accepted.append((row.number, post, entry))
            except Rejected as rejection:
                rejected.append(Rejection(row.number, rejection.reason, rejection.message, row.raw))
        return accepted


def _str(cell: Cell) -> str:
    if type(cell) is str:
        return _folded(cell)
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return to_halfwidth(str(cell)).strip()


@functools.lru_cache(maxsize=65_536)
def _folded(text: str) -> str:
    """A text cell half-width and stripped; remembered while a file is read (a log repeats
    its posts, names, dates and times on thousands of rows), forgotten after it."""
    return to_halfwidth(text).strip()


class _Remembered(Generic[Key, Value]):
    """What a row's cells say, worked out once for each distinct set of cells — a duty log
    names the same people, days and shift times on thousands of rows — a rejection
    included, raised again for every row that repeats it."""

    def __init__(self) -> None:
        self.found: dict[Key, Value | Rejected] = {}

    def get(self, key: Key, work_out: Callable[..., Value], *cells: Any) -> Value:
        """What ``key`` says: ``work_out(*cells)`` the first time."""
        result = self.found.get(key)
        if result is None:
            try:
                result = work_out(*cells)
            except Rejected as rejection:
                result = rejection
            self.found[key] = result
        if type(result) is Rejected:
            raise Rejected(result.reason, result.message)
        return result  # type: ignore[return-value]  # not a rejection: a value


class _People(_Remembered[tuple[Cell, Cell, int], Person]):
    """Who a row names: by ID number, or by a name unambiguous in the post's region. The
    file's people are read up front in a few queries (by ID number digest, and by name
    within each post region), not one query for each."""

    def __init__(self, scope: Scope | None, rows: list[Row], posts: dict[str, Post]) -> None:
        super().__init__()
        people = Person.objects.select_related("village")
        if scope is not None:
            people = people.filter(scope.region_q(Capability.PEOPLE_VIEW, "village__code"))
        numbers: set[str] = set()
        names: dict[Region, set[str]] = {}
        for row in rows:
            number = _str(row.values.get("id_number"))
            if number:
                numbers.add(number)
            elif post := posts.get(_str(row.values.get("post"))):
                names.setdefault(post.region, set()).add(clean_name(_str(row.values.get("name"))))
        digests = set()
        for number in numbers:
            try:
                digests.add(_digest(number))
            except Rejected:
                continue  # said when its rows are read
        wanted = sorted(digests)
        self.by_digest = {
            person.id_number_digest: person
            for start in range(0, len(wanted), LOOKUP_CHUNK)
            for person in people.filter(id_number_digest__in=wanted[start : start + LOOKUP_CHUNK])
        }
        self.by_name: dict[tuple[str, int], list[Person]] = {}
        for region, in_region in names.items():
            listed = sorted(in_region - {""})
            for start in range(0, len(listed), LOOKUP_CHUNK):
                chunk = listed[start : start + LOOKUP_CHUNK]
                for person in people.filter(name__in=chunk).filter(_lives_in(region)):
                    self.by_name.setdefault((person.name, region.pk), []).append(person)

    def candidates(self) -> dict[int, Person]:
        """Everyone the file's rows may name, by id (namesakes a name alone cannot tell
        apart included)."""
        found = {person.id: person for person in self.by_digest.values()}
        for namesakes in self.by_name.values():
            found.update((person.id, person) for person in namesakes)
        return found

    def find(self, values: dict[str, Cell], post: Post) -> Person:
        """Who a row's cells name at its post (by the cells as read, and the post: a name
        is looked for in the post's region)."""
        number, name = values.get("id_number"), values.get("name")
        return self.get((number, name, post.id), self._person, number, name, post)

    def _person(self, number_cell: Cell, name_cell: Cell, post: Post) -> Person:
        number = _str(number_cell)
        if number:
            found = self.by_digest.get(_digest(number))  # _digest says what is wrong
            if found is None:
                raise Rejected(
                    "person_unknown", _("Nobody with this ID number is registered here.")
                )
            return found
        name = clean_name(_str(name_cell))
        if not name:
            raise Rejected("person_unknown", _("Give the ID number or the name."))
        matches = self.by_name.get((name, post.region_id), [])
        if not matches:
            raise Rejected(
                "person_unknown",
                _("Nobody called %(name)s is registered in %(region)s.")
                % {"name": name, "region": post.region.name},
            )
        if len(matches) > 1:
            raise Rejected(
                "person_ambiguous",
                _("Several people called %(name)s live in %(region)s: add the ID number.")
                % {"name": name, "region": post.region.name},
            )
        return matches[0]


# Values in one IN (…) list: well within every database's limit on parameters.
LOOKUP_CHUNK = 1000


def _digest(number: str) -> str:
    """The lookup digest of an ID number as written; Rejected if it is no valid number."""
    try:
        resident = parse_id_number(number)
    except IdNumberError as error:
        raise Rejected("person_unknown", error.message) from None
    return crypto.lookup_digest(resident.number, purpose=ID_PURPOSE)


def _lives_in(region: Region) -> Q:
    """People of the region's villages, those of villages merged into one of them included."""
    return Q(village__code__startswith=region.prefix) | Q(
        village__merged_into__code__startswith=region.prefix
    )


class _Times(_Remembered[tuple[Cell, Cell, Cell], tuple[dt.datetime, dt.datetime]]):
    """A row's start and end, by its date, start and end cells."""

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign

    def read(self, values: dict[str, Cell]) -> tuple[dt.datetime, dt.datetime]:
        cells = (values.get("date"), values.get("start"), values.get("end"))
        return self.get(cells, _times, *cells, self.campaign)


def _times(
    date_cell: Cell, start_cell: Cell, end_cell: Cell, campaign: Campaign
) -> tuple[dt.datetime, dt.datetime]:
    day = _date(date_cell, campaign)
    start = _clock(start_cell)
    end = _clock(end_cell)
    if start is None or end is None:
        raise Rejected("time_invalid", _("Give the start and end times, e.g. 08:00 and 16:00."))
    zone = timezone.get_current_timezone()
    starts_at = dt.datetime.combine(day, start, tzinfo=zone)
    ends_at = dt.datetime.combine(day, end, tzinfo=zone)
    if ends_at <= starts_at:
        ends_at += dt.timedelta(days=1)  # a night shift ends the next morning
    return starts_at, ends_at


def _date(cell: Cell, campaign: Campaign) -> dt.date:
    if isinstance(cell, dt.date):
        return cell
    text = _str(cell)
    short = re.fullmatch(r"(\d{1,2})月(\d{1,2})日?", text)
    parsed = (
        (campaign.start_date.year, int(short[1]), int(short[2])) if short else parse_birth(text)
    )
    try:
        if parsed and parsed[2]:
            return dt.date(*parsed)
    except ValueError:
        pass
    raise Rejected(
        "date_invalid",
        _("The date %(value)s cannot be read; write it as 2020-02-03.") % {"value": text or "—"},
    )


def _clock(cell: Cell) -> dt.time | None:
    if isinstance(cell, dt.datetime):
        return cell.time()
    text = _str(cell).replace("：", ":")
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(?::\d{2})?(?:点(?:(\d{1,2})分?)?)?", text)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or match[3] or 0)
    if hour == 24 and minute == 0:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _tasks(
    values: dict[str, Cell], kinds: dict[str, TaskKind], task_columns: list[str]
) -> dict[TaskKind, int]:
    """Counts from a column per task kind (its name as header), and from a 工作内容 cell
    written as 劝返12 登记30."""
    counts: dict[TaskKind, int] = {}
    for key in task_columns:
        if text := _str(values.get(key)):
            counts[kinds[key[5:]]] = _count(text, key[5:])
    written = _str(values.get("tasks"))
    if not written:
        return counts
    for name, number in re.findall(r"([^\d\s,，;；、]+?)\s*(\d+)", written):
        kind = kinds.get(name.strip())
        if kind is None:
            raise Rejected(
                "task_unknown",
                _("%(task)s is not a task kind (%(known)s).")
                % {"task": name, "known": "、".join(kinds)},
            )
        counts[kind] = counts.get(kind, 0) + int(number)
    return counts


def _count(text: str, kind: str) -> int:
    if not text.isdigit():
        raise Rejected("task_unknown", _("%(task)s must be a whole number.") % {"task": kind})
    return int(text)


@collection_paused()
def apply_duty_import(
    *, acting_user: User | None, plan: DutyPlan, progress: Callable[[int, int], None] | None = None
) -> int:
    """Save the log's rows through the duty service, in one transaction
    (``duty_record_create_many``: the checks of one entry, the writes of a few statements),
    in the file's order, so of two overlapping rows the earlier one is saved. The rows
    become entries a chunk at a time inside the service, while the records of the chunk
    before are inserted; rows the service refuses (an overlap with a recorded shift or an
    earlier row, a closed post) join the rejected ones. Returns how many were saved."""
    reading, rows = plan.reading, plan.table.rows
    planning = _RowPlanning(reading)  # afresh, if the rows had been looked at before
    planned: list[Planned] = []
    rejected: list[Rejection] = []
    chunks = []
    size = records.EVENT_RECORDS  # the service's chunks: one audit event each
    for at in range(0, len(rows), size):
        part = rows[at : at + size]
        posts = {post.pk: post for row in part if (post := reading.post_of(row)) is not None}
        chunks.append(
            EntryChunk(
                list(posts.values()),
                len(part),
                functools.partial(_entries, planning, part, planned, rejected),
            )
        )
    people = reading.people.candidates()
    with _cells_of_one_file(), transaction.atomic():
        if not people or not chunks:
            planning.plan(rows, rejected)  # every row is rejected: nobody it names is known
            saved = EntriesSaved({}, {})
        else:
            start, end = _span(reading.campaign, [p for c in chunks for p in c.posts])
            saved = duty_record_create_many(
                acting_user=acting_user,
                entries=Entries(people, start, end, chunks),
                source=Source.IMPORT,
                progress=progress,
            )
        kept = []
        for position, (number, post, data) in enumerate(planned):
            if position in saved.refused:
                message = "；".join(saved.refused[position])
                rejected.append(Rejection(number, "not_saved", message, _raw(rows, number)))
            else:
                kept.append((number, post, data))
        rejected.sort(key=lambda r: r.row)
        plan.saved(kept, rejected)
    return len(kept)


def _entries(
    planning: _RowPlanning,
    rows: Sequence[Row],
    planned: list[Planned],
    rejected: list[Rejection],
) -> list[tuple[Post, DutyInput]]:
    """A chunk of rows as the service's entries (the rows of ``planned`` they extend)."""
    entries = planning.plan(rows, rejected)
    planned.extend(entries)
    return [(post, data) for _number, post, data in entries]


def _span(campaign: Campaign, posts: list[Post]) -> tuple[dt.datetime, dt.datetime]:
    """A span holding every shift of the campaign's log that can be saved: one starting on
    a day the campaign runs, not later than today (a shift in the future is refused), lasting
    at most its post's longest shift. A day more on either side: the campaign's days are
    local days."""
    zone = indicators.local_zone()
    today = timezone.localdate(timezone=zone)
    last = min(campaign.end_date or today, today)
    longest = max((post.max_shift_hours for post in posts), default=24)
    start = dt.datetime.combine(campaign.start_date - dt.timedelta(days=1), dt.time(), zone)
    end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), zone)
    return start, end + dt.timedelta(hours=longest)


def _raw(rows: Sequence[Row], number: int) -> list[str]:
    """The cells of the row numbered ``number`` (rows are in the order of their numbers)."""
    at = bisect.bisect_left(rows, number, key=lambda row: row.number)
    return rows[at].raw
