"""Running a joint review: configuration, batches, each department's verdicts, the public
notice and objections. District organization departments manage (`REVIEW_MANAGE`); a
department's clerks (Department.clerks, with `REVIEW_VERDICT` over the district) record
its verdicts and nothing else. Everything is audited in the district's log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability, Role
from houbei.accounts.scoping import Scope
from houbei.audit.models import EventType
from houbei.audit.services import audit_record, changed_values
from houbei.people.models import Person, RevealedField, RevealReason
from houbei.people.services import person_reveal
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.review.models import (
    Department,
    DepartmentVerdict,
    NegativeCategory,
    NegativeListItem,
    Objection,
    Purpose,
    Resolution,
    ReviewBatch,
    ReviewSubject,
    Verdict,
)
from houbei.review.results import FAILED, subject_result

if TYPE_CHECKING:
    from houbei.accounts.models import User
    from houbei.seats.models import Vacancy


def _require(acting_user: User | None, region: Region, capability: Capability) -> None:
    if acting_user is not None and not Scope.for_user(acting_user).covers(region, capability):
        raise PermissionDenied


def _errors() -> dict[str, list[str]]:
    return {}


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


# --- configuration --------------------------------------------------------------------------


def department_snapshot(department: Department) -> dict[str, Any]:
    return {
        "code": department.code,
        "name": department.name,
        "name_en": department.name_en,
        "is_active": department.is_active,
        "clerks": sorted(department.clerks.values_list("username", flat=True))
        if department.pk
        else [],
    }


@transaction.atomic
def department_save(
    *,
    acting_user: User | None,
    region: Region,
    department: Department | None,
    code: str,
    name: str,
    name_en: str = "",
    is_active: bool = True,
    clerks: Sequence[User] = (),
) -> Department:
    """Create or change a department. ``region``: the district whose review it serves (its
    log records the change; clerks must hold a clerk's grant there)."""
    _require(acting_user, region, Capability.REVIEW_MANAGE)
    errors = _errors()
    if not name.strip():
        _add(errors, "name", _("Enter the department's name."))
    if not code.strip():
        _add(errors, "code", _("Enter a short code (letters, digits, underscores)."))
    elif (
        Department.objects.filter(code=code.strip())
        .exclude(pk=department.pk if department else 0)
        .exists()
    ):
        _add(errors, "code", _("Another department has this code."))
    for clerk in clerks:
        clerk_scope = Scope.for_user(clerk)
        if not any(
            g.role == Role.REVIEW_CLERK and g.covers_code(region.code) for g in clerk_scope.grants
        ):
            _add(
                errors,
                "clerks",
                _("%(user)s holds no joint-review clerk's grant in %(region)s.")
                % {"user": clerk.display_name or clerk.username, "region": region.name},
            )
    if errors:
        raise ValidationError(errors)
    before = department_snapshot(department) if department else {}
    department = department or Department()
    department.code, department.name, department.name_en = (
        code.strip(),
        name.strip(),
        name_en.strip(),
    )
    department.is_active = is_active
    department.save()
    department.clerks.set(clerks)
    old, new = changed_values(before, department_snapshot(department))
    if new:
        audit_record(
            acting_user=acting_user,
            event_type=EventType.REVIEW_CONFIGURED,
            target=department,
            region=region,
            old=old or None,
            new=new,
        )
    return department


@transaction.atomic
def item_save(
    *,
    acting_user: User | None,
    region: Region,
    item: NegativeListItem | None,
    code: str,
    wording: str,
    category: str,
    department: Department,
    lookback_years: int | None = None,
    is_active: bool = True,
) -> NegativeListItem:
    _require(acting_user, region, Capability.REVIEW_MANAGE)
    errors = _errors()
    if not code.strip():
        _add(errors, "code", _("Enter a short code, e.g. N07."))
    elif (
        NegativeListItem.objects.filter(code=code.strip())
        .exclude(pk=item.pk if item else 0)
        .exists()
    ):
        _add(errors, "code", _("Another item has this code."))
    if not wording.strip():
        _add(errors, "wording", _("Write the item as the published list words it."))
    if category not in NegativeCategory.values:
        _add(errors, "category", _("Choose 不能 or 不宜."))
    if lookback_years is not None and not 1 <= lookback_years <= 30:
        _add(errors, "lookback_years", _("From 1 to 30 years, or blank for no limit."))
    if errors:
        raise ValidationError(errors)
    snapshot = ("code", "wording", "category", "lookback_years", "department_id", "is_active")
    before = {name: getattr(item, name) for name in snapshot} if item else {}
    item = item or NegativeListItem()
    item.code, item.wording, item.category = code.strip(), wording.strip(), category
    item.lookback_years, item.department, item.is_active = lookback_years, department, is_active
    item.save()
    old, new = changed_values(before, {name: getattr(item, name) for name in snapshot})
    if new:
        audit_record(
            acting_user=acting_user,
            event_type=EventType.REVIEW_CONFIGURED,
            target=item,
            region=region,
            old=old or None,
            new=new,
        )
    return item


# --- batches ------------------------------------------------------------------------------------


@transaction.atomic
def batch_open(
    *,
    acting_user: User | None,
    region: Region,
    name: str,
    opened_on: dt.date,
    deadline: dt.date,
    departments: Sequence[Department],
    people: Sequence[Person],
    purpose: str = Purpose.POOL,
    vacancy: Vacancy | None = None,
    validity_months: int | None = None,
) -> ReviewBatch:
    """A batch of people for the departments to check; a pending verdict per department."""
    _require(acting_user, region, Capability.REVIEW_MANAGE)
    errors = _errors()
    if Level(region.level) != Level.DISTRICT:
        _add(errors, "__all__", _("A joint review is held by a district."))
    if not name.strip():
        _add(errors, "name", _("Give the batch a name, e.g. 2026年第一批区级集中联审."))
    if deadline < opened_on:
        _add(errors, "deadline", _("The deadline cannot come before the batch opens."))
    if not departments:
        _add(errors, "departments", _("Choose the departments taking part."))
    if not people:
        _add(errors, "people", _("Choose the people to review."))
    outside = [p.name for p in people if not p.village.code.startswith(region.prefix)]
    if outside:
        _add(
            errors,
            "people",
            _("Not in %(region)s: %(names)s.")
            % {"region": region.name, "names": "、".join(outside)},
        )
    if purpose not in Purpose.values or (purpose == Purpose.VACANCY) != (vacancy is not None):
        _add(
            errors,
            "purpose",
            _("A review for a vacancy names the vacancy; a pool review does not."),
        )
    months = validity_months or settings.HOUBEI_REVIEW_VALIDITY_MONTHS
    if not 1 <= months <= 36:
        _add(errors, "validity_months", _("From 1 to 36 months."))
    if errors:
        raise ValidationError(errors)
    batch = ReviewBatch.objects.create(
        name=name.strip(),
        region=region,
        opened_on=opened_on,
        deadline=deadline,
        validity_months=months,
        created_by=acting_user,
    )
    batch.departments.set(departments)
    for person in dict.fromkeys(people):
        subject = ReviewSubject.objects.create(
            batch=batch, person=person, purpose=purpose, vacancy=vacancy
        )
        DepartmentVerdict.objects.bulk_create(
            DepartmentVerdict(subject=subject, department=department) for department in departments
        )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.REVIEW_BATCH_OPENED,
        target=batch,
        region=region,
        new={
            "name": batch.name,
            "deadline": deadline.isoformat(),
            "departments": [d.code for d in departments],
            "people": len(set(people)),
        },
    )
    return batch


