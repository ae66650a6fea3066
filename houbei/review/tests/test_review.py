from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from houbei.accounts.scoping import Scope
from houbei.conftest import World
from houbei.lib.dates import workday_span_end
from houbei.review.models import Resolution, Verdict
from houbei.review.results import Outcome
from houbei.review.selectors import (
    batch_rows,
    clerk_verdict_get,
    clerk_verdicts,
    overdue_verdicts,
    valid_passes,
)
from houbei.review.services import (
    batch_publish,
    objection_record,
    objection_resolve,
    verdict_record,
)
from houbei.review.tests.conftest import Review

D = dt.date
BJ = dt.timezone(dt.timedelta(hours=8))


def outcomes(review: Review, today: dt.date) -> dict[str, str]:
    return {
        row.subject.person.name: row.result.outcome
        for row in batch_rows(batch=review.batch, today=today)
    }


def pass_all(review: Review) -> None:
    for person in (review.first, review.second):
        verdict_record(
            acting_user=review.police_clerk,
            verdict=review.verdict(person, review.police),
            result=Verdict.PASS,
        )
        verdict_record(
            acting_user=review.court_clerk,
            verdict=review.verdict(person, review.court),
            result=Verdict.PASS,
        )


def test_one_fail_vetoes_and_the_rest_pass_after_the_notice(review: Review, world: World) -> None:
    today = D(2020, 2, 20)
    assert set(outcomes(review, today).values()) == {Outcome.IN_REVIEW}
    verdict_record(
        acting_user=review.police_clerk,
        verdict=review.verdict(review.first, review.police),
        result=Verdict.PASS,
    )
    verdict_record(
        acting_user=review.police_clerk,
        verdict=review.verdict(review.second, review.police),
        result=Verdict.PASS,
    )
    verdict_record(
        acting_user=review.court_clerk,
        verdict=review.verdict(review.first, review.court),
        result=Verdict.PASS,
    )
    verdict_record(
        acting_user=review.court_clerk,
        verdict=review.verdict(review.second, review.court),
        result=Verdict.FAIL,
        items=[review.item("N01")],
        notes="2018年因故意伤害罪被判处有期徒刑一年，2019年刑满释放",
    )
    assert outcomes(review, today) == {"钟利洪": Outcome.CLEARED, "罗佳怡": Outcome.VETOED}
    end = workday_span_end(D(2020, 2, 21), 5)
    assert end == D(2020, 2, 27)  # Friday the 21st, then Monday to Thursday
    batch_publish(
        acting_user=world.district_admin, batch=review.batch, starts_on=D(2020, 2, 21), ends_on=end
    )
    assert outcomes(review, D(2020, 2, 27))["钟利洪"] == Outcome.PUBLISHED
    rows = {
        row.subject.person.name: row.result
        for row in batch_rows(batch=review.batch, today=D(2020, 2, 28))
    }
    assert rows["钟利洪"].outcome == Outcome.PASSED
    assert (rows["钟利洪"].valid_from, rows["钟利洪"].valid_until) == (
        D(2020, 2, 28),
        D(2021, 2, 27),
    )
    assert [d.code for d in rows["罗佳怡"].vetoed_by] == ["court"]
    # The pass expires by itself.
    assert valid_passes([review.first.pk, review.second.pk], D(2021, 2, 27)).keys() == {
        review.first.pk
    }
    assert valid_passes([review.first.pk], D(2021, 2, 28)) == {}
    assert outcomes(review, D(2021, 2, 28))["钟利洪"] == Outcome.EXPIRED


def test_publishing_waits_for_every_department_and_locks_the_verdicts(
    review: Review, world: World
) -> None:
    verdict_record(
        acting_user=review.police_clerk,
        verdict=review.verdict(review.first, review.police),
        result=Verdict.QUERY,
        notes="同名人员需核实身份",
    )
    with pytest.raises(ValidationError) as error:
        batch_publish(
            acting_user=world.district_admin,
            batch=review.batch,
            starts_on=D(2020, 2, 21),
            ends_on=D(2020, 2, 27),
        )
    assert "公安分局（钟利洪）" in error.value.messages[0]
    pass_all(review)
    batch_publish(
        acting_user=world.district_admin,
        batch=review.batch,
        starts_on=D(2020, 2, 21),
        ends_on=D(2020, 2, 27),
    )
    with pytest.raises(ValidationError):
        verdict_record(
            acting_user=review.police_clerk,
            verdict=review.verdict(review.first, review.police),
            result=Verdict.FAIL,
            items=[review.item("N03")],
        )


def test_a_verdict_says_what_it_rests_on(review: Review) -> None:
    verdict = review.verdict(review.first, review.police)
    with pytest.raises(ValidationError) as error:
        verdict_record(acting_user=review.police_clerk, verdict=verdict, result=Verdict.FAIL)
    assert "items" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        verdict_record(acting_user=review.police_clerk, verdict=verdict, result=Verdict.QUERY)
    assert "notes" in error.value.message_dict
    verdict.refresh_from_db()
    assert verdict.verdict == Verdict.PENDING


