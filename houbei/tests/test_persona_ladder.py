"""The same ladder of personas on every route:

anonymous → sign-in page; a persona outside the record's regions → 404 (as for a missing
record); a persona who may read but not write → 403; a persona without the capability →
403; the allowed persona → success; a wrong HTTP method → 405.

``test_every_route_is_on_the_ladder`` fails when a route is added without a case here.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from houbei.accounts.models import Grant, User
from houbei.accounts.roles import Role
from houbei.accounts.services import user_create
from houbei.api.models import ApiToken
from houbei.assessments.models import AssessmentRound
from houbei.assessments.services import round_create
from houbei.audit.models import AuditEvent, EventType
from houbei.audit.selectors import audit_for_record
from houbei.conftest import NOW as BJ_NOW
from houbei.conftest import Frontline, Side, World, side_a
from houbei.cultivation.models import Assignment, Mentorship
from houbei.cultivation.services import assignment_add, mentorship_add
from houbei.deeds.models import Deed, DeedEvidence
from houbei.deeds.services import deed_create
from houbei.duty.models import DutyRecord, RosterAssignment
from houbei.duty.services.records import DutyInput, duty_check_in, duty_record_create
from houbei.duty.services.roster import roster_assign
from houbei.imports.models import Upload, UploadStatus
from houbei.jobs.models import Job, JobStatus
from houbei.party.rules import Step
from houbei.party.services import party_step_record
from houbei.people.models import Person, Relationship
from houbei.people.services import relationship_add
from houbei.pipeline.models import StageDecision
from houbei.pipeline.services import WEIGHT_FIELDS, decide, nominate
from houbei.review.models import (
    Department,
    DepartmentVerdict,
    NegativeListItem,
    Objection,
    ReviewBatch,
    ReviewSubject,
    Verdict,
)
from houbei.review.services import batch_open, batch_publish, objection_record, verdict_record
from houbei.seats.models import Seat, Vacancy
from houbei.seats.services import seats_set_up, vacancy_open
from houbei.teams.models import SignupLink, Team, TeamKind, TeamMembership, VolunteerApplication
from houbei.teams.services import (
    ApplicationInput,
    application_submit,
    signup_link_open,
    team_add_member,
    team_create,
)
from houbei.tests.factories import make_person, next_id_number, xlsx


def jpeg_bytes(color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), color).save(buffer, format="JPEG")
    return buffer.getvalue()


@dataclass
class Records:
    side: Side  # where the records live (side A: 花红村), who works there, their names
    person: Person  # in 花红村 (village A), with a photo
    account: User  # a post leader of 花红村, created by the 凌家镇 admin
    grant: Grant
    event: AuditEvent  # the registration of ``person``
    frontline: Frontline  # the 2020 campaign; 唐家湾卡点 in village A, led by post_leader
    assignment: RosterAssignment  # ``person`` on today's 08:00 shift at the checkpoint
    pending: DutyRecord  # yesterday's shift of ``person``, entered by secretary_a
    open_record: DutyRecord  # ``other`` checked in at the checkpoint this morning
    team: Team  # 花红村志愿服务队, with ``person`` as member
    membership: TeamMembership
    link: SignupLink
    application: VolunteerApplication
    deed: Deed
    evidence: DeedEvidence
    # The pipeline: ``person`` is a village reserve (nominated, then decided).
    decision: StageDecision
    town_round: AssessmentRound  # 凌家镇's half-yearly round, assessing ``person``
    mentorship: Mentorship
    tough_post: Assignment
    nominee: Person  # ``other`` (checked in this morning), not yet nominated
    # The joint review (公安分局 only; world.clerk is its clerk) and 花红村's seats.
    passed: ReviewSubject  # ``person``: passed (notice 2020-02-10 – 02-14)
    objection: Objection  # on ``nominee``, in a notice running until 2020-02-24
    open_verdict: DepartmentVerdict  # ``nominee`` in a batch still open
    director: Seat  # vacant (a new seat): ``vacancy``
    vacancy: Vacancy
    member: Seat  # nobody recorded
    relationship: Relationship  # ``nominee`` is ``person``'s cousin


@pytest.fixture
def records(world: World, frontline: Frontline, frozen_now) -> Records:
    return build_records(side_a(world), frontline)


def build_records(side: Side, frontline: Frontline) -> Records:
    """One record of every kind on ``side``; the ladder's cases address them."""
    person = make_person(
        side.village,
        side.person,
        villager_group=side.group,
        id_number=next_id_number(dt.date(1990, 5, 1)),
    )
    person.photo.save("p.jpg", SimpleUploadedFile("p.jpg", jpeg_bytes()), save=True)
    account, _ = user_create(
        acting_user=side.town_admin,
        username=f"post-new-{side.village.code}",
        display_name="何军",
        region=side.village,
        role=Role.POST_LEADER,
    )
    event = audit_for_record(record=person).get(event_type=EventType.PERSON_CREATED)
    checkpoint = frontline.checkpoint
    morning = checkpoint.shift_templates.get(start_time=dt.time(8))
    assignment = roster_assign(
        acting_user=None, post=checkpoint, template=morning, day=dt.date(2020, 2, 20), person=person
    )
    pending = duty_record_create(
        acting_user=side.secretary,
        post=checkpoint,
        data=DutyInput(person, BJ_NOW - dt.timedelta(hours=28), BJ_NOW - dt.timedelta(hours=20)),
    )
    other = make_person(side.village, side.other)
    open_record = duty_check_in(
        acting_user=side.post_leader,
        post=checkpoint,
        person=other,
        at=BJ_NOW - dt.timedelta(hours=4),
    )
    team = team_create(
        acting_user=None,
        name=side.team,
        kind=TeamKind.objects.get(code="volunteer_service"),
        region=side.village,
    )
    membership = team_add_member(acting_user=None, team=team, person=person)
    link = signup_link_open(acting_user=None, team=team)
    application = application_submit(
        link=link,
        data=ApplicationInput(
            name=side.applicant,
            id_number=next_id_number(male=False),
            phone="13990001234",
            village=side.village,
        ),
    )
    deed = deed_create(
        acting_user=None,
        person=person,
        date=dt.date(2020, 2, 3),
        title=side.deed,
        narrative="连续多日为卡点志愿者送午餐",
        files=[SimpleUploadedFile("lunch.jpg", jpeg_bytes("green"))],
    )
    nominate(
        acting_user=side.secretary,
        person=person,
        route="frontline_team",
        reasons="连续值守卡点",
        nominated_on=dt.date(2020, 2, 18),
        criteria=["takes_responsibility"],
        campaign=frontline.campaign,
    )
    decision = decide(
        acting_user=side.secretary,
        person=person,
        to_stage="village_reserve",
        deciding_level="village",
        decided_on=dt.date(2020, 2, 19),
        reason="支部委员会研究同意",
        expected_version=1,
    )
    town_round = round_create(
        acting_user=side.town_admin,
        name="2020年上半年镇级评估",
        level="town",
        region=side.town,
        held_on=dt.date(2020, 2, 19),
        subjects=[person],
    )
    mentorship = mentorship_add(
        acting_user=None,
        person=person,
        mentor_name="王书记",
        role="village_secretary",
        started_on=dt.date(2020, 2, 1),
    )
    tough_post = assignment_add(
        acting_user=None,
        person=person,
        kind="tough_post",
        title=side.tough_post,
        started_on=dt.date(2020, 2, 1),
    )
    party_step_record(
        acting_user=None, person=person, step=Step.APPLY, values={"applied_on": dt.date(2020, 2, 1)}
    )
    police = Department.objects.get(code="police")
    police.clerks.add(side.clerk)

    def batch(name: str, opened: dt.date, subject: Person) -> ReviewBatch:
        return batch_open(
            acting_user=None,
            region=side.district,
            name=name,
            opened_on=opened,
            deadline=opened + dt.timedelta(days=3),
            departments=[police],
            people=[subject],
        )

    done = batch("第一批", dt.date(2020, 2, 1), person)
    notice = batch("第二批", dt.date(2020, 2, 12), other)
    still_open = batch("第三批", dt.date(2020, 2, 19), other)
    for finished in (done, notice):
        verdict_record(
            acting_user=None,
            verdict=DepartmentVerdict.objects.get(subject__batch=finished),
            result=Verdict.PASS,
        )
    batch_publish(
        acting_user=None, batch=done, starts_on=dt.date(2020, 2, 10), ends_on=dt.date(2020, 2, 14)
    )
    batch_publish(
        acting_user=None, batch=notice, starts_on=dt.date(2020, 2, 18), ends_on=dt.date(2020, 2, 24)
    )
    objection = objection_record(
        acting_user=None,
        subject=notice.subjects.get(),
        received_on=dt.date(2020, 2, 19),
        summary="群众反映其长期在外",
    )
    seats = {
        seat.role: seat
        for seat in seats_set_up(
            acting_user=None,
            village=side.village,
            party_deputies=0,
            party_members=2,
            committee_deputies=0,
            committee_members=2,
        )
        if seat.ordinal == 1
    }
    vacancy = vacancy_open(
        acting_user=None,
        seat=seats["director"],
        reason="new_seat",
        opened_on=dt.date(2020, 2, 15),
    )
    relationship = relationship_add(acting_user=None, person=person, relative=other, kind="cousin")
    return Records(
        side=side,
        person=person,
        account=account,
        grant=account.grants.get(),
        event=event,
        frontline=frontline,
        assignment=assignment,
        pending=pending,
        open_record=open_record,
        team=team,
        membership=membership,
        link=link,
        application=application,
        deed=deed,
        evidence=deed.evidence.get(),
        decision=decision,
        town_round=town_round,
        mentorship=mentorship,
        tough_post=tough_post,
        nominee=other,
        passed=done.subjects.get(),
        objection=objection,
        open_verdict=DepartmentVerdict.objects.get(subject__batch=still_open),
        director=seats["director"],
        vacancy=vacancy,
        member=seats["committee_member"],
        relationship=relationship,
    )


