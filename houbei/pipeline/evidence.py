"""What a decision rested on, frozen at the moment it was taken.

A stage decision (and a nomination) stores this snapshot as JSON: later shifts, corrected
records or new ratings change the person's live profile, never what the deciders saw.
Names are stored as they were (a renamed campaign stays under its old name here) and the
snapshot is rendered from itself alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from houbei.assessments.selectors import person_assessments
from houbei.cultivation.models import Assignment, MentorTalk, Training
from houbei.deeds.models import Deed
from houbei.duty.models import PersonIndicator, TaskKind
from houbei.people.models import Person
from houbei.pipeline.scoring import scores_for

SNAPSHOT_VERSION = 1


def _indicator(row: PersonIndicator, kinds: dict[str, TaskKind]) -> dict[str, Any]:
    return {
        "campaign": row.campaign.name if row.campaign else None,
        "hours": round(row.seconds / 3600, 1),
        "shifts": row.shifts,
        "days": row.days,
        "longest_run": row.longest_run,
        "first_day": row.first_day.isoformat() if row.first_day else None,
        "last_day": row.last_day.isoformat() if row.last_day else None,
        "tasks": [
            {
                "code": code,
                "name": kinds[code].name if code in kinds else code,
                "name_en": kinds[code].name_en if code in kinds else "",
                "count": count,
            }
            for code, count in sorted(row.tasks.items())
        ],
        "deeds": dict(row.deeds),
    }


def _deeds(deeds: Iterable[Deed]) -> list[dict[str, Any]]:
    return [
        {
            "id": deed.pk,
            "date": deed.date.isoformat(),
            "title": deed.title,
            "level": deed.level,
            "campaign": deed.campaign.name if deed.campaign else None,
        }
        for deed in deeds
    ]


def snapshot(person: Person, *, cited_deeds: Iterable[Deed] | None = None) -> dict[str, Any]:
    """The person's frontline record, cultivation, assessments and score right now.
    ``cited_deeds``: only these deeds (a nomination cites some); otherwise all of them."""
    kinds = {kind.code: kind for kind in TaskKind.objects.all()}
    rows = list(
        PersonIndicator.objects.filter(person=person)
        .select_related("campaign")
        .order_by("campaign_key")
    )
    deeds = (
        list(cited_deeds)
        if cited_deeds is not None
        else list(
            Deed.objects.filter(person=person).select_related("campaign").order_by("-date", "-id")
        )
    )
    assessments = [
        {
            "round": item.assessment_round.name,
            "level": item.assessment_round.level,
            "held_on": item.assessment_round.held_on.isoformat(),
            "ballots": item.result.overall.count if item.result else 0,
            "withheld": item.result.withheld if item.result else 0,
            "score": str(item.result.overall.score)
            if item.result and item.result.overall.score is not None
            else None,
            "grade": item.result.overall.grade if item.result else None,
        }
        for item in person_assessments(person=person)
    ]
    assignments = [
        {
            "kind": a.kind,
            "title": a.title,
            "place": a.place,
            "started_on": a.started_on.isoformat(),
            "ended_on": a.ended_on.isoformat() if a.ended_on else None,
            "outcome": a.outcome,
        }
        for a in Assignment.objects.filter(person=person).order_by("-started_on", "-id")
    ]
    score = scores_for([person.pk])[person.pk]
    return {
        "version": SNAPSHOT_VERSION,
        "taken_at": timezone.now().isoformat(),
        "overall": next((_indicator(r, kinds) for r in rows if r.campaign_key == 0), None),
        "campaigns": [_indicator(r, kinds) for r in rows if r.campaign_key],
        "deeds": _deeds(deeds),
        "assessments": assessments,
        "assignments": assignments,
        "trainings": Training.objects.filter(person=person).count(),
        "talks": MentorTalk.objects.filter(mentorship__person=person).count(),
        "score": score.as_json(),
    }
