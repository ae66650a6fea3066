"""Reading the workbooks villages send, as they are.

- .xlsx/.xls with python-calamine (fast; dates arrive as dates), the first sheet that holds
  a header row; .csv in UTF-8 (with or without BOM) or GBK/GB18030, as Excel in China saves
  it.
- The header row is found below title rows and merged cells: the first of the top rows that
  names a person (姓名) and at least one more known column. Headers are matched after
  removing spaces, line breaks, full-width forms and bracketed notes (出生年月(年.月) →
  出生年月).
- Empty rows are skipped; a row whose first filled cell starts like a signature line
  (填表人, 审核人, 制表 …) ends the table.

Every cell comes back as text or a date, with its sheet row number (1-based, as Excel shows)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, cast

from houbei.lib.text import to_halfwidth

HEADER_SCAN_ROWS = 15
FOOTER_STARTS = (
    "填表人",
    "填报人",
    "审核人",
    "制表人",
    "制表",
    "填表日期",
    "负责人",
    "经办人",
    "单位负责人",
)
Cell = str | dt.date | None


class UnreadableFile(Exception):
    """The file is not a workbook or CSV Houbei can read, or holds no table of people."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs a third of reading a row
class Row:
    number: int  # the sheet's row number
    values: dict[str, Cell]  # canonical field → cell
    cells: list[Cell]  # every cell of the row, as read

    @property
    def raw(self) -> list[str]:
        """The row's cells as text, for the error workbook (only rejected rows need it)."""
        return [c.isoformat() if isinstance(c, dt.date) else (c or "") for c in self.cells]


@dataclass(frozen=True)
class Table:
    sheet: str
    headers: list[str]  # as written in the file
    fields: list[str | None]  # canonical field of each column (None: not recognised)
    rows: list[Row]


def header_key(text: str) -> str:
    """出生年月\n(年.月) → 出生年月; full-width and spaces folded."""
    folded = to_halfwidth(text)
    folded = re.sub(r"[（(【\[].*?[)）】\]]", "", folded)
    return re.sub(r"[\s:：*＊]", "", folded)


def _text(value: object) -> Cell:
    if type(value) is str:  # every cell of a CSV file
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float):
        # Excel keeps numbers as floats: 199005.0 → "199005"; ID numbers must be text
        # already (an 18-digit float has lost its last digits; the checksum will say so).
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, bool):
        return str(value)
    text = str(value).strip()
    return text or None


