from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from houbei.accounts.models import User
from houbei.accounts.scoping import Scope
from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import Frontline, World
from houbei.deeds.services import deed_create
from houbei.people.models import Person
from houbei.pipeline.models import Nomination, Route, Stage, StageDecision, Standing
from houbei.pipeline.services import DecisionConflict, decide, moves_for, nominate
from houbei.pipeline.stages import DecidingLevel, ExitReason
from houbei.pipeline.tests.conftest import place, serve
from houbei.tests.factories import make_person

D = dt.date
S = Stage
V, T, DI = DecidingLevel.VILLAGE, DecidingLevel.TOWN, DecidingLevel.DISTRICT


def _nominate(world: World, person: Person, **extra: object) -> Nomination:
    data: dict[str, object] = {
        "route": Route.PARTY_ORG,
        "reasons": "连续战疫五天，主动承担夜班",
        "nominated_on": D(2020, 2, 20),
        "criteria": ["takes_responsibility", "cares_for_masses"],
    }
    data.update(extra)
    return nominate(acting_user=world.secretary_a, person=person, **data)


# --- nominations --------------------------------------------------------------------------


def test_a_nomination_makes_a_candidate_with_its_evidence(
    world: World, frontline: Frontline, volunteer: Person
) -> None:
    deed = deed_create(
        acting_user=None,
        person=volunteer,
        date=D(2020, 2, 10),
        title="送午餐",
        narrative="为卡点送餐",
    )
    nomination = _nominate(
        world, volunteer, route=Route.FRONTLINE_TEAM, campaign=frontline.campaign, deeds=[deed]
    )
    standing = Standing.objects.get(person=volunteer)
    assert (standing.stage, standing.since, standing.version) == (S.CANDIDATE, D(2020, 2, 20), 1)
    assert nomination.evidence["overall"]["shifts"] == 5
    assert nomination.evidence["overall"]["longest_run"] == 5
    assert [d["title"] for d in nomination.evidence["deeds"]] == ["送午餐"]
    decision = StageDecision.objects.get(person=volunteer)
    assert (decision.from_stage, decision.to_stage, decision.deciding_level) == ("", S.CANDIDATE, V)
    assert decision.deciding_body == "花红村党组织"
    assert AuditEvent.objects.filter(event_type=EventType.NOMINATED).count() == 1


def test_a_second_nomination_is_refused_while_in_the_pipeline(
    world: World, volunteer: Person
) -> None:
    _nominate(world, volunteer)
    with pytest.raises(ValidationError) as error:
        _nominate(world, volunteer)
    assert error.value.messages == ["钟利洪 已在后备培养中（人选）。"]
    assert Nomination.objects.count() == 1


def test_a_nomination_needs_reasons_and_criteria_and_only_own_deeds(
    world: World, volunteer: Person
) -> None:
    other = make_person(world.village_a, "罗佳怡")
    foreign = deed_create(
        acting_user=None, person=other, date=D(2020, 2, 1), title="x", narrative="y"
    )
    with pytest.raises(ValidationError) as error:
        _nominate(world, volunteer, reasons=" ", criteria=[], deeds=[foreign])
    assert set(error.value.message_dict) == {"reasons", "criteria", "deeds"}
    assert not Standing.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.NOMINATED).exists()


def test_another_village_cannot_nominate(world: World, volunteer: Person) -> None:
    with pytest.raises(PermissionDenied):
        nominate(
            acting_user=world.secretary_b,
            person=volunteer,
            route=Route.SELF,
            reasons="x",
            nominated_on=D(2020, 2, 20),
            criteria=["political_quality"],
        )


def test_an_exited_person_can_be_nominated_again(world: World, volunteer: Person) -> None:
    place(volunteer, S.EXITED, D(2020, 2, 1))
    _nominate(world, volunteer)
    standing = Standing.objects.get(person=volunteer)
    assert standing.stage == S.CANDIDATE
    assert StageDecision.objects.get(person=volunteer).from_stage == S.EXITED


# --- the permission matrix: every role against every move ------------------------------------

