from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.party.models import PartyTrack
from houbei.party.rules import Clock, Urgency, clock, qualifies_for_next_step
from houbei.people.models import Person
from houbei.pipeline.stages import POOL_STAGES
from houbei.regions.models import Region


def track_of(*, person: Person) -> PartyTrack | None:
    """The person's track (the caller has been allowed to see the person)."""
    return PartyTrack.objects.filter(person=person).first()


def tracks_visible(*, scope: Scope) -> QuerySet[PartyTrack]:
    return scope.filter(
        PartyTrack.objects.select_related("person__village", "person__standing"),
        Capability.PEOPLE_VIEW,
        code_field="person__village__code",
    )


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class DueItem:
    track: PartyTrack
    clock: Clock
    urgency: Urgency
    priority: bool  # a reserve in the pool who qualifies now (优先发展)

    @property
    def person(self) -> Person:
        return self.track.person


_URGENCY_ORDER = {Urgency.OVERDUE: 0, Urgency.DUE: 1, Urgency.BLOCKED: 2, Urgency.LATER: 3}


def is_priority(track: PartyTrack, today: dt.date) -> bool:
    standing = getattr(track.person, "standing", None)
    in_pool = standing is not None and standing.stage in POOL_STAGES
    return in_pool and qualifies_for_next_step(track, today)


def due_items(*, scope: Scope, today: dt.date, region: Region | None = None) -> list[DueItem]:
    """Every track in scope whose next step opens or falls due by the end of this month,
    overdue first. ``region``: only people of that region's subtree."""
    tracks = tracks_visible(scope=scope).filter(full_member_approved_on__isnull=True)
    if region is not None:
        tracks = tracks.filter(person__village__code__startswith=region.prefix)
    horizon = month_end(today)
    items: list[DueItem] = []
    for track in tracks:
        next_step = clock(track, today)
        if next_step is None or not next_step.falls_by(horizon):
            continue
        items.append(DueItem(track, next_step, next_step.urgency(today), is_priority(track, today)))
    items.sort(
        key=lambda item: (
            _URGENCY_ORDER[item.urgency],
            item.clock.due or item.clock.earliest or today,
            item.person.name_sort,
        )
    )
    return items


def due_counts_by_village(items: list[DueItem]) -> list[tuple[Region, Counter[str]]]:
    """The due list summed per village (for a town's or the district's overview)."""
    counts: dict[int, Counter[str]] = {}
    villages: dict[int, Region] = {}
    for item in items:
        village = item.person.village
        villages[village.pk] = village
        counts.setdefault(village.pk, Counter())[item.urgency] += 1
    return [(villages[pk], counts[pk]) for pk in sorted(villages, key=lambda pk: villages[pk].code)]
