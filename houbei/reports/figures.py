"""Every figure of the dashboard, defined once as the people behind it.

A figure is a function from the report's filters to a queryset of people; its number is that
queryset's size. The dashboard, the list behind a number, its Excel export, the command line
and the API all read the same definition, so a number and its list can never disagree.

Definitions (the period is ``start``–``end``, local days, both included):
- *served*: at least one **verified** duty record of the campaign (any campaign when none is
  chosen) starting in the period.
- *Party member*: political status CPC member or probationary member.
- *stage on a day*: the newest stage decision made on or before that day; for someone placed
  without decisions (imported files), their standing if it started by then. The pool figures
  are taken on the period's last day.
- *newly absorbed*: a first-ever decision into that stage within the period (a re-entry after
  an exit counts again only if it is the first decision of its kind).
- Joint-review results count the people of batches opened in the period by their outcome on
  the period's last day (see review/results.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.campaigns.models import Campaign, PostType
from houbei.cultivation.models import Assignment, AssignmentKind
from houbei.duty.models import DutyRecord, Status
from houbei.lib.dates import add_years
from houbei.party.models import PartyTrack
from houbei.people.choices import Education, PoliticalStatus
from houbei.people.models import BackgroundCategory, Person
from houbei.pipeline.models import Nomination, Route, StageDecision
from houbei.pipeline.stages import POOL_STAGES, ExitReason, Stage
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.review.results import FAILED, Outcome
from houbei.review.selectors import subjects_opened_between
from houbei.seats.models import Appointment

FUNNEL = (
    Stage.CANDIDATE,
    Stage.VILLAGE_RESERVE,
    Stage.KEY_TARGET,
    Stage.TOWN_RESERVE,
    Stage.DISTRICT_RESERVE,
    Stage.APPOINTED,
)
PARTY = (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)
COLLEGE_OR_ABOVE = (Education.POSTGRADUATE, Education.BACHELOR, Education.JUNIOR_COLLEGE)
MIGRANT_WORKER = "migrant_returnee"
# Age bands of the standard indicators: (label, youngest, oldest) in whole years.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("≤30", 0, 30),
    ("31–35", 31, 35),
    ("36–40", 36, 40),
    ("41–45", 41, 45),
    (">45", 46, 200),
)


@dataclass(frozen=True)
class Filters:
    """What a report is about: a region in the user's scope, a campaign, a period."""

    scope: Scope
    region: Region
    campaign: Campaign | None
    start: dt.date
    end: dt.date
    # What a report computes once and several figures share.
    memo: dict[str, object] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def local_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes: from the first day's midnight to the midnight
        after the last day, in the site's time zone."""
        zone = timezone.get_current_timezone()
        first = dt.datetime.combine(self.start, dt.time(), tzinfo=zone)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        return first, after


PeopleOf = Callable[[Filters], QuerySet[Person]]


def villages_covered(region: Region) -> QuerySet[Region]:
    """Every village the region covers: those below it and those merged into one of them.
    Read through the code index: a LIKE on the joined region code, which SQLite cannot serve
    from an index, made every figure scan every person in the database (the dashboard of one
    district cost twice as much beside four others)."""
    below = Region.objects.filter(code__indexed_prefix=region.prefix, level=Level.VILLAGE).values(
        "pk"
    )
    return Region.objects.filter(Q(pk__in=below) | Q(merged_into__in=below), level=Level.VILLAGE)


def people_in(filters: Filters) -> QuerySet[Person]:
    """The people of the region (merged villages included) that the user may see."""
    return Person.objects.filter(
        filters.scope.region_q(Capability.PEOPLE_VIEW, "village__code"),
        village__in=villages_covered(filters.region).values("pk"),
    )


# --- building blocks ---------------------------------------------------------------------------


def verified_service(filters: Filters, **extra: object) -> QuerySet[DutyRecord]:
    first, after = filters.local_bounds()
    records = DutyRecord.objects.filter(
        status=Status.VERIFIED,
        starts_at__gte=first,
        starts_at__lt=after,
        **extra,
    )
    if filters.campaign is not None:
        records = records.filter(campaign=filters.campaign)
    return records


def who(rows: QuerySet[Any]) -> Q:
    """People with at least one of ``rows`` (any model with a ``person`` key).

    Written as ``id IN (SELECT person_id …)``, not a correlated EXISTS: the subquery runs
    once, where SQLite would otherwise probe the records once per person with whatever
    index it guesses (measured 300 ms against 4 ms on the demo)."""
    return Q(pk__in=rows.values("person_id"))


