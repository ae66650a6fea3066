import io

import pytest
from openpyxl import load_workbook

from houbei.lib.excel import table_workbook


@pytest.mark.parametrize(
    "text", ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","点我")']
)
def test_formula_like_text_stays_text(text):
    data = table_workbook(title="排班表", subtitle="", headers=["姓名"], rows=[[text]], widths=[10])
    sheet = load_workbook(io.BytesIO(data)).active
    cell = sheet["A4"]
    assert cell.value == text.replace("\r", "\n")  # XML keeps line ends as \n
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_layout_title_header_rows():
    data = table_workbook(
        title="唐家湾卡点排班表",
        subtitle="2020-02-17 至 2020-02-23",
        headers=["日期", "班次"],
        rows=[["2020-02-17", "一班"], ["2020-02-17", "二班"]],
        widths=[12, 8],
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "唐家湾卡点排班表"
    assert "A1:B1" in [str(r) for r in sheet.merged_cells.ranges]
    assert [c.value for c in sheet[3]] == ["日期", "班次"]
    assert sheet.max_row == 5 and sheet.freeze_panes == "A4"
    assert sheet["B5"].quotePrefix is False


@pytest.mark.parametrize(
    "text", ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","点我")']
)
def test_streamed_formula_like_text_stays_text(tmp_path, text):
    from houbei.lib.excel import StreamedTable

    path = tmp_path / "out.xlsx"
    with StreamedTable(str(path), title="花名册", subtitle="", headers=["姓名"], widths=[10]) as t:
        t.append([text])
        t.append(["王强"])
    sheet = load_workbook(path).active
    assert sheet["A4"].value == text.replace("\r", "\n")
    assert sheet["A4"].data_type == "s"
    assert sheet["A4"].quotePrefix
    assert not sheet["A5"].quotePrefix


def test_streamed_layout_and_types(tmp_path):
    from houbei.lib.excel import StreamedTable

    path = tmp_path / "out.xlsx"
    with StreamedTable(
        str(path),
        title="一线值守记录[2020]",
        subtitle="市中区",
        headers=["序号", "姓名", "时长"],
        widths=[6, 10, 8],
    ) as table:
        for n in range(1, 1001):
            table.append([n, f"人{n}", 8.5 if n % 2 else None])
    sheet = load_workbook(path).active
    assert sheet.title == "一线值守记录_2020_"  # Excel refuses [ ] in sheet names
    assert sheet["A1"].value == "一线值守记录[2020]"
    assert "A1:C1" in [str(r) for r in sheet.merged_cells.ranges]
    assert [c.value for c in sheet[3]] == ["序号", "姓名", "时长"]
    assert sheet.max_row == 1003 and sheet.freeze_panes == "A4"
    assert (sheet["A4"].value, sheet["B4"].value, sheet["C4"].value) == (1, "人1", 8.5)
    assert sheet["C5"].value is None


@pytest.mark.parametrize("remembered", [1, 16_384])
def test_streamed_texts_are_written_the_same_once_remembered_or_forgotten(
    tmp_path, monkeypatch, remembered
):
    """Each distinct text's form and style is remembered, and forgotten when too many are:
    the cells must not depend on which."""
    from houbei.lib import excel

    monkeypatch.setattr(excel, "REMEMBERED_TEXTS", remembered)
    path = tmp_path / "out.xlsx"
    texts = ["=1+1", "王强", "a\r\nb", "王强", "=1+1", "a\r\nb"]
    with excel.StreamedTable(
        str(path), title="花名册", subtitle="", headers=["姓名"], widths=[10]
    ) as table:
        for text in texts:
            table.append([text])
    sheet = load_workbook(path).active
    cells = [sheet.cell(row=4 + n, column=1) for n in range(len(texts))]
    assert [c.value for c in cells] == ["=1+1", "王强", "a\nb", "王强", "=1+1", "a\nb"]
    assert [bool(c.quotePrefix) for c in cells] == [True, False, False, False, True, False]
    assert all(c.data_type == "s" for c in cells)
