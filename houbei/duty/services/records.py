"""Duty records: check-in and check-out, entries by hand (one or a whole day's screen),
edits, verification and declining, and the closing of forgotten check-ins.

Rules kept here, for every way a record arrives (views, import, API):
- start and end are aware datetimes, truncated to the second, and may cross midnight;
- a person cannot be in two records that overlap in time (declined records aside);
- a record is never deleted: a wrong one is declined with a reason;
- only verified records count; a shift checked in and out by someone who may vouch for the
  post (its leader, or a verifier of its region) is verified at check-out, anything entered
  afterwards waits for a verifier other than the person who entered it;
- every change moves the person's indicators in the same transaction, with the person's row
  locked so two changes for one person never interleave.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Model, OuterRef, Q, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.models import AuditEvent, EventType
from houbei.audit.services import (
    audit_event,
    audit_ids,
    audit_record,
    audit_record_many,
    changed_values,
)
from houbei.campaigns.models import Campaign, Post
from houbei.duty import indicators
from houbei.duty.models import (
    DutyRecord,
    DutyTaskCount,
    RosterShift,
    Source,
    Status,
    TaskKind,
    entered_by,
)
from houbei.lib.bulkwork import collection_paused
from houbei.lib.models import (
    ANALYZE_AFTER_ROWS,
    analyze_after_commit,
    concrete_field,
    db_moments,
    insert_model,
    insert_rows,
    insert_stream,
    lock_row,
    plain_rows,
    read_moment,
    reserve_ids,
)
from houbei.people.models import Person

if TYPE_CHECKING:
    from houbei.accounts.models import User

TaskCounts = Mapping[TaskKind, int]
# The records' table, for the statements of every check-in and check-out written out.
_RECORDS = connection.ops.quote_name(DutyRecord._meta.db_table)
# A check-out sooner than this after the check-in is not verified on the spot.
MIN_WITNESSED_SHIFT = dt.timedelta(minutes=5)


@dataclass(slots=True)  # an import holds one for each of its accepted rows
class DutyInput:
    """One record as a form, a day screen, an import row or the API supplies it."""

    person: Person
    starts_at: dt.datetime
    ends_at: dt.datetime
    tasks: TaskCounts = field(default_factory=dict)
    notes: str = ""
    shift: RosterShift | None = None


def _second(moment: dt.datetime) -> dt.datetime:
    if moment.utcoffset() is None:
        raise ValueError("duty times must be timezone-aware")
    return moment.replace(microsecond=0) if moment.microsecond else moment


def _lock_person(person: Person) -> Person:
    """Serialise all duty changes of one person (their indicators are read-modify-write);
    the person as they are now."""
    return Person.objects.select_for_update().get(pk=person.pk)


def _hold_person(person_id: int) -> None:
    """``_lock_person`` where the person's values are not needed: the lock alone."""
    lock_row(Person, person_id)


def _scope(acting_user: User | None) -> Scope | None:
    return Scope.for_user(acting_user) if acting_user is not None else None


def _may(scope: Scope | None, post: Post, person: Person, capability: Capability) -> bool:
    """Through the post (its region or leading it) or through the person's village."""
    if scope is None:
        return True
    return scope.can_on_post(post, capability) or scope.covers(person.village, capability)


def _require(scope: Scope | None, post: Post, person: Person, capability: Capability) -> None:
    if not _may(scope, post, person, capability):
        raise PermissionDenied


def _overlapping(
    person: Person, starts_at: dt.datetime, ends_at: dt.datetime | None, exclude: int | None
) -> DutyRecord | None:
    """A non-declined record of the person that overlaps [starts_at, ends_at) (no end: a
    check-in). A person's records never overlap one another (every way in checks this), so
    only the last to start before the end can: one step back along the (person, start)
    index, however long the person's history, and a plain row unless it does overlap.
    Written out: it runs on every check-in and entry, and compiling the ORM's query took
    twenty times as long as running it (0.42 against 0.02 ms on SQLite)."""
    conditions = ["person_id = %s", "status <> %s"]
    values: list[Any] = [person.pk, Status.DECLINED.value]
    if exclude is not None:
        conditions.append("id <> %s")
        values.append(exclude)
    if ends_at is not None:
        conditions.append("starts_at < %s")
        values.append(connection.ops.adapt_datetimefield_value(ends_at))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, ends_at FROM {_RECORDS} WHERE {' AND '.join(conditions)}"  # noqa: S608 - our names
            " ORDER BY starts_at DESC LIMIT 1",
            values,
        )
        last = cursor.fetchone()
    if last is None:
        return None
    last_end = read_moment(last[1])
    if last_end is not None and last_end <= starts_at:
        return None
    return DutyRecord.objects.select_related("post", "person").get(pk=last[0])


def _overlap_message(other: DutyRecord, scope: Scope | None) -> str:
    zone = indicators.local_zone()
    start = other.starts_at.astimezone(zone)
    end = other.ends_at.astimezone(zone) if other.ends_at else None
    visible = scope is None or scope.sees_post(other.post)
    where = other.post.name if visible else _("another post")
    when = (
        f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
        if end
        else _("%(start)s, still checked in") % {"start": f"{start:%Y-%m-%d %H:%M}"}
    )
    return _(
        "%(name)s already has a duty record at %(post)s (%(when)s) that overlaps this time."
    ) % {
        "name": other.person.name,
        "post": where,
        "when": when,
    }


