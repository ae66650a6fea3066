"""Writing Excel workbooks people open without surprises.

Every text cell is neutralised: a value starting with =, +, -, @, a tab or a carriage
return would otherwise be taken for a formula (formula injection). It is stored as a string
with Excel's quote prefix, so it shows exactly as typed and stays text even when someone
edits the cell later."""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
    formats: Mapping[int, str] | None = None,
    choices: Mapping[int, tuple[str, Sequence[str]]] | None = None,
) -> bytes:
    """A workbook in the usual government-form shape: a merged title row, a subtitle row,
    a bold bordered header, bordered data rows, frozen below the header. ``formats`` gives
    columns (1-based) a number format (what is typed into a blank form shows as a date or a
    time); ``choices`` gives columns a list to pick from — its heading and values, kept on a
    hidden sheet of that name, as a list validation of 255 characters at most could not
    hold a campaign's posts — with a message in the workbook when something else is typed."""
    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # a new workbook always has one sheet
        raise TypeError("openpyxl returned no worksheet")
    sheet.title = _sheet_name(title)
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
            if formats and column in formats:
                cell.number_format = formats[column]
    for column, (heading, values) in (choices or {}).items():
        _choose_from(workbook, sheet, column, heading, values)
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Rows of a blank form that offer a column's choices: more than a paper sign-in sheet holds.
CHOICE_ROWS = 1000


def _choose_from(
    workbook: Workbook, sheet: Worksheet, column: int, heading: str, values: Sequence[str]
) -> None:
    if not values:
        return
    lists = workbook.create_sheet(_sheet_name(heading))
    lists.sheet_state = "hidden"
    for row, value in enumerate(values, 1):
        write_cell(lists, row, 1, value)
    letter = get_column_letter(column)
    validation = DataValidation(
        type="list",
        formula1=f"{quote_sheetname(lists.title)}!$A$1:$A${len(values)}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=heading,
        error=_("Pick one of the list."),
    )
    validation.add(f"{letter}4:{letter}{3 + CHOICE_ROWS}")
    sheet.add_data_validation(validation)


# Distinct texts a streamed export remembers at a time (a few MB at most).
REMEMBERED_TEXTS = 16_384


class StreamedTable:
    """A one-sheet workbook written row by row to a file in constant memory (xlsxwriter's
    ``constant_memory`` mode): 100 000 rows never sit in memory together. Same shape as
    ``table_workbook``: merged title row, subtitle row, bordered header, frozen panes; text
    cells that look like formulas are written as text with Excel's quote prefix.

    Use as a context manager; ``append`` each row; the file is complete on exit."""

    def __init__(
        self,
        path: str,
        *,
        title: str,
        subtitle: str,
        headers: Sequence[str],
        widths: Sequence[int],
    ) -> None:
        import xlsxwriter  # type: ignore[import-untyped]  # no stubs; only streamed exports use it

        self.workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "in_memory": False})
        self.sheet = self.workbook.add_worksheet(_sheet_name(title))
        border = {"border": 1, "border_color": "#999999"}
        self.cell = self.workbook.add_format({**border, "valign": "vcenter", "text_wrap": True})
        self.quoted = self.workbook.add_format(
            {**border, "valign": "vcenter", "text_wrap": True, "quote_prefix": True}
        )
        header = self.workbook.add_format(
            {**border, "bold": True, "bg_color": "#EFEAE4", "align": "center", "valign": "vcenter"}
        )
        last = len(headers) - 1
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width)
        self.sheet.set_row(0, 30)
        title_style = self.workbook.add_format(
            {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
        )
        for row, text, style in (
            (0, title, title_style),
            (1, subtitle, self.workbook.add_format({"align": "left"})),
        ):
            if last > 0:
                self.sheet.merge_range(row, 0, row, last, text, style)
            else:
                self.sheet.write_string(row, 0, text, style)
        for column, text in enumerate(headers):
            self.sheet.write_string(2, column, text, header)
        self.sheet.freeze_panes(3, 0)
        self.row = 3
        # xlsxwriter's undecorated writers, as its own write_row calls them: the public ones
        # first check whether the cell is given as "A1" text, and that check cost a tenth
        # of a 100 000-row export.
        self._string = self.sheet._write_string
        self._number = self.sheet._write_number
        self._blank = self.sheet._write_blank
        self._boolean = self.sheet._write_boolean
        # Each distinct text as written and its style, worked out once: an export repeats
        # its posts, villages, dates and statuses on thousands of rows. Remembered by this
        # table only (the texts hold names), and forgotten once it is written.
        self._text = functools.lru_cache(maxsize=REMEMBERED_TEXTS)(self._written_text)

    def append(self, values: Sequence[Any]) -> None:
        row, cell = self.row, self.cell
        for column, value in enumerate(values):
            if value is None or value == "":
                self._blank(row, column, None, cell)
            elif isinstance(value, str):
                self._string(row, column, *self._text(value))
            elif isinstance(value, bool):
                self._boolean(row, column, value, cell)
            elif isinstance(value, int | float | Decimal):
                self._number(row, column, float(value), cell)
            else:
                self._string(row, column, str(value), cell)
        self.row = row + 1

    def _written_text(self, value: str) -> tuple[str, Any]:
        """A text cell as written, with its style. Always written as a string, never through
        write(): a leading "=" must stay text (quote-prefixed)."""
        # A bare carriage return would be stored as _x000D_: keep line ends as \n.
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        return text, self.quoted if is_formula_like(value) else self.cell

    def __enter__(self) -> StreamedTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self._text.cache_clear()
        self.workbook.close()


def _sheet_name(title: str) -> str:
    """Excel refuses sheet names over 31 characters or with []:*?/\\ in them."""
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title)
    return cleaned[:31] or "Sheet1"
