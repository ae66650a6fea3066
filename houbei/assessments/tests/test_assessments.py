from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from houbei.accounts.scoping import Scope
from houbei.assessments.models import AssessmentRound, Grade, RaterGroup
from houbei.assessments.selectors import latest_results, round_results, rounds_due, rounds_visible
from houbei.assessments.services import rating_add, round_close, round_create
from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import World
from houbei.people.models import Person
from houbei.tests.factories import make_person

D = dt.date
FIVE = {"virtue": 9, "ability": 8, "diligence": 9, "achievement": 8, "integrity": 10}


@pytest.fixture
def people(world: World) -> list[Person]:
    return [make_person(world.village_a, "钟利洪"), make_person(world.village_b, "罗佳怡")]


@pytest.fixture
def town_round(world: World, people: list[Person], frozen_now: object) -> AssessmentRound:
    return round_create(
        acting_user=world.town_x_admin,
        name="2020年上半年镇级评估",
        level="town",
        region=world.town_x,
        held_on=D(2020, 2, 18),
        subjects=people,
    )


def ballot(world: World, r: AssessmentRound, person: Person, **extra: object) -> None:
    data: dict[str, object] = {
        "rater_group": RaterGroup.VILLAGER_REPS,
        "scores": FIVE,
        "grade": Grade.EXCELLENT,
        "is_anonymous": True,
    }
    data.update(extra)
    rating_add(acting_user=world.town_x_admin, assessment_round=r, subject=person, **data)


def test_anonymous_ballots_show_nothing_below_the_minimum(
    world: World, town_round: AssessmentRound, people: list[Person]
) -> None:
    person = people[0]
    for _ in range(4):
        ballot(world, town_round, person)
    result = round_results(assessment_round=town_round)[person.pk]
    assert result.overall.count == 0
    assert result.withheld == 4
    assert result.groups[0].tally.grade is None
    assert latest_results([person.pk]) == {}
    ballot(world, town_round, person)
    result = round_results(assessment_round=town_round)[person.pk]
    assert (result.overall.count, result.withheld) == (5, 0)
    assert result.overall.mean == Decimal("8.80")
    assert result.overall.score == Decimal("88.00")
    assert result.overall.grade == Grade.EXCELLENT


def test_named_ballots_show_at_once_and_results_are_by_group_and_overall(
    world: World, town_round: AssessmentRound, people: list[Person]
) -> None:
    person = people[0]
    ballot(
        world,
        town_round,
        person,
        rater_group=RaterGroup.TOWN_CADRES,
        is_anonymous=False,
        rater_name="何军",
        scores={"virtue": 6, "ability": 8},
        grade=Grade.COMPETENT,
    )
    ballot(
        world,
        town_round,
        person,
        rater_group=RaterGroup.TWO_COMMITTEES,
        is_anonymous=False,
        rater_name="李明",
        scores={"virtue": 10},
        grade=Grade.EXCELLENT,
    )
    result = round_results(assessment_round=town_round)[person.pk]
    groups = {g.group: g.tally for g in result.groups}
    assert groups[RaterGroup.TOWN_CADRES].dimension_means() == {
        "virtue": Decimal("6.00"),
        "ability": Decimal("8.00"),
    }
    assert groups[RaterGroup.TWO_COMMITTEES].mean == Decimal("10.00")
    assert result.overall.dimension_means()["virtue"] == Decimal("8.00")
    # One 优秀 and one 称职: a tie resolves to the lower grade.
    assert result.overall.grade == Grade.COMPETENT
    assert result.overall.grade_counts() == {
        "excellent": 1,
        "competent": 1,
        "basically": 0,
        "incompetent": 0,
    }


def test_a_ballot_is_checked_and_anonymous_ones_leave_no_scores_in_the_log(
    world: World, town_round: AssessmentRound, people: list[Person]
) -> None:
    with pytest.raises(ValidationError) as error:
        ballot(world, town_round, people[0], scores={"virtue": 11}, grade="great")
    assert "virtue" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ballot(world, town_round, people[0], is_anonymous=False, rater_name="", scores={})
    assert {"rater_name", "scores"} <= set(error.value.message_dict)
    ballot(world, town_round, people[0])
    event = AuditEvent.objects.get(event_type=EventType.RATING_ENTERED)
    assert event.extra_data["new"] == {
        "subject": "钟利洪",
        "rater_group": "villager_reps",
        "anonymous": True,
    }


def test_a_closed_round_takes_no_more_ballots(
    world: World, town_round: AssessmentRound, people: list[Person]
) -> None:
    round_close(acting_user=world.town_x_admin, assessment_round=town_round)
    with pytest.raises(ValidationError):
        ballot(world, town_round, people[0])


def test_a_round_belongs_to_a_region_of_its_level_and_assesses_its_people(
    world: World, people: list[Person], frozen_now: object
) -> None:
    with pytest.raises(ValidationError) as error:
        round_create(
            acting_user=world.town_x_admin,
            name="x",
            level="district",
            region=world.town_x,
            held_on=D(2020, 2, 1),
            subjects=people,
        )
    assert "region" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        round_create(
            acting_user=world.secretary_a,
            name="x",
            level="village",
            region=world.village_a,
            held_on=D(2020, 2, 1),
            subjects=people,
        )
    assert "罗佳怡" in error.value.message_dict["subjects"][0]
    with pytest.raises(PermissionDenied):
        round_create(
            acting_user=world.secretary_b,
            name="x",
            level="village",
            region=world.village_a,
            held_on=D(2020, 2, 1),
            subjects=people[:1],
        )
    with pytest.raises(PermissionDenied):
        round_create(
            acting_user=world.auditor,
            name="x",
            level="town",
            region=world.town_x,
            held_on=D(2020, 2, 1),
            subjects=people,
        )


def test_village_secretaries_see_their_towns_rounds_but_not_others(
    world: World, town_round: AssessmentRound
) -> None:
    assert list(rounds_visible(scope=Scope.for_user(world.secretary_a))) == [town_round]
    assert list(rounds_visible(scope=Scope.for_user(world.secretary_c))) == []


def test_rounds_fall_due_by_the_cadence(world: World, town_round: AssessmentRound) -> None:
    due = {
        (row.region.code, row.level): row
        for row in rounds_due(scope=Scope.for_user(world.district_admin), today=D(2020, 2, 20))
    }
    town_x = due[(world.town_x.code, "town")]
    assert (town_x.last_held_on, town_x.next_due) == (D(2020, 2, 18), D(2020, 8, 18))
    assert due[(world.town_y.code, "town")].last_held_on is None
    assert due[(world.district.code, "district")].next_due == D(2020, 2, 20)
    assert not town_x.overdue(D(2020, 8, 18))
    assert town_x.overdue(D(2020, 8, 19))
