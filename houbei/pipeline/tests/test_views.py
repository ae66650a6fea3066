"""The pipeline's pages do what the services allow, no more: only the moves a user may make
are offered, and a forged one is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from houbei.assessments.models import Grade, RaterGroup
from houbei.assessments.services import rating_add, round_create
from houbei.conftest import Frontline, World, merge_village
from houbei.deeds.services import deed_create
from houbei.party.rules import Step
from houbei.party.services import party_step_record
from houbei.people.models import Person
from houbei.pipeline.models import Stage, StageDecision, Standing
from houbei.pipeline.services import decide, nominate, opinion_record
from houbei.pipeline.tests.conftest import place, serve
from houbei.tests.factories import make_person, next_id_number

D = dt.date


def client_for(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.persona(persona))
    return client


def offered(client: Client, person: Person) -> set[str]:
    page = client.get(reverse("pipeline:decide", args=[person.pk])).content.decode()
    return {stage for stage in Stage.values if f"?to={stage}" in page}


@pytest.fixture
def reserve(world: World, frontline: Frontline, volunteer: Person) -> Person:
    nominate(
        acting_user=world.secretary_a,
        person=volunteer,
        route="frontline_team",
        reasons="连续值守",
        nominated_on=D(2020, 2, 18),
        criteria=["takes_responsibility"],
        campaign=frontline.campaign,
    )
    decide(
        acting_user=world.secretary_a,
        person=volunteer,
        to_stage=Stage.VILLAGE_RESERVE,
        deciding_level="village",
        decided_on=D(2020, 2, 19),
        reason="同意",
        expected_version=1,
    )
    return volunteer


def test_each_level_is_offered_its_own_moves(world: World, reserve: Person) -> None:
    assert offered(client_for(world, "secretary_a"), reserve) == {"key_target", "exited"}
    assert offered(client_for(world, "town_x_admin"), reserve) == {"town_reserve", "exited"}
    assert offered(client_for(world, "district_admin"), reserve) == {"exited"}


def test_a_forged_move_is_refused_and_changes_nothing(world: World, reserve: Person) -> None:
    response = client_for(world, "town_x_admin").post(
        reverse("pipeline:decide", args=[reserve.pk]),
        {
            "to": "key_target",
            "deciding_level": "village",
            "decided_on": "2020-02-20",
            "reason": "x",
            "version": 2,
        },
    )
    assert response.status_code == 403
    forged_level = client_for(world, "town_x_admin").post(
        reverse("pipeline:decide", args=[reserve.pk]),
        {
            "to": "town_reserve",
            "deciding_level": "district",
            "decided_on": "2020-02-20",
            "reason": "x",
            "version": 2,
        },
    )
    assert forged_level.status_code == 400
    assert Standing.objects.get(person=reserve).stage == Stage.VILLAGE_RESERVE
    assert StageDecision.objects.filter(person=reserve).count() == 2


def test_a_decision_through_the_page_and_its_conflict(world: World, reserve: Person) -> None:
    url = reverse("pipeline:decide", args=[reserve.pk])
    data = {
        "to": "town_reserve",
        "deciding_level": "town",
        "decided_on": "2020-02-20",
        "document_number": "凌委〔2020〕5号",
        "reason": "镇党委研究同意",
        "target_post": "secretary",
        "version": 2,
    }
    response = client_for(world, "town_x_admin").post(url, data)
    assert response.status_code == 302
    standing = Standing.objects.get(person=reserve)
    assert (standing.stage, standing.target_post) == (Stage.TOWN_RESERVE, "secretary")
    latest = StageDecision.objects.filter(person=reserve).first()
    assert latest is not None and latest.deciding_body == "凌家镇党委"
    # The same form sent again (a second clerk who opened it at the same time):
    again = client_for(world, "town_x_admin").post(
        url, {**data, "to": "exited", "exit_reason": "unfit"}
    )
    assert again.status_code == 409
    assert "在您决定期间" in again.content.decode()
    assert Standing.objects.get(person=reserve).stage == Stage.TOWN_RESERVE


def test_bad_nominations_come_back_with_messages_and_save_nothing(
    world: World, volunteer: Person
) -> None:
    response = client_for(world, "secretary_a").post(
        reverse("pipeline:nominate", args=[volunteer.pk]),
        {"route": "frontline_team", "reasons": "", "nominated_on": "2030-01-01"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "此项为必填项" in page  # reasons and criteria
    assert not Standing.objects.filter(person=volunteer).exists()


def test_the_decision_page_shows_the_evidence_of_its_day(
    world: World, frontline: Frontline, reserve: Person
) -> None:
    decision = StageDecision.objects.filter(person=reserve).first()
    assert decision is not None
    deed_create(
        acting_user=None, person=reserve, date=D(2020, 2, 19), title="后来的事迹", narrative="n"
    )
    serve(frontline, reserve, 1, start_hour=18, hours=2)
    page = (
        client_for(world, "auditor")
        .get(reverse("pipeline:decision", args=[decision.pk]))
        .content.decode()
    )
    assert "后来的事迹" not in page
    assert ">40.0<" in page  # five 8-hour shifts at the time


def test_anonymous_results_stay_hidden_below_the_minimum(
    world: World, reserve: Person, frozen_now: object
) -> None:
    assessment_round = round_create(
        acting_user=world.town_x_admin,
        name="镇级评估",
        level="town",
        region=world.town_x,
        held_on=D(2020, 2, 19),
        subjects=[reserve],
    )
    for _ in range(3):
        rating_add(
            acting_user=world.town_x_admin,
            assessment_round=assessment_round,
            subject=reserve,
            rater_group=RaterGroup.VILLAGER_REPS,
            is_anonymous=True,
            scores={"virtue": 2},
            grade=Grade.INCOMPETENT,
        )
    page = (
        client_for(world, "secretary_a")
        .get(reverse("assessments:detail", args=[assessment_round.pk]))
        .content.decode()
    )
    assert "匿名票 3 张，票数不足，暂不显示" in page
    assert "不称职" not in page
    profile = (
        client_for(world, "secretary_a")
        .get(reverse("pipeline:person", args=[reserve.pk]))
        .content.decode()
    )
    assert "暂无可显示的结果" in profile


def test_a_ballot_keeps_the_person_and_group_for_the_next(
    world: World, reserve: Person, frozen_now: object
) -> None:
    assessment_round = round_create(
        acting_user=world.town_x_admin,
        name="镇级评估",
        level="town",
        region=world.town_x,
        held_on=D(2020, 2, 19),
        subjects=[reserve],
    )
    url = reverse("assessments:ballot", args=[assessment_round.pk])
    response = client_for(world, "town_x_admin").post(
        url,
        {
            "subject": reserve.pk,
            "rater_group": "villager_reps",
            "is_anonymous": "on",
            "grade": "excellent",
            "score_virtue": 9,
            "score_integrity": 10,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?subject={reserve.pk}&group=villager_reps&anonymous=1"
    bad = client_for(world, "town_x_admin").post(
        url,
        {
            "subject": reserve.pk,
            "rater_group": "villager_reps",
            "grade": "excellent",
            "score_virtue": 12,
        },
    )
    assert bad.status_code == 400
    assert assessment_round.ratings.count() == 1


def test_the_party_step_page_refuses_with_the_rule(world: World, frozen_now: object) -> None:
    young = make_person(
        world.village_a, "罗佳怡", id_number=next_id_number(D(2002, 2, 21), male=False)
    )
    response = client_for(world, "secretary_a").post(
        reverse("party:step", args=[young.pk, "apply"]), {"applied_on": "2020-02-20"}
    )
    assert response.status_code == 400
    assert "年满十八岁方可申请入党，即 2020-02-21 起" in response.content.decode()


def test_the_registration_form_carries_the_opinions(world: World, reserve: Person) -> None:
    opinion_record(
        acting_user=world.town_x_admin,
        person=reserve,
        level="town",
        text="同意列为镇级后备",
        given_on=D(2020, 2, 20),
    )
    page = (
        client_for(world, "secretary_a")
        .get(reverse("pipeline:dossier", args=[reserve.pk]))
        .content.decode()
    )
    for text in (
        "村级后备力量登记表",
        "镇党委意见",
        "同意列为镇级后备",
        "凌家镇党委",
        "2020年2月20日",
        "村级后备力量",
    ):
        assert text in page, text


def test_towns_see_their_villages_below_target(world: World, reserve: Person) -> None:
    merge_village(world)
    place(make_person(world.village_b, "李明"), Stage.CANDIDATE)
    page = (
        client_for(world, "town_x_admin")
        .get(reverse("pipeline:targets") + "?below=1")
        .content.decode()
    )
    assert "新祠堂村" in page and "花红村" in page  # A has one reserve of two, B none
    assert "2 个村中有 2 个未达到储备目标" in page
    assert "鹿子村" not in page


def test_home_points_to_what_is_due(world: World, frozen_now: object) -> None:
    applicant = make_person(world.village_a, "王芳", id_number=next_id_number(D(1995, 1, 1)))
    party_step_record(
        acting_user=None, person=applicant, step=Step.APPLY, values={"applied_on": D(2020, 1, 10)}
    )
    page = client_for(world, "secretary_a").get(reverse("web:home")).content.decode()
    assert "本月有 1 项发展党员环节到期，其中 1 项已逾期" in page
    assert (
        "发展党员环节"
        not in client_for(world, "secretary_b").get(reverse("web:home")).content.decode()
    )
    town = client_for(world, "town_x_admin").get(reverse("web:home")).content.decode()
    assert "个村未达到后备力量储备目标" in town