Args = Callable[[World, Records], list[Any]]
Data = Callable[[World, Records], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    route: str
    method: str
    allowed: str
    expected: int
    args: Args = lambda w, r: []
    data: Data | None = None
    other: str | None = None  # out of scope → 404
    readonly: str | None = None  # may read, may not write → 403
    forbidden: tuple[str, ...] = ()  # lacks the capability → 403
    label: str = field(default="")
    query: str = ""

    def url(self, world: World, records: Records) -> str:
        return reverse(self.route, args=self.args(world, records)) + self.query

    def __str__(self) -> str:
        return f"{self.method} {self.route}{self.label}"


class SameFile(SimpleUploadedFile):
    """An uploaded file equal to any other of the same name and content. The leak harness
    skips a write whose address and payload are those of the persona's own side (a duty
    log for the district's campaign, which every village shares): files compare by
    identity otherwise."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SimpleUploadedFile):
            return NotImplemented
        return (self.name, self.file.getvalue()) == (other.name, other.file.getvalue())

    __hash__ = SimpleUploadedFile.__hash__


def person_post(side: Side, records: Records | None = None) -> dict[str, Any]:
    data = {
        "name": "陳麗華",
        "id_number": next_id_number(male=False),
        "phone": "139 0000 1111",
        "village": side.village.pk,
        "villager_group": side.group2.pk,
        "political_status": "cyl_member",
        "ethnicity": "01",
    }
    if records is not None:
        data.update(name="王强", id_number="", phone="", version=records.person.version)
    return data


def person_pk(w: World, r: Records) -> list[Any]:
    return [r.person.pk]


def account_pk(w: World, r: Records) -> list[Any]:
    return [r.account.pk]


def code_a(w: World, r: Records) -> list[Any]:
    return [r.side.village.code]


def campaign_pk(w: World, r: Records) -> list[Any]:
    return [r.frontline.campaign.pk]


def checkpoint_pk(w: World, r: Records) -> list[Any]:
    return [r.frontline.checkpoint.pk]


def pending_pk(w: World, r: Records) -> list[Any]:
    return [r.pending.pk]


def team_pk(w: World, r: Records) -> list[Any]:
    return [r.team.pk]


def deed_pk(w: World, r: Records) -> list[Any]:
    return [r.deed.pk]


def nominee_pk(w: World, r: Records) -> list[Any]:
    return [r.nominee.pk]


def round_pk(w: World, r: Records) -> list[Any]:
    return [r.town_round.pk]


def mentorship_pk(w: World, r: Records) -> list[Any]:
    return [r.mentorship.pk]


# Signed in, but no registry: the pipeline's lists answer 403.
NO_REGISTRY = ("post_leader", "clerk", "sysadmin", "outsider")
# The district's joint-review management: towns, villages and auditors get 403.
DISTRICT_ONLY = ("town_x_admin", "secretary_a", "auditor")


def workbook_bytes() -> bytes:
    """A real (one-cell) workbook, so that whoever downloads it can open it."""
    return xlsx([["王强"]])


def upload_of(side: Side) -> Upload:
    """A roster checked by 花红村's secretary, not imported yet (one per test)."""
    upload = Upload.objects.filter(requested_by=side.secretary).first()
    if upload is None:
        upload = Upload(
            requested_by=side.secretary,
            region=side.village,
            filename="花红村.csv",
            preview={"accepted": 1, "rejected": [], "sheet": "CSV", "updates": 0},
        )
        line = f"姓名,身份证号\n王强,{next_id_number()}\n".encode()
        upload.file.save("ladder.csv", ContentFile(line), save=False)
        upload.errors.save("ladder-errors.xlsx", ContentFile(workbook_bytes()), save=False)
        upload.save()
    return upload


def upload_key(find: Callable[[Side], Upload]) -> Args:
    return lambda w, r: [find(r.side).key]


def applied_upload_of(side: Side) -> Upload:
    upload = upload_of(side)
    upload.status = UploadStatus.APPLIED
    upload.result = {"created": 1, "updated": 0, "rejected": []}
    upload.save()
    return upload


CASES = [
    # web
    Case("web:home", "get", "secretary_a", 200),
    Case("web:home", "get", "outsider", 200, label=" (no grant)"),
    # accounts
    Case("accounts:password_change", "get", "secretary_a", 200),
    Case(
        "accounts:password_change",
        "post",
        "secretary_a",
        302,
        data=lambda w, r: {
            "old_password": "correct-horse-battery",
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    ),
    Case(
        "accounts:user_list",
        "get",
        "town_x_admin",
        200,
        forbidden=("secretary_a", "auditor", "post_leader"),
    ),
    Case("accounts:user_create", "get", "town_x_admin", 200, forbidden=("secretary_a", "auditor")),
    Case(
        "accounts:user_create",
        "post",
        "town_x_admin",
        200,
        data=lambda w, r: {
            "display_name": "黄春梅",
            "username": "secretary-new",
            "region": r.side.neighbour.pk,
            "role": "village_secretary",
        },
        forbidden=("secretary_a", "auditor"),
    ),
    Case(
        "accounts:user_detail",
        "get",
        "town_x_admin",
        200,
        args=account_pk,
        other="town_y_admin",
        forbidden=("secretary_a",),
    ),
    Case(
        "accounts:user_edit",
        "post",
        "town_x_admin",
        302,
        args=account_pk,
        data=lambda w, r: {"display_name": "何军军"},
        other="town_y_admin",
        forbidden=("secretary_a",),
    ),
    Case(
        "accounts:grant_add",
        "post",
        "town_x_admin",
        302,
        args=account_pk,
        data=lambda w, r: {"region": r.side.neighbour.pk, "role": "post_leader"},
        other="town_y_admin",
        forbidden=("secretary_a",),
    ),
    Case(
        "accounts:grant_revoke",
        "post",
        "town_x_admin",
        302,
        args=lambda w, r: [r.grant.pk],
        other="town_y_admin",
        forbidden=("secretary_a",),
    ),
    Case(
        "accounts:user_set_active",
        "post",
        "town_x_admin",
        302,
        args=account_pk,
        data=lambda w, r: {"active": "0"},
        other="town_y_admin",
        forbidden=("secretary_a",),
    ),
    Case(
        "accounts:user_reset_password",
        "post",
        "town_x_admin",
        200,
        args=account_pk,
        other="town_y_admin",
        forbidden=("secretary_a",),
    ),
    # regions
    Case("regions:index", "get", "secretary_a", 302, forbidden=("post_leader", "clerk")),
    Case("regions:index", "get", "sysadmin", 302, label=" (sysadmin)"),
    Case(
        "regions:detail",
        "get",
        "secretary_a",
        200,
        args=code_a,
        other="secretary_b",
        forbidden=("post_leader",),
    ),
    Case(
        "regions:edit",
        "get",
        "district_admin",
        200,
        args=code_a,
        other="auditor_other",
        readonly="auditor",
    ),
    Case(
        "regions:edit",
        "post",
        "sysadmin",
        302,
        args=code_a,
        data=lambda w, r: {"name": "花红村", "kind": "village", "urban_rural_class": "220"},
        other="auditor_other",
        readonly="secretary_a",
    ),
    Case(
        "regions:create_child",
        "get",
        "district_admin",
        200,
        args=code_a,
        other="auditor_other",
        readonly="town_x_admin",
    ),
    Case(
        "regions:create_child",
        "post",
        "district_admin",
        302,
        args=code_a,
        data=lambda w, r: {"code": "511002102220003", "name": "三社", "kind": "group"},
        other="auditor_other",
        readonly="secretary_a",
    ),
    Case(
        "regions:merge",
        "get",
        "district_admin",
        200,
        args=code_a,
        other="auditor_other",
        readonly="auditor",
    ),
    Case(
        "regions:merge",
        "post",
        "district_admin",
        302,
        args=lambda w, r: [r.side.merging.code],
        data=lambda w, r: {"into": r.side.village.pk, "on": "2020-05-31"},
        other="auditor_other",
        readonly="auditor",
    ),
    Case(
        "regions:import",
        "get",
        "sysadmin",
        200,
        forbidden=("secretary_a", "auditor", "town_x_admin"),
    ),
    Case(
        "regions:import",
        "post",
        "sysadmin",
        200,
        data=lambda w, r: {
            "file": SimpleUploadedFile(
                "r.csv",
                "code,name,level,parent_code\n511002102223,新村,village,511002102\n".encode(),
            )
        },
        forbidden=("secretary_a", "auditor"),
    ),
    Case(
        "regions:import_apply",
        "post",
        "sysadmin",
        302,
        data=lambda w, r: {"token": "stale"},
        forbidden=("secretary_a",),
    ),
    # people
    Case("people:list", "get", "secretary_a", 200, forbidden=("post_leader", "clerk", "sysadmin")),
    Case("people:create", "get", "secretary_a", 200, forbidden=("auditor", "post_leader")),
    Case(
        "people:create",
        "post",
        "secretary_a",
        302,
        data=lambda w, r: person_post(r.side),
        forbidden=("auditor", "post_leader"),
    ),
    Case(
        "people:group_options",
        "get",
        "secretary_a",
        200,
        data=lambda w, r: {"village": r.side.village.pk},
        forbidden=("auditor", "post_leader"),
    ),
    Case("people:detail", "get", "secretary_a", 200, args=person_pk, other="secretary_b"),
    Case(
        "people:detail",
        "get",
        "auditor",
        200,
        args=person_pk,
        other="secretary_c",
        label=" (read-only)",
    ),
    Case(
        "people:edit",
        "get",
        "secretary_a",
        200,
        args=person_pk,
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "people:edit",
        "post",
        "town_x_admin",
        302,
        args=person_pk,
        data=lambda w, r: person_post(r.side, r),
        other="town_y_admin",
        readonly="auditor",
    ),
    Case(
        "people:reveal",
        "post",
        "secretary_a",
        200,
        args=lambda w, r: [r.person.pk, "id_number"],
        data=lambda w, r: {"reason": "verify_identity"},
        other="secretary_b",
        readonly="auditor",
    ),
    Case("people:photo", "get", "secretary_a", 200, args=person_pk, other="secretary_b"),
    # audit
    Case(
        "audit:list",
        "get",
        "auditor",
        200,
        forbidden=("secretary_a", "town_x_admin", "post_leader"),
    ),
    Case(
        "audit:detail",
        "get",
        "auditor",
        200,
        args=lambda w, r: [r.event.pk],
        other="auditor_other",
        forbidden=("secretary_a",),
    ),
    # frontline: campaigns and posts
    Case("campaigns:list", "get", "secretary_a", 200, forbidden=("clerk", "sysadmin")),
    Case("campaigns:list", "get", "post_leader", 200, label=" (post leader)"),
    Case("campaigns:create", "get", "town_x_admin", 200, forbidden=("secretary_a", "auditor")),
    Case(
        "campaigns:create",
        "post",
        "town_x_admin",
        302,
        data=lambda w, r: {
            "name": "2020年防汛",
            "campaign_type": r.frontline.campaign.campaign_type_id,
            "region": r.side.town.pk,
            "start_date": "2020-02-01",
        },
        forbidden=("secretary_a", "auditor"),
    ),
    Case(
        "campaigns:detail",
        "get",
        "secretary_a",
        200,
        args=campaign_pk,
        other="auditor_other",
        forbidden=("clerk",),
    ),
    Case(
        "campaigns:edit",
        "get",
        "district_admin",
        200,
        args=campaign_pk,
        other="auditor_other",
        readonly="auditor",
    ),
    Case(
        "campaigns:edit",
        "post",
        "district_admin",
        302,
        args=campaign_pk,
        data=lambda w, r: {
            "name": "2020年新冠肺炎疫情防控",
            "campaign_type": r.frontline.campaign.campaign_type_id,
            "start_date": "2020-01-24",
            "end_date": "2020-04-30",
            "status": "active",
        },
        other="auditor_other",
        readonly="town_x_admin",
    ),
    Case("campaigns:post_create", "get", "secretary_a", 200, args=campaign_pk, readonly="auditor"),
    Case(
        "campaigns:post_create",
        "post",
        "secretary_a",
        302,
        args=campaign_pk,
        data=lambda w, r: {
            "name": "花红村宣传排查",
            "post_type": r.frontline.checkpoint.post_type_id,
            "region": r.side.village.pk,
            "pattern": "1x24",
            "people_needed": 1,
            "max_shift_hours": 12,
        },
        readonly="auditor",
    ),
    Case(
        "campaigns:post_edit",
        "get",
        "secretary_a",
        200,
        args=checkpoint_pk,
        other="secretary_b",
        readonly="post_leader",
    ),
    Case(
        "campaigns:post_edit",
        "post",
        "secretary_a",
        302,
        args=checkpoint_pk,
        data=lambda w, r: {
            "name": "唐家湾卡点",
            "post_type": r.frontline.checkpoint.post_type_id,
            "pattern": "3x8",
            "people_needed": 2,
            "max_shift_hours": 12,
            "is_active": "on",
            "leaders": [r.side.post_leader.pk],
        },
        other="secretary_b",
        readonly="post_leader",
    ),
    # frontline: roster, today, records
    Case("duty:post_roster", "get", "secretary_a", 200, args=checkpoint_pk, other="secretary_b"),
    Case(
        "duty:post_roster",
        "get",
        "post_leader",
        200,
        args=checkpoint_pk,
        other="clerk",
        label=" (leader)",
    ),
    Case(
        "duty:roster_assign",
        "post",
        "secretary_a",
        302,
        args=checkpoint_pk,
        data=lambda w, r: {
            "template": r.frontline.checkpoint.shift_templates.get(start_time=dt.time(16)).pk,
            "day": "2020-02-21",
            "person": r.person.pk,
        },
        other="secretary_b",
        readonly="post_leader",
    ),
    Case(
        "duty:roster_copy",
        "post",
        "secretary_a",
        302,
        args=checkpoint_pk,
        data=lambda w, r: {"source_day": "2020-02-20", "days": 1, "target_day": "2020-02-21"},
        other="secretary_b",
        readonly="auditor",
    ),
    Case("duty:roster_export", "get", "post_leader", 200, args=checkpoint_pk, other="secretary_b"),
    Case(
        "duty:roster_unassign",
        "post",
        "secretary_a",
        302,
        args=lambda w, r: [r.assignment.pk],
        other="secretary_b",
        readonly="post_leader",
    ),
    Case("duty:post_today", "get", "post_leader", 200, args=checkpoint_pk, other="secretary_b"),
    Case(
        "duty:post_check_in",
        "post",
        "post_leader",
        302,
        args=checkpoint_pk,
        data=lambda w, r: {"person": r.person.pk},
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "duty:post_people_search",
        "get",
        "secretary_a",
        200,
        args=checkpoint_pk,
        data=lambda w, r: {"q": "wq"},
        other="secretary_b",
        readonly="post_leader",
    ),
    Case("duty:post_records", "get", "secretary_a", 200, args=checkpoint_pk, other="secretary_b"),
    Case(
        "duty:post_records",
        "post",
        "secretary_a",
        302,
        args=checkpoint_pk,
        data=lambda w, r: {
            "person": r.person.pk,
            "day": "2020-02-10",
            "start": "08:00",
            "end": "16:00",
        },
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "duty:post_day_screen",
        "get",
        "secretary_a",
        200,
        args=checkpoint_pk,
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "duty:post_day_screen",
        "post",
        "secretary_a",
        302,
        args=checkpoint_pk,
        query="?day=2020-02-20",
        data=lambda w, r: {
            f"served_{r.assignment.pk}": "on",
            f"start_{r.assignment.pk}": "08:00",
            f"end_{r.assignment.pk}": "11:00",
        },
        other="secretary_b",
        readonly="auditor",
    ),
    Case("duty:record_detail", "get", "secretary_a", 200, args=pending_pk, other="secretary_b"),
    Case(
        "duty:record_detail",
        "get",
        "post_leader",
        200,
        args=pending_pk,
        other="secretary_c",
        label=" (leader)",
    ),
    Case(
        "duty:record_edit",
        "post",
        "secretary_a",
        302,
        args=pending_pk,
        data=lambda w, r: {
            "day": "2020-02-19",
            "start": "08:00",
            "end": "15:00",
            "version": r.pending.version,
        },
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "duty:record_check_out",
        "post",
        "post_leader",
        302,
        args=lambda w, r: [r.open_record.pk],
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "duty:record_verify",
        "post",
        "town_x_admin",
        302,
        args=pending_pk,
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "duty:record_decline",
        "post",
        "town_x_admin",
        302,
        args=pending_pk,
        data=lambda w, r: {"reason": "记错了"},
        other="secretary_c",
        readonly="auditor",
    ),
    Case("duty:person_profile", "get", "secretary_a", 200, args=person_pk, other="secretary_b"),
    Case("duty:review", "get", "town_x_admin", 200, forbidden=("clerk", "auditor", "sysadmin")),
    Case(
        "duty:review_verify",
        "post",
        "town_x_admin",
        302,
        data=lambda w, r: {"record": [r.pending.pk], "selected": "1"},
        other="secretary_b",
        readonly="auditor",
        forbidden=("clerk", "sysadmin"),
    ),
    # teams and volunteer sign-up
    Case("teams:list", "get", "secretary_a", 200, forbidden=("auditor", "post_leader")),
    Case("teams:create", "get", "secretary_a", 200, forbidden=("auditor",)),
    Case(
        "teams:create",
        "post",
        "secretary_a",
        302,
        data=lambda w, r: {
            "name": "花红村青年突击队",
            "kind": r.team.kind_id,
            "region": r.side.village.pk,
        },
        forbidden=("auditor",),
    ),
    Case("teams:detail", "get", "secretary_a", 200, args=team_pk, other="secretary_b"),
    Case("teams:edit", "get", "secretary_a", 200, args=team_pk, other="secretary_b"),
    Case(
        "teams:edit",
        "post",
        "secretary_a",
        302,
        args=team_pk,
        data=lambda w, r: {"name": "花红村志愿服务队", "kind": r.team.kind_id},
        other="secretary_b",
    ),
    Case(
        "teams:member_add",
        "post",
        "secretary_a",
        302,
        args=team_pk,
        data=lambda w, r: {"person": r.open_record.person_id},
        other="secretary_b",
    ),
    Case(
        "teams:member_remove",
        "post",
        "secretary_a",
        302,
        args=lambda w, r: [r.membership.pk],
        other="secretary_b",
    ),
    Case("teams:link_open", "post", "secretary_a", 302, args=team_pk, other="secretary_b"),
    Case(
        "teams:link_close",
        "post",
        "secretary_a",
        302,
        args=lambda w, r: [r.link.pk],
        other="secretary_b",
    ),
    Case(
        "teams:link_qr",
        "get",
        "secretary_a",
        200,
        args=lambda w, r: [r.link.pk],
        other="secretary_b",
    ),
    Case(
        "teams:application_accept",
        "post",
        "secretary_a",
        302,
        args=lambda w, r: [r.application.pk],
        other="secretary_b",
    ),
    Case(
        "teams:application_decline",
        "post",
        "secretary_a",
        302,
        args=lambda w, r: [r.application.pk],
        data=lambda w, r: {"reason": "已另行安排"},
        other="secretary_b",
    ),
    # deeds
    Case(
        "deeds:create",
        "get",
        "secretary_a",
        200,
        args=person_pk,
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "deeds:create",
        "post",
        "secretary_a",
        302,
        args=person_pk,
        data=lambda w, r: {
            "date": "2020-02-05",
            "title": "主动请缨",
            "narrative": "加入一线防疫队伍",
            "level": "town",
        },
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "deeds:edit",
        "get",
        "secretary_a",
        200,
        args=deed_pk,
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "deeds:edit",
        "post",
        "secretary_a",
        302,
        args=deed_pk,
        data=lambda w, r: {
            "date": "2020-02-03",
            "title": "送爱心午餐",
            "narrative": "连续多日送午餐",
            "level": "village",
        },
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "deeds:evidence_add",
        "post",
        "secretary_a",
        302,
        args=deed_pk,
        data=lambda w, r: {"attachments": SimpleUploadedFile("more.jpg", jpeg_bytes("blue"))},
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "deeds:evidence_file",
        "get",
        "auditor",
        200,
        args=lambda w, r: [r.evidence.pk],
        other="secretary_b",
    ),
    Case(
        "deeds:evidence_remove",
        "post",
        "secretary_a",
        302,
        args=lambda w, r: [r.evidence.pk],
        other="secretary_b",
        readonly="auditor",
    ),
    # pipeline
    Case("pipeline:pool", "get", "secretary_a", 200, forbidden=NO_REGISTRY),
    Case("pipeline:person", "get", "secretary_a", 200, args=person_pk, other="secretary_b"),
    Case("pipeline:dossier", "get", "secretary_a", 200, args=person_pk, other="secretary_b"),
    Case(
        "pipeline:nominate",
        "get",
        "secretary_a",
        200,
        args=nominee_pk,
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "pipeline:nominate",
        "post",
        "secretary_a",
        302,
        args=nominee_pk,
        data=lambda w, r: {
            "route": "frontline_team",
            "campaign": r.frontline.campaign.pk,
            "criteria": ["takes_responsibility", "cares_for_masses"],
            "reasons": "主动承担夜班",
            "nominated_on": "2020-02-20",
        },
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "pipeline:decide",
        "get",
        "secretary_a",
        200,
        args=person_pk,
        query="?to=key_target",
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "pipeline:decide",
        "post",
        "secretary_a",
        302,
        args=person_pk,
        data=lambda w, r: {
            "to": "key_target",
            "deciding_level": "village",
            "decided_on": "2020-02-20",
            "reason": "表现突出",
            "version": 2,
        },
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "pipeline:decision",
        "get",
        "secretary_a",
        200,
        args=lambda w, r: [r.decision.pk],
        other="secretary_b",
    ),
    Case(
        "pipeline:opinion",
        "get",
        "secretary_a",
        200,
        args=person_pk,
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "pipeline:opinion",
        "post",
        "town_x_admin",
        302,
        args=person_pk,
        data=lambda w, r: {"level": "town", "text": "同意列为镇级后备", "given_on": "2020-02-20"},
        other="town_y_admin",
        readonly="auditor",
    ),
    Case("pipeline:targets", "get", "secretary_a", 200, forbidden=NO_REGISTRY),
    Case(
        "pipeline:target_edit",
        "get",
        "town_x_admin",
        200,
        args=code_a,
        other="town_y_admin",
        readonly="secretary_a",
    ),
    Case(
        "pipeline:target_edit",
        "post",
        "town_x_admin",
        302,
        args=code_a,
        data=lambda w, r: {"min_reserves": 3, "min_secretary_reserves": 1},
        other="town_y_admin",
        readonly="auditor",
    ),
    Case("pipeline:ranking", "get", "secretary_a", 200, forbidden=NO_REGISTRY),
    Case(
        "pipeline:weights",
        "get",
        "district_admin",
        200,
        forbidden=("town_x_admin", "secretary_a", "auditor"),
    ),
    Case(
        "pipeline:weights",
        "post",
        "district_admin",
        302,
        data=lambda w, r: dict.fromkeys(WEIGHT_FIELDS, "1"),
        forbidden=("town_x_admin", "secretary_a", "auditor"),
    ),
    # assessments
    Case("assessments:list", "get", "secretary_a", 200, forbidden=NO_REGISTRY),
    Case("assessments:create", "get", "town_x_admin", 200, forbidden=("auditor", "post_leader")),
    Case(
        "assessments:create",
        "post",
        "town_x_admin",
        302,
        data=lambda w, r: {
            "region": r.side.town.pk,
            "name": "2020年镇级考察",
            "held_on": "2020-02-20",
            "subjects": [r.person.pk],
            "min_anonymous_raters": 5,
        },
        forbidden=("auditor", "post_leader"),
    ),
    Case(
        "assessments:detail",
        "get",
        "secretary_a",
        200,
        args=round_pk,
        other="secretary_c",
    ),
    Case(
        "assessments:ballot",
        "get",
        "town_x_admin",
        200,
        args=round_pk,
        other="secretary_c",
        readonly="secretary_a",
    ),
    Case(
        "assessments:ballot",
        "post",
        "town_x_admin",
        302,
        args=round_pk,
        data=lambda w, r: {
            "subject": r.person.pk,
            "rater_group": "town_cadres",
            "rater_name": "何军",
            "grade": "excellent",
            "score_virtue": 9,
        },
        other="secretary_c",
        readonly="secretary_a",
    ),
    Case(
        "assessments:close",
        "post",
        "town_x_admin",
        302,
        args=round_pk,
        other="secretary_c",
        readonly="secretary_a",
    ),
    # cultivation
    *[
        Case(
            route,
            method,
            "secretary_a",
            expected,
            args=person_pk,
            data=data,
            other="secretary_b",
            readonly="auditor",
        )
        for route, data in (
            (
                "cultivation:mentor_add",
                lambda w, r: {
                    "mentor_name": "张镇长",
                    "role": "town_leader",
                    "started_on": "2020-02-10",
                },
            ),
            (
                "cultivation:assignment_add",
                lambda w, r: {
                    "kind": "trial_post",
                    "title": "村委会主任助理",
                    "started_on": "2020-02-10",
                },
            ),
            (
                "cultivation:training_add",
                lambda w, r: {
                    "name": "后备力量培训班",
                    "started_on": "2020-02-10",
                    "ended_on": "2020-02-12",
                    "hours": "24",
                },
            ),
        )
        for method, expected in (("get", 200), ("post", 302))
    ],
    Case(
        "cultivation:talk_add",
        "get",
        "secretary_a",
        200,
        args=mentorship_pk,
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "cultivation:talk_add",
        "post",
        "secretary_a",
        302,
        args=mentorship_pk,
        data=lambda w, r: {"held_on": "2020-02-15", "summary": "谈卡点值守体会"},
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "cultivation:mentor_end",
        "post",
        "secretary_a",
        302,
        args=mentorship_pk,
        data=lambda w, r: {"ended_on": "2020-02-20"},
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "cultivation:assignment_edit",
        "get",
        "secretary_a",
        200,
        args=lambda w, r: [r.tough_post.pk],
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "cultivation:assignment_edit",
        "post",
        "secretary_a",
        302,
        args=lambda w, r: [r.tough_post.pk],
        data=lambda w, r: {"ended_on": "2020-02-18", "outcome": "good", "place": "沱江"},
        other="secretary_b",
        readonly="auditor",
    ),
    # party
    Case("party:due", "get", "secretary_a", 200, forbidden=NO_REGISTRY),
    Case("party:track", "get", "secretary_a", 200, args=person_pk, other="secretary_b"),
    Case(
        "party:step",
        "get",
        "secretary_a",
        200,
        args=lambda w, r: [r.person.pk, "talk"],
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "party:step",
        "post",
        "secretary_a",
        302,
        args=lambda w, r: [r.person.pk, "talk"],
        data=lambda w, r: {"talked_on": "2020-02-15", "version": 1},
        other="secretary_b",
        readonly="auditor",
    ),
    # joint review: managed by the district, read by its auditor, a clerk's queue
    Case("review:batches", "get", "district_admin", 200, forbidden=NO_REGISTRY),
    Case("review:batch_create", "get", "district_admin", 200, forbidden=DISTRICT_ONLY),
    Case(
        "review:batch_create",
        "post",
        "district_admin",
        302,
        data=lambda w, r: {
            "name": "第四批",
            "opened_on": "2020-02-20",
            "deadline": "2020-02-28",
            "departments": [Department.objects.get(code="police").pk],
            "people": [r.person.pk],
        },
        forbidden=DISTRICT_ONLY,
    ),
    Case(
        "review:batch",
        "get",
        "auditor",
        200,
        args=lambda w, r: [r.passed.batch_id],
        other="auditor_other",
    ),
    Case(
        "review:publish",
        "post",
        "district_admin",
        302,
        args=lambda w, r: [r.open_verdict.subject.batch_id],
        data=lambda w, r: {"starts_on": "2020-02-21", "ends_on": "2020-02-27"},
        other="auditor_other",
        readonly="auditor",
    ),
    Case(
        "review:objection_add",
        "get",
        "district_admin",
        200,
        args=lambda w, r: [r.objection.subject_id],
        other="auditor_other",
        readonly="auditor",
    ),
    Case(
        "review:objection_add",
        "post",
        "district_admin",
        302,
        args=lambda w, r: [r.objection.subject_id],
        data=lambda w, r: {"received_on": "2020-02-20", "summary": "另有反映"},
        other="auditor_other",
        readonly="auditor",
    ),
    Case(
        "review:objection_resolve",
        "get",
        "district_admin",
        200,
        args=lambda w, r: [r.objection.pk],
        other="auditor_other",
        readonly="auditor",
    ),
    Case(
        "review:objection_resolve",
        "post",
        "district_admin",
        302,
        args=lambda w, r: [r.objection.pk],
        data=lambda w, r: {
            "resolution": "dismissed",
            "resolved_on": "2020-02-20",
            "notes": "经核实无此情况",
        },
        other="auditor_other",
        readonly="auditor",
    ),
    Case(
        "review:queue", "get", "clerk", 200, forbidden=("district_admin", "secretary_a", "auditor")
    ),
    Case(
        "review:verdict",
        "get",
        "clerk",
        200,
        args=lambda w, r: [r.open_verdict.pk],
        forbidden=("district_admin", "auditor"),
    ),
    Case(
        "review:verdict",
        "post",
        "clerk",
        302,
        args=lambda w, r: [r.open_verdict.pk],
        data=lambda w, r: {"verdict": "pass"},
        forbidden=("district_admin", "auditor"),
    ),
    Case(
        "review:verdict_reveal",
        "post",
        "clerk",
        200,
        args=lambda w, r: [r.open_verdict.pk],
        forbidden=("district_admin", "secretary_a"),
    ),
    Case("review:settings", "get", "district_admin", 200, forbidden=DISTRICT_ONLY),
    Case("review:department_add", "get", "district_admin", 200, forbidden=DISTRICT_ONLY),
    Case(
        "review:department_add",
        "post",
        "district_admin",
        302,
        data=lambda w, r: {"code": "social_work", "name": "区委社会工作部", "is_active": "on"},
        forbidden=DISTRICT_ONLY,
    ),
    Case(
        "review:department_edit",
        "get",
        "district_admin",
        200,
        args=lambda w, r: [Department.objects.get(code="police").pk],
        forbidden=DISTRICT_ONLY,
    ),
    Case(
        "review:department_edit",
        "post",
        "district_admin",
        302,
        args=lambda w, r: [Department.objects.get(code="police").pk],
        data=lambda w, r: {
            "code": "police",
            "name": "公安分局",
            "is_active": "on",
            "clerks": [r.side.clerk.pk],
        },
        forbidden=DISTRICT_ONLY,
    ),
    Case("review:item_add", "get", "district_admin", 200, forbidden=DISTRICT_ONLY),
    Case(
        "review:item_add",
        "post",
        "district_admin",
        302,
        data=lambda w, r: {
            "code": "U08",
            "category": "unsuitable",
            "wording": "拖欠集体资金或侵占集体土地的",
            "department": Department.objects.get(code="agriculture").pk,
            "is_active": "on",
        },
        forbidden=DISTRICT_ONLY,
    ),
    Case(
        "review:item_edit",
        "get",
        "district_admin",
        200,
        args=lambda w, r: [NegativeListItem.objects.get(code="N01").pk],
        forbidden=DISTRICT_ONLY,
    ),
    Case(
        "review:item_edit",
        "post",
        "district_admin",
        302,
        args=lambda w, r: [NegativeListItem.objects.get(code="N01").pk],
        data=lambda w, r: {
            "code": "N01",
            "category": "cannot",
            "wording": "受过刑事处罚的",
            "lookback_years": 5,
            "department": Department.objects.get(code="court").pk,
            "is_active": "on",
        },
        forbidden=DISTRICT_ONLY,
    ),
    # seats
    Case("seats:index", "get", "secretary_a", 200, forbidden=NO_REGISTRY),
    Case("seats:forecast", "get", "town_x_admin", 200, forbidden=NO_REGISTRY),
    Case("seats:village", "get", "secretary_a", 200, args=code_a, other="secretary_b"),
    Case(
        "seats:setup",
        "get",
        "town_x_admin",
        200,
        args=code_a,
        other="town_y_admin",
        readonly="secretary_a",
    ),
    Case(
        "seats:setup",
        "post",
        "town_x_admin",
        302,
        args=code_a,
        data=lambda w, r: {
            "party_deputies": 0,
            "party_members": 2,
            "committee_deputies": 1,
            "committee_members": 2,
        },
        other="town_y_admin",
        readonly="secretary_a",
    ),
    Case(
        "seats:incumbent",
        "get",
        "town_x_admin",
        200,
        args=lambda w, r: [r.member.pk],
        other="town_y_admin",
        readonly="secretary_a",
    ),
    Case(
        "seats:incumbent",
        "post",
        "town_x_admin",
        302,
        args=lambda w, r: [r.member.pk],
        data=lambda w, r: {"person": r.person.pk, "started_on": "2016-12-01"},
        other="town_y_admin",
        readonly="secretary_a",
    ),
    Case(
        "seats:vacancy_open",
        "get",
        "town_x_admin",
        200,
        args=lambda w, r: [r.member.pk],
        other="town_y_admin",
        readonly="auditor",
    ),
    Case(
        "seats:vacancy_open",
        "post",
        "town_x_admin",
        302,
        args=lambda w, r: [r.member.pk],
        data=lambda w, r: {"reason": "new_seat", "opened_on": "2020-02-20"},
        other="town_y_admin",
        readonly="auditor",
    ),
    Case(
        "seats:vacancy",
        "get",
        "secretary_a",
        200,
        args=lambda w, r: [r.vacancy.pk],
        other="secretary_b",
    ),
    Case(
        "seats:vacancy",
        "post",
        "district_admin",
        302,
        args=lambda w, r: [r.vacancy.pk],
        data=lambda w, r: {
            "person": r.person.pk,
            "method": "by_election",
            "decided_on": "2020-02-20",
            "document_number": "花红村委〔2020〕1号",
        },
        other="town_y_admin",
        readonly="town_x_admin",
    ),
    # relatives
    Case("people:relatives", "get", "secretary_a", 200, args=person_pk, other="secretary_b"),
    Case(
        "people:relatives",
        "post",
        "secretary_a",
        302,
        args=person_pk,
        data=lambda w, r: {
            "relative": make_person(r.side.village, r.side.relative).pk,
            "kind": "sibling",
        },
        other="secretary_b",
        readonly="auditor",
    ),
    Case(
        "people:relative_remove",
        "post",
        "secretary_a",
        302,
        args=lambda w, r: [r.relationship.pk],
        other="secretary_b",
        readonly="auditor",
    ),
    # printable PDFs: the registration form (one person, a village's reserves) and the
    # joint-review ledger (the district's managers only; its auditor reads the batch only)
    Case("pipeline:dossier_pdf", "get", "secretary_a", 200, args=person_pk, other="secretary_b"),
    Case(
        "pipeline:dossiers_pdf",
        "get",
        "secretary_a",
        200,
        query="?region=511002102220",  # 花红村
        other="secretary_b",
        forbidden=NO_REGISTRY,
    ),
    Case(
        "review:ledger_xlsx",
        "get",
        "district_admin",
        200,
        args=lambda w, r: [r.passed.batch_id],
        other="auditor_other",
        forbidden=("auditor",),
    ),
    Case(
        "review:ledger_pdf",
        "get",
        "district_admin",
        200,
        args=lambda w, r: [r.passed.batch_id],
        other="auditor_other",
        forbidden=("auditor",),
    ),
    *[
        Case(
            route,
            "get",
            "district_admin",
            200,
            query="?region=511002102220&figure=served_total",  # 花红村
            other="secretary_b",
            forbidden=NO_REGISTRY,
        )
        for route in (
            "reports:dashboard",
            "reports:dashboard_export",
            "reports:people",
            "reports:people_export",
            "reports:duty_records_export",
            "reports:decisions_export",
        )
    ],
    Case("imports:example", "get", "secretary_a", 200, readonly="auditor", forbidden=NO_REGISTRY),
    Case(
        "imports:duty_form",
        "get",
        "secretary_a",
        200,
        args=campaign_pk,
        other="auditor_other",
        readonly="auditor",
        forbidden=("post_leader",),
    ),
    *[
        Case(
            "imports:duty",
            method,
            "secretary_a",
            status,
            args=campaign_pk,
            data=data,
            other="auditor_other",
            readonly="auditor",
            forbidden=("post_leader",),
        )
        for method, status, data in (
            ("get", 200, None),
            (
                "post",
                302,
                lambda w, r: {
                    "file": SameFile(
                        "值守.csv",
                        "日期,岗位,姓名,上岗时间,下岗时间\n2020-02-03,唐家湾卡点,王强,08:00,16:00\n".encode(),
                    )
                },
            ),
        )
    ],
    Case(
        "imports:people",
        "get",
        "secretary_a",
        200,
        readonly="auditor",
        forbidden=NO_REGISTRY,
    ),
    Case(
        "imports:people",
        "post",
        "secretary_a",
        302,
        data=lambda w, r: {
            "file": SimpleUploadedFile(
                "花红村.csv", f"姓名,身份证号\n王强,{next_id_number()}\n".encode()
            ),
            "region": r.side.village.pk,
        },
        readonly="auditor",
        forbidden=NO_REGISTRY,
    ),
    *[
        Case(
            route,
            method,
            "secretary_a",
            status,
            args=upload_key(find),
            other="secretary_b",
        )
        for route, method, status, find in (
            ("imports:preview", "get", 200, upload_of),
            ("imports:apply", "post", 302, upload_of),
            ("imports:result", "get", 200, applied_upload_of),
            ("imports:errors", "get", 200, applied_upload_of),
        )
    ],
    Case("api_tokens:list", "get", "secretary_a", 200),
    Case("api_tokens:list", "post", "secretary_a", 200, data=lambda w, r: {"name": "统计"}),
    Case(
        "api_tokens:revoke",
        "post",
        "secretary_a",
        302,
        args=lambda w, r: [token_of(r.side).pk],
        other="secretary_b",
    ),
    *[
        Case(
            route,
            "get",
            "district_admin",
            200,
            args=lambda w, r: [job_of(r.side).key],
            other="town_x_admin",
        )
        for route in ("jobs:job", "jobs:download")
    ],
]


def token_of(side: Side) -> ApiToken:
    token = ApiToken.objects.filter(user=side.secretary).first()
    if token is None:
        token = ApiToken.objects.create(
            user=side.secretary,
            name="统计",
            prefix=f"hb_{side.village.pk}",
            digest=f"{side.village.pk:064}",
        )
    return token


def job_of(side: Side) -> Job:
    """A finished export of the district admin's (one per test)."""
    job, created = Job.objects.get_or_create(
        requested_by=side.district_admin,
        kind="reports.export",
        defaults={"title": "导出", "language": "zh-hans", "status": JobStatus.DONE, "total": 1},
    )
    if created:
        job.result.save("ladder.xlsx", ContentFile(workbook_bytes()), save=False)
        job.result_name = "花名册.xlsx"
        job.save()
    return job


# Routes open to everyone, tested on their own below.
PUBLIC_ROUTES = {
    "accounts:login",
    "accounts:logout",
    "web:set_language",
    "web:healthz",
    "join:signup",
    "join:done",
}


def _client_for(world: World, persona: str | None) -> Client:
    client = Client()
    if persona:
        client.force_login(world.persona(persona))
    return client


def _respond(case: Case, persona: str | None, world: World, records: Records) -> Any:
    """Send the case's request, as ``persona`` (None: anonymous), with the case's data."""
    client = _client_for(world, persona)
    data = case.data(world, records) if case.data else {}
    send = client.get if case.method == "get" else client.post
    return send(case.url(world, records), data)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_anonymous_is_sent_to_sign_in(case: Case, world: World, records: Records) -> None:
    response = _respond(case, None, world, records)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_allowed_persona_succeeds(case: Case, world: World, records: Records) -> None:
    response = _respond(case, case.allowed, world, records)
    assert response.status_code == case.expected, getattr(response, "content", b"")[:2000]


@pytest.mark.parametrize("case", [c for c in CASES if c.other], ids=str)
def test_out_of_scope_is_404_like_missing(case: Case, world: World, records: Records) -> None:
    assert _respond(case, case.other, world, records).status_code == 404


@pytest.mark.parametrize("case", [c for c in CASES if c.readonly], ids=str)
def test_read_only_may_not_write(case: Case, world: World, records: Records) -> None:
    assert _respond(case, case.readonly, world, records).status_code == 403


@pytest.mark.parametrize("case", [c for c in CASES if c.forbidden], ids=str)
def test_roles_without_the_capability_get_403(case: Case, world: World, records: Records) -> None:
    for persona in case.forbidden:
        assert _respond(case, persona, world, records).status_code == 403, persona


def _allowed_methods(route: str) -> set[str]:
    return {case.method for case in CASES if case.route == route}


def _wrong_method(route: str) -> str:
    allowed = _allowed_methods(route)
    return next(method for method in ("get", "post", "put") if method not in allowed)


@pytest.mark.parametrize("route", sorted({case.route for case in CASES}))
def test_the_wrong_method_is_405(route: str, world: World, records: Records) -> None:
    case = next(c for c in CASES if c.route == route)
    client = _client_for(world, case.allowed)
    response = getattr(client, _wrong_method(route))(case.url(world, records))
    assert response.status_code == 405


def _route_names(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_route_is_on_the_ladder() -> None:
    covered = {case.route for case in CASES} | PUBLIC_ROUTES
    # API operations have their own ladder, with tokens: houbei/api/tests/test_api_ladder.py.
    pages = {n for n in _route_names(get_resolver().url_patterns) if not n.startswith("api:")}
    missing = pages - covered
    assert not missing, f"routes without persona-ladder cases: {sorted(missing)}"


# --- the public routes ------------------------------------------------------------------


def test_healthz_answers_without_sign_in(db: None) -> None:
    response = Client().get(reverse("web:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_sign_in_and_out(world: World) -> None:
    client = Client()
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    wrong = client.post(reverse("accounts:login"), {"username": "village-a", "password": "nope"})
    assert wrong.status_code == 200
    assert "用户名或密码错误" in wrong.content.decode()
    response = client.post(
        reverse("accounts:login"), {"username": "village-a", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


def test_language_switch(db: None) -> None:
    client = Client()
    response = client.post(
        reverse("web:set_language"), {"language": "zh-hant", "next": "/accounts/login/"}
    )
    assert response.status_code == 302
    assert "登錄" in client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    assert "Sign in to Houbei" in client.get(reverse("accounts:login")).content.decode()