def _check_times(
    post: Post, starts_at: dt.datetime, ends_at: dt.datetime | None, now: dt.datetime
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if ends_at is not None and ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The end must be after the start."))
    if starts_at > now or (ends_at is not None and ends_at > now + dt.timedelta(minutes=1)):
        errors.setdefault("starts_at", []).append(_("A duty record cannot be in the future."))
    if ends_at is not None and ends_at - starts_at > dt.timedelta(hours=post.max_shift_hours):
        errors.setdefault("ends_at", []).append(
            _(
                "A shift at this post lasts at most %(hours)d hours; "
                "split longer service into shifts."
            )
            % {"hours": post.max_shift_hours}
        )
    campaign = post.campaign
    day = starts_at.astimezone(indicators.local_zone()).date()
    if not campaign.covers_day(day):
        errors.setdefault("starts_at", []).append(
            _("The campaign %(campaign)s does not run on %(day)s.")
            % {"campaign": campaign.name, "day": day.isoformat()}
        )
    return errors


def _task_problem(tasks: TaskCounts) -> str | None:
    for kind, count in tasks.items():
        if count < 0:
            return _("Counts cannot be negative.")
        if not kind.is_active:
            return _("%(kind)s is no longer counted.") % {"kind": kind.name}
    return None


def _check_tasks(tasks: TaskCounts) -> None:
    problem = _task_problem(tasks)
    if problem:
        raise ValidationError({"tasks": problem})


def _save_tasks(record: DutyRecord, tasks: TaskCounts, *, replace: bool = True) -> dict[str, int]:
    if replace:
        record.task_counts.all().delete()
    kept = {kind: count for kind, count in tasks.items() if count}
    if kept:
        DutyTaskCount.objects.bulk_create(
            DutyTaskCount(record=record, kind=kind, count=count) for kind, count in kept.items()
        )
    return {kind.code: count for kind, count in kept.items()}


def record_snapshot(record: DutyRecord, tasks: dict[str, int] | None = None) -> dict[str, Any]:
    return {
        "person": record.person.name,
        "post": record.post.name,
        "starts_at": record.starts_at.isoformat() if record.starts_at else None,
        "ends_at": record.ends_at.isoformat() if record.ends_at else None,
        "status": record.status,
        "source": record.source,
        "tasks": tasks
        if tasks is not None
        else dict(record.task_counts.values_list("kind__code", "count")),
        "notes": record.notes,
        "needs_review": record.needs_review,
        "decline_reason": record.decline_reason,
    }


def _audit(acting_user: User | None, event: EventType, record: DutyRecord, **values: Any) -> None:
    audit_record(
        acting_user=acting_user,
        event_type=event,
        target=record,
        region=record.post.region,
        **values,
    )


def _require_active(post: Post) -> None:
    if not post.is_open:
        raise ValidationError(_closed_message())


def _closed_message() -> str:
    return _("This post or its campaign is closed; no duty can be recorded.")


# --- check-in and check-out ------------------------------------------------------------------


@transaction.atomic
def duty_check_in(
    *,
    acting_user: User | None,
    post: Post,
    person: Person,
    at: dt.datetime | None = None,
    shift: RosterShift | None = None,
) -> DutyRecord:
    scope = _scope(acting_user)
    _require(scope, post, person, Capability.DUTY_RECORD)
    _require_active(post)
    _hold_person(person.pk)
    now = _second(timezone.now())
    starts_at = _second(at) if at else now
    errors = _check_times(post, starts_at, None, now)
    if errors:
        raise ValidationError(errors)
    other = _overlapping(person, starts_at, None, exclude=None)
    if other is not None:
        raise ValidationError(_overlap_message(other, scope))
    record = DutyRecord(
        person=person,
        post=post,
        campaign=post.campaign,
        shift=shift,
        starts_at=starts_at,
        source=Source.CHECK_IN,
        status=Status.OPEN,
        recorded_by=acting_user,
    )
    insert_model(record)  # the day's most frequent write: one statement written out
    _audit(acting_user, EventType.DUTY_CHECKED_IN, record, new=record_snapshot(record, {}))
    return record


def _with_relations(record: DutyRecord) -> DutyRecord:
    """The record with its post, the post's campaign and region, and its person, which the
    checks and the audit event read: the caller's instance when it holds them (a view reads
    them with the record), read again with them otherwise."""
    if (
        DutyRecord.post.is_cached(record)
        and DutyRecord.person.is_cached(record)
        and Post.campaign.is_cached(record.post)
        and Post.region.is_cached(record.post)
    ):
        return record
    return DutyRecord.objects.select_related("post__campaign", "post__region", "person").get(
        pk=record.pk
    )


def _already_closed() -> str:
    return _("This check-in has already been closed.")


def _close_if_open(record_id: int, changes: dict[str, Any]) -> bool:
    """Write a check-out's ``changes`` (field → value) and a new version, if the record is
    still open: an open record changes in no other way than by being closed (here, or by
    the closing of forgotten check-ins), so the caller's copy of it is current unless this
    finds it closed meanwhile. Written out, as the check-in's insert is: the ORM took longer
    to compile the UPDATE than the database to run it."""
    fields = [concrete_field(DutyRecord, name) for name in changes]
    assignments = "".join(f", {connection.ops.quote_name(f.column)} = %s" for f in fields)
    values = [
        field.get_db_prep_save(value.pk if isinstance(value, Model) else value, connection)
        for field, value in zip(fields, changes.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_RECORDS} SET version = version + 1{assignments}"  # noqa: S608 - our names
            " WHERE id = %s AND status = %s",
            [*values, record_id, Status.OPEN.value],
        )
        return bool(cursor.rowcount)


@transaction.atomic
def duty_check_out(
    *,
    acting_user: User | None,
    record: DutyRecord,
    at: dt.datetime | None = None,
    tasks: TaskCounts | None = None,
) -> DutyRecord:
    """Close a check-in. Verified at once when the person checking out may vouch for the post
    (they saw the shift); pending otherwise."""
    scope = _scope(acting_user)
    _require(scope, record.post, record.person, Capability.DUTY_RECORD)
    _hold_person(record.person_id)
    record = _with_relations(record)
    if record.status != Status.OPEN:
        raise ValidationError(_already_closed())
    now = _second(timezone.now())
    ends_at = _second(at) if at else now
    if ends_at <= record.starts_at:
        raise ValidationError(
            _(
                "%(name)s was checked in only a moment ago. If the check-in was a mistake, "
                "open the record and decline it."
            )
            % {"name": record.person.name}
        )
    errors = _check_times(record.post, record.starts_at, ends_at, now)
    if errors:
        raise ValidationError(errors)
    _check_tasks(tasks or {})
    # A shift of a few minutes is more likely a wrong tap than service: it waits for review.
    too_short = ends_at - record.starts_at < MIN_WITNESSED_SHIFT
    witnessed = not too_short and (
        scope is None or scope.can_on_post(record.post, Capability.DUTY_VERIFY)
    )
    changes = {
        "needs_review": too_short,
        "ends_at": ends_at,
        "status": Status.VERIFIED if witnessed else Status.PENDING,
        "verified_by": acting_user if witnessed else None,
        "verified_at": now if witnessed else None,
        "updated_at": timezone.now(),
    }
    if not _close_if_open(record.pk, changes):
        raise ValidationError(_already_closed())
    for name, value in changes.items():
        setattr(record, name, value)
    record.version += 1
    codes = _save_tasks(record, tasks or {}, replace=False)  # an open record has no counts
    indicators.apply_change(None, indicators.record_contribution(record, codes))
    _audit(acting_user, EventType.DUTY_CHECKED_OUT, record, new=record_snapshot(record, codes))
    return record


# --- entries after the fact ------------------------------------------------------------------


def _validate_entry(
    post: Post, data: DutyInput, now: dt.datetime, exclude: int | None, scope: Scope | None
) -> dict[str, list[str]]:
    errors = _check_times(post, data.starts_at, data.ends_at, now)
    if not errors:
        other = _overlapping(data.person, data.starts_at, data.ends_at, exclude=exclude)
        if other is not None:
            errors.setdefault("starts_at", []).append(_overlap_message(other, scope))
    return errors


@transaction.atomic
def duty_record_create(
    *, acting_user: User | None, post: Post, data: DutyInput, source: Source = Source.MANUAL
) -> DutyRecord:
    """A past shift entered by hand (or imported): pending until someone verifies it."""
    scope = _scope(acting_user)
    _require(scope, post, data.person, Capability.DUTY_RECORD)
    _require_active(post)
    person = _lock_person(data.person)
    data = dataclasses.replace(
        data, person=person, starts_at=_second(data.starts_at), ends_at=_second(data.ends_at)
    )
    errors = _validate_entry(post, data, _second(timezone.now()), None, scope)
    if errors:
        raise ValidationError(errors)
    _check_tasks(data.tasks)
    record = _pending_record(acting_user, post, data, source)
    record.save(force_insert=True)
    codes = _save_tasks(record, data.tasks, replace=False)  # a new record has no counts yet
    _audit(acting_user, EventType.DUTY_RECORDED, record, new=record_snapshot(record, codes))
    return record


def _pending_record(
    acting_user: User | None, post: Post, data: DutyInput, source: Source
) -> DutyRecord:
    """An entry after the fact, unsaved: waits for a verifier (one entry or a batch)."""
    return DutyRecord(
        person=data.person,
        post=post,
        campaign=post.campaign,
        shift=data.shift,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        source=source,
        status=Status.PENDING,
        notes=data.notes.strip(),
        recorded_by=acting_user,
    )


@dataclass
class EntriesSaved:
    """What ``duty_record_create_many`` did with each entry, by its position among the
    entries: the new record's id, or why it was refused."""

    records: dict[int, int]
    refused: dict[int, list[str]]


# How an imported record's values are listed in its import's audit event: the keys of
# ``record_snapshot`` that differ from record to record, then those an import shares.
IMPORT_SNAPSHOT_COLUMNS = ("person", "post", "starts_at", "ends_at", "tasks", "notes")
_RECORD_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "person_id",
    "post_id",
    "campaign_id",
    "shift_id",
    "starts_at",
    "ends_at",
    "source",
    "status",
    "needs_review",
    "notes",
    "recorded_by_id",
    "verified_by_id",
    "verified_at",
    "decline_reason",
    "version",
    "import_event_id",
)


