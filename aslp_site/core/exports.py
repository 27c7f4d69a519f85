"""Spreadsheet exports (CSV and XLSX) that are safe to open in Excel or LibreOffice (R10).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read
as a formula by spreadsheet programs ("CSV injection"). Such cells are neutralised:

* CSV has no cell types, so the text gets a leading apostrophe (``'=1+1``), the conventional
  "this is text" marker;
* XLSX cells are all written as explicit text cells (``data_type "s"``, never a formula or a
  number) and the risky ones also carry Excel's *quote prefix* style, so the program treats them
  as text even when someone edits the cell. Their value stays exactly as typed, so a phone number
  such as ``+82 10-1234-5678`` or ``010 1234 5678`` is shown as it was entered.

Use :func:`export_response` with a list of header texts and rows of values; every value is
turned into text (``None`` becomes an empty cell).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Characters XML 1.0 (and so XLSX) cannot hold: C0 controls other than tab, LF and CR.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel's limit of characters in one cell.
XLSX_CELL_LIMIT = 32_767


def as_text(value: Any) -> str:
    """A value as cell text; dates and times in ISO 8601 (convert to the wanted zone first)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    # Lone surrogates cannot be encoded in UTF-8 or stored in XLSX.
    return text.encode("utf-8", "replace").decode("utf-8")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def neutralise(value: Any) -> str:
    """The value as text, with a leading apostrophe if a spreadsheet would read it as a formula."""
    text = as_text(value)
    return "'" + text if is_formula_like(text) else text


def csv_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads non-Latin text), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in headers])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = "") -> bytes:
    """An XLSX workbook of one sheet where every cell is a text cell, formulas neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title)
    bold = Font(bold=True)

    def put(row_number: int, values: Sequence[Any], *, header: bool = False) -> None:
        for column_number, value in enumerate(values, 1):
            text = _XML_ILLEGAL.sub("\ufffd", as_text(value))[:XLSX_CELL_LIMIT]
            cell = sheet.cell(row=row_number, column=column_number)
            # Set directly so openpyxl never guesses a type (number, date or formula).
            cell._value = text
            cell.data_type = "s"
            if is_formula_like(text):
                cell.quotePrefix = True
            if header:
                cell.font = bold

    put(1, headers, header=True)
    for row_number, row in enumerate(rows, 2):
        put(row_number, row)
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _sheet_title(title: str) -> str:
    # Sheet names: at most 31 characters, none of []:*?/\ .
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title or "Export").strip() or "Export"
    return cleaned[:31]


def export_filename(stem: str, file_format: str, day: dt.date | None = None) -> str:
    """``<stem>-<YYYY-MM-DD>.<format>`` with only safe characters in the stem."""
    day = day or timezone.localdate()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "export"
    return f"{safe}-{day.isoformat()}.{file_format}"


def export_response(
    file_format: str,
    filename_stem: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "",
) -> HttpResponse:
    """A download (``Content-Disposition: attachment``) of the table as CSV or XLSX.

    An unknown format answers 404.
    """
    if file_format == "csv":
        body, content_type = csv_bytes(headers, rows), CSV_CONTENT_TYPE
    elif file_format == "xlsx":
        body, content_type = xlsx_bytes(headers, rows, title=title), XLSX_CONTENT_TYPE
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, export_filename(filename_stem, file_format)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


__all__ = [
    "FORMATS",
    "FORMULA_TRIGGERS",
    "as_text",
    "csv_bytes",
    "export_filename",
    "export_response",
    "is_formula_like",
    "neutralise",
    "xlsx_bytes",
]
