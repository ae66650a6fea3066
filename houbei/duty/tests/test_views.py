import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from houbei.conftest import Frontline, World
from houbei.duty.models import DutyRecord, PersonIndicator, RosterAssignment, Status
from houbei.duty.services.roster import roster_assign
from houbei.tests.factories import make_person

BJ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.usefixtures("frozen_now")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_post_leader_checks_in_and_out_from_the_today_screen(
    world: World, frontline: Frontline, frozen_now
):
    person = make_person(world.village_a, "钟利洪")
    roster_assign(
        acting_user=None,
        post=frontline.checkpoint,
        template=frontline.checkpoint.shift_templates.get(start_time=dt.time(8)),
        day=dt.date(2020, 2, 20),
        person=person,
    )
    leader = signed_in(world.post_leader)
    today = reverse("duty:post_today", args=[frontline.checkpoint.pk])
    page = leader.get(today).content.decode()
    assert "钟利洪" in page and "未签到" in page
    frozen_now.move_to(dt.datetime(2020, 2, 20, 8, 2, tzinfo=BJ))
    assert (
        leader.post(
            reverse("duty:post_check_in", args=[frontline.checkpoint.pk]), {"person": person.pk}
        ).status_code
        == 302
    )
    record = DutyRecord.objects.get(person=person)
    assert "08:02 起在岗" in leader.get(today).content.decode()
    frozen_now.move_to(dt.datetime(2020, 2, 20, 15, 58, tzinfo=BJ))
    leader.post(
        reverse("duty:record_check_out", args=[record.pk]), {"task_people_registered": "23"}
    )
    record.refresh_from_db()
    assert record.status == Status.VERIFIED
    figures = PersonIndicator.objects.get(person=person, campaign_key=0)
    assert (figures.shifts, figures.days, figures.tasks) == (1, 1, {"people_registered": 23})


def test_the_other_village_sees_nothing_of_the_checkpoint(world: World, frontline: Frontline):
    client = signed_in(world.secretary_b)
    assert client.get(reverse("duty:post_today", args=[frontline.checkpoint.pk])).status_code == 404
    # … but the town's market post, with only village B's own people in it.
    a_person, b_person = make_person(world.village_a, "甲某"), make_person(world.village_b, "乙某")
    for person in (a_person, b_person):
        roster_assign(
            acting_user=None,
            post=frontline.market,
            template=frontline.market.shift_templates.get(start_time=dt.time(6)),
            day=dt.date(2020, 2, 20),
            person=person,
        )
    page = client.get(reverse("duty:post_today", args=[frontline.market.pk])).content.decode()
    assert "乙某" in page and "甲某" not in page


def test_a_day_screen_with_a_clash_saves_nothing_and_marks_the_row(
    world: World, frontline: Frontline
):
    people = [make_person(world.village_a, name) for name in ("甲", "乙")]
    day = dt.date(2020, 2, 18)
    assignments = [
        roster_assign(
            acting_user=None,
            post=frontline.checkpoint,
            template=frontline.checkpoint.shift_templates.get(start_time=dt.time(8)),
            day=day,
            person=person,
        )
        for person in people
    ]
    # 乙 already served elsewhere at that time.
    from houbei.duty.services.records import DutyInput, duty_record_create

    duty_record_create(
        acting_user=None,
        post=frontline.market,
        data=DutyInput(
            people[1],
            dt.datetime(2020, 2, 18, 9, tzinfo=BJ),
            dt.datetime(2020, 2, 18, 10, tzinfo=BJ),
        ),
    )
    client = signed_in(world.secretary_a)
    url = reverse("duty:post_day_screen", args=[frontline.checkpoint.pk]) + "?day=2020-02-18"
    data = {}
    for assignment in assignments:
        data.update(
            {
                f"served_{assignment.pk}": "on",
                f"start_{assignment.pk}": "08:00",
                f"end_{assignment.pk}": "16:00",
            }
        )
    page = client.get(url).content.decode()
    # 乙 already has a record in that time: shown as recorded, not offered again.
    assert "已有记录" in page and f'name="served_{assignments[1].pk}"' not in page
    assert f'name="served_{assignments[0].pk}"' in page
    # Times typed on the screen that clash with another record stop the whole screen.
    clash = dict(data)
    clash[f"start_{assignments[0].pk}"], clash[f"end_{assignments[0].pk}"] = "08:00", "17:00"
    duty_record_create(
        acting_user=None,
        post=frontline.market,
        data=DutyInput(
            people[0],
            dt.datetime(2020, 2, 18, 16, 30, tzinfo=BJ),
            dt.datetime(2020, 2, 18, 18, tzinfo=BJ),
        ),
    )
    response = client.post(url, clash)

    assert response.status_code == 400
    assert "未保存任何记录" in response.content.decode()
    assert DutyRecord.objects.filter(post=frontline.checkpoint).count() == 0
    clash[f"end_{assignments[0].pk}"] = "16:00"
    assert client.post(url, clash).status_code == 302
    assert DutyRecord.objects.filter(post=frontline.checkpoint).count() == 1


