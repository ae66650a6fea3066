"""In a real browser: 鹿子村's director resigns; the district opens the vacancy on a 360 × 800
phone and reads the shortlist — the one reserve with a joint-review pass ranked, one reviewed
reserve excluded with the reason, and the pool members never reviewed counted by pool, a tap
away from their list — then checks the same page at a desk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from houbei.conftest import World
from houbei.people.choices import Education
from houbei.people.models import Person
from houbei.pipeline.stages import Stage
from houbei.pipeline.tests.conftest import place
from houbei.review.models import Department, DepartmentVerdict, Verdict
from houbei.review.services import batch_open, batch_publish, verdict_record
from houbei.seats.models import SeatRole, VacancyReason
from houbei.seats.services import incumbent_record, seats_set_up, vacancy_open
from houbei.tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in
from houbei.tests.factories import make_person, next_id_number, numbered_name

pytestmark = pytest.mark.browser


def test_the_district_reads_a_vacancys_shortlist_on_a_phone(
    phone: Page, desktop: Page, live_server: LiveServer, transactional_db: None, world: World
) -> None:
    today = timezone.localdate()
    village = world.village_c
    seats = seats_set_up(
        acting_user=world.town_y_admin,
        village=village,
        party_deputies=0,
        party_members=2,
        committee_deputies=0,
        committee_members=2,
    )
    director = next(seat for seat in seats if seat.role == SeatRole.DIRECTOR)
    incumbent_record(
        acting_user=world.town_y_admin,
        seat=director,
        person=make_person(village, "王大明", id_number=next_id_number(dt.date(1970, 3, 1))),
        started_on=today - dt.timedelta(days=900),
        term_ends_on=today + dt.timedelta(days=900),
    )
    vacancy = vacancy_open(
        acting_user=world.district_admin,
        seat=director,
        reason=VacancyReason.RESIGNATION,
        opened_on=today - dt.timedelta(days=2),
    )

    def reserve(name: str, born: dt.date, stage: Stage) -> Person:
        someone = make_person(
            village, name, id_number=next_id_number(born), education=Education.HIGH_SCHOOL
        )
        place(someone, stage)
        return someone

    best = reserve("何娟", dt.date(1990, 1, 1), Stage.VILLAGE_RESERVE)
    older = reserve("周平", dt.date(1970, 1, 1), Stage.VILLAGE_RESERVE)
    for n in range(8):
        reserve(numbered_name("李", n), dt.date(1995, 1, 1), Stage.VILLAGE_RESERVE)
    for n in range(2):
        reserve(numbered_name("镇备", n), dt.date(1994, 1, 1), Stage.TOWN_RESERVE)
    departments = list(Department.objects.filter(code__in=["police", "court"]))
    for department in departments:
        department.clerks.add(world.clerk)
    batch = batch_open(
        acting_user=world.district_admin,
        region=world.district,
        name="第一批区级集中联审",
        opened_on=today - dt.timedelta(days=40),
        deadline=today - dt.timedelta(days=35),
        departments=departments,
        people=[best, older],
    )
    for verdict in DepartmentVerdict.objects.filter(subject__batch=batch):
        verdict_record(acting_user=world.clerk, verdict=verdict, result=Verdict.PASS)
    batch_publish(
        acting_user=world.district_admin,
        batch=batch,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today - dt.timedelta(days=25),
    )

    page, url = phone, live_server.url
    sign_in(page, url, "district")
    page.goto(f"{url}/seats/vacancies/{vacancy.pk}/")
    expect(page.get_by_test_id("shortlist")).to_contain_text("何娟")
    expect(page.get_by_test_id("excluded")).to_contain_text("周平")
    expect(page.get_by_test_id("excluded")).to_contain_text("超过 45 岁的年龄上限")
    unreviewed = page.get_by_test_id("unreviewed")
    expect(unreviewed).to_contain_text("覆盖本村的后备库中有 10 人从未参加资格联审")
    expect(unreviewed.locator("li")).to_have_text(
        ["鹿子村 · 村级后备力量 8", "永安镇 · 镇级后备 2"]
    )
    expect(page.get_by_test_id("excluded")).not_to_contain_text("李")
    assert_no_horizontal_scroll(page)
    unreviewed.scroll_into_view_if_needed()
    screenshot(page, "phone-60-vacancy-shortlist")

    # A tap on the village's group lists its reserves (the pool page, filtered).
    unreviewed.get_by_role("link", name="鹿子村 · 村级后备力量").click()
    expect(page).to_have_url(f"{url}/pipeline/?stage=village_reserve&region={village.code}")
    for n in range(8):
        expect(page.locator("main")).to_contain_text(numbered_name("李", n))

    sign_in(desktop, url, "district")
    desktop.goto(f"{url}/seats/vacancies/{vacancy.pk}/")
    expect(desktop.get_by_test_id("unreviewed")).to_be_visible()
    screenshot(desktop, "desktop-60-vacancy-shortlist")