@dataclass(frozen=True)
class _Entry:
    """An accepted entry of the batch, by its position."""

    position: int


@dataclass
class _Busy:
    """A person's shifts that could overlap an import's entries, in order of start: recorded
    ones (by id) and the entries accepted so far (by position). They never overlap one
    another, so only the latest to start before a new shift ends can overlap it. Times are
    epoch seconds (times are whole seconds): the recorded shifts are read as numbers, not as
    datetimes the database's text must be parsed into — a log of 600 people reads back
    thousands of them."""

    starts: list[int] = field(default_factory=list)
    shifts: list[tuple[int | None, int | _Entry]] = field(default_factory=list)

    def add(self, start: int, end: int | None, shift: int | _Entry) -> None:
        """A shift: a recorded one's id, or an accepted entry."""
        at = bisect.bisect_right(self.starts, start)
        self.starts.insert(at, start)
        self.shifts.insert(at, (end, shift))

    def overlapping(self, start: int, end: int) -> int | _Entry | None:
        at = bisect.bisect_left(self.starts, end)
        if at == 0:
            return None
        shift_end, shift = self.shifts[at - 1]
        return shift if shift_end is None or shift_end > start else None


# Entries of an import checked and written together: one audit event per region and
# campaign lists each such chunk's records (~600 KB of JSON at most, decision 0007).
EVENT_RECORDS = 5000


@dataclass(frozen=True)
class EntryChunk:
    """Entries of an import checked and written together, worked out (``entries``) only when
    their turn comes: while the records of the chunk before are inserted. What they may name
    is said beforehand, when statements may still run: the posts (in the order the entries
    come to them) and how many entries there are at most."""

    posts: list[Post]
    most: int
    entries: Callable[[], Sequence[tuple[Post, DutyInput]]]


def _as_given(
    entries: Sequence[tuple[Post, DutyInput]],
) -> Sequence[tuple[Post, DutyInput]]:
    return entries


@dataclass(frozen=True)
class Entries:
    """An import's entries for ``duty_record_create_many``, chunk by chunk, with what they
    may name known first: everyone they may name (locked, and their shifts read) and the
    span every entry that can be saved lies within. More people and a wider span than the
    entries turn out to name only cost more reading."""

    people: dict[int, Person]
    start: dt.datetime
    end: dt.datetime
    chunks: list[EntryChunk]

    @classmethod
    def given(cls, entries: Sequence[tuple[Post, DutyInput]]) -> Entries:
        """Entries known already (tests, any list), in chunks of ``EVENT_RECORDS``."""
        chunks = []
        for at in range(0, len(entries), EVENT_RECORDS):
            chunk = entries[at : at + EVENT_RECORDS]
            posts = list({post.pk: post for post, _data in chunk}.values())
            chunks.append(EntryChunk(posts, len(chunk), functools.partial(_as_given, chunk)))
        return cls(
            people={data.person.id: data.person for _post, data in entries},
            start=min(data.starts_at for _post, data in entries),
            end=max(data.ends_at for _post, data in entries),
            chunks=chunks,
        )


# Records inserted in one stream before the events listing them are written: their texts
# wait in memory meanwhile (~12 MB for 100 000), and each stream ends with one wait for the
# database to catch up.
STREAM_RECORDS = 100_000