def test_a_clerk_reaches_only_their_departments_items(review: Review, world: World) -> None:
    police_scope = Scope.for_user(review.police_clerk)
    mine = clerk_verdicts(scope=police_scope, user=review.police_clerk)
    assert {v.department.code for v in mine} == {"police"} and mine.count() == 2
    court_item = review.verdict(review.first, review.court)
    with pytest.raises(Http404):
        clerk_verdict_get(scope=police_scope, user=review.police_clerk, pk=court_item.pk)
    with pytest.raises(PermissionDenied):
        verdict_record(acting_user=review.police_clerk, verdict=court_item, result=Verdict.PASS)
    for other in (world.district_admin, world.secretary_a, world.auditor):
        with pytest.raises(PermissionDenied):
            verdict_record(acting_user=other, verdict=court_item, result=Verdict.PASS)


def test_overdue_items_are_listed(review: Review) -> None:
    verdict_record(
        acting_user=review.police_clerk,
        verdict=review.verdict(review.first, review.police),
        result=Verdict.PASS,
    )
    overdue = overdue_verdicts(batch=review.batch, today=D(2020, 2, 11))
    assert sorted((v.department.code, v.subject.person.name) for v in overdue) == [
        ("court", "罗佳怡"),
        ("court", "钟利洪"),
        ("police", "罗佳怡"),
    ]
    assert not overdue_verdicts(batch=review.batch, today=D(2020, 2, 10)).exists()


def test_an_upheld_objection_fails_and_a_dismissed_one_lets_the_pass_stand(
    review: Review, world: World
) -> None:
    pass_all(review)
    batch_publish(
        acting_user=world.district_admin,
        batch=review.batch,
        starts_on=D(2020, 2, 17),
        ends_on=D(2020, 2, 21),
    )
    subjects = {s.person.name: s for s in review.batch.subjects.all()}
    with pytest.raises(ValidationError):  # outside the notice
        objection_record(
            acting_user=world.district_admin,
            subject=subjects["钟利洪"],
            received_on=D(2020, 2, 14),
            summary="x",
        )
    upheld = objection_record(
        acting_user=world.district_admin,
        subject=subjects["钟利洪"],
        received_on=D(2020, 2, 18),
        summary="群众反映其长期在外务工",
    )
    dismissed = objection_record(
        acting_user=world.district_admin,
        subject=subjects["罗佳怡"],
        received_on=D(2020, 2, 19),
        summary="反映其参与赌博",
    )
    assert outcomes(review, D(2020, 2, 22)) == {"钟利洪": Outcome.HELD, "罗佳怡": Outcome.HELD}
    with time_machine.travel(dt.datetime(2020, 2, 26, 12, tzinfo=BJ), tick=False):
        objection_resolve(
            acting_user=world.district_admin,
            objection=upheld,
            resolution=Resolution.UPHELD,
            resolved_on=D(2020, 2, 25),
            notes="经核实，常年在浙江务工",
        )
        objection_resolve(
            acting_user=world.district_admin,
            objection=dismissed,
            resolution=Resolution.DISMISSED,
            resolved_on=D(2020, 2, 26),
            notes="经派出所核实，无此情况",
        )
    rows = {
        row.subject.person.name: row.result
        for row in batch_rows(batch=review.batch, today=D(2020, 2, 27))
    }
    assert rows["钟利洪"].outcome == Outcome.UPHELD
    assert rows["罗佳怡"].outcome == Outcome.PASSED
    assert rows["罗佳怡"].valid_from == D(2020, 2, 26)
    with pytest.raises(ValidationError):
        objection_resolve(
            acting_user=world.district_admin,
            objection=dismissed,
            resolution=Resolution.UPHELD,
            resolved_on=D(2020, 2, 26),
            notes="x",
        )


def test_through_the_pages_a_clerk_gets_404_on_another_departments_item(review: Review) -> None:
    from django.test import Client
    from django.urls import reverse

    police = Client()
    police.force_login(review.police_clerk)
    court_item = review.verdict(review.first, review.court)
    own_item = review.verdict(review.first, review.police)
    assert police.get(reverse("review:verdict", args=[own_item.pk])).status_code == 200
    assert police.get(reverse("review:verdict", args=[court_item.pk])).status_code == 404
    assert (
        police.post(
            reverse("review:verdict", args=[court_item.pk]), {"verdict": "pass"}
        ).status_code
        == 404
    )
    assert police.post(reverse("review:verdict_reveal", args=[court_item.pk])).status_code == 404
    court_item.refresh_from_db()
    assert court_item.verdict == Verdict.PENDING
    queue = police.get(reverse("review:queue")).content.decode()
    assert len(re.findall(r'href="/review/queue/\d+/"', queue)) == 2  # the two police items