ALL_STAGES = list(Stage)
ALLOWED: dict[str, set[tuple[Stage, Stage, DecidingLevel]]] = {
    "secretary_a": {
        (S.CANDIDATE, S.VILLAGE_RESERVE, V),
        (S.VILLAGE_RESERVE, S.KEY_TARGET, V),
        (S.EXITED, S.CANDIDATE, V),
        (S.EXITED, S.VILLAGE_RESERVE, V),
        (S.CANDIDATE, S.EXITED, V),
        (S.VILLAGE_RESERVE, S.EXITED, V),
        (S.KEY_TARGET, S.EXITED, V),
    },
    "town_x_admin": {
        (S.VILLAGE_RESERVE, S.TOWN_RESERVE, T),
        (S.KEY_TARGET, S.TOWN_RESERVE, T),
        (S.CANDIDATE, S.EXITED, T),
        (S.VILLAGE_RESERVE, S.EXITED, T),
        (S.KEY_TARGET, S.EXITED, T),
        (S.TOWN_RESERVE, S.EXITED, T),
    },
    "district_admin": {
        (S.TOWN_RESERVE, S.DISTRICT_RESERVE, DI),
        (S.CANDIDATE, S.EXITED, DI),
        (S.VILLAGE_RESERVE, S.EXITED, DI),
        (S.KEY_TARGET, S.EXITED, DI),
        (S.TOWN_RESERVE, S.EXITED, DI),
        (S.DISTRICT_RESERVE, S.EXITED, DI),
    },
    # Outside 花红村, read-only, or without any deciding capability: nothing.
    "secretary_b": set(),
    "town_y_admin": set(),
    "auditor": set(),
    "post_leader": set(),
    "clerk": set(),
    "sysadmin": set(),
}


def _attempt(user: User, person: Person, frm: Stage, to: Stage, level: DecidingLevel) -> bool:
    with transaction.atomic():
        place(person, frm)
        try:
            decide(
                acting_user=user,
                person=person,
                to_stage=to,
                deciding_level=level,
                decided_on=D(2020, 2, 20),
                reason="测试",
                expected_version=1,
                exit_reason=ExitReason.UNFIT if to == S.EXITED else "",
            )
            made = True
        except (PermissionDenied, ValidationError):
            made = False
        transaction.set_rollback(True)
    return made


@pytest.mark.parametrize("persona", sorted(ALLOWED))
def test_every_role_against_every_move(world: World, volunteer: Person, persona: str) -> None:
    user = world.persona(persona)
    made = {
        (frm, to, level)
        for frm in ALL_STAGES
        for to in ALL_STAGES
        if frm != to
        for level in DecidingLevel
        if _attempt(user, volunteer, frm, to, level)
    }
    assert made == ALLOWED[persona]


@pytest.mark.parametrize("persona", ["secretary_a", "town_x_admin", "district_admin", "auditor"])
def test_the_offered_moves_are_the_allowed_ones(
    world: World, volunteer: Person, persona: str
) -> None:
    scope = Scope.for_user(world.persona(persona))
    for frm in ALL_STAGES:
        standing = place(volunteer, frm)
        offered = {
            (frm, to, level) for to, levels in moves_for(scope, standing) for level in levels
        }
        assert offered == {m for m in ALLOWED[persona] if m[0] == frm}, frm


def test_appointment_never_comes_from_a_stage_decision(world: World, volunteer: Person) -> None:
    place(volunteer, S.DISTRICT_RESERVE)
    with pytest.raises(ValidationError) as error:
        decide(
            acting_user=world.district_admin,
            person=volunteer,
            to_stage=S.APPOINTED,
            deciding_level=DI,
            decided_on=D(2020, 2, 20),
            reason="x",
            expected_version=1,
        )
    assert error.value.messages == ["不能从“区级后备”直接调整为“已任用”。"]


# --- what a decision records ------------------------------------------------------------------