@transaction.atomic
def duty_record_create_many(
    *,
    acting_user: User | None,
    entries: Sequence[tuple[Post, DutyInput]] | Entries,
    source: Source = Source.IMPORT,
    progress: Callable[[int, int], None] | None = None,
) -> EntriesSaved:
    """Past shifts entered in bulk (an import's rows), each checked as
    ``duty_record_create`` checks one — scope, open post, times, task counts, overlap with
    the person's recorded shifts and with the earlier entries. Refused entries are not
    saved and are reported with their reasons; the others are saved, pending.

    Built for an import's hundreds of thousands of rows: the people locked together and
    their shifts read once, checks remembered for repeated posts and times, the records
    written as plain rows with ids reserved beforehand, and one audit event per region and
    campaign of every ``EVENT_RECORDS`` entries listing each record as it was imported,
    which each record links to (docs/decisions/0007-duty-import-audited-by-batch.md). The
    records of a chunk are inserted while the next chunk is checked (``insert_stream``);
    their events follow, with ids reserved before. An import's ``Entries`` are worked out
    a chunk at a time in the same way (the file's rows read into entries while the chunk
    before is inserted); positions are then those of the entries in the order worked out.
    ``progress(done, total)`` is told after each chunk, in entries (at most, for
    ``Entries``): on PostgreSQL inside the records' stream, so it may not run a statement
    (``StatementInStream``) — the jobs runner tells the cache (Redis, or the process's
    own), and a 100 000-row import moves its bar every 5 000 rows instead of once at the
    end."""
    if not isinstance(entries, Entries):
        if not entries:
            return EntriesSaved({}, {})
        entries = Entries.given(entries)
    checks = _EntryChecks(acting_user, entries)
    saved = EntriesSaved({}, {})
    told = _Told(progress, sum(chunk.most for chunk in entries.chunks))
    per_stream = max(1, STREAM_RECORDS // EVENT_RECORDS)
    for at in range(0, len(entries.chunks), per_stream):
        stream = entries.chunks[at : at + per_stream]
        _create_streamed(acting_user, source, checks, stream, saved, told)
    if len(saved.records) >= ANALYZE_AFTER_ROWS:
        analyze_after_commit(DutyRecord)
    return saved


@dataclass
class _Told:
    """An import's progress as told after each chunk: its entries so far, of all."""

    progress: Callable[[int, int], None] | None
    total: int
    done: int = 0

    def chunk_done(self, chunk: EntryChunk) -> None:
        self.done += chunk.most
        if self.progress is not None:
            self.progress(self.done, self.total)


class _EntryChecks:
    """The checks of an import's entries in the order given, against the recorded shifts
    of its people (locked, and read once) and the entries accepted before."""

    def __init__(self, acting_user: User | None, entries: Entries):
        self.scope = _scope(acting_user)
        self.now = _second(timezone.now())
        self.people = _lock_people(entries.people)
        self.spans = _Spans()
        # The entries worked out so far, each with its person as locked and its span.
        self.timed: list[tuple[Post, Person, dt.datetime, dt.datetime, DutyInput]] = []
        self.busy: dict[int, _Busy] = {pk: _Busy() for pk in self.people}
        for person_id, start_epoch, end_epoch, pk in _shifts_near(
            self.people, entries.start, entries.end
        ):
            self.busy[person_id].add(start_epoch, end_epoch, pk)
        self.time_problems: dict[tuple[int, dt.datetime, dt.datetime], list[str]] = {}
        # No statement may run inside the records' stream (``insert_stream``): what the
        # checks and the events read of each post (its campaign and region) is read now,
        # and whether the user may record duty at each post is asked now — the scope reads
        # what that takes (its grants, the posts the user leads) once and remembers it, so
        # asking again for a post and a person's village is arithmetic.
        posts = list({post.pk: post for chunk in entries.chunks for post in chunk.posts}.values())
        prefetch_related_objects(posts, "campaign", "region")
        if self.scope is not None:
            for post in posts:
                self.scope.can_on_post(post, Capability.DUTY_RECORD)
        self.posts = {post.pk for post in posts}
        self.permitted: dict[tuple[int, int], bool] = {}

    def take(self, entries: Sequence[tuple[Post, DutyInput]]) -> range:
        """A chunk's entries, worked out now, as the positions they take."""
        first = len(self.timed)
        for post, data in entries:
            person = self.people.get(data.person.id)
            if person is None or post.pk not in self.posts:
                raise ValueError("an entry names a person or a post not given beforehand")
            self.timed.append((post, person, *self.spans.of(data.starts_at, data.ends_at), data))
        return range(first, len(self.timed))

    def may(self, post: Post, person: Person) -> bool:
        """Whether the user may record duty for the person at the post, remembered by post
        and village (a log repeats them)."""
        key = (post.id, person.village_id)
        may = self.permitted.get(key)
        if may is None:
            may = self.permitted[key] = _may(self.scope, post, person, Capability.DUTY_RECORD)
        return may

    def accepted(
        self,
        positions: range,
        refused: dict[int, list[str]],
        overlaps: list[tuple[int, int | _Entry]],
    ) -> list[int]:
        """The positions whose entries pass; the others go to ``refused`` with their
        reasons. Where an entry overlaps another shift, its position and that shift (a
        recorded one's id, or an earlier entry) go to ``overlaps`` instead of the message,
        which names the shift as the user may see it: it is written once the records'
        stream has ended (``overlap_messages``)."""
        accepted = []
        for index in positions:
            post, person, starts_at, ends_at, data = self.timed[index]
            problems = _entry_problems(
                self.may(post, person),
                post,
                person,
                starts_at,
                ends_at,
                self.now,
                self.time_problems,
            )
            start, end = self.spans.epochs[starts_at, ends_at]
            overlapped = False
            if not problems:
                other = self.busy[person.id].overlapping(start, end)
                if other is not None:
                    overlaps.append((index, other))
                    overlapped = True
            task_problem = _task_problem(data.tasks) if data.tasks else None
            if task_problem:
                problems.append(task_problem)
            if problems or overlapped:
                refused[index] = problems
                continue
            self.busy[person.id].add(start, end, _Entry(index))
            accepted.append(index)
        return accepted

    def overlap_messages(
        self, overlaps: list[tuple[int, int | _Entry]], refused: dict[int, list[str]]
    ) -> None:
        """Each overlap's message, first among its entry's reasons (the checks before it
        passed), naming the other shift."""
        for index, other in overlaps:
            if isinstance(other, int):
                shift = DutyRecord.objects.select_related("post__region", "person").get(pk=other)
            else:
                post, person, starts_at, ends_at, _data = self.timed[other.position]
                shift = DutyRecord(post=post, person=person, starts_at=starts_at, ends_at=ends_at)
            refused[index].insert(0, _overlap_message(shift, self.scope))


def _create_streamed(
    acting_user: User | None,
    source: Source,
    checks: _EntryChecks,
    chunks: list[EntryChunk],
    saved: EntriesSaved,
    told: _Told,
) -> None:
    """Work out and check the entries a chunk at a time, inserting each chunk's records
    while the next is worked out and checked; then the events listing them (their ids
    reserved first, as the records name them) and the task counts."""
    timed = checks.timed
    # Each chunk's regions and campaigns in the order its entries come to them.
    groups = [list(dict.fromkeys(_event_group(post) for post in chunk.posts)) for chunk in chunks]
    # Some may go unused (a chunk's rows of a region all refused, an import's rows refused
    # before they were entries): gaps, as any sequence has.
    event_ids = iter(audit_ids(sum(map(len, groups))))
    record_ids = iter(reserve_ids(DutyRecord, sum(chunk.most for chunk in chunks)))
    pending = _PendingRows(acting_user, source, checks.now)
    events: list[AuditEvent] = []
    overlaps: list[tuple[int, int | _Entry]] = []
    task_counts: list[tuple[int, int, int]] = []
    # On PostgreSQL the records stream in while the next chunk is checked and their events
    # follow (a record's link to its event is checked at commit). SQLite gains nothing by a
    # stream (the database is in this process) and would pay for that order: for each event
    # written after records naming it, it looks for them among all the table's rows (the
    # link has no index), 2.8 s more for 100 000 rows. There each chunk's events go first.
    streamed = connection.vendor == "postgresql"
    with (
        insert_stream(DutyRecord, _RECORD_COLUMNS)
        if streamed
        else contextlib.nullcontext(functools.partial(insert_rows, DutyRecord, _RECORD_COLUMNS))
    ) as insert:
        for chunk, chunk_groups in zip(chunks, groups, strict=True):
            accepted = checks.accepted(checks.take(chunk.entries()), saved.refused, overlaps)
            ids = {index: next(record_ids) for index in accepted}
            saved.records.update(ids)
            event_of = {group: next(event_ids) for group in chunk_groups}
            rows = pending.rows(timed, ids, event_of)
            if streamed:
                events.extend(pending.events(event_of))
            else:
                audit_record_many(pending.events(event_of))
            insert(rows)
            told.chunk_done(chunk)
            task_counts.extend(
                (pk, kind.pk, count)
                for index, pk in ids.items()
                if timed[index][4].tasks
                for kind, count in timed[index][4].tasks.items()
                if count
            )
    checks.overlap_messages(overlaps, saved.refused)
    audit_record_many(events)
    insert_rows(DutyTaskCount, ["record_id", "kind_id", "count"], task_counts)


def _event_group(post: Post) -> tuple[int, int]:
    """What an import's event covers: its records of one region and campaign."""
    return post.region_id, post.campaign_id


class _Spans:
    """The spans of an import's entries, each to the second and in epoch seconds, worked out
    once for each distinct start and end (a log repeats its shift times on every day)."""

    def __init__(self) -> None:
        self.seconds: dict[tuple[dt.datetime, dt.datetime], tuple[dt.datetime, dt.datetime]] = {}
        self.epochs: dict[tuple[dt.datetime, dt.datetime], tuple[int, int]] = {}

    def of(self, starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The span to the second (remembered with its epoch seconds)."""
        key = (starts_at, ends_at)
        span = self.seconds.get(key)
        if span is None:
            span = self.seconds[key] = (_second(starts_at), _second(ends_at))
            self.epochs[span] = (int(span[0].timestamp()), int(span[1].timestamp()))
        return span


def _shifts_near(
    people: Iterable[int], start: dt.datetime, end: dt.datetime
) -> Iterator[tuple[int, int, int | None, int]]:
    """The people's recorded shifts (declined ones aside) that could overlap [start, end):
    those starting within it, and each person's last one starting before it — the only
    one that can reach into it, as a person's shifts never overlap (an open check-in is
    always the last). Both read from the (person, start) index: looking for shifts that
    merely end after ``start`` would read every person's whole history."""
    kept = DutyRecord.objects.exclude(status=Status.DECLINED).order_by()  # any order serves
    within = kept.filter(person_id__in_ids=people, starts_at__gte=start, starts_at__lt=end)
    last_before = (
        kept.filter(person_id=OuterRef("pk"), starts_at__lt=start)
        .order_by("-starts_at")
        .values("pk")[:1]
    )
    before = Person.objects.filter(pk__in_ids=people).values_list(Subquery(last_before), flat=True)
    reaching = kept.filter(pk__in_ids={pk for pk in before if pk is not None}).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=start)
    )
    for shifts in (within, reaching):
        yield from shifts.annotate(
            start_epoch=indicators.EpochSeconds("starts_at"),
            end_epoch=indicators.EpochSeconds("ends_at"),
        ).values_list("person_id", "start_epoch", "end_epoch", "pk")