def served(filters: Filters, **extra: object) -> Q:
    return who(verified_service(filters, **extra))


def stage_on(day: dt.date) -> Case:
    """The stage a person held on ``day`` (None when none). A standing dated ``day`` or
    earlier is that stage: every decision moves the standing to its stage and date, and none
    may be dated before the current standing (pipeline services), so no decision of theirs
    on or before ``day`` is newer than it. Only people whose standing is newer than ``day``
    look up their latest decision on or before it — where looking it up for everyone had
    been most of each pool count (15 300 lookups, 32 of a count's 47 ms on PostgreSQL)."""
    latest = (
        StageDecision.objects.filter(person=OuterRef("pk"), decided_on__lte=day)
        .order_by("-decided_on", "-entered_at", "-id")
        .values("to_stage")[:1]
    )
    return Case(When(standing__since__lte=day, then=F("standing__stage")), default=Subquery(latest))


def with_stage(people: QuerySet[Person], day: dt.date) -> QuerySet[Person]:
    """``people`` annotated with ``stage_then``, their stage on ``day``."""
    return people.annotate(stage_then=stage_on(day))


def stage_then(*stages: Stage) -> Q:
    return Q(stage_then__in=list(stages))


def in_pool(people: QuerySet[Person], filters: Filters) -> QuerySet[Person]:
    return with_stage(people, filters.end).filter(stage_then(*POOL_STAGES))


def pool_where(condition: Q) -> PeopleOf:
    """The reserves in the pool on the period's last day who meet ``condition``."""
    return lambda f: in_pool(people_in(f), f).filter(condition)


def first_entered(stages: Iterable[Stage], filters: Filters) -> Q:
    """A first-ever decision into one of ``stages`` within the period."""
    stages = list(stages)
    in_period = StageDecision.objects.filter(
        to_stage__in=stages,
        decided_on__gte=filters.start,
        decided_on__lte=filters.end,
    )
    before = StageDecision.objects.filter(to_stage__in=stages, decided_on__lt=filters.start)
    return who(in_period) & ~who(before)


def decided_in_period(filters: Filters, **lookup: object) -> Q:
    return who(
        StageDecision.objects.filter(
            decided_on__gte=filters.start, decided_on__lte=filters.end, **lookup
        )
    )


def has_category(code: str) -> Q:
    through = Person.categories.through
    return who(through.objects.filter(backgroundcategory__code=code))


def born_between(first: dt.date, last: dt.date) -> Q:
    return Q(birth_date__gte=first, birth_date__lte=last)


def aged(youngest: int, oldest: int, on: dt.date) -> Q:
    """Whole years of age on ``on`` between ``youngest`` and ``oldest``."""
    # Age ≥ y  ⇔  born on or before the day y years earlier (civil-code rule for 29 Feb).
    return Q(birth_date__lte=add_years(on, -youngest)) & Q(
        birth_date__gt=add_years(on, -(oldest + 1))
    )


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    people: PeopleOf
    help: str | Promise = ""


@dataclass
class Section:
    key: str
    title: str | Promise
    figures: list[Figure] = field(default_factory=list)


def _in_stage(stage: Stage) -> PeopleOf:
    return lambda f: with_stage(people_in(f), f.end).filter(stage_then(stage))


def _aged(youngest: int, oldest: int) -> PeopleOf:
    return lambda f: in_pool(people_in(f), f).filter(aged(youngest, oldest, f.end))


def _served_at(post_type_id: int) -> PeopleOf:
    return lambda f: people_in(f).filter(served(f, post__post_type_id=post_type_id))


def _decided(**lookup: object) -> PeopleOf:
    return lambda f: people_in(f).filter(decided_in_period(f, **lookup))


def _headline() -> Section:
    def migrants(f: Filters) -> QuerySet[Person]:
        return people_in(f).filter(served(f), has_category(MIGRANT_WORKER))

    return Section(
        "headline",
        _("Frontline tempering: the four figures"),
        [
            Figure(
                "migrant_workers_served",
                _("Migrant workers who served on the front line"),
                migrants,
                _("Returning migrant workers with verified service in the period."),
            ),
            Figure(
                "migrant_workers_served_party_members",
                _("of whom Party members"),
                lambda f: migrants(f).filter(political_status__in=PARTY),
                _("Full and probationary members among them."),
            ),
            Figure(
                "new_village_reserves",
                _("Newly absorbed as village reserves"),
                lambda f: people_in(f).filter(first_entered([Stage.VILLAGE_RESERVE], f)),
                _("First decision into the village reserve within the period."),
            ),
            Figure(
                "district_reserves_served",
                _("District-level reserves who served"),
                lambda f: with_stage(people_in(f).filter(served(f)), f.end).filter(
                    stage_then(Stage.DISTRICT_RESERVE)
                ),
                _("District-level reserves on the last day, with verified service."),
            ),
        ],
    )


