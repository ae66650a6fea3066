"""Incremental indicators equal a full recomputation after any sequence of changes."""

import contextlib
import datetime as dt
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from houbei.conftest import Frontline, World
from houbei.deeds.models import CommendationLevel, Deed
from houbei.deeds.services import deed_create, deed_update
from houbei.duty import indicators
from houbei.duty.models import DutyRecord, Status, TaskKind
from houbei.duty.services.records import (
    DutyInput,
    duty_record_create,
    duty_record_decline,
    duty_record_update,
    duty_record_verify,
)
from houbei.tests.factories import make_person

BJ = ZoneInfo("Asia/Shanghai")

add = st.tuples(
    st.just("add"),
    st.integers(0, 2),  # person
    st.integers(1, 14),  # day of February
    st.integers(0, 23),  # start hour
    st.integers(1, 12),  # hours
    st.integers(0, 30),  # households screened
    st.booleans(),  # which post
)
verify = st.tuples(st.just("verify"), st.integers(0, 30))
decline = st.tuples(st.just("decline"), st.integers(0, 30))
edit = st.tuples(
    st.just("edit"), st.integers(0, 30), st.integers(0, 23), st.integers(1, 12), st.integers(0, 9)
)
deed = st.tuples(
    st.just("deed"), st.integers(0, 2), st.sampled_from(CommendationLevel.values), st.booleans()
)
reclassify = st.tuples(
    st.just("reclassify"), st.integers(0, 10), st.sampled_from(CommendationLevel.values)
)
operations = st.lists(
    st.one_of(add, add, add, verify, verify, verify, decline, edit, deed, reclassify),
    min_size=1,
    max_size=30,
)
# Sequences that must always be among the examples: a verified record declined, and edited.
VERIFY_THEN_DECLINE = [("add", 0, 3, 22, 10, 5, False), ("verify", 0), ("decline", 0)]
VERIFY_THEN_EDIT = [
    ("add", 1, 4, 8, 8, 3, True),
    ("verify", 0),
    ("edit", 0, 20, 10, 1),
    ("verify", 0),
]


@pytest.mark.usefixtures("frozen_now")
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=operations)
@example(steps=VERIFY_THEN_DECLINE)
@example(steps=VERIFY_THEN_EDIT)
def test_incremental_indicators_equal_the_recomputation(world: World, frontline: Frontline, steps):
    with transaction.atomic():
        people = [make_person(world.village_a, name) for name in ("甲", "乙", "丙")]
        screened = TaskKind.objects.get(code="households_screened")
        deeds: list[Deed] = []
        for step in steps:
            # Overlaps and the like are refused, and nothing may have changed.
            with contextlib.suppress(ValidationError):
                _apply(step, people, frontline, screened, deeds)
        assert indicators.verify() == []
        # The same when the recomputation forgets the spans it has split after each one.
        with patch.object(indicators, "SPANS_REMEMBERED", 1):
            assert indicators.verify() == []
        transaction.set_rollback(True)


def _apply(step, people, frontline, screened, deeds):
    kind = step[0]
    # Each operation picks among the records it can act on, so sequences stay meaningful.
    pending = list(DutyRecord.objects.filter(status=Status.PENDING).order_by("id"))
    closed = list(
        DutyRecord.objects.filter(status__in=[Status.PENDING, Status.VERIFIED]).order_by("id")
    )
    if kind == "add":
        _, who, day, hour, hours, count, market = step
        start = dt.datetime(2020, 2, day, hour, tzinfo=BJ)
        post = frontline.market if market else frontline.checkpoint
        duty_record_create(
            acting_user=None,
            post=post,
            data=DutyInput(
                people[who], start, start + dt.timedelta(hours=hours), tasks={screened: count}
            ),
        )
    elif kind == "verify" and pending:
        duty_record_verify(acting_user=None, record=pending[step[1] % len(pending)])
    elif kind == "decline" and closed:
        duty_record_decline(acting_user=None, record=closed[step[1] % len(closed)], reason="不实")
    elif kind == "edit" and closed:
        record = closed[step[1] % len(closed)]
        local = record.starts_at.astimezone(BJ)
        start = local.replace(hour=step[2], minute=0, second=0)
        duty_record_update(
            acting_user=None,
            record=record,
            data=DutyInput(
                record.person, start, start + dt.timedelta(hours=step[3]), tasks={screened: step[4]}
            ),
            expected_version=record.version,
        )
    elif kind == "deed":
        _, who, level, with_campaign = step
        deeds.append(
            deed_create(
                acting_user=None,
                person=people[who],
                date=dt.date(2020, 2, 10),
                title="送爱心午餐",
                narrative="连续多日为卡点志愿者送午餐",
                level=level,
                campaign=frontline.campaign if with_campaign else None,
            )
        )
    elif kind == "reclassify" and deeds:
        target = deeds[step[1] % len(deeds)]
        target.refresh_from_db()
        deed_update(
            acting_user=None,
            deed=target,
            date=target.date,
            title=target.title,
            narrative=target.narrative,
            level=step[2],
            campaign=None if target.campaign_id else frontline.campaign,
        )


def test_a_change_reads_and_writes_each_kind_of_row_once(
    world: World, frontline: Frontline, django_assert_num_queries
):
    """A night shift touches two days under two keys (the campaign's and overall): the
    indicator rows and day rows of all of them are read together and new rows inserted
    together, whatever the number of days and keys."""
    person = make_person(world.village_a, "甲")
    night = dt.datetime(2020, 2, 3, 22, tzinfo=BJ)
    first = indicators.Contribution(
        person.pk,
        frontline.campaign.pk,
        indicators.seconds_by_day(night, night + dt.timedelta(hours=8)),
        shifts=1,
    )
    # Day rows go in with insert_rows: COPY on PostgreSQL, which Django does not count.
    inserts = 0 if connection.vendor == "postgresql" else 1
    with transaction.atomic():
        # Read indicators (none yet), read days, insert four day rows, write both
        # indicators (one upsert executemany: new rows and existing ones alike).
        with django_assert_num_queries(3 + inserts):
            indicators.apply_change(None, first)
        later = indicators.Contribution(
            person.pk,
            frontline.campaign.pk,
            indicators.seconds_by_day(
                night + dt.timedelta(hours=4), night + dt.timedelta(hours=28)
            ),
            shifts=1,
        )
        # Read both, read days, insert the new day's two rows, update the existing day's two,
        # write both indicators (an executemany each).
        with django_assert_num_queries(4 + inserts):
            indicators.apply_change(None, later)
        figures = {row.campaign_key: row for row in person.indicators.all()}
    assert set(figures) == {frontline.campaign.pk, indicators.OVERALL}
    for row in figures.values():
        assert (row.shifts, row.days, row.longest_run) == (2, 3, 3)
        assert row.seconds == 8 * 3600 + 24 * 3600
        assert (row.first_day, row.last_day) == (dt.date(2020, 2, 3), dt.date(2020, 2, 5))
