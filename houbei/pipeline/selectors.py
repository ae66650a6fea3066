from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.people.models import Person
from houbei.pipeline.models import Nomination, Opinion, PoolTarget, StageDecision, Standing
from houbei.pipeline.scoring import Ranked, Score, rank, scores_for
from houbei.pipeline.stages import POOL_STAGES, DecidingLevel, Stage, TargetPost
from houbei.regions.codes import Level
from houbei.regions.models import Region

PERSON_VILLAGE = "person__village__code"


def standings_visible(*, scope: Scope) -> QuerySet[Standing]:
    return scope.filter(
        Standing.objects.select_related("person__village", "person__villager_group"),
        Capability.PEOPLE_VIEW,
        code_field=PERSON_VILLAGE,
    )


def pool_list(
    *, scope: Scope, stage: str = "", region: Region | None = None, target_post: str = ""
) -> QuerySet[Standing]:
    standings = standings_visible(scope=scope)
    standings = standings.filter(stage=stage) if stage else standings.exclude(stage=Stage.EXITED)
    if region is not None:
        standings = standings.filter(person__village__code__startswith=region.prefix)
    if target_post:
        standings = standings.filter(target_post=target_post)
    return standings.order_by("person__village__code", "person__name_sort")


def stage_counts(*, scope: Scope, region: Region | None = None) -> dict[str, int]:
    standings = standings_visible(scope=scope)
    if region is not None:
        standings = standings.filter(person__village__code__startswith=region.prefix)
    counts = dict(standings.values_list("stage").annotate(n=Count("pk")))
    return {stage.value: counts.get(stage.value, 0) for stage in Stage}


def standing_of(*, person: Person) -> Standing | None:
    return Standing.objects.filter(person=person).first()


def decisions_of(*, person: Person) -> QuerySet[StageDecision]:
    return (
        StageDecision.objects.filter(person=person)
        .select_related("entered_by")
        .order_by("-decided_on", "-id")
    )


def decision_get(*, scope: Scope, pk: int) -> StageDecision:
    return scope.get_visible(
        StageDecision.objects.select_related("person__village", "entered_by"),
        Capability.PEOPLE_VIEW,
        code_field=PERSON_VILLAGE,
        pk=pk,
    )


def nominations_of(*, person: Person) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(person=person)
        .select_related("team", "campaign", "nominated_by")
        .prefetch_related("deeds")
    )


def latest_opinions(*, person: Person) -> dict[str, Opinion]:
    """The newest opinion of each level (the registration form prints these)."""
    latest: dict[str, Opinion] = {}
    for opinion in Opinion.objects.filter(person=person).order_by("-given_on", "-id"):
        latest.setdefault(opinion.level, opinion)
    return {level: latest[level] for level in DecidingLevel.values if level in latest}


# --- pool targets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VillagePool:
    village: Region
    reserves: int
    secretary_reserves: int
    min_reserves: int
    min_secretary_reserves: int
    own_target: bool  # set for this village, not the default

    @property
    def below_target(self) -> bool:
        return (
            self.reserves < self.min_reserves
            or self.secretary_reserves < self.min_secretary_reserves
        )

    @property
    def missing(self) -> int:
        return max(self.min_reserves - self.reserves, 0)

    @property
    def missing_secretary(self) -> int:
        return max(self.min_secretary_reserves - self.secretary_reserves, 0)


def villages_in_scope(*, scope: Scope, region: Region | None = None) -> QuerySet[Region]:
    villages = scope.filter(
        Region.objects.filter(level=Level.VILLAGE, merged_into__isnull=True, valid_to__isnull=True),
        Capability.PEOPLE_VIEW,
        code_field="code",
    )
    if region is not None:
        villages = villages.filter(code__startswith=region.prefix)
    return villages.order_by("code")


def pool_status(*, scope: Scope, region: Region | None = None) -> list[VillagePool]:
    """Each village in scope with its reserves against its target (一职一备)."""
    villages = list(villages_in_scope(scope=scope, region=region))
    default = settings.HOUBEI_POOL_TARGET
    targets = {t.village_id: t for t in PoolTarget.objects.filter(village__in=villages)}
    # Stages are tested here, not in SQL: with a stage condition SQLite starts from the stage
    # index and reads every reserve in the database, not the villages' own (the dashboard of
    # one district took twice as long beside four others).
    reserves: Counter[int] = Counter()
    secretary: Counter[int] = Counter()
    for village_id, stage, target_post in Standing.objects.filter(
        person__village__in=villages
    ).values_list("person__village_id", "stage", "target_post"):
        if stage in POOL_STAGES:
            reserves[village_id] += 1
            if target_post == TargetPost.SECRETARY:
                secretary[village_id] += 1
    rows = []
    for village in villages:
        target = targets.get(village.pk)
        rows.append(
            VillagePool(
                village,
                reserves[village.pk],
                secretary[village.pk],
                target.min_reserves if target else default["reserves"],
                target.min_secretary_reserves if target else default["secretary"],
                target is not None,
            )
        )
    return rows


# --- ranking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankRow:
    standing: Standing
    score: Score
    rank: int


def ranking(
    *, scope: Scope, region: Region | None = None, stages: Iterable[str] = ()
) -> list[RankRow]:
    """The pool (or the given stages) in scope, by composite score, highest first."""
    standings = standings_visible(scope=scope).filter(stage__in=list(stages) or list(POOL_STAGES))
    if region is not None:
        standings = standings.filter(person__village__code__startswith=region.prefix)
    by_person = {standing.person_id: standing for standing in standings}
    scores = scores_for(by_person)
    return [RankRow(by_person[r.person_id], r.score, r.rank) for r in rank(scores.values())]


@dataclass(frozen=True)
class PlaceInRanking:
    region: Region
    rank: int
    of: int


def person_ranks(*, person: Person) -> list[PlaceInRanking]:
    """Where the person stands by score among the pool of their village, town and district
    (only the rank and the pool's size; nobody else's name)."""
    widest = person.village.ancestor_at(Level.DISTRICT) or person.village
    pool = dict(
        Standing.objects.filter(
            stage__in=POOL_STAGES, person__village__code__startswith=widest.prefix
        ).values_list("person_id", "person__village__code")
    )
    if person.pk not in pool:
        return []
    scores = scores_for(pool)  # once for the district; each level ranks its own share
    places: list[PlaceInRanking] = []
    for level in (Level.VILLAGE, Level.TOWN, Level.DISTRICT):
        region = person.village.ancestor_at(level)
        if region is None:
            continue
        ranked: list[Ranked] = rank(
            scores[pid] for pid, code in pool.items() if code.startswith(region.prefix)
        )
        mine = next(r for r in ranked if r.person_id == person.pk)
        places.append(PlaceInRanking(region, mine.rank, len(ranked)))
    return places


def deciding_district(*, scope: Scope) -> Region | None:
    """The region of the user's district-level deciding grant (the weights of the composite
    score are set there); None without one."""
    grants = scope.grants_with(Capability.DECIDE_DISTRICT)
    return Region.objects.filter(pk=grants[0].region_id).first() if grants else None
