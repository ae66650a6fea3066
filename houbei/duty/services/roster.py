"""The roster (排班): shifts of a post's daily pattern, and who is on them.

Shifts exist as rows only once someone is assigned (reading the roster writes nothing). A
post takes people of its own region only, so a roster never shows one village's people to
another; a person is never on two overlapping shifts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.models import EventType
from houbei.audit.services import audit_record
from houbei.campaigns.models import Post, ShiftTemplate
from houbei.duty.indicators import local_zone
from houbei.duty.models import RosterAssignment, RosterShift
from houbei.people.models import Person

if TYPE_CHECKING:
    from houbei.accounts.models import User


def shift_times(template: ShiftTemplate, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    starts_at = dt.datetime.combine(day, template.start_time, tzinfo=local_zone())
    return starts_at, starts_at + dt.timedelta(minutes=template.duration_minutes)


def _require_roster_edit(acting_user: User | None, post: Post) -> None:
    if acting_user is not None and not Scope.for_user(acting_user).covers(
        post.region, Capability.ROSTER_EDIT
    ):
        raise PermissionDenied
    if not post.is_open:
        raise ValidationError(_("This post or its campaign is closed; its roster stays as it was."))


def _shift_for(post: Post, template: ShiftTemplate, day: dt.date) -> RosterShift:
    starts_at, ends_at = shift_times(template, day)
    shift, _created = RosterShift.objects.get_or_create(
        post=post,
        starts_at=starts_at,
        defaults={
            "template": template,
            "day": day,
            "label": template.label,
            "ends_at": ends_at,
            "people_needed": template.people_needed,
        },
    )
    return shift


def _clash(person: Person, starts_at: dt.datetime, ends_at: dt.datetime) -> RosterAssignment | None:
    return (
        RosterAssignment.objects.filter(person=person, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .select_related("shift__post")
        .first()
    )


def _clash_message(clash: RosterAssignment, scope: Scope | None) -> str:
    zone = local_zone()
    post = clash.shift.post
    visible = scope is None or scope.sees_post(post)
    return _(
        "%(name)s is already on the %(post)s shift %(start)s–%(end)s, which overlaps this one."
    ) % {
        "name": clash.person.name,
        "post": post.name if visible else _("another post"),
        "start": f"{clash.starts_at.astimezone(zone):%m-%d %H:%M}",
        "end": f"{clash.ends_at.astimezone(zone):%H:%M}",
    }


def _check_person(post: Post, person: Person) -> None:
    if not person.village.code.startswith(post.region.prefix):
        raise ValidationError(
            _("%(name)s does not live in %(region)s; a post takes people of its own region.")
            % {"name": person.name, "region": post.region.name}
        )


@transaction.atomic
def roster_assign(
    *, acting_user: User | None, post: Post, template: ShiftTemplate, day: dt.date, person: Person
) -> RosterAssignment:
    _require_roster_edit(acting_user, post)
    if template.post_id != post.pk:
        raise ValidationError(_("This shift belongs to another post."))
    if not post.campaign.covers_day(day):
        raise ValidationError(_("The campaign does not run on that day."))
    _check_person(post, person)
    Person.objects.select_for_update().get(pk=person.pk)  # one assignment at a time per person
    shift = _shift_for(post, template, day)
    if RosterAssignment.objects.filter(shift=shift, person=person).exists():
        raise ValidationError(_("%(name)s is already on this shift.") % {"name": person.name})
    clash = _clash(person, shift.starts_at, shift.ends_at)
    if clash is not None:
        raise ValidationError(
            _clash_message(clash, Scope.for_user(acting_user) if acting_user else None)
        )
    assignment = RosterAssignment.objects.create(
        shift=shift,
        person=person,
        assigned_by=acting_user,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.ROSTER_ASSIGNED,
        target=shift,
        region=post.region,
        new={"person": person.name, "post": post.name, "starts_at": shift.starts_at.isoformat()},
    )
    return assignment


@transaction.atomic
def roster_unassign(*, acting_user: User | None, assignment: RosterAssignment) -> None:
    post = assignment.shift.post
    _require_roster_edit(acting_user, post)
    old = {
        "person": assignment.person.name,
        "post": post.name,
        "starts_at": assignment.starts_at.isoformat(),
    }
    shift = assignment.shift
    assignment.delete()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.ROSTER_UNASSIGNED,
        target=shift,
        region=post.region,
        old=old,
    )


@dataclass
class CopyResult:
    copied: int
    skipped: list[str]


@transaction.atomic
def roster_copy_forward(
    *, acting_user: User | None, post: Post, source_day: dt.date, days: int, target_day: dt.date
) -> CopyResult:
    """Copy the assignments of ``days`` days starting at ``source_day`` to the same shifts
    starting at ``target_day`` (a day forward, or a week). Assignments that already exist
    are kept; ones that would overlap another shift are skipped and listed."""
    _require_roster_edit(acting_user, post)
    if days not in (1, 7):
        raise ValidationError(_("Copy one day or one week."))
    if target_day < source_day + dt.timedelta(days=days):
        raise ValidationError(_("Copy forward only, to days after the ones copied."))
    copied, skipped = 0, list[str]()
    offset = target_day - source_day
    source = RosterAssignment.objects.filter(
        shift__post=post,
        shift__day__gte=source_day,
        shift__day__lt=source_day + dt.timedelta(days=days),
    ).select_related("shift__template", "person__village")
    for assignment in source:
        template = assignment.shift.template
        if template is None:
            continue
        new_day = assignment.shift.day + offset
        starts_at, _ends_at = shift_times(template, new_day)
        if RosterAssignment.objects.filter(
            shift__post=post, shift__starts_at=starts_at, person=assignment.person
        ).exists():
            continue  # already there: nothing to copy
        try:
            with transaction.atomic():
                roster_assign(
                    acting_user=acting_user,
                    post=post,
                    template=template,
                    day=new_day,
                    person=assignment.person,
                )
                copied += 1
        except ValidationError as error:
            skipped.extend(
                f"{new_day:%m-%d} {template.label}: {message}" for message in error.messages
            )
    return CopyResult(copied=copied, skipped=skipped)
