import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.chain import verify
from houbei.audit.models import AuditEvent, EventType
from houbei.audit.selectors import audit_for_record
from houbei.conftest import Frontline, World
from houbei.duty import indicators
from houbei.duty.models import DutyRecord, PersonIndicator, Source, Status, TaskKind
from houbei.duty.services.records import (
    BulkEntryError,
    BulkVerifyError,
    DutyInput,
    Entries,
    EntryChunk,
    duty_check_in,
    duty_check_out,
    duty_close_stale,
    duty_record_create,
    duty_record_create_many,
    duty_record_decline,
    duty_record_update,
    duty_record_verify,
    duty_records_bulk_create,
    duty_records_verify_many,
)
from houbei.tests.factories import make_person

BJ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.usefixtures("frozen_now")


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2020, 2, day, hour, minute, second, tzinfo=BJ)


def overall(person) -> PersonIndicator:
    return PersonIndicator.objects.get(person=person, campaign_key=0)


@pytest.fixture
def volunteer(world: World):
    return make_person(world.village_a, "钟利洪")


def test_post_leader_checks_in_and_out_and_the_shift_counts_at_once(
    world: World, frontline: Frontline, volunteer, frozen_now
):
    frozen_now.move_to(at(20, 8))
    record = duty_check_in(
        acting_user=world.post_leader, post=frontline.checkpoint, person=volunteer
    )
    assert record.status == Status.OPEN and record.source == Source.CHECK_IN
    frozen_now.move_to(at(20, 16, 30))
    screened = TaskKind.objects.get(code="households_screened")
    record = duty_check_out(acting_user=world.post_leader, record=record, tasks={screened: 12})
    assert record.status == Status.VERIFIED and record.verified_by == world.post_leader
    figures = overall(volunteer)
    assert (figures.seconds, figures.shifts, figures.days, figures.longest_run) == (
        8.5 * 3600,
        1,
        1,
        1,
    )
    assert figures.tasks == {"households_screened": 12}
    assert (
        PersonIndicator.objects.get(person=volunteer, campaign_key=frontline.campaign.pk).shifts
        == 1
    )
    types = list(
        audit_for_record(record=record).order_by("id").values_list("event_type", flat=True)
    )
    assert types == [EventType.DUTY_CHECKED_IN, EventType.DUTY_CHECKED_OUT]


def test_a_person_cannot_be_checked_in_twice_or_into_overlapping_time(
    world: World, frontline: Frontline, volunteer, frozen_now
):
    frozen_now.move_to(at(20, 8))
    duty_check_in(acting_user=world.post_leader, post=frontline.checkpoint, person=volunteer)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        duty_check_in(acting_user=world.town_x_admin, post=frontline.market, person=volunteer)
    assert "钟利洪" in raised.value.messages[0] and "重叠" in raised.value.messages[0]
    with pytest.raises(ValidationError):
        duty_record_create(
            acting_user=world.town_x_admin,
            post=frontline.market,
            data=DutyInput(person=volunteer, starts_at=at(20, 6), ends_at=at(20, 9)),
        )


def test_records_overlap_check_ignores_declined_ones(world: World, frontline: Frontline, volunteer):
    first = duty_record_create(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        data=DutyInput(volunteer, at(10, 8), at(10, 16)),
    )
    with pytest.raises(ValidationError):
        duty_record_create(
            acting_user=world.secretary_a,
            post=frontline.checkpoint,
            data=DutyInput(volunteer, at(10, 15), at(10, 20)),
        )
    duty_record_decline(acting_user=world.town_x_admin, record=first, reason="时间记错了")
    again = duty_record_create(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        data=DutyInput(volunteer, at(10, 15), at(10, 20)),
    )
    assert again.status == Status.PENDING
    assert DutyRecord.objects.filter(person=volunteer).count() == 2  # the declined one is kept


