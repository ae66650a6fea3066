"""What a person's review comes to, computed from its facts on a given day — so that a pass
starts when the public notice ends and expires by itself, with no job to run.

In order: one department's fail vetoes; an upheld objection fails; any department not yet
done (or querying) keeps it in review; all passed but not published is cleared; during the
notice it is published; an objection still open holds it; otherwise it passed, valid from
the day after the notice ends (or the day an objection was dismissed, if later) for the
batch's validity, and expired after that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from houbei.lib.dates import add_months
from houbei.review.models import (
    Department,
    DepartmentVerdict,
    Objection,
    Resolution,
    ReviewSubject,
    Verdict,
)


class Outcome(models.TextChoices):
    IN_REVIEW = "in_review", _("In review")
    QUERIED = "queried", _("Queried")
    VETOED = "vetoed", _("Vetoed")
    CLEARED = "cleared", _("Cleared, not yet published")
    PUBLISHED = "published", _("In public notice")
    HELD = "held", _("Objection being looked into")
    UPHELD = "upheld", _("Failed on an objection")
    PASSED = "passed", _("Passed")
    EXPIRED = "expired", _("Pass expired")


FAILED = frozenset({Outcome.VETOED, Outcome.UPHELD})


@dataclass(frozen=True)
class VerdictFact:
    """A department's verdict as the result needs it, without the rest of the row: for
    reading the reviews of hundreds of people at once (fourteen verdicts each)."""

    department: Department
    verdict: str


@dataclass
class SubjectResult:
    outcome: Outcome
    vetoed_by: list[Department] = field(default_factory=list)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def is_valid_on(self, day: dt.date) -> bool:
        return (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_from <= day <= self.valid_until
        )


def subject_result(
    subject: ReviewSubject,
    verdicts: Iterable[DepartmentVerdict | VerdictFact],
    objections: Iterable[Objection],
    today: dt.date,
) -> SubjectResult:
    verdicts, objections = list(verdicts), list(objections)
    batch = subject.batch
    failed = [v.department for v in verdicts if v.verdict == Verdict.FAIL]
    if failed:
        return SubjectResult(Outcome.VETOED, vetoed_by=failed)
    if any(o.resolution == Resolution.UPHELD for o in objections):
        return SubjectResult(Outcome.UPHELD)
    if any(v.verdict == Verdict.PENDING for v in verdicts):
        return SubjectResult(Outcome.IN_REVIEW)
    if any(v.verdict == Verdict.QUERY for v in verdicts):
        return SubjectResult(Outcome.QUERIED)
    if batch.publication_starts_on is None or batch.publication_ends_on is None:
        return SubjectResult(Outcome.CLEARED)
    open_objection = any(o.resolution == Resolution.PENDING for o in objections)
    if today <= batch.publication_ends_on:
        return SubjectResult(Outcome.HELD if open_objection else Outcome.PUBLISHED)
    if open_objection:
        return SubjectResult(Outcome.HELD)
    dismissed = [o.resolved_on for o in objections if o.resolved_on is not None]
    valid_from = max([batch.publication_ends_on + dt.timedelta(days=1), *dismissed])
    valid_until = add_months(valid_from, batch.validity_months) - dt.timedelta(days=1)
    outcome = Outcome.PASSED if today <= valid_until else Outcome.EXPIRED
    return SubjectResult(outcome, valid_from=valid_from, valid_until=valid_until)