def _pool() -> Section:
    def pool(f: Filters) -> QuerySet[Person]:
        return in_pool(people_in(f), f)

    figures = [
        Figure("pool_total", _("Reserves in the pool"), pool, _("On the period's last day.")),
    ]
    # Every stage but exited (exits are counted by reason below): the pipeline funnel.
    for stage in FUNNEL:
        figures.append(
            Figure(
                f"stage_{stage.value}",
                stage.label,
                _in_stage(stage),
            )
        )
    figures.append(
        Figure(
            "pool_new",
            _("New entrants"),
            lambda f: people_in(f).filter(first_entered(POOL_STAGES, f)),
            _("First decision into the pool within the period."),
        )
    )
    figures.append(
        Figure(
            "pool_new_frontline",
            _("of whom found on the front line"),
            lambda f: people_in(f).filter(
                first_entered(POOL_STAGES, f),
                who(
                    Nomination.objects.filter(
                        Q(route=Route.FRONTLINE_TEAM) | Q(campaign__isnull=False)
                    )
                ),
            ),
            _("Nominated from a frontline team or for a campaign."),
        )
    )
    return Section("pool", _("The reserve pool"), figures)


def _composition() -> Section:
    figures = [
        Figure(
            f"pool_political_{status.value}",
            status.label,
            pool_where(Q(political_status=status)),
        )
        for status in PoliticalStatus
    ]
    figures += [
        Figure(
            f"pool_age_{index}",
            pgettext_lazy("age band", "Aged %(band)s") % {"band": band},
            _aged(youngest, oldest),
        )
        for index, (band, youngest, oldest) in enumerate(AGE_BANDS)
    ]
    figures.append(
        Figure(
            "pool_born_1990s",
            _("Born in the 1990s"),
            pool_where(born_between(dt.date(1990, 1, 1), dt.date(1999, 12, 31))),
        )
    )
    figures.append(
        Figure(
            "pool_college",
            _("Junior college or above"),
            pool_where(Q(education__in=COLLEGE_OR_ABOVE)),
        )
    )
    figures += [
        Figure(
            f"pool_education_{level.value}",
            level.label,
            pool_where(Q(education=level)),
        )
        for level in Education
    ]
    return Section("composition", _("Who the reserves are"), figures)


def _sources() -> Section:
    figures = [
        Figure(
            f"pool_source_{category.code}",
            category.name,
            pool_where(has_category(category.code)),
        )
        for category in BackgroundCategory.objects.filter(is_active=True)
    ]
    return Section("sources", _("Reserves by background"), figures)


def _frontline() -> Section:
    figures = [
        Figure(
            "served_total",
            _("People who served"),
            lambda f: people_in(f).filter(served(f)),
            _("Verified service in the period."),
        ),
        Figure(
            "served_party",
            _("of whom Party members"),
            lambda f: people_in(f).filter(served(f), political_status__in=PARTY),
        ),
        Figure(
            "served_reserves",
            _("of whom reserves"),
            lambda f: in_pool(people_in(f).filter(served(f)), f),
        ),
    ]
    figures += [
        Figure(
            f"served_post_{post_type.code}",
            post_type.name,
            _served_at(post_type.pk),
        )
        for post_type in PostType.objects.filter(is_active=True)
    ]
    return Section("frontline", _("Frontline participation"), figures)