def test_shifts_may_meet_end_to_start_but_not_share_a_second(
    world: World, frontline: Frontline, volunteer
):
    def enter(starts: dt.datetime, ends: dt.datetime) -> DutyRecord:
        return duty_record_create(
            acting_user=world.secretary_a,
            post=frontline.checkpoint,
            data=DutyInput(volunteer, starts, ends),
        )

    morning = enter(at(11, 8), at(11, 16))
    enter(at(11, 16), at(11, 20))  # starts as the morning ends
    enter(at(11, 4), at(11, 8))  # ends as the morning starts
    for starts, ends in [
        (at(11, 19, 59, 59), at(11, 22)),
        (at(11, 7), at(11, 8, 0, 1)),
        (at(11, 9), at(11, 10)),
    ]:
        with pytest.raises(ValidationError):
            enter(starts, ends)
    # A record is not in its own way: moved within its own time, it is saved.
    moved = duty_record_update(
        acting_user=world.secretary_a,
        record=morning,
        data=DutyInput(volunteer, at(11, 9), at(11, 15)),
        expected_version=morning.version,
    )
    assert (moved.starts_at, moved.ends_at) == (at(11, 9), at(11, 15))
    assert DutyRecord.objects.filter(person=volunteer).count() == 3


def test_a_night_shift_counts_two_days_and_runs_are_consecutive_days(
    world: World, frontline: Frontline, volunteer
):
    inputs = [(1, 22, 2, 6), (3, 8, 3, 16), (3, 17, 3, 20), (5, 8, 5, 16)]  # 1–2, 3 (twice), gap, 5
    for start_day, start_hour, end_day, end_hour in inputs:
        record = duty_record_create(
            acting_user=world.secretary_a,
            post=frontline.checkpoint,
            data=DutyInput(volunteer, at(start_day, start_hour), at(end_day, end_hour)),
        )
        duty_record_verify(acting_user=world.town_x_admin, record=record)
    figures = overall(volunteer)
    assert figures.days == 4  # 1, 2, 3, 5 Feb
    assert figures.longest_run == 3  # 1–3 Feb
    assert figures.shifts == 4
    assert (figures.first_day, figures.last_day) == (dt.date(2020, 2, 1), dt.date(2020, 2, 5))
    assert indicators.verify() == []


def test_verification_needs_a_second_person_and_declining_keeps_the_record(
    world: World, frontline: Frontline, volunteer
):
    record = duty_record_create(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        data=DutyInput(volunteer, at(12, 8), at(12, 16)),
    )
    assert not PersonIndicator.objects.filter(person=volunteer).exists()  # pending counts nowhere
    with pytest.raises(ValidationError):
        duty_record_verify(acting_user=world.secretary_a, record=record)
    duty_record_verify(acting_user=world.post_leader, record=record)
    assert overall(volunteer).shifts == 1
    with pytest.raises(ValidationError):
        duty_record_decline(acting_user=world.town_x_admin, record=record, reason="  ")
    duty_record_decline(acting_user=world.town_x_admin, record=record, reason="当天未到岗")
    record.refresh_from_db()
    assert (record.status, record.decline_reason) == (Status.DECLINED, "当天未到岗")
    figures = overall(volunteer)
    assert (figures.shifts, figures.seconds, figures.days) == (0, 0, 0)
    with pytest.raises(ValidationError):
        duty_record_verify(acting_user=world.post_leader, record=record)


def test_editing_a_verified_record_sends_it_back_for_verification(
    world: World, frontline: Frontline, volunteer
):
    record = duty_record_create(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        data=DutyInput(volunteer, at(12, 8), at(12, 16)),
    )
    record = duty_record_verify(acting_user=world.town_x_admin, record=record)
    updated = duty_record_update(
        acting_user=world.secretary_a,
        record=record,
        data=DutyInput(volunteer, at(12, 8), at(12, 18), notes="延长两小时"),
        expected_version=record.version,
    )
    assert updated.status == Status.PENDING and updated.verified_by is None
    assert overall(volunteer).shifts == 0
    with pytest.raises(ValidationError):  # stale version
        duty_record_update(
            acting_user=world.secretary_a,
            record=updated,
            data=DutyInput(volunteer, at(12, 8), at(12, 17)),
            expected_version=1,
        )
    assert indicators.verify() == []


