"""Reads of the joint review. Batches list people of a whole district: they are read where
the registry of the batch's district is (district admins, auditors) and managed with
`REVIEW_MANAGE`. A clerk reaches only the verdicts of their own departments; anything else
answers 404, as a missing record does."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet

from houbei.accounts.models import User
from houbei.accounts.roles import Capability, Role
from houbei.accounts.scoping import Scope, get_or_404
from houbei.people.models import Person
from houbei.pipeline.stages import Stage
from houbei.regions.models import Region
from houbei.review.models import (
    Department,
    DepartmentVerdict,
    NegativeListItem,
    Objection,
    ReviewBatch,
    ReviewSubject,
    Verdict,
)
from houbei.review.results import Outcome, SubjectResult, VerdictFact, subject_result


def batches_visible(*, scope: Scope) -> QuerySet[ReviewBatch]:
    return scope.filter(
        ReviewBatch.objects.select_related("region"),
        Capability.PEOPLE_VIEW,
        code_field="region__code",
    )


def batch_get(*, scope: Scope, pk: int) -> ReviewBatch:
    return get_or_404(batches_visible(scope=scope), pk=pk)


def may_manage(*, scope: Scope, batch: ReviewBatch) -> bool:
    return scope.covers(batch.region, Capability.REVIEW_MANAGE)


def departments() -> QuerySet[Department]:
    return Department.objects.prefetch_related("clerks")


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True)


def negative_list() -> QuerySet[NegativeListItem]:
    return NegativeListItem.objects.select_related("department")


def _subjects(batch_filter: Q) -> QuerySet[ReviewSubject]:
    return (
        ReviewSubject.objects.filter(batch_filter)
        .select_related("person__village", "batch")
        .prefetch_related(
            Prefetch(
                "verdicts",
                queryset=DepartmentVerdict.objects.select_related("department").prefetch_related(
                    "items"
                ),
            ),
            Prefetch("objections", queryset=Objection.objects.order_by("received_on", "id")),
        )
    )


@dataclass(frozen=True)
class SubjectRow:
    subject: ReviewSubject
    verdicts: dict[int, DepartmentVerdict]  # by department id
    result: SubjectResult


def batch_rows(*, batch: ReviewBatch, today: dt.date) -> list[SubjectRow]:
    rows = []
    for subject in _subjects(Q(batch=batch)):
        verdicts = list(subject.verdicts.all())
        rows.append(
            SubjectRow(
                subject,
                {v.department_id: v for v in verdicts},
                subject_result(subject, verdicts, subject.objections.all(), today),
            )
        )
    return rows


def subjects_opened_between(
    first: dt.date, last: dt.date, *, on: dt.date
) -> list[tuple[ReviewSubject, SubjectResult]]:
    """The people of batches opened from ``first`` to ``last``, each with their result on
    ``on`` (for reports: the caller narrows to its region by person)."""
    return [
        (subject, subject_result(subject, subject.verdicts.all(), subject.objections.all(), on))
        for subject in _subjects(Q(batch__opened_on__gte=first, batch__opened_on__lte=last))
    ]


def outcome_counts(rows: Iterable[SubjectRow]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.result.outcome] += 1
    return {outcome.value: counts[outcome.value] for outcome in Outcome if counts[outcome.value]}


def subject_get_for_manage(*, scope: Scope, pk: int) -> ReviewSubject:
    subject = get_or_404(
        ReviewSubject.objects.select_related("batch__region", "person__village").filter(
            batch__in=batches_visible(scope=scope)
        ),
        pk=pk,
    )
    if not scope.covers(subject.batch.region, Capability.REVIEW_MANAGE):
        raise PermissionDenied
    return subject


def objection_get_for_manage(*, scope: Scope, pk: int) -> Objection:
    objection = get_or_404(
        Objection.objects.select_related("subject__batch__region", "subject__person").filter(
            subject__batch__in=batches_visible(scope=scope)
        ),
        pk=pk,
    )
    if not scope.covers(objection.subject.batch.region, Capability.REVIEW_MANAGE):
        raise PermissionDenied
    return objection


# --- a clerk's queue -------------------------------------------------------------------------


def clerk_verdicts(*, scope: Scope, user: User) -> QuerySet[DepartmentVerdict]:
    """The verdicts of the user's departments, in batches of the districts of their grant."""
    return (
        DepartmentVerdict.objects.filter(
            department__clerks=user,
            subject__batch__in=ReviewBatch.objects.filter(
                scope.region_q(Capability.REVIEW_VERDICT, "region__code")
            ),
        )
        .select_related("subject__person__village", "subject__batch", "department")
        .prefetch_related("items")
        .order_by("subject__batch__deadline", "subject__person__name_sort")
    )