def _use() -> Section:
    def assigned(kind: str) -> PeopleOf:
        return lambda f: people_in(f).filter(
            who(
                Assignment.objects.filter(kind=kind, started_on__gte=f.start, started_on__lte=f.end)
            )
        )

    def party_step(date_field: str) -> PeopleOf:
        return lambda f: people_in(f).filter(
            who(
                PartyTrack.objects.filter(
                    **{f"{date_field}__gte": f.start, f"{date_field}__lte": f.end}
                )
            )
        )

    figures = [
        Figure(
            "promoted_town",
            _("Promoted to the town-level pool"),
            _decided(to_stage=Stage.TOWN_RESERVE),
        ),
        Figure(
            "promoted_district",
            _("Promoted to the district-level pool"),
            _decided(to_stage=Stage.DISTRICT_RESERVE),
        ),
        Figure(
            "assigned_tough",
            _("Given urgent, difficult, dangerous or heavy tasks"),
            assigned(AssignmentKind.TOUGH_POST),
        ),
        Figure(
            "assigned_poverty",
            _("Given poverty-alleviation work"),
            assigned(AssignmentKind.POVERTY),
        ),
        Figure("party_applied", _("Applied to join the Party"), party_step("applied_on")),
        Figure("party_activist", _("Confirmed as activists"), party_step("activist_on")),
        Figure(
            "party_target",
            _("Made development targets"),
            party_step("development_target_on"),
        ),
        Figure(
            "party_probationary", _("Admitted as probationary members"), party_step("admitted_on")
        ),
        Figure(
            "party_full",
            _("Approved as full members"),
            party_step("full_member_approved_on"),
        ),
        Figure(
            "review_passed",
            _("Passed the joint review"),
            lambda f: people_in(f).filter(pk__in=review_outcomes(f)[0]),
            _("People of batches opened in the period; outcome on the last day."),
        ),
        Figure(
            "review_failed",
            _("Failed the joint review"),
            lambda f: people_in(f).filter(pk__in=review_outcomes(f)[1]),
        ),
        Figure(
            "appointed",
            _("Appointed to a seat"),
            lambda f: people_in(f).filter(
                who(Appointment.objects.filter(decided_on__gte=f.start, decided_on__lte=f.end))
            ),
        ),
    ]
    figures += [
        Figure(
            f"exited_{reason.value}",
            pgettext_lazy("exit reason", "Exited: %(reason)s") % {"reason": reason.label},
            _decided(to_stage=Stage.EXITED, exit_reason=reason),
        )
        for reason in ExitReason
    ]
    return Section("use", _("Cultivation and use"), figures)


def review_outcomes(filters: Filters) -> tuple[set[int], set[int]]:
    """(passed, failed) person ids of the batches opened in the period, on its last day."""
    # Computed in Python (results.py), once per report: both figures use it.
    if "review" not in filters.memo:
        filters.memo["review"] = _review_outcomes(filters)
    return filters.memo["review"]  # type: ignore[return-value]


def _review_outcomes(filters: Filters) -> tuple[set[int], set[int]]:
    passed: set[int] = set()
    failed: set[int] = set()
    for subject, result in subjects_opened_between(filters.start, filters.end, on=filters.end):
        if result.outcome in FAILED:
            failed.add(subject.person_id)
        elif result.outcome in (Outcome.PASSED, Outcome.EXPIRED):
            passed.add(subject.person_id)
    return passed, failed


def sections() -> list[Section]:
    """All sections in dashboard order (read afresh: categories and post types are data)."""
    return [_headline(), _pool(), _composition(), _sources(), _frontline(), _use()]


def figure(key: str) -> Figure | None:
    for section in sections():
        for candidate in section.figures:
            if candidate.key == key:
                return candidate
    return None


# --- counting ---------------------------------------------------------------------------------


@dataclass
class Breakdown:
    """Counts of one figure by the region's direct subdivisions (towns of a district,
    villages of a town); ``total`` is the whole region."""

    total: int
    by_child: dict[int, int]


def child_of_village(region: Region) -> tuple[list[Region], dict[int, int]]:
    """The region's current subdivisions, and for every village below it (merged ones
    included) the id of the subdivision it belongs to."""
    children = list(
        Region.objects.filter(parent=region, merged_into__isnull=True, valid_to__isnull=True)
        .exclude(level__gt=5)
        .order_by("code")
    )
    owner: dict[int, int] = {}
    villages = villages_covered(region).values_list("id", "code", "merged_into__code")
    for village_id, code, successor in villages:
        for child in children:
            if code.startswith(child.prefix) or (successor or "").startswith(child.prefix):
                owner[village_id] = child.pk
                break
    return children, owner


def count(figure: Figure, filters: Filters, owner: dict[int, int]) -> Breakdown:
    """One grouped query: the figure's count per village, summed per subdivision."""
    rows = (
        figure.people(filters)
        .order_by()
        .values_list("village_id")
        .annotate(n=Count("pk", distinct=True))
    )
    by_child: dict[int, int] = defaultdict(int)
    total = 0
    for village_id, n in rows:
        total += n
        if village_id in owner:
            by_child[owner[village_id]] += n
    return Breakdown(total, dict(by_child))


def frontline_summary(filters: Filters) -> dict[str, int]:
    """The article's four figures for the region: what the command line and API return."""
    headline = _headline()
    return {f.key: f.people(filters).count() for f in headline.figures}
