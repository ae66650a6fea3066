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
