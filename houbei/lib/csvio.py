"""Reading CSV files as Chinese offices write them: UTF-8 (with or without BOM) or GBK/GB18030."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator


class CsvDecodeError(ValueError):
    pass


def decode_csv_bytes(data: bytes) -> str:
    """UTF-8 first (Excel's "CSV UTF-8" adds a BOM), then GB18030, a superset of GBK, which
    is what Excel on a Chinese Windows writes by default."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvDecodeError("not UTF-8 or GB18030 text")


def iter_csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(1-based line number, cells) for every row, cells stripped."""
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        yield reader.line_num, [cell.strip() for cell in row]
