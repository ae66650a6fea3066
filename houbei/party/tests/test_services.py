from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from houbei.accounts.scoping import Scope
from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import World
from houbei.party.models import PartyTrack
from houbei.party.rules import Step, Urgency
from houbei.party.selectors import due_counts_by_village, due_items
from houbei.party.services import party_step_record
from houbei.people.choices import PoliticalStatus
from houbei.people.models import Person
from houbei.pipeline.models import Stage
from houbei.pipeline.tests.conftest import place
from houbei.tests.factories import make_person, next_id_number

D = dt.date
BJ = dt.timezone(dt.timedelta(hours=8))


def record(world: World, person: Person, step: Step, **values: object) -> PartyTrack:
    return party_step_record(acting_user=world.secretary_a, person=person, step=step, values=values)


@pytest.fixture
def applicant(world: World) -> Person:
    return make_person(world.village_a, "钟利洪", id_number=next_id_number(D(1995, 2, 28)))


def test_the_whole_track_and_the_registry_follows(world: World, applicant: Person) -> None:
    with time_machine.travel(dt.datetime(2022, 6, 30, 12, tzinfo=BJ), tick=False):
        record(world, applicant, Step.APPLY, applied_on=D(2019, 1, 10))
        record(world, applicant, Step.TALK, talked_on=D(2019, 1, 25))
        record(world, applicant, Step.ACTIVIST, activist_on=D(2019, 3, 1), contacts="李明、王芳")
        record(world, applicant, Step.DEVELOPMENT_TARGET, development_target_on=D(2020, 3, 1))
        record(world, applicant, Step.SPONSORS, sponsor_1="李明", sponsor_2="王芳")
        record(
            world,
            applicant,
            Step.REVIEW,
            review_on=D(2020, 3, 20),
            review_passed=True,
            review_conclusion="合格",
        )
        record(
            world,
            applicant,
            Step.TRAINING,
            training_started_on=D(2020, 4, 1),
            training_ended_on=D(2020, 4, 3),
            training_hours=Decimal(24),
        )
        record(world, applicant, Step.ADMIT, admitted_on=D(2020, 4, 20))
        applicant.refresh_from_db()
        assert applicant.political_status == PoliticalStatus.CPC_PROBATIONARY
        record(world, applicant, Step.APPROVE, approved_on=D(2020, 5, 10))
        track = record(world, applicant, Step.FULL_MEMBER, full_member_approved_on=D(2021, 4, 20))
    applicant.refresh_from_db()
    assert applicant.political_status == PoliticalStatus.CPC_MEMBER
    assert track.version == 10
    assert AuditEvent.objects.filter(event_type=EventType.PARTY_STEP_RECORDED).count() == 10


def test_an_impossible_entry_is_refused_with_its_rule_and_nothing_changes(
    world: World, applicant: Person
) -> None:
    with time_machine.travel(dt.datetime(2022, 6, 30, 12, tzinfo=BJ), tick=False):
        record(world, applicant, Step.APPLY, applied_on=D(2019, 1, 10))
        record(world, applicant, Step.TALK, talked_on=D(2019, 1, 25))
        record(world, applicant, Step.ACTIVIST, activist_on=D(2019, 3, 1), contacts="李明")
        with pytest.raises(ValidationError) as error:
            record(world, applicant, Step.DEVELOPMENT_TARGET, development_target_on=D(2020, 2, 29))
        assert "2020-03-01" in error.value.message_dict["development_target_on"][0]
        with pytest.raises(ValidationError):
            record(world, applicant, Step.ADMIT, admitted_on=D(2020, 5, 1))
    track = PartyTrack.objects.get()
    assert (track.development_target_on, track.version) == (None, 3)


def test_a_step_is_corrected_until_a_later_one_rests_on_it(world: World, applicant: Person) -> None:
    with time_machine.travel(dt.datetime(2022, 6, 30, 12, tzinfo=BJ), tick=False):
        record(world, applicant, Step.APPLY, applied_on=D(2019, 1, 10))
        record(world, applicant, Step.APPLY, applied_on=D(2019, 1, 11))
        event = AuditEvent.objects.get(event_type=EventType.PARTY_STEP_CORRECTED)
        assert event.extra_data["old"] == {"applied_on": "2019-01-10"}
        record(world, applicant, Step.TALK, talked_on=D(2019, 1, 25))
        with pytest.raises(ValidationError) as error:
            record(world, applicant, Step.APPLY, applied_on=D(2019, 1, 12))
        assert error.value.messages == ["已记录“党组织派人谈话”，此环节不能再修改。"]


def test_members_cannot_apply_and_outsiders_cannot_record(world: World) -> None:
    member = make_person(world.village_a, "王芳", political_status=PoliticalStatus.CPC_MEMBER)
    with pytest.raises(ValidationError):
        record(world, member, Step.APPLY, applied_on=D(2019, 1, 10))
    other = make_person(world.village_a, "李明")
    for user in (world.secretary_b, world.auditor, world.post_leader):
        with pytest.raises(PermissionDenied):
            party_step_record(
                acting_user=user,
                person=other,
                step=Step.APPLY,
                values={"applied_on": D(2019, 1, 10)},
            )


def test_the_due_list_of_this_month_with_priority_reserves(world: World) -> None:
    with time_machine.travel(dt.datetime(2020, 3, 5, 12, tzinfo=BJ), tick=False):
        activist = make_person(world.village_a, "钟利洪", id_number=next_id_number(D(1990, 1, 1)))
        record(world, activist, Step.APPLY, applied_on=D(2018, 12, 1))
        record(world, activist, Step.TALK, talked_on=D(2018, 12, 10))
        record(world, activist, Step.ACTIVIST, activist_on=D(2019, 3, 10), contacts="李明")
        place(activist, Stage.VILLAGE_RESERVE)
        late = make_person(world.village_a, "罗佳怡", id_number=next_id_number(D(1992, 1, 1)))
        record(world, late, Step.APPLY, applied_on=D(2020, 1, 20))  # talk due 2020-02-20
        later = make_person(world.village_a, "李明", id_number=next_id_number(D(1993, 1, 1)))
        record(world, later, Step.APPLY, applied_on=D(2020, 3, 1))
        record(world, later, Step.TALK, talked_on=D(2020, 3, 2))
        record(
            world, later, Step.ACTIVIST, activist_on=D(2020, 3, 3), contacts="王芳"
        )  # not before 2021
        elsewhere = make_person(world.village_c, "何军", id_number=next_id_number(D(1994, 1, 1)))
        party_step_record(
            acting_user=world.secretary_c,
            person=elsewhere,
            step=Step.APPLY,
            values={"applied_on": D(2020, 2, 1)},
        )
    items = due_items(scope=Scope.for_user(world.secretary_a), today=D(2020, 3, 5))
    assert [(i.person.name, i.clock.step, i.urgency, i.priority) for i in items] == [
        ("罗佳怡", Step.TALK, Urgency.OVERDUE, False),
        ("钟利洪", Step.DEVELOPMENT_TARGET, Urgency.LATER, False),
    ]
    on_the_day = due_items(scope=Scope.for_user(world.secretary_a), today=D(2020, 3, 10))
    assert [(i.person.name, i.urgency, i.priority) for i in on_the_day][1] == (
        "钟利洪",
        Urgency.DUE,
        True,
    )
    district = due_items(scope=Scope.for_user(world.district_admin), today=D(2020, 3, 5))
    summary = {village.name: dict(counts) for village, counts in due_counts_by_village(district)}
    assert summary == {"花红村": {"overdue": 1, "later": 1}, "鹿子村": {"overdue": 1}}