def test_times_must_be_sane(world: World, frontline: Frontline, volunteer):
    def attempt(start, end):
        with pytest.raises(ValidationError) as raised:
            duty_record_create(
                acting_user=world.secretary_a,
                post=frontline.checkpoint,
                data=DutyInput(volunteer, start, end),
            )
        return raised.value.message_dict

    assert "ends_at" in attempt(at(12, 16), at(12, 8))
    assert "starts_at" in attempt(at(21, 8), at(21, 16))  # tomorrow
    assert "ends_at" in attempt(at(12, 0), at(12, 23))  # longer than the post allows
    assert "starts_at" in attempt(
        dt.datetime(2020, 1, 10, 8, tzinfo=BJ), dt.datetime(2020, 1, 10, 16, tzinfo=BJ)
    )


def test_who_may_record_where(world: World, frontline: Frontline, volunteer):
    other_village = make_person(world.village_b, "陈丽")
    # The leader of 唐家湾卡点 records there, for anyone rostered; not at the market post.
    duty_record_create(
        acting_user=world.post_leader,
        post=frontline.checkpoint,
        data=DutyInput(volunteer, at(11, 8), at(11, 16)),
    )
    with pytest.raises(PermissionDenied):
        duty_record_create(
            acting_user=world.post_leader,
            post=frontline.market,
            data=DutyInput(volunteer, at(12, 8), at(12, 16)),
        )
    # Village B's secretary records for their own people at the town's post, not for A's.
    duty_record_create(
        acting_user=world.secretary_b,
        post=frontline.market,
        data=DutyInput(other_village, at(12, 8), at(12, 16)),
    )
    with pytest.raises(PermissionDenied):
        duty_record_create(
            acting_user=world.secretary_b,
            post=frontline.market,
            data=DutyInput(volunteer, at(13, 8), at(13, 16)),
        )
    with pytest.raises(PermissionDenied):
        duty_record_create(
            acting_user=world.auditor,
            post=frontline.checkpoint,
            data=DutyInput(volunteer, at(14, 8), at(14, 16)),
        )


def test_a_secretarys_check_out_at_another_regions_post_waits_for_verification(
    world: World, frontline: Frontline, frozen_now
):
    person_b = make_person(world.village_b, "陈丽")
    frozen_now.move_to(at(19, 6))
    record = duty_check_in(acting_user=world.secretary_b, post=frontline.market, person=person_b)
    frozen_now.move_to(at(19, 18))
    record = duty_check_out(acting_user=world.secretary_b, record=record)
    assert record.status == Status.PENDING  # the market post is the town's to vouch for
    duty_record_verify(acting_user=world.town_x_admin, record=record)
    assert overall(person_b).days == 1


def test_a_forgotten_check_in_is_closed_and_flagged(
    world: World, frontline: Frontline, volunteer, frozen_now
):
    frozen_now.move_to(at(18, 8))
    record = duty_check_in(
        acting_user=world.post_leader, post=frontline.checkpoint, person=volunteer
    )
    frozen_now.move_to(at(18, 19))
    assert duty_close_stale() == 0  # 11 h: within the 12-hour limit
    frozen_now.move_to(at(19, 9))
    assert duty_close_stale() == 1
    record.refresh_from_db()
    assert (record.status, record.needs_review, record.ends_at) == (
        Status.PENDING,
        True,
        at(18, 20),
    )
    assert AuditEvent.objects.filter(event_type=EventType.DUTY_AUTO_CLOSED).count() == 1
    assert duty_close_stale() == 0


