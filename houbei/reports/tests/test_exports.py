import datetime as dt

import pytest

from houbei.reports.exports import _local_texts

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def epoch(day: dt.date, hour: int, minute: int = 0) -> int:
    return int(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI).timestamp())


@pytest.mark.parametrize("forget", [True, False])
def test_export_times_are_local_whether_remembered_or_not(forget):
    """Starts as date and clock time, ends as month, day and time, in Asia/Shanghai —
    the same once remembered or after the remembered moments are forgotten."""
    tenth, eleventh = dt.date(2020, 2, 10), dt.date(2020, 2, 11)
    night = epoch(tenth, 22), epoch(eleventh, 6)
    day = epoch(eleventh, 8), epoch(eleventh, 16, 30)
    for _ in range(2):
        if forget:
            _local_texts.cache_clear()
        assert _local_texts(night[0], SHANGHAI)[:2] == ("2020-02-10", "22:00")
        assert _local_texts(night[1], SHANGHAI)[2] == "02-11 06:00"
        assert _local_texts(day[0], SHANGHAI)[:2] == ("2020-02-11", "08:00")
        assert _local_texts(day[1], SHANGHAI)[2] == "02-11 16:30"
    info = _local_texts.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize  # bounded