def _grid(data: bytes, filename: str) -> Iterator[tuple[str, Iterator[list[Any]], bool]]:
    """Each sheet's name and rows of cells, and whether its cells are all texts (a CSV
    file). A CSV file's rows are read as they are used: a million-row log's cells are
    never all held twice, as the file's and as the table's."""
    lower = filename.lower()
    if lower.endswith(".csv"):
        yield "CSV", csv.reader(io.StringIO(_decode(data))), True  # lists of str
        return
    if not lower.endswith((".xlsx", ".xlsm", ".xls")):
        raise UnreadableFile(_message("extension"))
    from python_calamine import CalamineWorkbook

    if lower.endswith((".xlsx", ".xlsm")):
        _refuse_bombs(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own error types for broken files
        raise UnreadableFile(_message("broken")) from error
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        yield name, iter(sheet.to_python(skip_empty_area=False)), False


# An .xlsx is a zip archive: a few kilobytes can unpack to gigabytes. A real roster of
# 100 000 rows unpacks to well under this, at ratios far below the limit.
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200


def _refuse_bombs(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise UnreadableFile(_message("broken")) from error
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_RATIO * max(len(data), 1):
        raise UnreadableFile(_message("bomb"))


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_message("encoding"))


def _message(kind: str, headers: str = "姓名") -> str:
    from django.utils.translation import gettext as _

    return {
        "extension": _("Upload an Excel workbook (.xlsx, .xls) or a CSV file."),
        "broken": _(
            "This file cannot be opened as an Excel workbook. Save it again in Excel and retry."
        ),
        "bomb": _("This workbook unpacks to far more data than a roster holds; it was not opened."),
        "encoding": _("This CSV file is neither UTF-8 nor GBK. Save it again from Excel as CSV."),
        "csv": _(
            "This CSV file holds a cell far longer than any table's (more than 128 KB), as"
            " when a quote is left open. Save it again from Excel as CSV."
        ),
        "no_header": _(
            "No header row with %(headers)s was found in the first %(rows)d rows of any sheet."
        )
        % {"headers": headers, "rows": HEADER_SCAN_ROWS},
    }[kind]


def read_table(
    data: bytes,
    filename: str,
    synonyms: dict[str, str],
    identifying: Mapping[str, str] = MappingProxyType({"name": "姓名"}),
) -> Table:
    """The first sheet with a recognisable header row, as rows keyed by canonical field.
    ``synonyms`` maps header keys (see ``header_key``) to canonical field names. A header
    row names one of the ``identifying`` fields (canonical name → the usual column name, for
    the message when none is found) and at least one other known column."""
    try:
        for sheet, grid, texts_only in _grid(data, filename):
            top = list(itertools.islice(grid, HEADER_SCAN_ROWS))
            found = _header(top, synonyms, identifying)
            if found is None:
                continue
            index, headers, fields = found
            below = itertools.chain(top[index + 1 :], grid)
            rows = list(_rows(below, index + 2, fields, texts_only))
            return Table(sheet, headers, fields, rows)
    except csv.Error as error:  # a cell longer than csv's limit (128 KB)
        raise UnreadableFile(_message("csv")) from error
    raise UnreadableFile(_message("no_header", " / ".join(identifying.values())))


def _header(
    grid: list[list[object]], synonyms: dict[str, str], identifying: Mapping[str, str]
) -> tuple[int, list[str], list[str | None]] | None:
    for index, row in enumerate(grid):
        headers = [str(_text(cell) or "") for cell in row]
        fields = [synonyms.get(header_key(h)) for h in headers]
        known = [f for f in fields if f]
        if any(field in identifying for field in known) and len(known) >= 2:
            # A field named twice: the first column wins, the rest are ignored.
            seen: set[str] = set()
            unique: list[str | None] = []
            for field in fields:
                unique.append(field if field and field not in seen else None)
                if field:
                    seen.add(field)
            return index, headers, unique
    return None


def _ends_table(first: Cell) -> bool:
    """Whether a row's first filled cell starts like a signature line. The signature words
    are Chinese: a cell starting with an ASCII character (a date, a serial number) never
    does, and is not normalised first (which had been a fifth of reading a row)."""
    return (
        type(first) is str
        and not first[0].isascii()
        and to_halfwidth(first).replace(" ", "").startswith(FOOTER_STARTS)
    )


def _rows(
    grid: Iterable[list[Any]], first_number: int, fields: Sequence[str | None], texts_only: bool
) -> Iterator[Row]:
    """The rows below the header, the first of them numbered ``first_number``."""
    known = [(position, field) for position, field in enumerate(fields) if field]
    # A CSV log repeats its dates, posts, names and times on thousands of rows: each
    # distinct text is kept once (the file's own copies go with the file), a third of the
    # memory of its rows, and later lookups hash each text once.
    shared: dict[str, str] = {}
    share = shared.setdefault
    for number, row in enumerate(grid, first_number):
        # Never "": empty cells are None. A CSV row holds only texts: folded without asking
        # each cell its type (a tenth of reading a row).
        cells: list[Cell] = (
            [share(text, text) if (text := cell.strip()) else None for cell in row]
            if texts_only
            else [_text(cell) for cell in row]
        )
        # Cells are None or true (texts, dates): the first filled one found in C.
        first = cast(Cell, next(filter(None, cells), None))
        if first is None:
            continue
        if _ends_table(first):
            break
        width = len(cells)
        values: dict[str, Cell] = {
            field: cells[position]
            for position, field in known
            if position < width and cells[position] is not None
        }
        if not values or (len(values) == 1 and "serial" in values):
            continue  # a pre-numbered blank line of the form
        yield Row(number, values, cells)