def clerk_verdict_get(*, scope: Scope, user: User, pk: int) -> DepartmentVerdict:
    return get_or_404(clerk_verdicts(scope=scope, user=user), pk=pk)


def is_overdue(verdict: DepartmentVerdict, today: dt.date) -> bool:
    return (
        verdict.verdict in (Verdict.PENDING, Verdict.QUERY)
        and verdict.subject.batch.deadline < today
    )


def overdue_verdicts(*, batch: ReviewBatch, today: dt.date) -> QuerySet[DepartmentVerdict]:
    if batch.deadline >= today or batch.is_published:
        return DepartmentVerdict.objects.none()
    return (
        DepartmentVerdict.objects.filter(
            subject__batch=batch, verdict__in=[Verdict.PENDING, Verdict.QUERY]
        )
        .select_related("department", "subject__person")
        .order_by("department__sort_order", "subject__person__name_sort")
    )


# --- what a person's reviews come to -----------------------------------------------------------


@dataclass(frozen=True)
class PersonReview:
    subject: ReviewSubject
    result: SubjectResult


def latest_reviews(person_ids: Iterable[int], today: dt.date) -> dict[int, PersonReview]:
    """Each person's most telling review: the newest valid pass, else the newest review.
    Four queries whatever the number of people; verdicts are read as plain facts (a
    shortlist weighs hundreds of reviewed people, fourteen verdicts each)."""
    ids = list(person_ids)
    subjects = list(
        ReviewSubject.objects.filter(person_id__in=ids)
        .select_related("batch")
        .order_by("-batch__opened_on", "-id")
    )
    departments = {department.pk: department for department in Department.objects.all()}
    verdicts: dict[int, list[VerdictFact]] = defaultdict(list)
    for subject_id, department_id, verdict in (
        DepartmentVerdict.objects.filter(subject__person_id__in=ids)
        .order_by("department__sort_order")
        .values_list("subject_id", "department_id", "verdict")
    ):
        verdicts[subject_id].append(VerdictFact(departments[department_id], verdict))
    objections: dict[int, list[Objection]] = defaultdict(list)
    for objection in Objection.objects.filter(subject__person_id__in=ids).order_by(
        "received_on", "id"
    ):
        objections[objection.subject_id].append(objection)
    best: dict[int, PersonReview] = {}
    for subject in subjects:
        review = PersonReview(
            subject,
            subject_result(subject, verdicts[subject.pk], objections[subject.pk], today),
        )
        current = best.get(subject.person_id)
        if current is None or (
            review.result.is_valid_on(today) and not current.result.is_valid_on(today)
        ):
            best[subject.person_id] = review
    return best


def valid_passes(person_ids: Iterable[int], on: dt.date) -> dict[int, PersonReview]:
    """The people among ``person_ids`` with a joint-review pass valid on ``on``."""
    return {
        pid: review
        for pid, review in latest_reviews(person_ids, on).items()
        if review.result.is_valid_on(on)
    }


def people_to_review(*, scope: Scope) -> QuerySet[Person]:
    """Everyone in the pipeline of the user's districts (not exited, not yet appointed): the
    usual people of a batch."""
    return scope.filter(
        Person.objects.filter(standing__isnull=False)
        .exclude(standing__stage__in=[Stage.EXITED, Stage.APPOINTED])
        .select_related("village", "standing")
        .order_by("village__code", "name_sort"),
        Capability.REVIEW_MANAGE,
        code_field="village__code",
    )


def clerk_accounts(*, region: Region) -> QuerySet[User]:
    """Active accounts holding a joint-review clerk's grant in ``region``."""
    return (
        User.objects.filter(
            is_active=True,
            grants__role=Role.REVIEW_CLERK,
            grants__region__code__startswith=region.prefix,
        )
        .distinct()
        .order_by("username")
    )


def managed_district(*, scope: Scope) -> Region | None:
    """The district whose joint review the user manages (the first such grant)."""
    grants = scope.grants_with(Capability.REVIEW_MANAGE)
    return Region.objects.filter(pk=grants[0].region_id).first() if grants else None
