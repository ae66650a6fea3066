"""The Party-development clocks at their edge dates. Pure: tracks are unsaved objects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from houbei.party.models import PartyStage, PartyTrack
from houbei.party.rules import (
    Step,
    Urgency,
    check_step,
    clock,
    earliest_application,
    may_enter,
    qualifies_for_next_step,
)

BIRTH = dt.date(2000, 6, 15)
TODAY = dt.date(2026, 11, 29)
D = dt.date


def track(**fields: Any) -> PartyTrack:
    return PartyTrack(**fields)


def developing(**extra: Any) -> PartyTrack:
    """A development target with everything admission needs."""
    fields: dict[str, Any] = {
        "applied_on": D(2018, 9, 1),
        "talked_on": D(2018, 9, 20),
        "activist_on": D(2019, 3, 10),
        "contacts": "李明、王芳",
        "development_target_on": D(2020, 3, 10),
        "sponsor_1": "李明",
        "sponsor_2": "王芳",
        "review_on": D(2020, 4, 1),
        "review_passed": True,
        "review_conclusion": "政治审查合格",
        "training_started_on": D(2020, 4, 6),
        "training_ended_on": D(2020, 4, 8),
        "training_hours": Decimal(24),
    }
    fields.update(extra)
    return track(**fields)


def problems(
    t: PartyTrack, step: Step, birth: dt.date = BIRTH, today: dt.date = TODAY
) -> dict[str, list[str]]:
    return check_step(t, step, birth_date=birth, today=today).by_field


# --- 18 or older to apply -------------------------------------------------------------------


def test_applying_on_the_18th_birthday_is_allowed() -> None:
    assert problems(track(applied_on=D(2018, 6, 15)), Step.APPLY) == {}


def test_under_18_by_one_day_is_refused_with_the_rule() -> None:
    found = problems(track(applied_on=D(2018, 6, 14)), Step.APPLY)
    message = found["applied_on"][0]
    assert "2018-06-15" in message
    assert "18" in message


def test_born_on_a_leap_day_turns_18_on_1_march() -> None:
    birth = D(2004, 2, 29)
    assert earliest_application(birth) == D(2022, 3, 1)
    assert problems(track(applied_on=D(2022, 2, 28)), Step.APPLY, birth)
    assert problems(track(applied_on=D(2022, 3, 1)), Step.APPLY, birth) == {}


def test_no_date_in_the_future() -> None:
    found = problems(track(applied_on=TODAY + dt.timedelta(days=1)), Step.APPLY)
    assert "applied_on" in found


# --- talk and activist ------------------------------------------------------------------------


def test_the_talk_is_due_within_a_month_and_counts_as_overdue_after() -> None:
    t = track(applied_on=D(2020, 1, 31))
    next_step = clock(t, D(2020, 2, 29))
    assert next_step is not None
    assert (next_step.step, next_step.due) == (Step.TALK, D(2020, 2, 29))
    assert next_step.urgency(D(2020, 2, 29)) == Urgency.DUE
    assert next_step.urgency(D(2020, 3, 1)) == Urgency.OVERDUE


def test_an_activist_needs_the_talk_first_and_one_or_two_contacts() -> None:
    t = track(applied_on=D(2020, 1, 5))
    assert not may_enter(t, Step.ACTIVIST)
    t.talked_on = D(2020, 1, 20)
    assert may_enter(t, Step.ACTIVIST)
    t.activist_on = D(2020, 1, 19)
    t.contacts = "李明、王芳、张三"
    found = problems(t, Step.ACTIVIST)
    assert set(found) == {"activist_on", "contacts"}
    t.activist_on, t.contacts = D(2020, 1, 20), "李明 王芳"
    assert problems(t, Step.ACTIVIST) == {}


# --- one year as an activist --------------------------------------------------------------------


def test_development_target_exactly_one_year_after_is_allowed() -> None:
    t = developing()
    assert problems(t, Step.DEVELOPMENT_TARGET) == {}


def test_development_target_one_day_early_is_refused_with_the_earliest_date() -> None:
    t = developing(development_target_on=D(2020, 3, 9))
    message = problems(t, Step.DEVELOPMENT_TARGET)["development_target_on"][0]
    assert "2020-03-10" in message
    assert "第十三条" in message


def test_one_year_from_a_leap_day_ends_on_28_february() -> None:
    t = developing(activist_on=D(2020, 2, 29), development_target_on=D(2021, 2, 27))
    assert "2021-02-28" in problems(t, Step.DEVELOPMENT_TARGET)["development_target_on"][0]
    t.development_target_on = D(2021, 2, 28)
    assert problems(t, Step.DEVELOPMENT_TARGET) == {}


# --- sponsors, review, training, admission --------------------------------------------------------


def test_two_different_sponsors() -> None:
    assert "sponsor_1" in problems(developing(sponsor_2=""), Step.SPONSORS)
    assert "sponsor_2" in problems(developing(sponsor_2="李明"), Step.SPONSORS)
    assert problems(developing(), Step.SPONSORS) == {}


def test_the_review_needs_a_written_conclusion_and_comes_after_the_target() -> None:
    found = problems(developing(review_on=D(2020, 3, 1), review_conclusion=" "), Step.REVIEW)
    assert set(found) == {"review_on", "review_conclusion"}


def test_admission_on_the_day_after_everything_is_allowed() -> None:
    assert problems(developing(admitted_on=D(2020, 4, 8)), Step.ADMIT) == {}


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"sponsor_2": ""}, "第十四条"),
        ({"review_passed": False}, "第十六条"),
        ({"training_ended_on": D(2020, 4, 7), "training_hours": Decimal(16)}, "第十七条"),
        ({"admitted_on": D(2020, 4, 7)}, "2020-04-08"),
        ({"admitted_on": D(2021, 4, 2)}, "2021-04-01"),  # the review is more than a year old
    ],
)
def test_admission_is_refused_with_the_rule_it_breaks(
    change: dict[str, Any], fragment: str
) -> None:
    t = developing(admitted_on=D(2020, 5, 1))
    for name, value in change.items():
        setattr(t, name, value)
    messages = problems(t, Step.ADMIT)["admitted_on"]
    assert any(fragment in message for message in messages), messages


def test_training_counts_by_days_or_by_hours() -> None:
    two_days_24_hours = developing(
        training_ended_on=D(2020, 4, 7), training_hours=Decimal(24), admitted_on=D(2020, 5, 1)
    )
    assert problems(two_days_24_hours, Step.ADMIT) == {}
    three_days_few_hours = developing(training_hours=Decimal(12), admitted_on=D(2020, 5, 1))
    assert problems(three_days_few_hours, Step.ADMIT) == {}


# --- approval, probation, extension, full membership ----------------------------------------------


def admitted(**extra: Any) -> PartyTrack:
    return developing(admitted_on=D(2020, 5, 31), **extra)


def test_approval_within_three_months_needs_no_reason() -> None:
    assert problems(admitted(approved_on=D(2020, 8, 31)), Step.APPROVE) == {}


def test_a_later_approval_needs_the_special_reason_and_never_after_six_months() -> None:
    late = admitted(approved_on=D(2020, 9, 1))
    assert "2020-08-31" in problems(late, Step.APPROVE)["approval_note"][0]
    late.approval_note = "换届选举期间"
    assert problems(late, Step.APPROVE) == {}
    late.approved_on = D(2020, 11, 30)  # exactly six months
    assert problems(late, Step.APPROVE) == {}
    late.approved_on = D(2020, 12, 1)
    assert "approved_on" in problems(late, Step.APPROVE)


def test_probation_is_one_year_and_full_membership_comes_from_its_end() -> None:
    t = admitted(approved_on=D(2020, 7, 1))
    assert t.probation_ends_on == D(2021, 5, 31)
    t.full_member_approved_on = D(2021, 5, 30)
    assert "2021-05-31" in problems(t, Step.FULL_MEMBER)["full_member_approved_on"][0]
    t.full_member_approved_on = D(2021, 5, 31)
    assert problems(t, Step.FULL_MEMBER) == {}
    t.full_member_approved_on = D(2021, 9, 1)  # more than three months after the end
    assert problems(t, Step.FULL_MEMBER)


def test_probation_from_a_leap_day() -> None:
    t = developing(admitted_on=D(2020, 2, 29))
    assert t.probation_ends_on == D(2021, 2, 28)


@pytest.mark.parametrize(
    ("months", "ends_on"), [(5, None), (6, D(2021, 11, 30)), (12, D(2022, 5, 31)), (13, None)]
)
def test_an_extension_is_6_to_12_months(months: int, ends_on: dt.date | None) -> None:
    t = admitted(approved_on=D(2020, 7, 1), extension_months=months, extended_on=D(2021, 5, 20))
    found = problems(t, Step.EXTEND)
    if ends_on is None:
        assert "extension_months" in found
    else:
        assert found == {}
        assert t.probation_ends_on == ends_on


def test_an_extension_is_decided_by_the_end_of_the_probation() -> None:
    t = admitted(approved_on=D(2020, 7, 1), extension_months=6, extended_on=D(2021, 6, 1))
    assert "2021-05-31" in problems(t, Step.EXTEND)["extended_on"][0]


# --- what comes next, and which steps may be entered --------------------------------------------


def test_the_clock_of_each_stage() -> None:
    activist = developing(development_target_on=None)
    next_step = clock(activist, D(2020, 3, 1))
    assert next_step is not None
    assert (next_step.step, next_step.earliest) == (Step.DEVELOPMENT_TARGET, D(2020, 3, 10))
    assert next_step.urgency(D(2020, 3, 9)) == Urgency.LATER
    assert next_step.urgency(D(2020, 3, 10)) == Urgency.DUE

    blocked = developing(sponsor_2="")
    blocked_clock = clock(blocked, D(2020, 5, 1))
    assert blocked_clock is not None and blocked_clock.urgency(D(2020, 5, 1)) == Urgency.BLOCKED

    approving = admitted()
    approve_clock = clock(approving, D(2020, 6, 1))
    assert approve_clock is not None
    assert (approve_clock.step, approve_clock.due) == (Step.APPROVE, D(2020, 8, 31))

    probation = admitted(approved_on=D(2020, 7, 1))
    full_clock = clock(probation, D(2021, 5, 1))
    assert full_clock is not None
    assert (full_clock.step, full_clock.earliest, full_clock.due) == (
        Step.FULL_MEMBER,
        D(2021, 5, 31),
        D(2021, 8, 31),
    )
    assert (
        clock(admitted(approved_on=D(2020, 7, 1), full_member_approved_on=D(2021, 6, 1)), TODAY)
        is None
    )


def test_stages_follow_the_dates() -> None:
    assert track(applied_on=D(2020, 1, 1)).stage == PartyStage.APPLICANT
    assert developing(development_target_on=None).stage == PartyStage.ACTIVIST
    assert developing().stage == PartyStage.DEVELOPMENT_TARGET
    assert admitted().stage == PartyStage.PROBATIONARY


def test_a_step_cannot_be_skipped_or_corrected_under_a_later_one() -> None:
    t = track(applied_on=D(2020, 1, 5))
    assert not may_enter(t, Step.DEVELOPMENT_TARGET)
    assert not may_enter(t, Step.ADMIT)
    full = developing()
    assert not may_enter(full, Step.ACTIVIST)  # the development target rests on it
    assert may_enter(full, Step.SPONSORS)  # same phase as the review and the training
    assert may_enter(full, Step.ADMIT)


def test_priority_flags_only_those_who_qualify_now() -> None:
    waiting = developing(development_target_on=None)
    assert not qualifies_for_next_step(waiting, D(2020, 3, 9))
    assert qualifies_for_next_step(waiting, D(2020, 3, 10))
    assert not qualifies_for_next_step(developing(sponsor_2=""), D(2020, 5, 1))
    assert qualifies_for_next_step(developing(), D(2020, 5, 1))
