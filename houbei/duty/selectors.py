"""Reads of rosters, duty records and indicators, always through the scope.

Rows about a person at a post are reachable through the post (its region, or leading it)
or through the person's village: a village secretary sees their own people at the town's
post, never the other villages' people there."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope, get_or_404
from houbei.campaigns.models import Post, ShiftTemplate
from houbei.duty.indicators import local_zone
from houbei.duty.models import (
    DutyRecord,
    DutyTaskCount,
    PersonDay,
    PersonIndicator,
    RosterAssignment,
    RosterShift,
    Status,
    TaskKind,
    entered_by,
    entered_by_q,
)
from houbei.duty.services.roster import shift_times
from houbei.people.models import Person


def _record_q(scope: Scope, capability: Capability) -> Q:
    return scope.duty_q(capability, post_field="post", person_field="person")


def records_visible(*, scope: Scope) -> QuerySet[DutyRecord]:
    return DutyRecord.objects.filter(_record_q(scope, Capability.DUTY_VIEW)).select_related(
        "person__village", "post__region", "recorded_by", "verified_by"
    )


def record_get(*, scope: Scope, pk: int) -> DutyRecord:
    return get_or_404(records_visible(scope=scope).prefetch_related("task_counts__kind"), pk=pk)


def record_actions(*, scope: Scope, record: DutyRecord) -> dict[str, bool]:
    """What the user may do with a record they can see (the services check again)."""
    may_record = scope.can_on_post(record.post, Capability.DUTY_RECORD) or scope.covers(
        record.person.village, Capability.DUTY_RECORD
    )
    may_verify = scope.can_on_post(record.post, Capability.DUTY_VERIFY) or scope.covers(
        record.person.village, Capability.DUTY_VERIFY
    )
    closed = record.status in (Status.PENDING, Status.VERIFIED)
    return {
        "edit": may_record and closed,
        "verify": may_verify
        and record.status == Status.PENDING
        and not entered_by(record.recorded_by_id, record.source, scope.user_id),
        "decline": may_verify and closed,
        "check_out": may_record and record.status == Status.OPEN,
    }


def _waiting(scope: Scope) -> QuerySet[DutyRecord]:
    return DutyRecord.objects.filter(
        _record_q(scope, Capability.DUTY_VERIFY), status=Status.PENDING
    )


def review_queue(
    *, scope: Scope, post: Post | None = None, source: str = ""
) -> QuerySet[DutyRecord]:
    """Records waiting for someone who may verify them, of one post or one kind of entry
    if asked; forgotten check-ins first."""
    records = _waiting(scope)
    if post is not None:
        records = records.filter(post=post)
    if source:
        records = records.filter(source=source)
    return (
        records.select_related("person__village", "post__region", "recorded_by")
        .prefetch_related("task_counts__kind")
        .order_by("-needs_review", "starts_at", "id")
    )


def review_posts(*, scope: Scope) -> QuerySet[Post]:
    """The posts with records waiting in the scope's review queue (to narrow it to one)."""
    return (
        Post.objects.filter(pk__in=_waiting(scope).values("post_id").distinct())
        .select_related("campaign")
        .order_by("campaign__name", "name")
    )


def verifiable(records: QuerySet[DutyRecord], *, scope: Scope) -> QuerySet[DutyRecord]:
    """The queue's records this user may verify: not those they entered themselves."""
    if scope.user_id is None:
        return records
    return records.exclude(entered_by_q(scope.user_id))


def post_records(*, scope: Scope, post: Post, day: dt.date) -> QuerySet[DutyRecord]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=local_zone())
    return (
        records_visible(scope=scope)
        .filter(post=post, starts_at__lt=start + dt.timedelta(days=1))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=start))
        .prefetch_related("task_counts__kind")
        .order_by("starts_at", "person__name_sort")
    )


def assignments_visible(*, scope: Scope) -> QuerySet[RosterAssignment]:
    return RosterAssignment.objects.filter(
        scope.duty_q(Capability.DUTY_VIEW, post_field="shift__post", person_field="person")
    ).select_related("person__village", "shift")


def assignment_get_for_edit(*, scope: Scope, pk: int) -> RosterAssignment:
    assignment = get_or_404(
        assignments_visible(scope=scope).select_related("shift__post__region"), pk=pk
    )
    if not scope.covers(assignment.shift.post.region, Capability.ROSTER_EDIT):
        raise PermissionDenied
    return assignment


@dataclass
class RosterCell:
    template: ShiftTemplate
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    people_needed: int
    assignments: list[RosterAssignment] = field(default_factory=list)
    total_assigned: int = 0  # all assignments, including people the viewer may not see

    @property
    def understaffed(self) -> bool:
        return self.total_assigned < self.people_needed


@dataclass
class RosterDay:
    day: dt.date
    cells: list[RosterCell]


