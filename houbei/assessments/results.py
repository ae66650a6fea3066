"""Results of an assessment round, by rater group and overall.

Anonymous democratic ballots (民主测评) are withheld until at least the round's minimum of
them has been entered for the person in that group: a result from two ballots would tell
who voted how. Named ballots are always shown. A tie between grades resolves to the lower
one, so a split vote never flatters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from houbei.assessments.models import GRADE_ORDER, Dimension, Grade, RaterGroup, Rating

TWO_PLACES = Decimal("0.01")


def _mean(values: Sequence[Decimal | int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(TWO_PLACES, ROUND_HALF_UP)


def ballot_mean(scores: dict[str, int]) -> Decimal | None:
    return _mean([value for key, value in scores.items() if key in Dimension.values])


@dataclass
class Tally:
    """Ballots counted together: a rater group, or every shown ballot of a person."""

    ballots: list[Rating] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.ballots)

    def dimension_means(self) -> dict[str, Decimal]:
        means: dict[str, Decimal] = {}
        for dimension in Dimension.values:
            values = [b.scores[dimension] for b in self.ballots if dimension in b.scores]
            mean = _mean(values)
            if mean is not None:
                means[dimension] = mean
        return means

    @property
    def mean(self) -> Decimal | None:
        """Mean of the ballots' means, 0–10."""
        return _mean([m for m in (ballot_mean(b.scores) for b in self.ballots) if m is not None])

    @property
    def score(self) -> Decimal | None:
        """The mean on a 0–100 scale."""
        mean = self.mean
        return None if mean is None else (mean * 10).quantize(TWO_PLACES)

    def grade_counts(self) -> dict[str, int]:
        counts = Counter(b.grade for b in self.ballots)
        return {grade.value: counts.get(grade.value, 0) for grade in GRADE_ORDER}

    @property
    def grade(self) -> Grade | None:
        counts = Counter(b.grade for b in self.ballots)
        if not counts:
            return None
        top = max(counts.values())
        return [grade for grade in GRADE_ORDER if counts.get(grade.value) == top][-1]


@dataclass
class GroupResult:
    group: RaterGroup
    tally: Tally
    withheld: int  # anonymous ballots not shown yet (fewer than the minimum)


@dataclass
class PersonResult:
    person_id: int
    groups: list[GroupResult]
    overall: Tally

    @property
    def withheld(self) -> int:
        return sum(group.withheld for group in self.groups)


def results(ratings: Iterable[Rating], *, min_anonymous: int) -> dict[int, PersonResult]:
    """Each person's result in one round, from that round's ratings."""
    by_person: dict[int, dict[str, list[Rating]]] = {}
    for rating in ratings:
        by_person.setdefault(rating.subject_id, {}).setdefault(rating.rater_group, []).append(
            rating
        )
    output: dict[int, PersonResult] = {}
    for person_id, groups in by_person.items():
        group_results: list[GroupResult] = []
        overall = Tally()
        for group in RaterGroup:
            ballots = groups.get(group.value, [])
            if not ballots:
                continue
            anonymous = [b for b in ballots if b.is_anonymous]
            shown = [b for b in ballots if not b.is_anonymous]
            withheld = 0
            if len(anonymous) >= min_anonymous:
                shown += anonymous
            else:
                withheld = len(anonymous)
            group_results.append(GroupResult(group, Tally(shown), withheld))
            overall.ballots.extend(shown)
        output[person_id] = PersonResult(person_id, group_results, overall)
    return output