def test_a_day_screen_saves_all_rows_or_none(world: World, frontline: Frontline, volunteer):
    second = make_person(world.village_a, "张旭")
    rows = [
        DutyInput(volunteer, at(15, 0), at(15, 8)),
        DutyInput(second, at(15, 0), at(15, 8)),
        DutyInput(second, at(15, 7), at(15, 15)),
    ]
    with pytest.raises(BulkEntryError) as raised:
        duty_records_bulk_create(
            acting_user=world.secretary_a, post=frontline.checkpoint, rows=rows
        )
    assert [row.index for row in raised.value.rows] == [2]
    assert DutyRecord.objects.count() == 0
    # A row that clashes with the database also stops the whole screen.
    duty_record_create(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        data=DutyInput(second, at(15, 9), at(15, 10)),
    )
    rows = [DutyInput(volunteer, at(15, 0), at(15, 8)), DutyInput(second, at(15, 8), at(15, 16))]
    with pytest.raises(BulkEntryError) as raised:
        duty_records_bulk_create(
            acting_user=world.secretary_a, post=frontline.checkpoint, rows=rows
        )
    assert [row.index for row in raised.value.rows] == [1]
    assert DutyRecord.objects.count() == 1
    created = duty_records_bulk_create(
        acting_user=world.secretary_a, post=frontline.checkpoint, rows=rows[:1]
    )
    assert len(created) == 1


def test_a_closed_campaign_takes_no_duty(world: World, frontline: Frontline, volunteer):
    from houbei.campaigns.services import campaign_update

    campaign_update(acting_user=None, campaign=frontline.campaign, status="closed")
    frontline.checkpoint.refresh_from_db()
    with pytest.raises(ValidationError):
        duty_check_in(acting_user=world.post_leader, post=frontline.checkpoint, person=volunteer)


def test_a_check_in_closed_meanwhile_is_not_closed_again(
    world: World, frontline: Frontline, volunteer, frozen_now
):
    """Two phones check the same person out: the second, holding the record as it was
    when still open, is told it is closed; the shift counts once."""
    frozen_now.move_to(at(20, 8))
    record = duty_check_in(
        acting_user=world.post_leader, post=frontline.checkpoint, person=volunteer
    )
    on_the_other_phone = DutyRecord.objects.select_related(
        "post__campaign", "post__region", "person"
    ).get(pk=record.pk)
    frozen_now.move_to(at(20, 16))
    duty_check_out(acting_user=world.post_leader, record=record)
    frozen_now.move_to(at(20, 16, 5))
    for stale in (on_the_other_phone, DutyRecord.objects.get(pk=record.pk)):
        with translation.override("en"), pytest.raises(ValidationError, match="already been"):
            duty_check_out(acting_user=world.town_x_admin, record=stale)
    stored = DutyRecord.objects.get(pk=record.pk)
    assert (stored.status, stored.ends_at, stored.version) == (Status.VERIFIED, at(20, 16), 2)
    assert stored.verified_by == world.post_leader
    assert (overall(volunteer).shifts, overall(volunteer).seconds) == (1, 8 * 3600)
    assert on_the_other_phone.status == Status.OPEN  # nothing half-applied to it either


def test_a_check_out_minutes_after_the_check_in_waits_for_review(
    world: World, frontline: Frontline, volunteer, frozen_now
):
    frozen_now.move_to(at(20, 8))
    record = duty_check_in(
        acting_user=world.post_leader, post=frontline.checkpoint, person=volunteer
    )
    frozen_now.move_to(at(20, 8, 2))
    record = duty_check_out(acting_user=world.post_leader, record=record)
    assert (record.status, record.needs_review) == (Status.PENDING, True)
    assert not PersonIndicator.objects.filter(person=volunteer).exists()
    frozen_now.move_to(at(20, 9))
    fresh = duty_check_in(
        acting_user=world.post_leader, post=frontline.checkpoint, person=volunteer
    )
    with pytest.raises(ValidationError):  # in the same second: a wrong tap, said plainly
        duty_check_out(acting_user=world.post_leader, record=fresh)


