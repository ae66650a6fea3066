import datetime as dt
from zoneinfo import ZoneInfo

from houbei.duty.indicators import LocalDays, longest_run, seconds_by_day

BJ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 2) -> dt.datetime:
    return dt.datetime(2020, month, day, hour, minute, tzinfo=BJ)


def test_a_night_shift_counts_on_both_days():
    assert seconds_by_day(at(1, 22), at(2, 6)) == {
        dt.date(2020, 2, 1): 7200,
        dt.date(2020, 2, 2): 21600,
    }


def test_a_shift_ending_at_midnight_does_not_touch_the_next_day():
    assert seconds_by_day(at(1, 16), at(2, 0)) == {dt.date(2020, 2, 1): 8 * 3600}


def test_days_are_local_days_whatever_the_stored_zone():
    utc_start = at(1, 22).astimezone(dt.UTC)  # 14:00 UTC
    utc_end = at(2, 6).astimezone(dt.UTC)
    assert set(seconds_by_day(utc_start, utc_end)) == {dt.date(2020, 2, 1), dt.date(2020, 2, 2)}


def test_a_long_stretch_spans_every_day_it_touches():
    result = seconds_by_day(at(1, 20), at(3, 4))
    assert result == {
        dt.date(2020, 2, 1): 4 * 3600,
        dt.date(2020, 2, 2): 24 * 3600,
        dt.date(2020, 2, 3): 4 * 3600,
    }


def test_a_day_when_the_clocks_change_has_its_real_length():
    """Elapsed seconds, split at real local midnights, in a zone with summer time (a site
    configured outside China): 30 March 2025 in Berlin has 23 hours."""
    berlin = ZoneInfo("Europe/Berlin")
    days = LocalDays(berlin)
    start = int(dt.datetime(2025, 3, 29, 22, tzinfo=berlin).timestamp())
    end = int(dt.datetime(2025, 3, 31, 2, tzinfo=berlin).timestamp())
    split = {days.date(day): seconds for day, seconds in days.split(start, end)}
    assert split == {
        dt.date(2025, 3, 29): 2 * 3600,
        dt.date(2025, 3, 30): 23 * 3600,
        dt.date(2025, 3, 31): 2 * 3600,
    }


def test_longest_run_of_consecutive_days_with_gaps_and_repeats():
    days = [dt.date(2020, 1, d) for d in (24, 25, 25, 26, 28, 29, 30, 31)] + [
        dt.date(2020, 2, 1),
        dt.date(2020, 2, 3),
    ]
    assert longest_run(days) == 5  # 28 Jan – 1 Feb, across the month end
    assert longest_run([]) == 0
    assert longest_run([dt.date(2020, 2, 29), dt.date(2020, 3, 1)]) == 2  # leap day