def test_review_queue_lists_forgotten_check_ins_first_and_verifies(
    world: World, frontline: Frontline, frozen_now
):
    from houbei.duty.services.records import (
        DutyInput,
        duty_check_in,
        duty_close_stale,
        duty_record_create,
    )

    person, other = make_person(world.village_a, "甲"), make_person(world.village_a, "乙")
    duty_record_create(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        data=DutyInput(
            person, dt.datetime(2020, 2, 10, 8, tzinfo=BJ), dt.datetime(2020, 2, 10, 16, tzinfo=BJ)
        ),
    )
    frozen_now.move_to(dt.datetime(2020, 2, 19, 8, tzinfo=BJ))
    duty_check_in(acting_user=world.post_leader, post=frontline.checkpoint, person=other)
    frozen_now.move_to(dt.datetime(2020, 2, 20, 12, tzinfo=BJ))
    duty_close_stale()
    page = signed_in(world.town_x_admin).get(reverse("duty:review")).content.decode()
    assert page.index("乙") < page.index("甲")  # the flagged one first
    assert "超时自动结束" in page


def test_the_roster_search_puts_people_on_the_shift_not_on_duty(world: World, frontline: Frontline):
    make_person(world.village_a, "王强")
    client = signed_in(world.secretary_a)
    template = frontline.checkpoint.shift_templates.get(start_time=dt.time(8))
    page = client.get(
        reverse("duty:post_people_search", args=[frontline.checkpoint.pk]),
        {
            "q": "wq",
            "mode": "assign",
            "template": template.pk,
            "day": "2020-02-21",
            "week": "2020-02-17",
        },
    ).content.decode()
    assert reverse("duty:roster_assign", args=[frontline.checkpoint.pk]) in page
    assert "排入班次" in page and "check-in" not in page
    today = client.get(
        reverse("duty:post_people_search", args=[frontline.checkpoint.pk]), {"q": "wq"}
    )
    assert reverse("duty:post_check_in", args=[frontline.checkpoint.pk]) in today.content.decode()


def test_a_closed_campaign_keeps_its_roster_and_offers_no_entry(world: World, frontline: Frontline):
    from houbei.campaigns.services import campaign_update

    person = make_person(world.village_a, "甲")
    assignment = roster_assign(
        acting_user=None,
        post=frontline.checkpoint,
        template=frontline.checkpoint.shift_templates.get(start_time=dt.time(8)),
        day=dt.date(2020, 2, 10),
        person=person,
    )
    campaign_update(acting_user=None, campaign=frontline.campaign, status="closed")
    client = signed_in(world.secretary_a)
    roster = client.get(
        reverse("duty:post_roster", args=[frontline.checkpoint.pk]), {"week": "2020-02-10"}
    )
    assert "排班保持原样" in roster.content.decode() and "添加人员" not in roster.content.decode()
    client.post(reverse("duty:roster_unassign", args=[assignment.pk]))
    assert RosterAssignment.objects.filter(pk=assignment.pk).exists()
    records = client.get(
        reverse("duty:post_records", args=[frontline.checkpoint.pk])
    ).content.decode()
    assert "补录以往值守" not in records and "按日批量录入" not in records
    assert (
        client.get(reverse("duty:post_day_screen", args=[frontline.checkpoint.pk])).status_code
        == 403
    )