def _lock_people(given: dict[int, Person]) -> dict[int, Person]:
    """Lock the entries' people; the instances given serve where the person is still in the
    same village (the scope's checks go by it), the others are read again."""
    villages = dict(
        Person.objects.select_for_update()
        .filter(pk__in_ids=given)
        .order_by("pk")  # one locking order: two batches never wait on each other in a ring
        .values_list("pk", "village_id")
    )
    moved = [pk for pk, village_id in villages.items() if given[pk].village_id != village_id]
    people = {pk: given[pk] for pk in villages}
    people.update(
        {
            person.id: person
            for person in Person.objects.select_related("village").filter(pk__in=moved)
        }
    )
    return people


class _PendingRows:
    """An import's accepted entries as the rows of pending records, a chunk at a time,
    and the events listing each chunk's records. Written for rows by the hundred thousand:
    what a span of time gives (the texts the event lists, the values the database takes)
    is worked out once."""

    def __init__(self, acting_user: User | None, source: Source, now: dt.datetime) -> None:
        self.acting_user = acting_user
        # The campaign's content type, which each event names, read now: inside the stream
        # no statement may run (ContentType remembers it for the events).
        ContentType.objects.get_for_model(Campaign)
        self.moment = db_moments()
        self.stamp = self.moment(now)
        self.recorded_by = acting_user.pk if acting_user is not None else None
        self.source = source.value
        self.spans: dict[tuple[dt.datetime, dt.datetime], tuple[str, str, Any, Any]] = {}
        # Per region and campaign: a post there, and the records as the event lists them.
        self.posts: dict[tuple[int, int], Post] = {}
        self.listed: dict[tuple[int, int], dict[str, list[Any]]] = {}

    def rows(
        self,
        timed: Sequence[tuple[Post, Person, dt.datetime, dt.datetime, DutyInput]],
        ids: dict[int, int],
        event_of: dict[tuple[int, int], int],
    ) -> list[tuple[Any, ...]]:
        """The rows of the entries at ``ids``' positions, each with its new id and the id of
        the event that will list it; the listing is kept for ``events``."""
        stamp, recorded_by, source = self.stamp, self.recorded_by, self.source
        pending = Status.PENDING.value
        self.listed = {}
        rows = []
        for index, pk in ids.items():
            post, person, starts_at, ends_at, data = timed[index]
            group = _event_group(post)
            span = self.spans.get((starts_at, ends_at))
            if span is None:
                span = self.spans[starts_at, ends_at] = (
                    starts_at.isoformat(),
                    ends_at.isoformat(),
                    self.moment(starts_at),
                    self.moment(ends_at),
                )
            listed = self.listed.get(group)
            if listed is None:
                listed = self.listed[group] = {}
                self.posts.setdefault(group, post)
            notes = data.notes.strip()
            tasks = data.tasks
            listed[str(pk)] = [
                person.name,
                post.name,
                span[0],
                span[1],
                {kind.code: count for kind, count in tasks.items() if count} if tasks else {},
                notes,
            ]
            rows.append(
                (
                    pk,
                    stamp,
                    stamp,
                    person.id,
                    post.id,
                    post.campaign_id,
                    data.shift.id if data.shift is not None else None,
                    span[2],
                    span[3],
                    source,
                    pending,
                    False,
                    notes,
                    recorded_by,
                    None,
                    None,
                    "",
                    1,
                    event_of[group],
                )
            )
        return rows

    def events(self, event_of: dict[tuple[int, int], int]) -> list[AuditEvent]:
        """The events listing the last chunk's records, in the order of their ids."""
        events = []
        for group, pk in event_of.items():
            records = self.listed.get(group)
            if not records:
                continue  # every row of this region and campaign refused
            post = self.posts[group]
            event = audit_event(
                acting_user=self.acting_user,
                event_type=EventType.DUTY_IMPORTED,
                target=post.campaign,
                region=post.region,
                extra=_listing(
                    IMPORT_SNAPSHOT_COLUMNS,
                    records,
                    common={"status": Status.PENDING.value, "source": self.source},
                ),
                extra_is_json=True,
            )
            event.pk = pk
            events.append(event)
        return events