def is_clerk_of(user: User, department: Department) -> bool:
    return department.clerks.filter(pk=user.pk).exists()


@transaction.atomic
def verdict_record(
    *,
    acting_user: User | None,
    verdict: DepartmentVerdict,
    result: str,
    items: Iterable[NegativeListItem] = (),
    notes: str = "",
) -> DepartmentVerdict:
    """A department's finding on one person: pass, fail (citing negative-list items) or
    query (saying what is unclear). Changeable until the batch's results are published."""
    locked = (
        DepartmentVerdict.objects.select_for_update(of=("self",))
        .select_related("subject__batch__region", "subject__person", "department")
        .get(pk=verdict.pk)
    )
    batch = locked.subject.batch
    if acting_user is not None:
        _require(acting_user, batch.region, Capability.REVIEW_VERDICT)
        if not is_clerk_of(acting_user, locked.department):
            raise PermissionDenied
    if batch.is_published:
        raise ValidationError(
            _("The results of this batch are published: verdicts can no longer change.")
        )
    cited = list(items)
    errors = _errors()
    if result not in (Verdict.PASS, Verdict.FAIL, Verdict.QUERY):
        _add(errors, "verdict", _("Choose pass, fail or query."))
    if result == Verdict.FAIL and not cited:
        _add(errors, "items", _("A fail cites the negative-list items found."))
    if result != Verdict.FAIL and cited:
        _add(errors, "items", _("Negative-list items go only with a fail."))
    if any(not item.is_active for item in cited):
        _add(errors, "items", _("Cite only items in use."))
    notes = notes.strip()
    if result == Verdict.QUERY and not notes:
        _add(errors, "notes", _("Say what needs clarifying."))
    if errors:
        raise ValidationError(errors)
    before = {
        "verdict": locked.verdict,
        "items": sorted(locked.items.values_list("code", flat=True)),
        "notes": locked.notes,
    }
    locked.verdict, locked.notes = result, notes
    locked.decided_by, locked.decided_at = acting_user, timezone.now()
    locked.save()
    locked.items.set(cited)
    old, new = changed_values(
        before, {"verdict": result, "items": sorted(i.code for i in cited), "notes": notes}
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.REVIEW_VERDICT_RECORDED,
        target=locked,
        region=batch.region,
        old=old,
        new={"person": locked.subject.person.name, "department": locked.department.code, **new},
    )
    return locked


