from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from houbei.accounts.scoping import Scope
from houbei.conftest import Frontline, World, merge_village
from houbei.cultivation.models import AssignmentKind, Outcome
from houbei.cultivation.services import assignment_add, mentorship_add, talk_add, training_add
from houbei.deeds.models import CommendationLevel
from houbei.deeds.services import deed_create
from houbei.duty.services.records import DutyInput, duty_record_create, duty_record_decline
from houbei.pipeline.models import PoolTarget, ScoreWeights, Stage, TargetPost
from houbei.pipeline.scoring import scores_for
from houbei.pipeline.selectors import person_ranks, pool_status, ranking
from houbei.pipeline.services import pool_target_set, weights_set
from houbei.pipeline.tests.conftest import place, serve
from houbei.tests.factories import make_person

D = dt.date


def test_villages_below_target_are_listed_with_what_is_missing(
    world: World, frozen_now: object
) -> None:
    merge_village(world)
    first = make_person(world.village_a, "钟利洪")
    place(first, Stage.VILLAGE_RESERVE)
    second = make_person(world.village_a, "罗佳怡")
    standing = place(second, Stage.TOWN_RESERVE)
    standing.target_post = TargetPost.SECRETARY
    standing.save()
    place(make_person(world.village_b, "李明"), Stage.CANDIDATE)  # a candidate is not yet a reserve
    rows = {row.village.code: row for row in pool_status(scope=Scope.for_user(world.town_x_admin))}
    assert set(rows) == {world.village_a.code, world.village_b.code}  # merged 岩湾村 is not listed
    a, b = rows[world.village_a.code], rows[world.village_b.code]
    assert (a.reserves, a.secretary_reserves, a.below_target) == (2, 1, False)
    assert (b.reserves, b.missing, b.missing_secretary, b.below_target) == (0, 2, 1, True)
    only_a = pool_status(scope=Scope.for_user(world.secretary_a))
    assert [row.village for row in only_a] == [world.village_a]


def test_a_town_sets_a_villages_own_target(world: World) -> None:
    pool_target_set(
        acting_user=world.town_x_admin,
        village=world.village_a,
        min_reserves=3,
        min_secretary_reserves=2,
    )
    row = next(
        r
        for r in pool_status(scope=Scope.for_user(world.town_x_admin))
        if r.village == world.village_a
    )
    assert (row.min_reserves, row.min_secretary_reserves, row.own_target) == (3, 2, True)
    with pytest.raises(ValidationError) as error:
        pool_target_set(
            acting_user=world.town_x_admin,
            village=world.village_a,
            min_reserves=1,
            min_secretary_reserves=2,
        )
    assert "min_secretary_reserves" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        pool_target_set(
            acting_user=world.secretary_a,
            village=world.village_a,
            min_reserves=1,
            min_secretary_reserves=1,
        )
    with pytest.raises(PermissionDenied):
        pool_target_set(
            acting_user=world.town_y_admin,
            village=world.village_a,
            min_reserves=1,
            min_secretary_reserves=1,
        )
    assert PoolTarget.objects.get().min_reserves == 3


def test_every_score_shows_its_breakdown(
    world: World, frontline: Frontline, frozen_now: object
) -> None:
    person = make_person(world.village_a, "钟利洪")
    serve(frontline, person, 3)  # 3 shifts, 24 h, a run of 3 days
    deed_create(
        acting_user=None,
        person=person,
        date=D(2020, 2, 10),
        title="t",
        narrative="n",
        level=CommendationLevel.TOWN,
    )
    assignment_add(
        acting_user=None,
        person=person,
        kind=AssignmentKind.TOUGH_POST,
        title="防汛抢险",
        started_on=D(2020, 1, 1),
        ended_on=D(2020, 1, 31),
        outcome=Outcome.GOOD,
    )
    training_add(
        acting_user=None,
        person=person,
        name="村级后备干部培训班",
        started_on=D(2020, 1, 6),
        ended_on=D(2020, 1, 8),
        hours=Decimal(24),
    )
    mentorship = mentorship_add(
        acting_user=None,
        person=person,
        mentor_name="王书记",
        role="village_secretary",
        started_on=D(2020, 1, 1),
    )
    talk_add(acting_user=None, mentorship=mentorship, held_on=D(2020, 1, 15), summary="谈工作")
    start = dt.datetime(2020, 2, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    declined = duty_record_create(
        acting_user=None,
        post=frontline.checkpoint,
        data=DutyInput(person, start, start + dt.timedelta(hours=8)),
    )
    duty_record_decline(acting_user=None, record=declined, reason="未到岗")
    score = scores_for([person.pk])[person.pk]
    points = {line.key: line.points for line in score.nonzero_lines()}
    assert points == {
        "shifts": Decimal("3.00"),
        "longest_run": Decimal("1.50"),
        "deeds_town": Decimal("6.00"),
        "assignments": Decimal("3.00"),
        "trainings": Decimal("2.00"),
        "talks": Decimal("1.00"),
        "declined": Decimal("-2.00"),
    }
    assert score.total == Decimal("14.50")


def test_new_weights_change_every_score_and_keep_their_history(
    world: World, frontline: Frontline, frozen_now: object
) -> None:
    person = make_person(world.village_a, "钟利洪")
    serve(frontline, person, 2)
    values = {
        field: Decimal(0)
        for field in (
            "per_shift",
            "per_hour",
            "per_day",
            "per_run_day",
            "per_task_unit",
            "deed_none",
            "deed_village",
            "deed_town",
            "deed_district",
            "deed_city",
            "per_assignment",
            "per_training",
            "per_talk",
            "assessment_weight",
            "per_declined_record",
        )
    }
    values["per_hour"] = Decimal("0.5")
    weights_set(acting_user=world.district_admin, values=values, region=world.district)
    assert scores_for([person.pk])[person.pk].total == Decimal("8.00")
    assert ScoreWeights.objects.count() == 1
    with pytest.raises(PermissionDenied):
        weights_set(acting_user=world.town_x_admin, values=values, region=world.district)
    with pytest.raises(ValidationError):
        weights_set(
            acting_user=world.district_admin,
            values={**values, "per_hour": Decimal("-1")},
            region=world.district,
        )


def test_ranking_shares_ranks_on_ties_and_stays_in_scope(
    world: World, frontline: Frontline, frozen_now: object
) -> None:
    a1, a2 = make_person(world.village_a, "钟利洪"), make_person(world.village_a, "罗佳怡")
    b1 = make_person(world.village_b, "李明")
    serve(frontline, a1, 4)
    serve(frontline, a2, 2)
    serve(frontline, b1, 2, start_hour=16)
    for person in (a1, a2, b1):
        place(person, Stage.VILLAGE_RESERVE)
    town = ranking(scope=Scope.for_user(world.town_x_admin), region=world.town_x)
    assert next((row.standing.person.name, row.rank) for row in town) == ("钟利洪", 1)
    assert sorted(row.rank for row in town) == [1, 2, 2]
    village = ranking(scope=Scope.for_user(world.secretary_a))
    assert {row.standing.person for row in village} == {a1, a2}
    places = {place.region.level: (place.rank, place.of) for place in person_ranks(person=a2)}
    assert places == {5: (2, 2), 4: (2, 3), 3: (2, 3)}