def test_a_decision_records_who_when_and_on_what(world: World, volunteer: Person) -> None:
    _nominate(world, volunteer)
    decision = decide(
        acting_user=world.secretary_a,
        person=volunteer,
        to_stage=S.VILLAGE_RESERVE,
        deciding_level=V,
        decided_on=D(2020, 2, 20),
        reason="支部委员会研究同意",
        document_number="花红党〔2020〕3号",
        expected_version=1,
    )
    assert decision.entered_by == world.secretary_a
    assert decision.document_number == "花红党〔2020〕3号"
    assert decision.evidence["overall"]["days"] == 5
    event = AuditEvent.objects.get(event_type=EventType.STAGE_DECIDED, target_id=str(decision.pk))
    assert event.extra_data["old"] == {"stage": "candidate"}
    assert event.extra_data["new"]["stage"] == "village_reserve"
    assert Standing.objects.get(person=volunteer).version == 2


def test_an_exit_needs_a_reason_code_and_a_date_not_before_the_stage(
    world: World, volunteer: Person
) -> None:
    place(volunteer, S.VILLAGE_RESERVE, D(2020, 2, 10))
    with pytest.raises(ValidationError) as error:
        decide(
            acting_user=world.secretary_a,
            person=volunteer,
            to_stage=S.EXITED,
            deciding_level=V,
            decided_on=D(2020, 2, 9),
            reason=" ",
            expected_version=1,
        )
    assert set(error.value.message_dict) == {"decided_on", "reason", "exit_reason"}
    assert Standing.objects.get(person=volunteer).stage == S.VILLAGE_RESERVE
    assert not StageDecision.objects.exists()


def test_evidence_snapshots_do_not_change_when_the_records_do(
    world: World, frontline: Frontline, volunteer: Person
) -> None:
    _nominate(world, volunteer)
    decision = decide(
        acting_user=world.secretary_a,
        person=volunteer,
        to_stage=S.VILLAGE_RESERVE,
        deciding_level=V,
        decided_on=D(2020, 2, 20),
        reason="同意",
        expected_version=1,
    )
    frozen = dict(decision.evidence)
    frontline.campaign.name = "改名后的战役"
    frontline.campaign.save()
    serve(frontline, volunteer, 2, hours=4, start_hour=18)
    deed_create(
        acting_user=None, person=volunteer, date=D(2020, 2, 19), title="新事迹", narrative="n"
    )
    decision.refresh_from_db()
    assert decision.evidence == frozen
    assert decision.evidence["campaigns"][0]["campaign"] == "2020年新冠肺炎疫情防控"
    assert decision.evidence["deeds"] == []


# --- two deciders at once ---------------------------------------------------------------


def test_a_stale_form_gets_a_clear_conflict_and_changes_nothing(
    world: World, volunteer: Person
) -> None:
    _nominate(world, volunteer)
    decide(
        acting_user=world.secretary_a,
        person=volunteer,
        to_stage=S.VILLAGE_RESERVE,
        deciding_level=V,
        decided_on=D(2020, 2, 20),
        reason="同意",
        expected_version=1,
    )
    with pytest.raises(DecisionConflict) as conflict:
        decide(
            acting_user=world.secretary_a,
            person=volunteer,
            to_stage=S.EXITED,
            deciding_level=V,
            decided_on=D(2020, 2, 20),
            reason="不合适",
            exit_reason=ExitReason.UNFIT,
            expected_version=1,
        )
    assert "村级后备力量" in conflict.value.message
    assert world.secretary_a.display_name in conflict.value.message
    assert StageDecision.objects.filter(person=volunteer).count() == 2
    assert Standing.objects.get(person=volunteer).stage == S.VILLAGE_RESERVE


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_the_same_moment_make_one_decision(
    world: World, frontline: Frontline
) -> None:
    person = make_person(world.village_a, "钟利洪")
    place(person, S.CANDIDATE)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide_as(user: User, to_stage: Stage) -> None:
        try:
            barrier.wait()
            decide(
                acting_user=user,
                person=person,
                to_stage=to_stage,
                deciding_level=V,
                decided_on=timezone.localdate(),
                reason="并发",
                exit_reason=ExitReason.UNFIT if to_stage == S.EXITED else "",
                expected_version=1,
            )
            outcomes.append("decided")
        except DecisionConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide_as, args=(world.secretary_a, S.VILLAGE_RESERVE)),
        threading.Thread(target=decide_as, args=(world.secretary_a, S.EXITED)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "decided"]
    assert StageDecision.objects.filter(person=person).count() == 1
    assert Standing.objects.get(person=person).version == 2
