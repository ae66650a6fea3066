from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q, QuerySet

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope, get_or_404
from houbei.assessments.models import AssessmentRound, Rating
from houbei.assessments.results import PersonResult, results
from houbei.assessments.services import ROUND_LEVEL_REGION
from houbei.lib.dates import add_months
from houbei.people.models import Person
from houbei.pipeline.stages import DecidingLevel, Stage
from houbei.regions.models import Region

LEVEL_OF_REGION = {value: key for key, value in ROUND_LEVEL_REGION.items()}


def regions_to_assess(*, scope: Scope) -> QuerySet[Region]:
    """Current villages, towns and districts where the user may hold a round."""
    return scope.filter(
        Region.objects.filter(
            level__in=list(LEVEL_OF_REGION), merged_into__isnull=True, valid_to__isnull=True
        ),
        Capability.ASSESS,
        code_field="code",
    ).order_by("code")


def people_to_assess(*, scope: Scope, region: Region | None) -> QuerySet[Person]:
    """Everyone in the pipeline of ``region`` (candidates included, the exited not)."""
    if region is None:
        return Person.objects.none()
    people = (
        Person.objects.filter(village__code__startswith=region.prefix, standing__isnull=False)
        .exclude(standing__stage=Stage.EXITED)
        .select_related("village")
        .order_by("village__code", "name_sort")
    )
    return scope.filter(people, Capability.PEOPLE_VIEW, code_field="village__code")


def rounds_visible(*, scope: Scope) -> QuerySet[AssessmentRound]:
    """Rounds of the user's regions, and of the town and district above them (whose rounds
    assess the user's people too; only those people are shown in them)."""
    condition = scope.region_q(Capability.PEOPLE_VIEW, "region__code") | Q(
        region__code__in=scope.ancestor_codes(Capability.PEOPLE_VIEW)
    )
    return AssessmentRound.objects.filter(condition).select_related("region")


def round_get(*, scope: Scope, pk: int) -> AssessmentRound:
    return get_or_404(rounds_visible(scope=scope), pk=pk)


def may_assess(*, scope: Scope, assessment_round: AssessmentRound) -> bool:
    return scope.covers(assessment_round.region, Capability.ASSESS)


def subjects_visible(*, scope: Scope, assessment_round: AssessmentRound) -> QuerySet[Person]:
    return scope.filter(
        assessment_round.subjects.select_related("village"),
        Capability.PEOPLE_VIEW,
        code_field="village__code",
    ).order_by("name_sort")


def round_results(*, assessment_round: AssessmentRound) -> dict[int, PersonResult]:
    return results(
        assessment_round.ratings.all(), min_anonymous=assessment_round.min_anonymous_raters
    )


@dataclass(frozen=True)
class PersonRound:
    assessment_round: AssessmentRound
    result: PersonResult | None


def person_assessments(*, person: Person) -> list[PersonRound]:
    """Every round that assessed ``person``, newest first, with the person's result (the
    caller has been allowed to see the person)."""
    rounds = list(
        AssessmentRound.objects.filter(subjects=person)
        .select_related("region")
        .order_by("-held_on", "-id")
    )
    ratings: dict[int, list[Rating]] = defaultdict(list)
    for rating in Rating.objects.filter(subject=person, round__in=rounds):
        ratings[rating.round_id].append(rating)
    output = []
    for assessment_round in rounds:
        by_person = results(
            ratings[assessment_round.pk], min_anonymous=assessment_round.min_anonymous_raters
        )
        output.append(PersonRound(assessment_round, by_person.get(person.pk)))
    return output


@dataclass(frozen=True)
class LatestResult:
    round_name: str
    held_on: dt.date
    level: str
    ballots: int
    score: object  # Decimal | None
    grade: str | None


def latest_results(person_ids: Iterable[int]) -> dict[int, LatestResult]:
    """Each person's most recent round with a shown result."""
    ids = list(person_ids)
    ratings = (
        Rating.objects.filter(subject_id__in=ids)
        .select_related("round")
        .order_by("subject_id", "-round__held_on", "-round_id")
    )
    grouped: dict[int, dict[int, list[Rating]]] = defaultdict(dict)
    for rating in ratings:
        grouped[rating.subject_id].setdefault(rating.round_id, []).append(rating)
    latest: dict[int, LatestResult] = {}
    for person_id, by_round in grouped.items():
        for ballots in by_round.values():  # newest round first
            assessment_round = ballots[0].round
            result = results(ballots, min_anonymous=assessment_round.min_anonymous_raters)[
                person_id
            ]
            if result.overall.count:
                latest[person_id] = LatestResult(
                    assessment_round.name,
                    assessment_round.held_on,
                    assessment_round.level,
                    result.overall.count,
                    result.overall.score,
                    result.overall.grade,
                )
                break
    return latest


@dataclass(frozen=True)
class RoundDue:
    region: Region
    level: DecidingLevel
    last_held_on: dt.date | None
    next_due: dt.date | None

    def overdue(self, today: dt.date) -> bool:
        return self.next_due is not None and self.next_due < today


def rounds_due(*, scope: Scope, today: dt.date) -> list[RoundDue]:
    """For each town and district the user assesses: the last round at that level and when
    the next is due by the configured cadence (a town every six months, the district every
    year by default)."""
    cadence: dict[str, int | None] = settings.HOUBEI_ASSESSMENT_CADENCE_MONTHS
    rows: list[RoundDue] = []
    for level, months in cadence.items():
        if not months:
            continue
        region_level = ROUND_LEVEL_REGION[DecidingLevel(level)]
        regions = scope.filter(
            Region.objects.filter(
                level=region_level, merged_into__isnull=True, valid_to__isnull=True
            ),
            Capability.ASSESS,
            code_field="code",
        ).order_by("code")
        held = dict(
            AssessmentRound.objects.filter(level=level, region__in=regions)
            .values_list("region_id")
            .annotate(last=Max("held_on"))
        )
        for region in regions:
            last = held.get(region.pk)
            rows.append(
                RoundDue(
                    region, DecidingLevel(level), last, add_months(last, months) if last else today
                )
            )
    return rows
