"""Close-relative avoidance (近亲属回避): two-committee members may not be each other's
spouse, lineal relative, collateral relative within three generations or close in-law.
Every kinship Houbei records (people.Kinship) is one of these."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from houbei.people.models import KINSHIP_CONVERSE, Kinship, Person, Relationship
from houbei.regions.models import Region
from houbei.seats.models import ROLE_BODY, TWO_COMMITTEES, Seat, Tenure


def relatives_of(person: Person) -> list[tuple[Person, Kinship]]:
    """Each recorded relative of ``person`` with what they are to ``person``."""
    return relatives_of_each([person.pk]).get(person.pk, [])


def relatives_of_each(
    person_ids: list[int],
) -> dict[int, list[tuple[Person, Kinship]]]:
    """``relatives_of`` for many people in one query: person id → relatives. A relationship
    is stored once, so it is read from either end (the converse kinship from the other)."""
    found: dict[int, list[tuple[Person, Kinship]]] = {}
    rows = Relationship.objects.filter(
        Q(person_id__in=person_ids) | Q(relative_id__in=person_ids)
    ).select_related("person", "relative")
    wanted = set(person_ids)
    for row in rows:
        if row.person_id in wanted:
            found.setdefault(row.person_id, []).append((row.relative, Kinship(row.kind)))
        if row.relative_id in wanted:
            found.setdefault(row.relative_id, []).append(
                (row.person, Kinship(KINSHIP_CONVERSE[row.kind]))
            )
    return found


def two_committee_holders(village: Region, on: dt.date) -> dict[int, Seat]:
    """Who sits on the village's two committees on ``on``: person id → seat."""
    roles = [role for role, body in ROLE_BODY.items() if body in TWO_COMMITTEES]
    tenures = Tenure.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
        seat__village=village,
        seat__role__in=roles,
        started_on__lte=on,
    ).select_related("seat__group")
    return {tenure.person_id: tenure.seat for tenure in tenures}


def sitting_relatives(
    person: Person, village: Region, on: dt.date
) -> list[tuple[Person, Kinship, Seat]]:
    holders = two_committee_holders(village, on)
    return [
        (relative, kinship, holders[relative.pk])
        for relative, kinship in relatives_of(person)
        if relative.pk in holders
    ]
