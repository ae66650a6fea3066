from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import World
from houbei.cultivation.models import Assignment, AssignmentKind, MentorRole, Outcome
from houbei.cultivation.services import (
    assignment_add,
    assignment_update,
    mentorship_add,
    mentorship_end,
    talk_add,
    training_add,
)
from houbei.people.models import Person
from houbei.tests.factories import make_person

D = dt.date


@pytest.fixture
def reserve(world: World, frozen_now: object) -> Person:
    return make_person(world.village_a, "钟利洪")


def test_three_plus_one_mentors_and_their_talks(world: World, reserve: Person) -> None:
    mentors = [
        mentorship_add(
            acting_user=world.secretary_a,
            person=reserve,
            mentor_name=name,
            role=role,
            started_on=D(2020, 1, 2),
        )
        for name, role in (
            ("张镇长", MentorRole.TOWN_LEADER),
            ("刘干部", MentorRole.RESIDENT_CADRE),
            ("王书记", MentorRole.VILLAGE_SECRETARY),
        )
    ]
    assert reserve.mentorships.count() == 3
    with pytest.raises(ValidationError) as error:
        mentorship_add(
            acting_user=world.secretary_a,
            person=reserve,
            mentor_name="王书记",
            role=MentorRole.OTHER,
            started_on=D(2020, 1, 3),
        )
    assert "mentor_name" in error.value.message_dict
    talk_add(
        acting_user=world.secretary_a,
        mentorship=mentors[2],
        held_on=D(2020, 2, 1),
        summary="谈卡点值守体会",
    )
    with pytest.raises(ValidationError):
        talk_add(
            acting_user=world.secretary_a,
            mentorship=mentors[2],
            held_on=D(2019, 12, 1),
            summary="太早",
        )
    mentorship_end(acting_user=world.secretary_a, mentorship=mentors[0], ended_on=D(2020, 2, 10))
    with pytest.raises(ValidationError):
        talk_add(
            acting_user=world.secretary_a,
            mentorship=mentors[0],
            held_on=D(2020, 2, 11),
            summary="已结束",
        )
    assert AuditEvent.objects.filter(event_type=EventType.MENTOR_TALK_RECORDED).count() == 1


def test_a_tough_post_gets_its_outcome_when_it_ends(world: World, reserve: Person) -> None:
    assignment = assignment_add(
        acting_user=world.town_x_admin,
        person=reserve,
        kind=AssignmentKind.TOUGH_POST,
        title="防汛抢险一线",
        place="沱江凌家段",
        started_on=D(2020, 1, 10),
        decided_by_body="凌家镇党委",
    )
    with pytest.raises(ValidationError) as error:
        assignment_update(
            acting_user=world.town_x_admin,
            assignment=assignment,
            ended_on=None,
            outcome=Outcome.GOOD,
            outcome_notes="",
            place="沱江凌家段",
        )
    assert "ended_on" in error.value.message_dict
    assignment_update(
        acting_user=world.town_x_admin,
        assignment=assignment,
        ended_on=D(2020, 2, 10),
        outcome=Outcome.EXCELLENT,
        outcome_notes="转移群众43人",
        place="沱江凌家段",
    )
    assignment.refresh_from_db()
    assert (assignment.outcome, assignment.ended_on) == (Outcome.EXCELLENT, D(2020, 2, 10))
    event = AuditEvent.objects.get(event_type=EventType.ASSIGNMENT_UPDATED)
    assert (
        event.extra_data["old"]["outcome"] == ""
        and event.extra_data["new"]["outcome"] == "excellent"
    )


def test_bad_entries_are_refused_and_nothing_is_saved(world: World, reserve: Person) -> None:
    with pytest.raises(ValidationError) as error:
        assignment_add(
            acting_user=world.secretary_a,
            person=reserve,
            kind="parade",
            title=" ",
            started_on=D(2020, 3, 1),
            ended_on=D(2020, 2, 1),
        )
    assert set(error.value.message_dict) >= {"kind", "title", "started_on", "ended_on"}
    with pytest.raises(ValidationError) as error:
        training_add(
            acting_user=world.secretary_a,
            person=reserve,
            name="培训",
            started_on=D(2020, 1, 8),
            ended_on=D(2020, 1, 6),
            hours=Decimal(0),
        )
    assert set(error.value.message_dict) == {"ended_on", "hours"}
    assert not Assignment.objects.exists()


def test_only_the_keepers_of_the_village_cultivate(world: World, reserve: Person) -> None:
    for user in (world.secretary_b, world.town_y_admin, world.auditor, world.post_leader):
        with pytest.raises(PermissionDenied):
            training_add(
                acting_user=user,
                person=reserve,
                name="培训",
                started_on=D(2020, 1, 6),
                ended_on=D(2020, 1, 8),
                hours=Decimal(24),
            )
