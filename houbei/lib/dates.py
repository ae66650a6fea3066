"""Dates as clerks write them."""

from __future__ import annotations

import datetime as dt
import re

from houbei.lib.text import to_halfwidth

_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_day(raw: str) -> dt.date | None:
    """2020-05-31, 2020/5/31, 2020.05.31, 2020年5月31日 or 20200531; empty gives None.

    Raises ValueError for anything else, or for a date that does not exist.
    """
    text = to_halfwidth(raw).strip()
    if not text:
        return None
    match = _SEPARATED.fullmatch(text) or _COMPACT.fullmatch(text)
    if not match:
        raise ValueError(text)
    year, month, day = (int(part) for part in match.groups())
    return dt.date(year, month, day)


def add_months(day: dt.date, months: int) -> dt.date:
    """The day ``months`` later by the Civil Code's rule for periods in months and years
    (民法典 第二百零二条): the corresponding day of the last month, or that month's last day
    when it has no corresponding day (a year after 2020-02-29 is 2021-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, _days_in_month(year, month)))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def birthday_in(birth: dt.date, year: int) -> dt.date:
    """The birthday in ``year``. Someone born on 29 February has a full year only when
    1 March comes in a common year — they are not yet 18 on 28 February."""
    if birth.month == 2 and birth.day == 29 and _days_in_month(year, 2) == 28:
        return dt.date(year, 3, 1)
    return birth.replace(year=year)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age (周岁) on ``day``."""
    years = day.year - birth.year
    return years if day >= birthday_in(birth, day.year) else years - 1


def workday_span_end(start: dt.date, workdays: int) -> dt.date:
    """The last day of a window of ``workdays`` working days (Monday–Friday) that begins on
    ``start``; a start on a weekend begins on the Monday after. Public holidays are not
    known here: the person publishing may move the end date."""
    day, counted = start, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted >= workdays:
                return day
        day += dt.timedelta(days=1)
