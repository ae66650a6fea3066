"""Who to recommend for a vacancy, in order, and why — and why not.

Eligible: a reserve in a pool covering the village (a village reserve or key cultivation
target of the village itself, a town-level reserve of its town, a district-level reserve
of its district), with a joint-review pass valid on the day, no close relative on the
village's two committees (two-committee seats), not holding a seat of the same body, and
meeting the age, education and residence rules (settings.HOUBEI_RECOMMENDATION_RULES).

Ranked by the composite frontline score; ties broken by living in the village, then hours
served on the front line, then Party membership, then name. Every rank and every exclusion
comes with its reasons in plain words.

Only reserves who have been through a joint review (any batch, any outcome) are weighed one
by one. The rest of the pools — most of a district's thousands — share one reason (nobody
takes office without a pass) and are counted by pool, with a link to their list: the work
grows with the people the district has reviewed, not with the size of its pools.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.duty.models import PersonIndicator
from houbei.lib.dates import age_on
from houbei.people.choices import Education, PoliticalStatus
from houbei.people.models import Person
from houbei.pipeline.models import Standing
from houbei.pipeline.scoring import Score, scores_for
from houbei.pipeline.stages import Stage
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.review.models import ReviewSubject
from houbei.review.results import Outcome
from houbei.review.selectors import PersonReview, latest_reviews
from houbei.seats.models import ROLE_BODY, TWO_COMMITTEES, Seat, Tenure, Vacancy
from houbei.seats.relatives import relatives_of_each, two_committee_holders

# From the highest; a rule names the lowest accepted.
EDUCATION_ORDER = [
    Education.POSTGRADUATE,
    Education.BACHELOR,
    Education.JUNIOR_COLLEGE,
    Education.SECONDARY_VOCATIONAL,
    Education.HIGH_SCHOOL,
    Education.JUNIOR_HIGH,
    Education.PRIMARY,
]
# 中专 and 高中 are the same level.
_EDUCATION_LEVEL = {
    Education.POSTGRADUATE: 5,
    Education.BACHELOR: 4,
    Education.JUNIOR_COLLEGE: 3,
    Education.SECONDARY_VOCATIONAL: 2,
    Education.HIGH_SCHOOL: 2,
    Education.JUNIOR_HIGH: 1,
    Education.PRIMARY: 0,
}
PARTY = (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)


@dataclass
class Candidate:
    person: Person
    standing: Standing
    score: Score
    hours: Decimal
    lives_here: bool
    party_member: bool
    review: PersonReview | None
    reasons: list[str] = field(default_factory=list)


@dataclass
class RankedRow:
    rank: int
    candidate: Candidate
    explanation: list[str]

    @property
    def person(self) -> Person:
        return self.candidate.person


@dataclass(frozen=True)
class Unreviewed:
    """Reserves of one pool covering the village who have never been through a joint review."""

    stage: Stage
    region: Region  # whose pool: the village, its town or its district
    count: int

    @property
    def label(self) -> str:
        return f"{self.region.name} · {self.stage.label}"


@dataclass
class Shortlist:
    vacancy: Vacancy
    on: dt.date
    ranked: list[RankedRow]
    excluded: list[Candidate]
    unreviewed: list[Unreviewed] = field(default_factory=list)

    @property
    def unreviewed_count(self) -> int:
        return sum(group.count for group in self.unreviewed)


def pool_q(village: Region) -> Q:
    """Standings in a pool covering ``village``."""
    town = village.ancestor_at(Level.TOWN)
    district = village.ancestor_at(Level.DISTRICT)
    village_ids = [village.pk, *village.merged_regions.values_list("pk", flat=True)]
    condition = Q(
        stage__in=[Stage.VILLAGE_RESERVE, Stage.KEY_TARGET], person__village_id__in=village_ids
    )
    if town is not None:
        condition |= Q(stage=Stage.TOWN_RESERVE, person__village__code__startswith=town.prefix)
    if district is not None:
        condition |= Q(
            stage=Stage.DISTRICT_RESERVE, person__village__code__startswith=district.prefix
        )
    return condition


def _review_reason(review: PersonReview | None, on: dt.date) -> str:
    if review is None:
        return _("has not been through the joint review")
    result, batch = review.result, review.subject.batch
    if result.outcome in (Outcome.VETOED, Outcome.UPHELD):
        return _("did not pass the joint review (%(batch)s)") % {"batch": batch.name}
    if result.outcome == Outcome.EXPIRED or (result.valid_until and result.valid_until < on):
        return _("the joint-review pass expired on %(date)s") % {"date": result.valid_until}
    if result.outcome in (Outcome.PUBLISHED, Outcome.HELD):
        return _("the joint review is in public notice (%(batch)s)") % {"batch": batch.name}
    return _("the joint review is not finished (%(batch)s)") % {"batch": batch.name}


def _rules_reasons(person: Person, on: dt.date, lives_here: bool) -> list[str]:
    rules = settings.HOUBEI_RECOMMENDATION_RULES
    reasons = []
    age = age_on(person.birth_date, on)
    if age < int(rules["min_age"]):  # type: ignore[call-overload]
        reasons.append(_("is %(age)s, under %(limit)s") % {"age": age, "limit": rules["min_age"]})
    if age > int(rules["max_age"]):  # type: ignore[call-overload]
        reasons.append(
            _("is %(age)s, above the age limit of %(limit)s")
            % {"age": age, "limit": rules["max_age"]}
        )
    lowest = rules.get("min_education")
    if lowest:
        needed = _EDUCATION_LEVEL[Education(str(lowest))]
        if not person.education:
            reasons.append(
                _("education not recorded (at least %(level)s needed)")
                % {"level": Education(str(lowest)).label}
            )
        elif _EDUCATION_LEVEL[Education(person.education)] < needed:
            reasons.append(
                _("education %(has)s, below %(level)s")
                % {"has": person.get_education_display(), "level": Education(str(lowest)).label}
            )
    if rules.get("require_residence") and not lives_here:
        reasons.append(_("does not live in the village"))
    return reasons


def recommend(*, vacancy: Vacancy, on: dt.date | None = None) -> Shortlist:
    day = on or timezone.localdate()
    seat: Seat = vacancy.seat
    village = seat.village
    pool = Standing.objects.filter(pool_q(village))
    reviewed = Exists(ReviewSubject.objects.filter(person_id=OuterRef("person_id")))
    standings = list(
        pool.filter(reviewed).select_related("person__village").order_by("person__name_sort")
    )
    ids = [s.person_id for s in standings]
    scores = scores_for(ids)
    reviews = latest_reviews(ids, day)
    hours = dict(
        PersonIndicator.objects.filter(person_id__in=ids, campaign_key=0).values_list(
            "person_id", "seconds"
        )
    )
    holders = two_committee_holders(village, day)
    relatives = relatives_of_each(ids) if seat.body in TWO_COMMITTEES else {}
    same_body_roles = [role for role, body in ROLE_BODY.items() if body == seat.body]
    seated = dict(
        Tenure.objects.filter(
            person_id__in=ids, ended_on__isnull=True, seat__role__in=same_body_roles
        )
        .select_related("seat")
        .values_list("person_id", "seat__role")
    )
    eligible: list[Candidate] = []
    excluded: list[Candidate] = []
    for standing in standings:
        person = standing.person
        lives_here = person.lives_in_village and (
            person.village_id == village.pk or person.village.merged_into_id == village.pk
        )
        candidate = Candidate(
            person=person,
            standing=standing,
            score=scores[person.pk],
            hours=(Decimal(hours.get(person.pk, 0)) / 3600).quantize(Decimal("0.1")),
            lives_here=lives_here,
            party_member=person.political_status in PARTY,
            review=reviews.get(person.pk),
        )
        review = candidate.review
        if review is None or not review.result.is_valid_on(day):
            candidate.reasons.append(_review_reason(review, day))
        for relative, kinship in relatives.get(person.pk, []):
            if relative.pk in holders:
                candidate.reasons.append(
                    _("close-relative avoidance: %(kinship)s %(relative)s holds %(seat)s")
                    % {
                        "kinship": kinship.label,
                        "relative": relative.name,
                        "seat": holders[relative.pk],
                    }
                )
        if person.pk in seated:
            candidate.reasons.append(_("already holds a seat of the same body"))
        candidate.reasons.extend(_rules_reasons(person, day, lives_here))
        (excluded if candidate.reasons else eligible).append(candidate)
    eligible.sort(key=_order)
    unreviewed = _unreviewed(pool, standings, village)
    return Shortlist(vacancy, day, _ranked(eligible), excluded, unreviewed)


def _unreviewed(
    pool: QuerySet[Standing], reviewed: list[Standing], village: Region
) -> list[Unreviewed]:
    """The pool's members counted by stage in one query, less the ``reviewed`` ones already
    read (cheaper than asking the database which have no review: no probe a member)."""
    counts = Counter(
        dict(pool.order_by().values("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    )
    counts.subtract(standing.stage for standing in reviewed)
    owners = {
        Stage.VILLAGE_RESERVE: village,
        Stage.KEY_TARGET: village,
        Stage.TOWN_RESERVE: village.ancestor_at(Level.TOWN),
        Stage.DISTRICT_RESERVE: village.ancestor_at(Level.DISTRICT),
    }
    return [
        Unreviewed(stage, region, counts[stage])
        for stage, region in owners.items()
        if region is not None and counts.get(stage)
    ]


def _order(c: Candidate) -> tuple[object, ...]:
    return (-c.score.total, not c.lives_here, -c.hours, not c.party_member, c.person.name_sort)


def _tie_break(ahead: Candidate, behind: Candidate) -> str:
    if ahead.lives_here != behind.lives_here:
        return _("%(name)s lives in the village") % {"name": ahead.person.name}
    if ahead.hours != behind.hours:
        return _("%(name)s served more hours on the front line (%(ahead)s against %(behind)s)") % {
            "name": ahead.person.name,
            "ahead": ahead.hours,
            "behind": behind.hours,
        }
    if ahead.party_member != behind.party_member:
        return _("%(name)s is a Party member") % {"name": ahead.person.name}
    return _("equal on every count; by name")


def _ranked(eligible: list[Candidate]) -> list[RankedRow]:
    rows: list[RankedRow] = []
    for position, candidate in enumerate(eligible, start=1):
        lines: list[str] = []
        if position == 1:
            lines.append(
                _("Highest composite frontline score, %(score)s, of the %(n)s eligible.")
                % {"score": candidate.score.total, "n": len(eligible)}
            )
        else:
            ahead = eligible[position - 2]
            if ahead.score.total > candidate.score.total:
                lines.append(
                    _("Score %(score)s, below %(ahead)s of %(name)s (No. %(rank)s).")
                    % {
                        "score": candidate.score.total,
                        "ahead": ahead.score.total,
                        "name": ahead.person.name,
                        "rank": position - 1,
                    }
                )
            else:
                lines.append(
                    _(
                        "Same score as %(name)s (No. %(rank)s), %(score)s; "
                        "after them because %(why)s."
                    )
                    % {
                        "name": ahead.person.name,
                        "rank": position - 1,
                        "score": candidate.score.total,
                        "why": _tie_break(ahead, candidate),
                    }
                )
        lines.append(_describe(candidate))
        rows.append(RankedRow(position, candidate, lines))
    return rows


def _describe(candidate: Candidate) -> str:
    review = candidate.review
    parts = [
        str(Stage(candidate.standing.stage).label),
        _("lives in the village") if candidate.lives_here else _("lives elsewhere"),
        _("%(hours)s hours on the front line") % {"hours": candidate.hours},
    ]
    if candidate.party_member:
        parts.append(str(candidate.person.get_political_status_display()))
    if review is not None and review.result.valid_until:
        parts.append(
            _("joint-review pass valid until %(date)s") % {"date": review.result.valid_until}
        )
    return " · ".join(parts)
