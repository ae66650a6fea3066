"""Month grids of the days a person served, for the profile's calendar."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: list[list[tuple[dt.date | None, bool]]]  # (day or padding, served?)
    served: int


def calendar_months(days: list[dt.date], limit: int = 6) -> list[Month]:
    """The most recent ``limit`` months that have days served, newest first."""
    served = set(days)
    months = sorted({(day.year, day.month) for day in served}, reverse=True)[:limit]
    result = []
    for year, month in months:
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([(day if day.month == month else None, day in served) for day in week])
        result.append(
            Month(year, month, weeks, sum(1 for d in served if (d.year, d.month) == (year, month)))
        )
    return result


def weekday_names() -> list[str]:
    """Monday first, as the month grids are."""
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
