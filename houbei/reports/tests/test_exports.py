import datetime as dt

import pytest

from houbei.reports.exports import _LocalTexts

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def epoch(day: dt.date, hour: int, minute: int = 0) -> int:
    return int(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI).timestamp())


@pytest.mark.parametrize("remembered", [1, 4096])
def test_export_times_are_local_whether_remembered_or_not(monkeypatch, remembered):
    """Starts as date and clock time, ends as month, day and time, in Asia/Shanghai —
    the same once remembered or after the remembered ends are forgotten."""
    monkeypatch.setattr(_LocalTexts, "REMEMBERED_ENDS", remembered)
    local = _LocalTexts()
    tenth, eleventh = dt.date(2020, 2, 10), dt.date(2020, 2, 11)
    night = epoch(tenth, 22), epoch(eleventh, 6)
    day = epoch(eleventh, 8), epoch(eleventh, 16, 30)
    for _ in range(2):
        assert local.start(night[0]) == ("2020-02-10", "22:00")
        assert local.end(night[1]) == "02-11 06:00"
        assert local.start(day[0]) == ("2020-02-11", "08:00")
        assert local.end(day[1]) == "02-11 16:30"
    assert len(local.ends) <= remembered