def _entry_problems(
    may: bool,
    post: Post,
    person: Person,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime,
    time_problems: dict[tuple[int, dt.datetime, dt.datetime], list[str]],
) -> list[str]:
    """What stops one entry of an import before its overlaps are looked at, ``may`` saying
    whether the user may record duty for the person at the post. Time checks are
    remembered: a log repeats its posts and shift times."""
    if not may:
        return [
            _("You may not record duty for %(name)s at %(post)s.")
            % {"name": person.name, "post": post.name}
        ]
    times = (post.id, starts_at, ends_at)
    problems = time_problems.get(times)
    if problems is None:
        if post.is_open:
            errors = _check_times(post, starts_at, ends_at, now)
            problems = [message for messages in errors.values() for message in messages]
        else:
            problems = [_closed_message()]
        time_problems[times] = problems
    return list(problems)


@dataclass
class BulkRowError:
    index: int
    person: Person
    messages: list[str]


class BulkEntryError(ValidationError):
    def __init__(self, rows: list[BulkRowError]) -> None:
        self.rows = rows
        super().__init__([message for row in rows for message in row.messages])


@transaction.atomic
def duty_records_bulk_create(
    *, acting_user: User | None, post: Post, rows: Sequence[DutyInput]
) -> list[DutyRecord]:
    """A whole day's screen for one post, saved together or not at all. Rows are checked
    against the database and against each other (one person twice in overlapping times)."""
    problems: list[BulkRowError] = []
    for index, row in enumerate(rows):
        for other_index, other in enumerate(rows[:index]):
            if (
                other.person.pk == row.person.pk
                and other.starts_at < row.ends_at
                and row.starts_at < other.ends_at
            ):
                problems.append(
                    BulkRowError(
                        index,
                        row.person,
                        [_("Overlaps row %(row)d of this screen.") % {"row": other_index + 1}],
                    )
                )
    if problems:
        raise BulkEntryError(problems)
    created: list[DutyRecord] = []
    for index, row in enumerate(rows):
        try:
            with transaction.atomic():
                created.append(duty_record_create(acting_user=acting_user, post=post, data=row))
        except ValidationError as error:
            problems.append(BulkRowError(index, row.person, error.messages))
    if problems:
        # Raising leaves the atomic block: the rows that did save are rolled back too.
        raise BulkEntryError(problems)
    return created


@transaction.atomic
def duty_record_update(
    *, acting_user: User | None, record: DutyRecord, data: DutyInput, expected_version: int
) -> DutyRecord:
    """Correct times, tasks or notes. A verified record goes back to waiting for
    verification: what was vouched for is no longer what is recorded."""
    scope = _scope(acting_user)
    _require(scope, record.post, record.person, Capability.DUTY_RECORD)
    _hold_person(record.person_id)
    record = (
        DutyRecord.objects.select_for_update(of=("self",))
        .select_related("post__campaign", "person")
        .get(pk=record.pk)
    )
    if record.version != expected_version:
        raise ValidationError(
            _("Someone else changed this record meanwhile; reload it and try again."),
            code="conflict",
        )
    if record.status in (Status.DECLINED, Status.OPEN):
        raise ValidationError(_("Declined records and open check-ins cannot be edited."))
    data = dataclasses.replace(
        data, person=record.person, starts_at=_second(data.starts_at), ends_at=_second(data.ends_at)
    )
    errors = _validate_entry(record.post, data, _second(timezone.now()), record.pk, scope)
    if errors:
        raise ValidationError(errors)
    _check_tasks(data.tasks)
    before_snapshot = record_snapshot(record)
    before = indicators.record_contribution(record)
    record.starts_at, record.ends_at, record.notes = (
        data.starts_at,
        data.ends_at,
        data.notes.strip(),
    )
    if record.status == Status.VERIFIED:
        record.status, record.verified_by, record.verified_at = Status.PENDING, None, None
    record.needs_review = False
    record.version += 1
    record.save()
    codes = _save_tasks(record, data.tasks)
    indicators.apply_change(before, indicators.record_contribution(record, codes))
    old, new = changed_values(before_snapshot, record_snapshot(record, codes))
    _audit(acting_user, EventType.DUTY_UPDATED, record, old=old, new=new)
    return record