def test_a_batch_sees_a_shift_that_began_before_it_and_reaches_into_it(
    world: World, frontline: Frontline, volunteer
):
    """The batch reads the shifts starting within its time and each person's last one
    before it: a night shift begun the evening before still overlaps; a declined shift and
    one that ended in time do not."""
    checkpoint, second = frontline.checkpoint, make_person(world.village_a, "张旭")

    def recorded(person, starts, ends):
        return duty_record_create(
            acting_user=world.secretary_a,
            post=checkpoint,
            data=DutyInput(person, starts, ends),
        )

    recorded(volunteer, at(14, 22), at(15, 6))  # the night before the batch's first start
    recorded(second, at(14, 8), at(14, 16))  # the day before: ended long before
    declined = recorded(volunteer, at(15, 6), at(15, 9))
    duty_record_decline(acting_user=world.town_x_admin, record=declined, reason="记错了")
    entries = [
        (checkpoint, DutyInput(volunteer, at(15, 5), at(15, 7))),  # the night reaches 06:00
        (checkpoint, DutyInput(second, at(15, 5), at(15, 7))),
        (checkpoint, DutyInput(volunteer, at(15, 8), at(15, 12))),  # over the declined one
    ]
    with translation.override("zh-hans"):
        saved = duty_record_create_many(acting_user=world.secretary_a, entries=entries)
    assert sorted(saved.records) == [1, 2]
    assert list(saved.refused) == [0]
    assert "2020-02-14 22:00–06:00" in saved.refused[0][0]


def test_a_batch_saves_what_one_entry_would_and_refuses_what_it_would_refuse(
    world: World, frontline: Frontline, volunteer
):
    """duty_record_create_many (imports) against duty_record_create: the same checks, one
    entry's result for each, plus overlaps between the batch's own entries."""
    second = make_person(world.village_a, "张旭")
    other_village = make_person(world.village_b, "陈丽")
    duty_record_create(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        data=DutyInput(second, at(15, 9), at(15, 10)),
    )
    flyer, shovel = TaskKind.objects.filter(is_active=True).order_by("pk")[:2]
    checkpoint, market = frontline.checkpoint, frontline.market
    entries = [
        (checkpoint, DutyInput(volunteer, at(14, 0), at(14, 8), {flyer: 3, shovel: 0}, " 夜班 ")),
        (checkpoint, DutyInput(second, at(15, 8), at(15, 16))),  # overlaps the recorded one
        (checkpoint, DutyInput(volunteer, at(14, 7), at(14, 15))),  # overlaps entry 0
        (checkpoint, DutyInput(volunteer, at(21, 8), at(21, 16))),  # tomorrow
        (checkpoint, DutyInput(volunteer, at(16, 8), at(16, 16), {flyer: -1})),
        (market, DutyInput(other_village, at(16, 8), at(16, 16))),  # not secretary A's
        (market, DutyInput(volunteer, at(14, 8), at(14, 20))),  # follows entry 0
    ]
    with translation.override("zh-hans"):
        saved = duty_record_create_many(acting_user=world.secretary_a, entries=entries)
    assert sorted(saved.records) == [0, 6]
    assert sorted(saved.refused) == [1, 2, 3, 4, 5]
    assert "唐家湾卡点" in saved.refused[1][0] and "重叠" in saved.refused[1][0]
    assert "唐家湾卡点" in saved.refused[2][0]  # the batch's own entry, not yet saved
    assert saved.refused[3] == ["值守记录不能晚于当前时间。"]
    assert saved.refused[4] == ["数量不能为负数。"]
    assert "陈丽" in saved.refused[5][0]
    # Inserted as plain rows with reserved ids: each id is its own entry's.
    first, last = (DutyRecord.objects.get(pk=saved.records[index]) for index in (0, 6))
    assert (first.post, first.starts_at, first.ends_at) == (checkpoint, at(14, 0), at(14, 8))
    assert (last.post, last.starts_at, last.ends_at) == (market, at(14, 8), at(14, 20))
    assert (first.status, first.source, first.recorded_by, first.notes, first.version) == (
        Status.PENDING,
        Source.IMPORT,
        world.secretary_a,
        "夜班",
        1,
    )
    assert (first.campaign, first.needs_review, first.verified_by) == (
        checkpoint.campaign,
        False,
        None,
    )
    assert first.created_at == first.updated_at and first.created_at is not None
    assert dict(first.task_counts.values_list("kind", "count")) == {flyer.pk: 3}
    assert DutyRecord.objects.count() == 3  # the one recorded before and the two saved
    # One event for each region (and campaign) of the batch's posts, listing its records as
    # imported; each record links to its event.
    event, other = AuditEvent.objects.filter(event_type=EventType.DUTY_IMPORTED).order_by("pk")
    assert (first.import_event, last.import_event) == (event, other)
    assert (event.acting_user, event.region, event.target_id) == (
        world.secretary_a,
        checkpoint.region,
        str(checkpoint.campaign_id),
    )
    assert (other.region, other.extra_data["count"]) == (market.region, 1)
    listed = event.extra_data["records"]
    assert list(listed) == [str(first.pk)] and list(other.extra_data["records"]) == [str(last.pk)]
    as_imported = dict(zip(event.extra_data["columns"], listed[str(first.pk)], strict=True))
    assert as_imported == {
        "person": volunteer.name,
        "post": checkpoint.name,
        "starts_at": at(14, 0).isoformat(),
        "ends_at": at(14, 8).isoformat(),
        "tasks": {flyer.code: 3},
        "notes": "夜班",
    }
    assert not AuditEvent.objects.filter(
        event_type=EventType.DUTY_RECORDED, target_id__in=[str(first.pk), str(last.pk)]
    ).exists()
    assert list(verify()) == []
    assert duty_record_create_many(acting_user=None, entries=[]).records == {}


