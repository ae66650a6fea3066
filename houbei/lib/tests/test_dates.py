import datetime as dt

import pytest

from houbei.lib.dates import parse_day


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