@transaction.atomic
def duty_record_verify(*, acting_user: User | None, record: DutyRecord) -> DutyRecord:
    scope = _scope(acting_user)
    _require(scope, record.post, record.person, Capability.DUTY_VERIFY)
    _hold_person(record.person_id)
    record = (
        DutyRecord.objects.select_for_update(of=("self",))
        .select_related("post", "person")
        .get(pk=record.pk)
    )
    if record.status != Status.PENDING:
        raise ValidationError(_("Only records awaiting verification can be verified."))
    if entered_by(record.recorded_by_id, record.source, acting_user.pk if acting_user else None):
        raise ValidationError(
            _("A record is verified by someone other than the person who entered it.")
        )
    record.status, record.verified_by, record.verified_at = (
        Status.VERIFIED,
        acting_user,
        timezone.now(),
    )
    record.needs_review = False
    record.version += 1
    record.save()
    indicators.apply_change(None, indicators.record_contribution(record))
    _audit(
        acting_user,
        EventType.DUTY_VERIFIED,
        record,
        old={"status": Status.PENDING},
        new={"status": Status.VERIFIED},
    )
    return record


@dataclass(slots=True)
class _Waiting:
    """A record a bulk verification was asked for, as read for it (plain values: thousands
    of model instances would cost more than the verification)."""

    pk: int
    person: Person
    post: Post
    campaign_id: int
    start: int  # epoch seconds: splitting 100 000 shifts into days goes by them
    end: int


class BulkVerifyError(ValidationError):
    """Records of a bulk verification that may not be verified, with why: none was."""

    def __init__(self, refused: list[tuple[_Waiting, str]]) -> None:
        self.refused = refused
        super().__init__(
            [
                _("%(record)s: %(problem)s") % {"record": _record_label(record), "problem": problem}
                for record, problem in refused
            ]
        )


def _record_label(record: _Waiting) -> str:
    """A record named for a message: 王强 2020-02-03 08:00 (the post's local time)."""
    starts = dt.datetime.fromtimestamp(record.start, indicators.local_zone())
    return f"{record.person.name} {starts:%Y-%m-%d %H:%M}"


@collection_paused()
@transaction.atomic
def duty_records_verify_many(*, acting_user: User | None, record_ids: Iterable[int]) -> int:
    """Verify records together — a verifier's ticked rows, or every record of a review
    queue narrowed to one post or one import — each checked as ``duty_record_verify``
    checks one. All are verified or none: ``BulkVerifyError`` names each record refused
    and why (already verified or declined meanwhile, entered by the verifier); a record
    out of their reach refuses the whole with PermissionDenied, as for one record. Their
    people locked together, the records read as plain values, the indicators of each
    person changed once, and one audit event per region and campaign (and per
    VERIFIED_PER_EVENT records) listing the records it verified, which each record links
    to (docs/decisions/0008-bulk-verification-audited-by-batch.md). Returns how many were
    verified."""
    wanted = sorted(set(record_ids))
    if not wanted:
        return 0
    scope = _scope(acting_user)
    chunks = [
        frozenset(wanted[start : start + _IDS_A_QUERY])
        for start in range(0, len(wanted), _IDS_A_QUERY)
    ]
    person_ids = {
        person_id
        for chunk in chunks
        for person_id in DutyRecord.objects.filter(_among("pk", chunk))
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    }
    people = _lock_people(Person.objects.select_related("village").in_bulk(person_ids))
    found = [
        values
        for chunk in chunks
        # Plain rows: numbers and texts, read by the hundred thousand.
        for values in plain_rows(
            DutyRecord.objects.select_for_update()
            .filter(_among("pk", chunk))
            .order_by("pk")
            .annotate(
                start_epoch=indicators.EpochSeconds("starts_at"),
                end_epoch=indicators.EpochSeconds("ends_at"),
            )
            .values_list(
                *("pk", "person_id", "post_id", "campaign_id", "start_epoch", "end_epoch"),
                *("status", "source", "recorded_by_id"),
            )
        )
    ]
    if len(found) != len(wanted):
        raise PermissionDenied  # ids nobody may see, as a missing record is for one
    posts = Post.objects.select_related("region", "campaign").in_bulk(
        {values[2] for values in found}
    )
    permitted: dict[tuple[int, int], bool] = {}
    chosen: list[_Waiting] = []
    refused: list[tuple[_Waiting, str]] = []
    for pk, person_id, post_id, campaign_id, start, end, status, *rest in found:
        source, recorded_by_id = rest
        record = _Waiting(pk, people[person_id], posts[post_id], campaign_id, start, end or start)
        key = (post_id, record.person.village_id)
        if key not in permitted:
            permitted[key] = _may(scope, record.post, record.person, Capability.DUTY_VERIFY)
        if not permitted[key]:
            # As for one record: refused outright, naming nothing the user may not see.
            raise PermissionDenied
        if status != Status.PENDING:
            refused.append((record, _("Only records awaiting verification can be verified.")))
        elif entered_by(recorded_by_id, source, acting_user.pk if acting_user else None):
            refused.append(
                (record, _("A record is verified by someone other than the person who entered it."))
            )
        chosen.append(record)
    if refused:
        raise BulkVerifyError(refused)
    now = timezone.now()
    tasks: dict[int, dict[str, int]] = defaultdict(dict)
    for chunk in chunks:
        for record_id, code, count in DutyTaskCount.objects.filter(
            _among("record_id", chunk)
        ).values_list("record_id", "kind__code", "count"):
            tasks[record_id][code] = count
    local = indicators.LocalDays()
    spans: dict[tuple[int, int], dict[dt.date, int]] = {}  # shift logs repeat their times
    for record in chosen:
        if (record.start, record.end) not in spans:
            spans[record.start, record.end] = local.seconds_by_day(record.start, record.end)
    indicators.add_verified_shifts(
        (
            record.person.id,
            record.campaign_id,
            spans[record.start, record.end],
            tasks.get(record.pk, _NO_TASKS),
        )
        for record in chosen
    )
    for event, listed in _verified_together(acting_user, chosen):
        DutyRecord.objects.filter(_among("pk", listed)).update(
            status=Status.VERIFIED,
            verified_by=acting_user,
            verified_at=now,
            needs_review=False,
            version=F("version") + 1,
            updated_at=now,
            verify_event=event,
        )
    return len(chosen)