def test_a_large_import_has_its_records_analyzed_once_committed(
    world: World, frontline: Frontline, volunteer, monkeypatch, django_capture_on_commit_callbacks
):
    """Above ANALYZE_AFTER_ROWS records (here two) the records' planner statistics are
    refreshed after the commit (PostgreSQL; SQLite runs without them): autovacuum would
    wait for a tenth of the table to change, the review queue of the new records planned
    as if they were none meanwhile."""
    monkeypatch.setattr("houbei.duty.services.records.ANALYZE_AFTER_ROWS", 2)
    checkpoint = frontline.checkpoint
    day = {d: (checkpoint, DutyInput(volunteer, at(d, 8), at(d, 16))) for d in (12, 13, 14)}
    for entries in ([day[12]], [day[13], day[14]]):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            duty_record_create_many(acting_user=None, entries=entries)
        with CaptureQueriesContext(connection) as queries:
            for callback in callbacks:
                callback()
        analyzed = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
        large = len(entries) == 2 and connection.vendor == "postgresql"
        assert analyzed == (['ANALYZE "duty_dutyrecord"'] if large else [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps the constraints")
def test_links_to_audit_events_are_kept_by_the_trail_not_by_constraints(
    world: World, frontline: Frontline, volunteer
):
    """Decision 0010: a record's links to its import's and its bulk verification's events
    have no foreign-key constraint (each was checked at commit once a record); the event a
    record links to still cannot go, as the audit trigger refuses any deletion."""
    entry = (frontline.checkpoint, DutyInput(volunteer, at(12, 8), at(12, 16)))
    (record_id,) = duty_record_create_many(acting_user=None, entries=[entry]).records.values()
    event_id = DutyRecord.objects.get(pk=record_id).import_event_id
    assert event_id is not None
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "duty_dutyrecord")
    foreign = {column for c in constraints.values() if c["foreign_key"] for column in c["columns"]}
    assert {"person_id", "post_id", "verified_by_id"} <= foreign
    assert not {"import_event_id", "verify_event_id"} & foreign
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])


