"""The registration form (村级后备力量登记表): what it prints of one person, and of a whole
village or town at once (the batch PDF).

Callers have already been allowed to see the people: one person comes from ``person_get``,
a batch from ``pool_dossiers`` (the pool in the request's scope). A form costs a constant
number of queries per person (the per-person selectors of the other apps); the composite
scores of each district's pool are computed once for every form of a request.
``BATCH_LIMIT`` bounds the work of one request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from houbei.accounts.scoping import Scope
from houbei.assessments.selectors import person_assessments
from houbei.cultivation.selectors import assignments_of, mentorships_of, trainings_of
from houbei.deeds.selectors import deeds_of
from houbei.duty.selectors import person_indicators
from houbei.party.selectors import track_of
from houbei.people.models import Person
from houbei.pipeline.models import Standing
from houbei.pipeline.scoring import Ranked, Score, rank, scores_for
from houbei.pipeline.selectors import (
    PlaceInRanking,
    decisions_of,
    latest_opinions,
    nominations_of,
    pool_list,
    standing_of,
)
from houbei.pipeline.stages import POOL_STAGES, DecidingLevel, Stage
from houbei.regions.codes import Level, code_prefix
from houbei.regions.models import Region

# A form costs about 60 ms to read and set (WeasyPrint): 300 forms take some 20 s, well
# inside the server's timeout (``houbei serve --timeout``, 60 s).
BATCH_LIMIT = 300


class PoolPlaces:
    """Composite scores, and ranks by score in the pools of a person's village, town and
    district, for any number of people: each district's pool is scored once and each region
    ranked once (``selectors.person_ranks`` answers the same for a single person)."""

    def __init__(self) -> None:
        self._regions: dict[str, Region | None] = {}  # prefix → the region at that level
        self._pools: dict[str, dict[int, str]] = {}  # district prefix → person → village code
        self._scores: dict[str, dict[int, Score]] = {}
        self._ranked: dict[str, list[Ranked]] = {}  # region prefix → its pool, ranked

    def _ancestor(self, village: Region, level: Level) -> Region | None:
        prefix = code_prefix(village.code, level)
        if prefix not in self._regions:
            self._regions[prefix] = village.ancestor_at(level)
        return self._regions[prefix]

    def _pool(self, village: Region) -> tuple[dict[int, str], dict[int, Score]]:
        widest = self._ancestor(village, Level.DISTRICT) or village
        if widest.prefix not in self._pools:
            pool = dict(
                Standing.objects.filter(
                    stage__in=POOL_STAGES, person__village__code__startswith=widest.prefix
                ).values_list("person_id", "person__village__code")
            )
            self._pools[widest.prefix] = pool
            self._scores[widest.prefix] = scores_for(pool)
        return self._pools[widest.prefix], self._scores[widest.prefix]

    def score(self, person: Person) -> Score:
        _, scores = self._pool(person.village)
        return scores.get(person.pk) or scores_for([person.pk])[person.pk]

    def places(self, person: Person) -> list[PlaceInRanking]:
        pool, scores = self._pool(person.village)
        if person.pk not in pool:
            return []
        places: list[PlaceInRanking] = []
        for level in (Level.VILLAGE, Level.TOWN, Level.DISTRICT):
            region = self._ancestor(person.village, level)
            if region is None:
                continue
            if region.prefix not in self._ranked:
                self._ranked[region.prefix] = rank(
                    scores[pid] for pid, code in pool.items() if code.startswith(region.prefix)
                )
            ranked = self._ranked[region.prefix]
            mine = next(r for r in ranked if r.person_id == person.pk)
            places.append(PlaceInRanking(region, mine.rank, len(ranked)))
        return places


def dossier_context(
    person: Person,
    *,
    today: dt.date,
    photo_src: str,
    places: PoolPlaces | None = None,
    standing: Standing | None = None,
) -> dict[str, Any]:
    """What ``pipeline/_dossier_table.html`` prints of ``person``. ``photo_src`` is the
    photo's URL on a web page, a ``data:`` URI in a PDF, "" without a photo; ``standing``
    may be passed when already loaded."""
    places = places or PoolPlaces()
    standing = standing or standing_of(person=person)
    decisions = list(decisions_of(person=person))  # newest first
    entered = [d for d in decisions if d.to_stage == Stage.VILLAGE_RESERVE]
    indicators = person_indicators(person=person)  # overall first, then per campaign
    return {
        "person": person,
        "photo_src": photo_src,
        "standing": standing,
        "track": track_of(person=person),
        "decisions": decisions,
        "entered_pool_on": entered[-1].decided_on if entered else None,
        # prefetch_related(None): the form prints neither cited deeds nor talks.
        "nomination": nominations_of(person=person).prefetch_related(None).first(),
        "mentorships": list(mentorships_of(person=person).prefetch_related(None)),
        "assignments": list(assignments_of(person=person)),
        "trainings": list(trainings_of(person=person)),
        "assessments": person_assessments(person=person),
        "opinions": latest_opinions(person=person),
        "levels": list(DecidingLevel),
        "overall": next((row for row in indicators if row.campaign_key == 0), None),
        "indicators": indicators,
        "deeds": list(deeds_of(person=person).prefetch_related(None)),
        "score": places.score(person),
        "ranks": places.places(person) if standing and standing.stage in POOL_STAGES else [],
        "today": today,
    }


def pool_dossiers(*, scope: Scope, region: Region) -> QuerySet[Standing]:
    """The reserves (pool stages) of ``region`` in the scope, by village then name, with
    what every form prints of the person loaded along."""
    return (
        pool_list(scope=scope, region=region)
        .filter(stage__in=POOL_STAGES)
        .select_related("person__village__parent")
        .prefetch_related("person__categories")
    )
