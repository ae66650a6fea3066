"""Writing Excel workbooks people open without surprises.

Every text cell is neutralised: a value starting with =, +, -, @, a tab or a carriage
return would otherwise be taken for a formula (formula injection). It is stored as a string
with Excel's quote prefix, so it shows exactly as typed and stays text even when someone
edits the cell later."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_THIN = Side(style="thin", color="999999")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def write_cell(sheet: Worksheet, row: int, column: int, value: Any) -> Cell | MergedCell:
    """Write one value; formula-like text becomes quote-prefixed text, never a formula."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def table_workbook(
    *,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int],
) -> bytes:
    """A one-sheet workbook in the usual government-form shape: a merged title row, a
    subtitle row, a bold bordered header, bordered data rows, frozen below the header."""
    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # a new workbook always has one sheet
        raise TypeError("openpyxl returned no worksheet")
    sheet.title = title[:31]
    last_column = get_column_letter(len(headers))
    sheet.merge_cells(f"A1:{last_column}1")
    write_cell(sheet, 1, 1, title)
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(f"A2:{last_column}2")
    write_cell(sheet, 2, 1, subtitle)
    sheet["A2"].alignment = Alignment(horizontal="left")
    header_fill = PatternFill("solid", fgColor="EFEAE4")
    for column, header in enumerate(headers, 1):
        cell = write_cell(sheet, 3, column, header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
        sheet.column_dimensions[get_column_letter(column)].width = widths[column - 1]
    for row_number, row in enumerate(rows, 4):
        for column, value in enumerate(row, 1):
            cell = write_cell(sheet, row_number, column, value)
            cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