def test_entries_worked_out_chunk_by_chunk_name_only_what_was_said_beforehand(
    world: World, frontline: Frontline, volunteer
):
    """An import's chunks are worked out only when their turn comes, when no statement may
    run: an entry naming a post or a person not said beforehand is a mistake of the caller,
    refused as such rather than checked against what was never read."""
    checkpoint, market = frontline.checkpoint, frontline.market
    worked_out = []

    def chunk(post, person, day):
        def entries():
            worked_out.append(day)
            return [(post, DutyInput(person, at(day, 8), at(day, 16)))]

        return EntryChunk([checkpoint], 1, entries)

    people = {volunteer.id: volunteer}
    saved = duty_record_create_many(
        acting_user=world.secretary_a,
        entries=Entries(
            people, at(14, 0), at(17, 0), [chunk(checkpoint, volunteer, day) for day in (14, 15)]
        ),
    )
    assert sorted(saved.records) == [0, 1] and worked_out == [14, 15]
    stranger = make_person(world.village_a, "张旭")
    for wrong in (chunk(market, volunteer, 16), chunk(checkpoint, stranger, 16)):
        with pytest.raises(ValueError, match="not given beforehand"):
            duty_record_create_many(
                acting_user=world.secretary_a,
                entries=Entries(people, at(16, 0), at(17, 0), [wrong]),
            )


def test_records_verified_together_count_as_if_verified_one_by_one(
    world: World, frontline: Frontline, volunteer
):
    """duty_records_verify_many (a verifier's ticked rows, a narrowed queue): the same
    records and indicators as duty_record_verify one by one, in one change per person, and
    one audit event listing the records it verified, which each record links to."""
    second = make_person(world.village_a, "张旭")
    flyer = TaskKind.objects.filter(is_active=True).order_by("pk").first()
    shifts = [
        (volunteer, at(10, 22), at(11, 6), {flyer: 4}),  # a night: two days
        (volunteer, at(11, 8), at(11, 16), {}),
        (second, at(10, 8), at(10, 16), {flyer: 1}),
    ]
    records = [
        duty_record_create(
            acting_user=world.secretary_a,
            post=frontline.checkpoint,
            data=DutyInput(person, starts, ends, tasks),
        )
        for person, starts, ends, tasks in shifts
    ]
    verified = duty_records_verify_many(
        acting_user=world.town_x_admin, record_ids=[r.pk for r in records] + [records[0].pk]
    )
    assert verified == 3
    (event,) = AuditEvent.objects.filter(event_type=EventType.DUTY_VERIFIED_TOGETHER)
    assert (event.acting_user, event.region, event.target_id) == (
        world.town_x_admin,
        frontline.checkpoint.region,
        str(frontline.checkpoint.campaign_id),
    )
    assert event.extra_data["count"] == 3
    assert (event.extra_data["old"], event.extra_data["new"]) == (
        {"status": "pending"},
        {"status": "verified"},
    )
    assert event.extra_data["records"][str(records[0].pk)] == [
        "钟利洪",
        frontline.checkpoint.name,
        at(10, 22).isoformat(),
        at(11, 6).isoformat(),
    ]
    assert not AuditEvent.objects.filter(event_type=EventType.DUTY_VERIFIED).exists()
    for record in records:
        record.refresh_from_db()
        assert (record.status, record.verified_by, record.version, record.verify_event) == (
            Status.VERIFIED,
            world.town_x_admin,
            2,
            event,
        )
    figures = overall(volunteer)
    assert (figures.shifts, figures.seconds, figures.days, figures.longest_run) == (
        2,
        16 * 3600,
        2,
        2,
    )
    assert figures.tasks == {flyer.code: 4} and overall(second).tasks == {flyer.code: 1}
    assert indicators.verify() == []
    assert list(verify()) == []


