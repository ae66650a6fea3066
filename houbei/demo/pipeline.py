"""The demo's reserve pipeline, told as the article tells it: volunteers who stood out at
唐家湾卡点 are nominated in February 2020, listed as village reserves and key cultivation
targets, promoted by 凌家镇 into the town-level pool (one of them sent to the August 2020
flood-relief front) and by the district into the district-level pool. Assessment rounds,
mentors, training, opinions and Party tracks go with them; the Party dates are set relative
to today, so that the village always has steps due this month.

Everything goes through the services as the demo accounts (audit trail, evidence snapshots,
rules); loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone

from houbei.accounts.models import User
from houbei.assessments.models import AssessmentRound, Grade, RaterGroup
from houbei.assessments.services import rating_add, round_close, round_create
from houbei.campaigns.models import Campaign
from houbei.cultivation.services import (
    assignment_add,
    mentorship_add,
    talk_add,
    training_add,
)
from houbei.deeds.models import Deed
from houbei.lib.dates import add_months, add_years
from houbei.party.rules import Step
from houbei.party.services import party_step_record
from houbei.people.choices import PoliticalStatus
from houbei.people.models import Person
from houbei.pipeline.models import Route, Standing
from houbei.pipeline.services import decide, nominate, opinion_record, pool_target_set
from houbei.pipeline.stages import DecidingLevel, ExitReason, Stage, TargetPost
from houbei.regions.models import Region
from houbei.teams.models import Team

HUAHONG = "511002102220"
XINCITANG = "511002102222"
LUZI = "511002104220"
EPIDEMIC = "2020年新冠肺炎疫情防控"
D = dt.date
ADULT_BORN_BY = D(1998, 1, 1)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _adults(code: str) -> list[Person]:
    """The village's people old enough for every Party date below, not yet Party members,
    those with the most frontline hours first."""
    return list(
        Person.objects.filter(village__code=code, birth_date__lte=ADULT_BORN_BY)
        .exclude(
            political_status__in=[PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY]
        )
        .annotate(served=Sum("indicators__seconds"))
        .order_by(F("served").desc(nulls_last=True), "id")
    )


def _move(
    person: Person,
    to_stage: Stage,
    level: DecidingLevel,
    on: dt.date,
    reason: str,
    *,
    user: str | None = None,
    document_number: str = "",
    exit_reason: str = "",
) -> None:
    decide(
        acting_user=_user(user) if user else None,
        person=person,
        to_stage=to_stage,
        deciding_level=level,
        decided_on=on,
        reason=reason,
        document_number=document_number,
        exit_reason=exit_reason,
        expected_version=Standing.objects.get(person=person).version,
    )


def _nominate(
    person: Person,
    on: dt.date,
    reasons: str,
    *,
    user: str,
    post: str = "",
    route: str = Route.FRONTLINE_TEAM,
    criteria: tuple[str, ...] = ("takes_responsibility", "cares_for_masses", "political_quality"),
) -> None:
    nominate(
        acting_user=_user(user),
        person=person,
        route=route,
        reasons=reasons,
        nominated_on=on,
        criteria=criteria,
        campaign=Campaign.objects.filter(name=EPIDEMIC).first(),
        team=Team.objects.filter(name="花红村志愿服务队", memberships__person=person).first(),
        target_post=post,
        deeds=list(Deed.objects.filter(person=person)),
    )


def _party(person: Person, user: str, steps: list[tuple[Step, dict[str, object]]]) -> None:
    for step, values in steps:
        party_step_record(acting_user=_user(user), person=person, step=step, values=values)


def load_pipeline() -> None:
    if Standing.objects.exists():
        return
    today = timezone.localdate()
    secretary, town, district = "demo-village-a", "demo-town", "demo-district"
    huahong = _adults(HUAHONG)
    first, second, third, fourth, fifth = huahong[:5]

    # --- 花红村: nominations from the checkpoint, February 2020 -------------------------
    for person, post in (
        (first, TargetPost.SECRETARY),
        (second, TargetPost.DIRECTOR),
        (third, TargetPost.MEMBER),
        (fifth, TargetPost.MEMBER),
    ):
        _nominate(
            person,
            D(2020, 2, 21),
            f"在唐家湾卡点连续值守，主动承担夜班，协助排查返乡人员。{person.name}同志在疫情防控一线敢于担当、热心服务群众。",
            user=secretary,
            post=post,
        )
        _move(
            person,
            Stage.VILLAGE_RESERVE,
            DecidingLevel.VILLAGE,
            D(2020, 3, 5),
            "经村党组织会议研究，同意列为村级后备力量。",
            user=secretary,
            document_number="花红党〔2020〕2号",
        )
    for person in (first, second):
        _move(
            person,
            Stage.KEY_TARGET,
            DecidingLevel.VILLAGE,
            D(2020, 6, 28),
            "上半年考察优秀，列为重点培养对象。",
            user=secretary,
        )

    # --- cultivation: mentors (3+1), talks, training, the flood-relief front ---------------
    for person in (first, second):
        for name, role, position in (
            ("陈志强", "town_leader", "凌家镇党委副书记"),
            ("刘洋", "resident_cadre", "凌家镇组织委员、驻村干部"),
            ("李建国", "village_secretary", "花红村党委书记"),
            ("王海林", "first_secretary", "驻村第一书记"),
        ):
            mentorship = mentorship_add(
                acting_user=_user(secretary),
                person=person,
                mentor_name=name,
                role=role,
                started_on=D(2020, 3, 10),
                mentor_position=position,
            )
            if role == "village_secretary":
                talk_add(
                    acting_user=_user(secretary),
                    mentorship=mentorship,
                    held_on=D(2020, 4, 2),
                    summary="谈卡点值守的体会和今后打算，鼓励其参与村集体经济项目。",
                )
                talk_add(
                    acting_user=_user(secretary),
                    mentorship=mentorship,
                    held_on=D(2020, 10, 15),
                    summary="谈防汛一线经历，指出群众工作方法上的不足。",
                )
        training_add(
            acting_user=_user(town),
            person=person,
            name="凌家镇村级后备力量示范培训班",
            organizer="凌家镇党委",
            started_on=D(2020, 5, 11),
            ended_on=D(2020, 5, 13),
            hours=Decimal(24),
        )
    assignment_add(
        acting_user=_user(town),
        person=first,
        kind="tough_post",
        title="防汛抢险一线岗",
        place="沱江凌家段",
        started_on=D(2020, 8, 11),
        ended_on=D(2020, 8, 25),
        outcome="excellent",
        outcome_notes="连续奋战十五天，协助转移群众43人，表现突出。",
        decided_by_body="凌家镇党委",
    )
    assignment_add(
        acting_user=_user(secretary),
        person=second,
        kind="trial_post",
        title="村委会主任助理",
        place="花红村",
        started_on=D(2020, 7, 1),
        ended_on=D(2020, 9, 30),
        outcome="good",
        outcome_notes="列席村“两委”会议，负责入户走访和矛盾调解，群众评价较好。",
        decided_by_body="花红村党委",
    )

    # --- the town's half-yearly assessment, June 2020 --------------------------------------
    first_round = round_create(
        acting_user=_user(town),
        name="2020年上半年村级后备力量评估",
        level="town",
        region=Region.objects.get(code="511002102000"),
        held_on=D(2020, 6, 20),
        subjects=[first, second, third],
    )
    _ballots(first_round, town, {first: (9, 6), second: (8, 3), third: (7, 5)})
    round_close(acting_user=_user(town), assessment_round=first_round)

    # --- the town promotes, the district admits ----------------------------------------------
    for person in (first, second):  # one meeting of the town Party committee
        _move(
            person,
            Stage.TOWN_RESERVE,
            DecidingLevel.TOWN,
            D(2020, 9, 15),
            "镇党委会议研究，同意列为镇级后备。",
            user=town,
            document_number="凌委〔2020〕35号",
        )
    _move(
        first,
        Stage.DISTRICT_RESERVE,
        DecidingLevel.DISTRICT,
        D(2021, 3, 20),
        "经区委组织部年度研判，列入区级后备库。",
        user=district,
        document_number="市中组〔2021〕8号",
    )
    _move(
        fifth,
        Stage.EXITED,
        DecidingLevel.VILLAGE,
        D(2022, 5, 10),
        "本人随家迁往成都务工，申请退出。",
        user=secretary,
        exit_reason=ExitReason.MOVED_AWAY,
    )
    for user, level, text, given_on in (
        (
            secretary,
            "village",
            "该同志政治立场坚定，疫情防控和防汛一线表现突出，同意推荐。",
            D(2020, 9, 1),
        ),
        (town, "town", "同意列为镇级后备，建议作为村党组织书记人选重点培养。", D(2020, 9, 15)),
        (district, "district", "同意列入区级后备库。", D(2021, 3, 20)),
    ):
        opinion_record(
            acting_user=_user(user), person=first, level=level, text=text, given_on=given_on
        )

    # A volunteer nominated this month, waiting for the village's decision.
    _nominate(
        fourth,
        today - dt.timedelta(days=3),
        "冬春森林防火值守期间主动请缨，夜班从不缺岗。",
        user=secretary,
        route=Route.SELF,
        criteria=("takes_responsibility",),
    )

    # --- the latest town round, five months ago (the next is due next month) -----------------
    recent = round_create(
        acting_user=_user(town),
        name=f"{add_months(today, -5).year}年上半年村级后备力量评估",
        level="town",
        region=Region.objects.get(code="511002102000"),
        held_on=add_months(today, -5),
        subjects=[first, second],
    )
    _ballots(recent, town, {first: (9, 5), second: (8, 5)})

    # --- pool targets: 花红村 keeps three; 新祠堂村 has one reserve and stays below --------
    pool_target_set(
        acting_user=_user(town),
        village=Region.objects.get(code=HUAHONG),
        min_reserves=3,
        min_secretary_reserves=1,
    )
    xincitang = _adults(XINCITANG)[0]
    _nominate(
        xincitang, D(2020, 2, 25), "负责返乡人员摸排，登记准确、及时。", user="demo-village-b"
    )
    _move(
        xincitang,
        Stage.VILLAGE_RESERVE,
        DecidingLevel.VILLAGE,
        D(2020, 3, 10),
        "村党支部研究同意。",
        user="demo-village-b",
    )
    for person, post in zip(
        _adults(LUZI)[:2], (TargetPost.SECRETARY, TargetPost.DIRECTOR), strict=True
    ):
        _nominate(
            person,
            D(2020, 2, 26),
            "在居家隔离服务保障中耐心细致，群众认可。",
            user="demo-district",
            post=post,
        )
        _move(
            person,
            Stage.VILLAGE_RESERVE,
            DecidingLevel.VILLAGE,
            D(2020, 3, 12),
            "村党支部研究同意。",
        )

    # --- Party tracks, dated so that something is due this month ---------------------------
    _party(
        first,
        secretary,
        [
            (Step.APPLY, {"applied_on": D(2019, 3, 1)}),
            (Step.TALK, {"talked_on": D(2019, 3, 20)}),
            (Step.ACTIVIST, {"activist_on": D(2019, 6, 10), "contacts": "李建国、王海林"}),
            (Step.DEVELOPMENT_TARGET, {"development_target_on": D(2020, 6, 30)}),
            (Step.SPONSORS, {"sponsor_1": "李建国", "sponsor_2": "王海林"}),
            (
                Step.REVIEW,
                {
                    "review_on": D(2020, 7, 20),
                    "review_passed": True,
                    "review_conclusion": "经函调和谈话，政治审查合格。",
                },
            ),
            (
                Step.TRAINING,
                {
                    "training_started_on": D(2020, 8, 3),
                    "training_ended_on": D(2020, 8, 5),
                    "training_hours": Decimal(24),
                },
            ),
            (Step.ADMIT, {"admitted_on": D(2020, 9, 28)}),
            (Step.APPROVE, {"approved_on": D(2020, 10, 20)}),
            (Step.FULL_MEMBER, {"full_member_approved_on": D(2021, 10, 12)}),
        ],
    )
    activist_since = add_years(today, -1) - dt.timedelta(days=6)
    _party(
        second,
        secretary,
        [
            (Step.APPLY, {"applied_on": activist_since - dt.timedelta(days=60)}),
            (Step.TALK, {"talked_on": activist_since - dt.timedelta(days=45)}),
            (Step.ACTIVIST, {"activist_on": activist_since, "contacts": "李建国"}),
        ],
    )
    _party(third, secretary, [(Step.APPLY, {"applied_on": today - dt.timedelta(days=40)})])
    probation_from = add_years(today, -1) - dt.timedelta(days=5)
    sixth = huahong[5]
    _party(
        sixth,
        secretary,
        [
            (Step.APPLY, {"applied_on": add_years(probation_from, -3)}),
            (Step.TALK, {"talked_on": add_years(probation_from, -3) + dt.timedelta(days=20)}),
            (Step.ACTIVIST, {"activist_on": add_years(probation_from, -2), "contacts": "李建国"}),
            (Step.DEVELOPMENT_TARGET, {"development_target_on": add_months(probation_from, -6)}),
            (Step.SPONSORS, {"sponsor_1": "李建国", "sponsor_2": "陈志强"}),
            (
                Step.REVIEW,
                {
                    "review_on": add_months(probation_from, -4),
                    "review_passed": True,
                    "review_conclusion": "政治审查合格。",
                },
            ),
            (
                Step.TRAINING,
                {
                    "training_started_on": add_months(probation_from, -3),
                    "training_ended_on": add_months(probation_from, -3) + dt.timedelta(days=2),
                    "training_hours": Decimal(24),
                },
            ),
            (Step.ADMIT, {"admitted_on": probation_from}),
            (Step.APPROVE, {"approved_on": probation_from + dt.timedelta(days=20)}),
        ],
    )
    seventh = huahong[6]
    target_since = add_months(today, -2)
    _party(
        seventh,
        secretary,
        [
            (Step.APPLY, {"applied_on": add_years(target_since, -2)}),
            (Step.TALK, {"talked_on": add_years(target_since, -2) + dt.timedelta(days=15)}),
            (
                Step.ACTIVIST,
                {
                    "activist_on": add_years(target_since, -1) - dt.timedelta(days=5),
                    "contacts": "王海林",
                },
            ),
            (Step.DEVELOPMENT_TARGET, {"development_target_on": target_since}),
            (Step.SPONSORS, {"sponsor_1": "王海林", "sponsor_2": "李建国"}),
        ],
    )
    newcomer = _adults(XINCITANG)[1]
    _party(
        newcomer, "demo-village-b", [(Step.APPLY, {"applied_on": today - dt.timedelta(days=10)})]
    )


def _ballots(
    assessment_round: AssessmentRound, user: str, plan: dict[Person, tuple[int, int]]
) -> None:
    """Two named town cadres, two-committee members, and ``anonymous`` villager
    representatives per person, around ``level`` out of 10."""
    acting = _user(user)
    for person, (level, anonymous) in plan.items():
        for name, group in (
            ("陈志强", RaterGroup.TOWN_CADRES),
            ("刘洋", RaterGroup.TOWN_CADRES),
            ("李建国", RaterGroup.TWO_COMMITTEES),
        ):
            rating_add(
                acting_user=acting,
                assessment_round=assessment_round,
                subject=person,
                rater_group=group,
                rater_name=name,
                scores={
                    "virtue": level,
                    "ability": level - 1,
                    "diligence": min(level + 1, 10),
                    "achievement": level,
                    "integrity": level,
                },
                grade=Grade.EXCELLENT if level >= 9 else Grade.COMPETENT,
                comment="一线表现突出。" if level >= 9 else "",
            )
        for index in range(anonymous):
            score = max(0, min(10, level + (index % 3) - 1))
            rating_add(
                acting_user=acting,
                assessment_round=assessment_round,
                subject=person,
                rater_group=RaterGroup.VILLAGER_REPS,
                is_anonymous=True,
                scores={
                    "virtue": score,
                    "ability": score,
                    "diligence": score,
                    "achievement": score,
                    "integrity": score,
                },
                grade=Grade.EXCELLENT if score >= 9 else Grade.COMPETENT,
            )
