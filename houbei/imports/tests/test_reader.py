"""The reader's own rules, on CSV text: where a table ends, which rows it skips, and what
it keeps of the cells."""

from __future__ import annotations

import pytest
from django.utils import translation

from houbei.imports.reader import Cell, UnreadableFile, read_table

SYNONYMS = {"序号": "serial", "姓名": "name", "日期": "date", "岗位": "post"}


def csv_table(*lines: str) -> list[tuple[int, dict[str, Cell]]]:
    table = read_table("\n".join(lines).encode(), "log.csv", SYNONYMS)
    return [(row.number, row.values) for row in table.rows]


def test_a_signature_line_ends_the_table_however_it_is_spaced_or_typed() -> None:
    for footer in ("填表人：何军", "　制 表：何军", "单位负责人（签字）", ",,审核人：李四"):
        rows = csv_table("序号,姓名,日期", "1,何军,2020-02-03", f"{footer},,", "2,李华,2020-02-04")
        assert rows == [(2, {"serial": "1", "name": "何军", "date": "2020-02-03"})], footer
    # Not a signature line: a name that merely contains one of the words.
    rows = csv_table("姓名,日期", "何军,2020-02-03", "张制表,2020-02-04")
    assert [number for number, _values in rows] == [2, 3]


def test_rows_starting_with_dates_numbers_or_full_width_digits_are_data() -> None:
    rows = csv_table(
        "日期,姓名,岗位",
        "2020-02-03,何军,唐家湾卡点",
        "２０２０-02-04,李华,唐家湾卡点",
        ",,",
        "3,王强,唐家湾卡点",
    )
    assert [number for number, _values in rows] == [2, 3, 5]
    assert rows[1][1]["date"] == "２０２０-02-04"  # read as written; the importer folds it


def test_blank_and_pre_numbered_blank_rows_are_skipped() -> None:
    rows = csv_table("序号,姓名,日期", "1,何军,2020-02-03", "2,,", " , , ", "3,李华,")
    assert rows == [
        (2, {"serial": "1", "name": "何军", "date": "2020-02-03"}),
        (5, {"serial": "3", "name": "李华"}),
    ]


def test_a_text_repeated_on_many_rows_is_kept_once() -> None:
    lines = ["日期,姓名,岗位"] + [f"2020-02-0{day % 9 + 1}, 何军 ,唐家湾卡点" for day in range(50)]
    table = read_table("\n".join(lines).encode(), "log.csv", SYNONYMS)
    posts = {id(row.values["post"]) for row in table.rows}
    names = {id(row.values["name"]) for row in table.rows}
    assert len(table.rows) == 50 and len(posts) == 1 and len(names) == 1
    assert table.rows[0].values["name"] == "何军"  # stripped


def test_a_csv_cell_beyond_the_readers_limit_is_refused_with_a_message() -> None:
    # An unclosed quote swallows the rest of the file into one cell.
    data = ('姓名,日期\n何军,"2020-02-03\n' + "李华,2020-02-04\n" * 20_000).encode()
    with translation.override("zh-hans"), pytest.raises(UnreadableFile) as raised:
        read_table(data, "log.csv", SYNONYMS)
    assert "引号没有闭合" in raised.value.message and "另存为 CSV" in raised.value.message