def _among(field: str, ids: Collection[int]) -> Q:
    """``field`` among thousands of ids; a run of consecutive ones (an import's records,
    verified together) as the range it is. PostgreSQL's planner prices a list of thousands
    as one index descent each and then finds a scan of the whole table cheaper: 5 000
    records of an import just saved took 26–41 ms that way, 4 ms by their range. Here, not
    in ``in_ids`` itself: on the leading column of a two-column index (a batch's people and
    their shifts' starts) a range would read each person's whole history instead of one
    probe each."""
    low, high = min(ids), max(ids)
    if high - low + 1 == len(ids):  # ids are distinct: the run has no gap
        return Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return Q(**{f"{field}__in_ids": ids})


# Records one bulk verification event lists at most (its page shows them 100 at a time).
VERIFIED_PER_EVENT = 2000
# How a record is named in a bulk verification's event: enough to tell it from the others.
VERIFIED_SNAPSHOT_COLUMNS = ("person", "post", "starts_at", "ends_at")


def _verified_together(
    acting_user: User | None, records: list[_Waiting]
) -> Iterator[tuple[AuditEvent, set[int]]]:
    """One DUTY_VERIFIED_TOGETHER event per region and campaign of the records' posts and
    per VERIFIED_PER_EVENT records, listing each (as an import's event does) with the
    change it made to all of them; each event with the ids it lists."""
    groups: dict[tuple[int, int], list[_Waiting]] = defaultdict(list)
    for record in records:
        groups[record.post.region_id, record.post.campaign_id].append(record)
    zone = indicators.local_zone()
    moments: dict[int, str] = {}  # local times, as an import lists them
    for group in groups.values():
        for start in range(0, len(group), VERIFIED_PER_EVENT):
            listed = group[start : start + VERIFIED_PER_EVENT]
            for record in listed:
                for moment in (record.start, record.end):
                    if moment not in moments:
                        moments[moment] = dt.datetime.fromtimestamp(moment, zone).isoformat()
            post = listed[0].post
            event = audit_record(
                acting_user=acting_user,
                event_type=EventType.DUTY_VERIFIED_TOGETHER,
                target=post.campaign,
                region=post.region,
                extra=_listing(
                    VERIFIED_SNAPSHOT_COLUMNS,
                    {
                        str(record.pk): [
                            record.person.name,
                            record.post.name,
                            moments[record.start],
                            moments[record.end],
                        ]
                        for record in listed
                    },
                    old={"status": Status.PENDING.value},
                    new={"status": Status.VERIFIED.value},
                ),
                extra_is_json=True,
            )
            yield event, {record.pk for record in listed}


def _listing(
    columns: Sequence[str], records: dict[str, list[Any]], **shared: dict[str, str]
) -> dict[str, Any]:
    """The data of an event listing many records (an import's, a verification's): each
    record's values by id, in ``columns``' order, and what the event says of all of them."""
    return {
        "count": len(records),
        "model": DutyRecord._meta.label_lower,
        "columns": list(columns),
        "records": records,
        **shared,
    }


# The task counts of a shift without any (shared, never changed).
_NO_TASKS: dict[str, int] = {}
# Ids in one IN (…) list (written as numbers: lib.models.InIds).
_IDS_A_QUERY = 5000


@transaction.atomic
def duty_record_decline(*, acting_user: User | None, record: DutyRecord, reason: str) -> DutyRecord:
    """Refuse a record (it stays, with the reason); a verified one leaves the indicators."""
    scope = _scope(acting_user)
    _require(scope, record.post, record.person, Capability.DUTY_VERIFY)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the record is declined.")})
    _hold_person(record.person_id)
    record = (
        DutyRecord.objects.select_for_update(of=("self",))
        .select_related("post", "person")
        .get(pk=record.pk)
    )
    if record.status in (Status.DECLINED, Status.OPEN):
        raise ValidationError(_("Only closed records that are not yet declined can be declined."))
    before = indicators.record_contribution(record)
    old_status = record.status
    record.status, record.decline_reason = Status.DECLINED, reason
    record.verified_by, record.verified_at = acting_user, timezone.now()
    record.needs_review = False
    record.version += 1
    record.save()
    indicators.apply_change(before, None)
    _audit(
        acting_user,
        EventType.DUTY_DECLINED,
        record,
        old={"status": old_status},
        new={"status": Status.DECLINED, "decline_reason": reason},
    )
    return record


def duty_close_stale(*, now: dt.datetime | None = None, post: Post | None = None) -> int:
    """Close check-ins left open longer than their post's longest shift: end them at that
    limit, mark them for review, leave them pending. Returns how many were closed."""
    now = _second(now or timezone.now())
    closed = 0
    candidates = DutyRecord.objects.filter(status=Status.OPEN).select_related("post")
    if post is not None:
        candidates = candidates.filter(post=post)
    for record in candidates:
        limit = record.starts_at + dt.timedelta(hours=record.post.max_shift_hours)
        if limit > now:
            continue
        with transaction.atomic():
            _hold_person(record.person_id)
            locked = DutyRecord.objects.select_for_update().get(pk=record.pk)
            if locked.status != Status.OPEN:
                continue
            locked.ends_at, locked.status, locked.needs_review = limit, Status.PENDING, True
            locked.version += 1
            locked.save()
            _audit(
                None,
                EventType.DUTY_AUTO_CLOSED,
                locked,
                new={"ends_at": limit.isoformat(), "needs_review": True},
            )
            closed += 1
    return closed