def test_a_narrowed_review_queue_is_verified_at_once_or_by_ticked_rows(
    world: World, frontline: Frontline
):
    """The verifier narrows the queue to one post or kind of entry, then verifies the whole
    list (if it still holds what they saw) or the rows they ticked; never their own
    entries."""
    from houbei.duty.services.records import DutyInput, duty_record_create

    people = [make_person(world.village_a, name) for name in ("甲", "乙", "丙")]

    def entered(by, person, day):
        return duty_record_create(
            acting_user=by,
            post=frontline.checkpoint,
            data=DutyInput(
                person,
                dt.datetime(2020, 2, day, 8, tzinfo=BJ),
                dt.datetime(2020, 2, day, 16, tzinfo=BJ),
            ),
        )

    theirs = [entered(world.secretary_a, person, 10) for person in people]
    own = entered(world.town_x_admin, people[0], 11)
    verifier = signed_in(world.town_x_admin)
    queue = reverse("duty:review")
    whole = verifier.get(queue).content.decode()
    assert whole.count('name="record"') == 3  # a tick box for each but their own entry
    assert 'name="all"' not in whole  # only once narrowed
    narrowed = {"post": frontline.checkpoint.pk, "source": "manual"}
    page = verifier.get(queue, narrowed).content.decode()
    assert "核验此列表的全部 3 条记录" in page

    # Someone enters one more meanwhile: the list is no longer what was shown.
    late = entered(world.secretary_a, people[1], 12)
    stale = verifier.post(
        reverse("duty:review_verify"), {**narrowed, "all": "1", "expected": "3"}, follow=True
    )
    assert "现在可核验的记录为 4 条" in stale.content.decode()
    assert not DutyRecord.objects.filter(status=Status.VERIFIED).exists()

    ticked = verifier.post(
        reverse("duty:review_verify"),
        {"record": [theirs[0].pk, late.pk], "selected": "1", "next": queue},
        follow=True,
    )
    assert "已核验 2 条记录" in ticked.content.decode()
    # The record's history shows the verification of many that verified it; the audit
    # log's page of that event lists the records it changed.
    late.refresh_from_db()
    history = verifier.get(reverse("duty:record_detail", args=[late.pk])).content.decode()
    assert "值守记录批量核验" in history.split('class="timeline"')[1]
    auditor = signed_in(world.auditor)
    event = auditor.get(reverse("audit:detail", args=[late.verify_event_id])).content.decode()
    assert "本次改动的记录" in event
    assert event.split('data-testid="listed-records"')[1].count("<tr>") == 3  # header + 2
    verifier.post(reverse("duty:review_verify"), {**narrowed, "all": "1", "expected": "2"})
    assert set(DutyRecord.objects.filter(status=Status.VERIFIED)) == {*theirs, late}
    assert PersonIndicator.objects.get(person=people[1], campaign_key=0).shifts == 2
    own.refresh_from_db()
    assert own.status == Status.PENDING
    left = verifier.get(queue, narrowed).content.decode()
    assert "这些记录是您本人录入的，须由他人核验。" in left and 'name="record"' not in left
    nothing = verifier.post(reverse("duty:review_verify"), {"selected": "1"}, follow=True)
    assert "请先勾选要核验的记录。" in nothing.content.decode()
    assert verifier.post(reverse("duty:review_verify"), {"record": "x"}).status_code == 400
