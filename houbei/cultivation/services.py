"""Cultivation (培养): mentors and their talks, trial and tough posts, training. Recorded by
those who keep the pipeline of the person's village; each record is evidence later
decisions cite, so nothing is deleted and every change is in the audit log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.conflicts import refuse_stale_edit
from houbei.audit.models import EventType
from houbei.audit.services import audit_record, changed_values
from houbei.cultivation.models import (
    Assignment,
    AssignmentKind,
    MentorRole,
    Mentorship,
    MentorTalk,
    Outcome,
    Training,
)
from houbei.people.models import Person

if TYPE_CHECKING:
    from houbei.accounts.models import User


def _require(acting_user: User | None, person: Person) -> None:
    if acting_user is not None and not Scope.for_user(acting_user).covers(
        person.village, Capability.CULTIVATE
    ):
        raise PermissionDenied


class _Errors(dict[str, list[str]]):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _check_period(
    errors: _Errors, started_on: dt.date, ended_on: dt.date | None, *, end_required: bool = False
) -> None:
    today = timezone.localdate()
    if started_on > today:
        errors.add("started_on", _("A date cannot be in the future."))
    if ended_on is None:
        if end_required:
            errors.add("ended_on", _("This field is required."))
    elif ended_on < started_on:
        errors.add("ended_on", _("The end cannot come before the start."))


def _required_text(errors: _Errors, key: str, value: str, message: str) -> str:
    value = value.strip()
    if not value:
        errors.add(key, message)
    return value


def _record(
    acting_user: User | None,
    event_type: EventType,
    target: Model,
    person: Person,
    data: dict[str, Any],
) -> None:
    audit_record(
        acting_user=acting_user,
        event_type=event_type,
        target=target,
        region=person.village,
        new={"person": person.name, **data},
    )


@transaction.atomic
def mentorship_add(
    *,
    acting_user: User | None,
    person: Person,
    mentor_name: str,
    role: str,
    started_on: dt.date,
    mentor_position: str = "",
) -> Mentorship:
    _require(acting_user, person)
    errors = _Errors()
    name = _required_text(errors, "mentor_name", mentor_name, _("Enter the mentor's name."))
    if role not in MentorRole.values:
        errors.add("role", _("Choose the mentor's role from the list."))
    _check_period(errors, started_on, None)
    if (
        name
        and Mentorship.objects.filter(
            person=person, mentor_name=name, ended_on__isnull=True
        ).exists()
    ):
        errors.add("mentor_name", _("%(name)s already mentors this person.") % {"name": name})
    errors.raise_if_any()
    mentorship = Mentorship.objects.create(
        person=person,
        mentor_name=name,
        mentor_position=mentor_position.strip(),
        role=role,
        started_on=started_on,
        created_by=acting_user,
    )
    _record(
        acting_user,
        EventType.MENTOR_ASSIGNED,
        mentorship,
        person,
        {"mentor_name": name, "role": role, "started_on": started_on.isoformat()},
    )
    return mentorship


@transaction.atomic
def mentorship_end(
    *, acting_user: User | None, mentorship: Mentorship, ended_on: dt.date
) -> Mentorship:
    _require(acting_user, mentorship.person)
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    errors = _Errors()
    if locked.ended_on is not None:
        errors.add("ended_on", _("This mentorship has already ended."))
    _check_period(errors, locked.started_on, ended_on)
    if ended_on > timezone.localdate():
        errors.add("ended_on", _("A date cannot be in the future."))
    errors.raise_if_any()
    locked.ended_on = ended_on
    locked.save(update_fields=["ended_on", "updated_at"])
    _record(
        acting_user,
        EventType.MENTORSHIP_ENDED,
        locked,
        locked.person,
        {"ended_on": ended_on.isoformat()},
    )
    return locked


@transaction.atomic
def talk_add(
    *, acting_user: User | None, mentorship: Mentorship, held_on: dt.date, summary: str
) -> MentorTalk:
    _require(acting_user, mentorship.person)
    mentorship = Mentorship.objects.select_related("person__village").get(pk=mentorship.pk)
    errors = _Errors()
    text = _required_text(errors, "summary", summary, _("Say briefly what was talked about."))
    if held_on > timezone.localdate():
        errors.add("held_on", _("A date cannot be in the future."))
    elif held_on < mentorship.started_on or (mentorship.ended_on and held_on > mentorship.ended_on):
        errors.add("held_on", _("The talk must fall within the mentorship."))
    errors.raise_if_any()
    talk = MentorTalk.objects.create(
        mentorship=mentorship, held_on=held_on, summary=text, created_by=acting_user
    )
    _record(
        acting_user,
        EventType.MENTOR_TALK_RECORDED,
        talk,
        mentorship.person,
        {"mentor_name": mentorship.mentor_name, "held_on": held_on.isoformat()},
    )
    return talk


def assignment_snapshot(assignment: Assignment) -> dict[str, Any]:
    return {
        "kind": assignment.kind,
        "title": assignment.title,
        "place": assignment.place,
        "started_on": assignment.started_on.isoformat(),
        "ended_on": assignment.ended_on.isoformat() if assignment.ended_on else None,
        "outcome": assignment.outcome,
        "outcome_notes": assignment.outcome_notes,
        "decided_by_body": assignment.decided_by_body,
    }


def _check_assignment(assignment: Assignment) -> None:
    errors = _Errors()
    if assignment.kind not in AssignmentKind.values:
        errors.add("kind", _("Choose the kind from the list."))
    assignment.title = _required_text(
        errors, "title", assignment.title, _("Name the post or task.")
    )
    _check_period(errors, assignment.started_on, assignment.ended_on)
    if assignment.outcome not in Outcome.values:
        errors.add("outcome", _("Choose the outcome from the list."))
    elif assignment.outcome and (
        assignment.ended_on is None or assignment.ended_on > timezone.localdate()
    ):
        errors.add("ended_on", _("An outcome is recorded when the assignment has ended."))
    errors.raise_if_any()


@transaction.atomic
def assignment_add(
    *,
    acting_user: User | None,
    person: Person,
    kind: str,
    title: str,
    started_on: dt.date,
    place: str = "",
    ended_on: dt.date | None = None,
    outcome: str = "",
    outcome_notes: str = "",
    decided_by_body: str = "",
) -> Assignment:
    _require(acting_user, person)
    assignment = Assignment(
        person=person,
        kind=kind,
        title=title,
        place=place.strip(),
        started_on=started_on,
        ended_on=ended_on,
        outcome=outcome,
        outcome_notes=outcome_notes.strip(),
        decided_by_body=decided_by_body.strip(),
        created_by=acting_user,
    )
    _check_assignment(assignment)
    assignment.save()
    _record(
        acting_user,
        EventType.ASSIGNMENT_RECORDED,
        assignment,
        person,
        assignment_snapshot(assignment),
    )
    return assignment


@transaction.atomic
def assignment_update(
    *,
    acting_user: User | None,
    assignment: Assignment,
    ended_on: dt.date | None,
    outcome: str,
    outcome_notes: str,
    place: str,
    seen_event: int | None = None,
) -> Assignment:
    """The end, outcome and appraisal of an assignment (跟岗鉴定), once it is over."""
    _require(acting_user, assignment.person)
    locked = (
        Assignment.objects.select_for_update()
        .select_related("person__village")
        .get(pk=assignment.pk)
    )
    refuse_stale_edit(locked, seen_event, EventType.ASSIGNMENT_UPDATED)
    before = assignment_snapshot(locked)
    locked.ended_on, locked.outcome = ended_on, outcome
    locked.outcome_notes, locked.place = outcome_notes.strip(), place.strip()
    _check_assignment(locked)
    old, new = changed_values(before, assignment_snapshot(locked))
    if not new:
        return locked
    locked.save()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.ASSIGNMENT_UPDATED,
        target=locked,
        region=locked.person.village,
        old=old,
        new=new,
    )
    return locked


@transaction.atomic
def training_add(
    *,
    acting_user: User | None,
    person: Person,
    name: str,
    started_on: dt.date,
    ended_on: dt.date,
    hours: Decimal,
    organizer: str = "",
) -> Training:
    _require(acting_user, person)
    errors = _Errors()
    course = _required_text(errors, "name", name, _("Name the course."))
    _check_period(errors, started_on, ended_on, end_required=True)
    if ended_on > timezone.localdate():
        errors.add("ended_on", _("A date cannot be in the future."))
    if hours <= 0:
        errors.add("hours", _("Enter the class hours attended."))
    errors.raise_if_any()
    training = Training.objects.create(
        person=person,
        name=course,
        organizer=organizer.strip(),
        started_on=started_on,
        ended_on=ended_on,
        hours=hours,
        created_by=acting_user,
    )
    _record(
        acting_user,
        EventType.TRAINING_RECORDED,
        training,
        person,
        {"name": course, "started_on": started_on.isoformat(), "hours": str(hours)},
    )
    return training
