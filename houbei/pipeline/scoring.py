"""The composite frontline score: service indicators, deeds, cultivation and assessments,
less penalties, each weighted by the newest ScoreWeights (defaults in the model).

Every score carries its breakdown — quantity × weight = points per line — so a ranking can
always be explained. Computed from the stored indicators and records on demand, for many
people at once (a handful of queries whatever their number).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from houbei.assessments.selectors import latest_results
from houbei.cultivation.models import Assignment, MentorTalk, Outcome, Training
from houbei.deeds.models import CommendationLevel
from houbei.duty.models import DutyRecord, PersonIndicator, Status
from houbei.pipeline.models import ScoreWeights

TWO_PLACES = Decimal("0.01")
COMPLETED = (Outcome.EXCELLENT, Outcome.GOOD, Outcome.PASSED)

# (key, label, the ScoreWeights field); quantities are gathered in ``scores_for``.
LINES: list[tuple[str, str | Promise, str]] = [
    ("shifts", _("Verified shifts"), "per_shift"),
    ("hours", _("Hours served"), "per_hour"),
    ("days", _("Days served"), "per_day"),
    ("longest_run", _("Longest run of days"), "per_run_day"),
    ("task_units", _("Task units"), "per_task_unit"),
    ("deeds_none", _("Deeds without commendation"), "deed_none"),
    ("deeds_village", _("Village commendations"), "deed_village"),
    ("deeds_town", _("Town commendations"), "deed_town"),
    ("deeds_district", _("District commendations"), "deed_district"),
    ("deeds_city", _("City or higher commendations"), "deed_city"),
    ("assignments", _("Tough or trial posts completed"), "per_assignment"),
    ("trainings", _("Trainings attended"), "per_training"),
    ("talks", _("Mentor talks"), "per_talk"),
    ("assessment", _("Latest assessment score"), "assessment_weight"),
    ("declined", _("Declined duty records"), "per_declined_record"),
]
PENALTIES = frozenset({"declined"})


def current_weights() -> ScoreWeights:
    """The weights in force: the newest saved row, or the defaults."""
    return ScoreWeights.objects.first() or ScoreWeights()


@dataclass(frozen=True)
class ScoreLine:
    key: str
    label: str | Promise
    quantity: Decimal
    weight: Decimal
    points: Decimal


@dataclass
class Score:
    person_id: int
    lines: list[ScoreLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal(0)).quantize(TWO_PLACES)

    def nonzero_lines(self) -> list[ScoreLine]:
        """The lines that count (a quantity with a zero weight adds nothing to explain)."""
        return [line for line in self.lines if line.points]

    def as_json(self) -> dict[str, object]:
        return {
            "total": str(self.total),
            "lines": [
                {
                    "key": line.key,
                    "quantity": str(line.quantity),
                    "weight": str(line.weight),
                    "points": str(line.points),
                }
                for line in self.nonzero_lines()
            ],
        }


def _counts(queryset: object, person_field: str) -> Counter[int]:
    rows = queryset.values(person_field).annotate(n=Count("pk")).values_list(person_field, "n")  # type: ignore[attr-defined]
    return Counter(dict(rows))


def scores_for(person_ids: Iterable[int], weights: ScoreWeights | None = None) -> dict[int, Score]:
    ids = list(person_ids)
    weights = weights or current_weights()
    quantities: dict[int, dict[str, Decimal]] = {pid: {} for pid in ids}
    for row in PersonIndicator.objects.filter(person_id__in=ids, campaign_key=0):
        values = quantities[row.person_id]
        values["shifts"] = Decimal(row.shifts)
        values["hours"] = (Decimal(row.seconds) / 3600).quantize(TWO_PLACES)
        values["days"] = Decimal(row.days)
        values["longest_run"] = Decimal(row.longest_run)
        values["task_units"] = Decimal(sum(row.tasks.values()))
        for level in CommendationLevel.values:
            values[f"deeds_{level}"] = Decimal(row.deeds.get(level, 0))
    declined = _counts(
        DutyRecord.objects.filter(person_id__in=ids, status=Status.DECLINED), "person_id"
    )
    assignments = _counts(
        Assignment.objects.filter(person_id__in=ids, outcome__in=COMPLETED), "person_id"
    )
    trainings = _counts(Training.objects.filter(person_id__in=ids), "person_id")
    talks = _counts(
        MentorTalk.objects.filter(mentorship__person_id__in=ids), "mentorship__person_id"
    )
    assessed = latest_results(ids)
    scores: dict[int, Score] = {}
    for pid in ids:
        values = quantities[pid]
        values["declined"] = Decimal(declined[pid])
        values["assignments"] = Decimal(assignments[pid])
        values["trainings"] = Decimal(trainings[pid])
        values["talks"] = Decimal(talks[pid])
        latest = assessed.get(pid)
        values["assessment"] = (
            Decimal(str(latest.score)) if latest and latest.score is not None else Decimal(0)
        )
        score = Score(pid)
        for key, label, weight_field in LINES:
            quantity = values.get(key, Decimal(0))
            weight = Decimal(getattr(weights, weight_field))
            points = (quantity * weight).quantize(TWO_PLACES, ROUND_HALF_UP)
            score.lines.append(
                ScoreLine(key, label, quantity, weight, -points if key in PENALTIES else points)
            )
        scores[pid] = score
    return scores


def line_label(key: str) -> str | Promise:
    return next((label for line_key, label, _field in LINES if line_key == key), key)


@dataclass(frozen=True)
class Ranked:
    person_id: int
    score: Score
    rank: int


def rank(scores: Iterable[Score]) -> list[Ranked]:
    """Highest first; equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(scores, key=lambda s: (-s.total, s.person_id))
    ranked: list[Ranked] = []
    for position, score in enumerate(ordered, start=1):
        if ranked and ranked[-1].score.total == score.total:
            ranked.append(Ranked(score.person_id, score, ranked[-1].rank))
        else:
            ranked.append(Ranked(score.person_id, score, position))
    return ranked