def roster_week(*, scope: Scope, post: Post, first_day: dt.date, days: int = 7) -> list[RosterDay]:
    """The roster grid: every shift of the pattern on every day, with who is on it (those
    the viewer may see) and how many are on it (everyone, for the staffing count)."""
    last_day = first_day + dt.timedelta(days=days)
    templates = list(post.shift_templates.all())
    shifts = RosterShift.objects.filter(
        post=post, day__gte=first_day, day__lt=last_day
    ).prefetch_related(
        Prefetch(
            "assignments",
            queryset=RosterAssignment.objects.only("id", "shift_id"),
            to_attr="all_assignments",
        )
    )
    by_start = {shift.starts_at: shift for shift in shifts}
    visible = defaultdict(list)
    for assignment in (
        assignments_visible(scope=scope)
        .filter(shift__in=list(by_start.values()))
        .order_by("person__name_sort")
    ):
        visible[assignment.shift_id].append(assignment)
    result = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        cells = []
        for template in templates:
            starts_at, ends_at = shift_times(template, day)
            shift = by_start.get(starts_at)
            cells.append(
                RosterCell(
                    template=template,
                    day=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    people_needed=shift.people_needed if shift else template.people_needed,
                    assignments=visible.get(shift.pk, []) if shift else [],
                    total_assigned=len(getattr(shift, "all_assignments", [])) if shift else 0,
                )
            )
        result.append(RosterDay(day=day, cells=cells))
    return result


@dataclass
class TodayRow:
    person: Person
    shift_label: str
    shift_start: dt.datetime | None
    open_record: DutyRecord | None
    closed_records: list[DutyRecord]


def post_today(*, scope: Scope, post: Post, now: dt.datetime | None = None) -> list[TodayRow]:
    """The check-in screen: people rostered today at the post, and anyone with a record
    there today, as far as the viewer may see them."""
    now = now or timezone.now()
    today = now.astimezone(local_zone()).date()
    start = dt.datetime.combine(today, dt.time(0), tzinfo=local_zone())
    # Today's shifts, and last night's while it is still running (a night shift that ended
    # this morning is yesterday's business).
    assignments = (
        assignments_visible(scope=scope)
        .filter(shift__post=post)
        .filter(
            Q(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
            | Q(starts_at__lt=start, ends_at__gt=now)
        )
        .order_by("starts_at", "person__name_sort")
    )
    records = list(
        post_records(scope=scope, post=post, day=today).filter(starts_at__gte=start)
    ) + list(
        records_visible(scope=scope).filter(post=post, status=Status.OPEN, starts_at__lt=start)
    )
    rows: dict[int, TodayRow] = {}
    for assignment in assignments:
        rows.setdefault(
            assignment.person_id,
            TodayRow(assignment.person, assignment.shift.label, assignment.starts_at, None, []),
        )
    for record in records:
        row = rows.setdefault(record.person_id, TodayRow(record.person, "", None, None, []))
        if record.status == Status.OPEN:
            row.open_record = record
        elif record not in row.closed_records:
            row.closed_records.append(record)
    return sorted(rows.values(), key=lambda r: (r.shift_start or now, r.person.name_sort))


def people_for_post(*, scope: Scope, post: Post, query: str = "") -> QuerySet[Person]:
    """People the user may put on this post: of the post's region, within their own scope."""
    from houbei.people.selectors import PersonFilters, person_list

    return person_list(scope=scope, filters=PersonFilters(query=query, region=post.region))


def already_recorded(*, assignments: list[RosterAssignment]) -> set[int]:
    """Assignments whose person already has a (not declined) record overlapping the shift."""
    if not assignments:
        return set()
    people = {a.person_id for a in assignments}
    first = min(a.starts_at for a in assignments)
    last = max(a.ends_at for a in assignments)
    records = (
        DutyRecord.objects.filter(person_id__in=people, starts_at__lt=last)
        .exclude(status=Status.DECLINED)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=first))
    )
    spans = list(records.values_list("person_id", "starts_at", "ends_at"))
    return {
        a.pk
        for a in assignments
        for person_id, starts_at, ends_at in spans
        if person_id == a.person_id
        and starts_at < a.ends_at
        and (ends_at is None or ends_at > a.starts_at)
    }


def people_for_check_in(*, scope: Scope, post: Post) -> QuerySet[Person]:
    """Whom the user may check in at the post: people rostered there today whom they can
    see, and people of the post's region within their own registry scope."""
    rostered = [row.person.pk for row in post_today(scope=scope, post=post)]
    condition = Q(pk__in=rostered)
    if scope.can(Capability.PEOPLE_VIEW):
        condition |= Q(pk__in=people_for_post(scope=scope, post=post).values("pk"))
    return Person.objects.filter(condition)


# --- indicators and the frontline profile -----------------------------------------------------


def person_indicators(*, person: Person) -> list[PersonIndicator]:
    """Overall first, then per campaign (the caller has been allowed to see the person)."""
    return list(
        PersonIndicator.objects.filter(person=person)
        .select_related("campaign")
        .order_by("campaign_key")
    )


def overall_indicator(*, person: Person) -> PersonIndicator | None:
    return PersonIndicator.objects.filter(person=person, campaign_key=0).first()


def person_days(*, person: Person) -> list[dt.date]:
    return list(
        PersonDay.objects.filter(person=person, campaign_key=0)
        .order_by("day")
        .values_list("day", flat=True)
    )


def person_records(*, scope: Scope, person: Person) -> QuerySet[DutyRecord]:
    return (
        records_visible(scope=scope)
        .filter(person=person)
        .prefetch_related(
            Prefetch("task_counts", queryset=DutyTaskCount.objects.select_related("kind"))
        )
        .order_by("-starts_at")
    )


def task_kinds() -> QuerySet[TaskKind]:
    return TaskKind.objects.filter(is_active=True)
