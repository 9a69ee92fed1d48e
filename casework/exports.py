"""Tables as CSV files for Dutch Excel: semicolons between fields, UTF-8 with a byte-order
mark (without it Excel reads 'ë' as 'Ã«'), dates as JJJJ-MM-DD and shares as percentages with
a decimal comma, so a double click opens them as a proper table. The report command and the
web app's downloads write the same."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TextIO

CSV_DELIMITER = ";"  # Excel with Dutch regional settings splits on semicolons, not commas
CSV_ENCODING = "utf-8-sig"  # the byte-order mark tells Excel the file is UTF-8
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"

Cell = str | int | float | date | datetime | None


def csv_cell(cell: Cell) -> str | int:
    """A float is a share (0..1) and becomes a percentage; None an empty field."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell * 100:.1f}".replace(".", ",")
    if isinstance(cell, datetime):
        return cell.isoformat(timespec="seconds")
    if isinstance(cell, date):
        return cell.isoformat()
    return cell


def write_rows(handle: TextIO, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    out = csv.writer(handle, delimiter=CSV_DELIMITER)
    out.writerow(header)
    out.writerows([csv_cell(cell) for cell in row] for row in rows)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The whole file, ready to download."""
    text = io.StringIO(newline="")
    write_rows(text, header, rows)
    return text.getvalue().encode(CSV_ENCODING)