def test_records_verified_together_are_exactly_those_asked_for(
    world: World, frontline: Frontline, volunteer
):
    """A run of consecutive ids is read as its range, other ids as a list: either way the
    records beside them stay as they were."""
    records = [
        duty_record_create(
            acting_user=world.secretary_a,
            post=frontline.checkpoint,
            data=DutyInput(volunteer, at(day, 8), at(day, 16)),
        )
        for day in range(10, 15)
    ]
    assert [r.pk for r in records] == list(range(records[0].pk, records[0].pk + 5))
    run = [records[2], records[1]]  # the range: the records on either side are left
    ticked = [records[4], records[0]]  # with a gap: the list
    for chosen in (run, ticked):
        assert duty_records_verify_many(
            acting_user=world.town_x_admin, record_ids=[r.pk for r in chosen]
        ) == len(chosen)
    statuses = [DutyRecord.objects.get(pk=r.pk).status for r in records]
    assert statuses == [Status.VERIFIED] * 3 + [Status.PENDING, Status.VERIFIED]
    assert overall(volunteer).shifts == 4


def test_records_verified_together_are_all_verified_or_none(
    world: World, frontline: Frontline, volunteer
):
    mine = duty_record_create(
        acting_user=world.town_x_admin,
        post=frontline.checkpoint,
        data=DutyInput(volunteer, at(10, 8), at(10, 16)),
    )
    theirs = duty_record_create(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        data=DutyInput(volunteer, at(11, 8), at(11, 16)),
    )
    done = duty_record_create(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        data=DutyInput(volunteer, at(12, 8), at(12, 16)),
    )
    duty_record_verify(acting_user=world.post_leader, record=done)  # meanwhile, by another
    events = AuditEvent.objects.count()
    with translation.override("zh-hans"), pytest.raises(BulkVerifyError) as refused:
        duty_records_verify_many(
            acting_user=world.town_x_admin, record_ids=[mine.pk, theirs.pk, done.pk]
        )
    assert [record.pk for record, _problem in refused.value.refused] == [mine.pk, done.pk]
    assert refused.value.messages[0].startswith("钟利洪 2020-02-10 08:00：")
    assert "录入" in refused.value.messages[0] and "待核验" in refused.value.messages[1]
    theirs.refresh_from_db()
    assert theirs.status == Status.PENDING and overall(volunteer).shifts == 1
    assert AuditEvent.objects.count() == events
    # Out of the verifier's reach (another village's secretary): refused as one record
    # would be, without naming it.
    with pytest.raises(PermissionDenied):
        duty_records_verify_many(acting_user=world.secretary_b, record_ids=[theirs.pk])
    assert duty_records_verify_many(acting_user=world.town_x_admin, record_ids=[]) == 0


def test_verifying_together_takes_as_many_statements_for_many_people_as_for_few(
    world: World, frontline: Frontline
):
    """The review queue verifies a whole import at once: its statements must not grow with
    the people or records in it (only with every thousand records: IN lists are cut)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(people: int, first_day: int) -> int:
        records = [
            duty_record_create(
                acting_user=world.secretary_a,
                post=frontline.checkpoint,
                data=DutyInput(person, at(day, 8), at(day, 16)),
            ).pk
            for person in (make_person(world.village_a) for _ in range(people))
            for day in (first_day, first_day + 1)
        ]
        with CaptureQueriesContext(connection) as captured:
            assert duty_records_verify_many(acting_user=world.town_x_admin, record_ids=records)
        return len(captured)

    # The verifier's grants and the merged regions are read once for the user instance.
    Scope.for_user(world.town_x_admin).covers(world.village_a, Capability.DUTY_VERIFY)
    assert statements(2, 3) == statements(7, 6)
    assert indicators.verify() == []