@transaction.atomic
def batch_publish(
    *, acting_user: User | None, batch: ReviewBatch, starts_on: dt.date, ends_on: dt.date
) -> ReviewBatch:
    """Publish the results (公示): allowed once every department has decided on everyone."""
    _require(acting_user, batch.region, Capability.REVIEW_MANAGE)
    locked = ReviewBatch.objects.select_for_update().get(pk=batch.pk)
    errors = _errors()
    if locked.is_published:
        _add(errors, "__all__", _("This batch is published already."))
    undecided = (
        DepartmentVerdict.objects.filter(
            subject__batch=locked, verdict__in=[Verdict.PENDING, Verdict.QUERY]
        )
        .select_related("subject__person", "department")
        .order_by("subject__person__name_sort")
    )
    if undecided:
        waiting = "、".join(
            sorted({f"{v.department.name}（{v.subject.person.name}）" for v in undecided[:12]})
        )
        _add(errors, "__all__", _("Still waiting for: %(waiting)s.") % {"waiting": waiting})
    if ends_on < starts_on:
        _add(errors, "ends_on", _("The notice cannot end before it starts."))
    if errors:
        raise ValidationError(errors)
    locked.publication_starts_on, locked.publication_ends_on = starts_on, ends_on
    locked.save(update_fields=["publication_starts_on", "publication_ends_on", "updated_at"])
    audit_record(
        acting_user=acting_user,
        event_type=EventType.REVIEW_PUBLISHED,
        target=locked,
        region=locked.region,
        new={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )
    return locked


@transaction.atomic
def objection_record(
    *, acting_user: User | None, subject: ReviewSubject, received_on: dt.date, summary: str
) -> Objection:
    subject = ReviewSubject.objects.select_related("batch__region", "person").get(pk=subject.pk)
    batch = subject.batch
    _require(acting_user, batch.region, Capability.REVIEW_MANAGE)
    errors = _errors()
    if not batch.is_published:
        _add(errors, "__all__", _("Objections are received once the results are published."))
    elif not batch.publication_starts_on <= received_on <= batch.publication_ends_on:  # type: ignore[operator]
        _add(
            errors,
            "received_on",
            _("The public notice ran from %(start)s to %(end)s.")
            % {"start": batch.publication_starts_on, "end": batch.publication_ends_on},
        )
    if received_on > timezone.localdate():
        _add(errors, "received_on", _("A date cannot be in the future."))
    result = subject_result(
        subject, subject.verdicts.all(), subject.objections.all(), timezone.localdate()
    )
    if result.outcome in FAILED:
        _add(errors, "__all__", _("This person did not pass: there is nothing to object to."))
    if not summary.strip():
        _add(errors, "summary", _("Say what is objected, and by whom if known."))
    if errors:
        raise ValidationError(errors)
    objection = Objection.objects.create(
        subject=subject, received_on=received_on, summary=summary.strip(), recorded_by=acting_user
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.OBJECTION_RECORDED,
        target=objection,
        region=batch.region,
        new={"person": subject.person.name, "received_on": received_on.isoformat()},
    )
    return objection


@transaction.atomic
def objection_resolve(
    *,
    acting_user: User | None,
    objection: Objection,
    resolution: str,
    resolved_on: dt.date,
    notes: str,
) -> Objection:
    """Upheld: the person fails. Dismissed: the pass stands (from this day, if later)."""
    locked = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("subject__batch__region", "subject__person")
        .get(pk=objection.pk)
    )
    batch = locked.subject.batch
    _require(acting_user, batch.region, Capability.REVIEW_MANAGE)
    errors = _errors()
    if locked.resolution != Resolution.PENDING:
        _add(errors, "__all__", _("This objection is resolved already."))
    if resolution not in (Resolution.UPHELD, Resolution.DISMISSED):
        _add(errors, "resolution", _("Choose upheld or dismissed."))
    if resolved_on < locked.received_on:
        _add(errors, "resolved_on", _("It cannot be resolved before it was received."))
    if resolved_on > timezone.localdate():
        _add(errors, "resolved_on", _("A date cannot be in the future."))
    if not notes.strip():
        _add(errors, "resolution_notes", _("Write down what was found."))
    if errors:
        raise ValidationError(errors)
    locked.resolution, locked.resolved_on = resolution, resolved_on
    locked.resolution_notes, locked.resolved_by = notes.strip(), acting_user
    locked.save()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.OBJECTION_RESOLVED,
        target=locked,
        region=batch.region,
        new={
            "person": locked.subject.person.name,
            "resolution": resolution,
            "resolved_on": resolved_on.isoformat(),
        },
    )
    return locked


def verdict_reveal_id_number(*, acting_user: User, verdict: DepartmentVerdict) -> str:
    """A clerk checking a person against their department's records needs the full ID
    number: shown for the people of their own queue only, and recorded like any reveal."""
    _require(acting_user, verdict.subject.batch.region, Capability.REVIEW_VERDICT)
    if not is_clerk_of(acting_user, verdict.department):
        raise PermissionDenied
    return person_reveal(
        acting_user=acting_user,
        person=verdict.subject.person,
        field_name=RevealedField.ID_NUMBER,
        reason=RevealReason.JOINT_REVIEW,
        note=verdict.subject.batch.name,
        access_checked_by_caller=True,
    )
