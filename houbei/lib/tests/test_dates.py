import datetime as dt

import pytest

from houbei.lib.dates import add_months, add_years, age_on, birthday_in, parse_day


@pytest.mark.parametrize(
    "raw",
    ["2020-05-31", "2020/5/31", "2020.05.31", "2020年5月31日", "20200531", "２０２０-０５-３１"],
)
def test_it_reads_the_usual_ways_of_writing_a_day(raw):
    assert parse_day(raw) == dt.date(2020, 5, 31)


def test_empty_is_none_and_nonsense_is_refused():
    assert parse_day("  ") is None
    for bad in ("2020-02-30", "31/05/2020", "soon"):
        with pytest.raises(ValueError):
            parse_day(bad)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2020, 3, 10), 12, dt.date(2021, 3, 10)),  # the corresponding day
        (dt.date(2020, 2, 29), 12, dt.date(2021, 2, 28)),  # no 29 Feb: the month's last day
        (dt.date(2020, 2, 29), 48, dt.date(2024, 2, 29)),
        (dt.date(2020, 1, 31), 1, dt.date(2020, 2, 29)),
        (dt.date(2019, 1, 31), 1, dt.date(2019, 2, 28)),
        (dt.date(2020, 8, 31), 3, dt.date(2020, 11, 30)),
        (dt.date(2020, 11, 30), 3, dt.date(2021, 2, 28)),
        (dt.date(2020, 12, 15), 1, dt.date(2021, 1, 15)),
        (dt.date(2020, 5, 31), 18, dt.date(2021, 11, 30)),
    ],
)
def test_add_months_follows_the_civil_code(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


def test_add_years_is_twelve_months() -> None:
    assert add_years(dt.date(2020, 2, 29), 1) == dt.date(2021, 2, 28)
    assert add_years(dt.date(2019, 6, 1), 2) == dt.date(2021, 6, 1)


def test_a_leap_day_birthday_comes_on_1_march_in_common_years() -> None:
    birth = dt.date(2004, 2, 29)
    assert birthday_in(birth, 2022) == dt.date(2022, 3, 1)
    assert birthday_in(birth, 2024) == dt.date(2024, 2, 29)
    assert age_on(birth, dt.date(2022, 2, 28)) == 17
    assert age_on(birth, dt.date(2022, 3, 1)) == 18


def test_age_on_the_birthday_and_the_day_before() -> None:
    birth = dt.date(2002, 2, 20)
    assert age_on(birth, dt.date(2020, 2, 19)) == 17
    assert age_on(birth, dt.date(2020, 2, 20)) == 18
