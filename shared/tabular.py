"""Spreadsheets in and out: read rows from an uploaded CSV or XLSX file, write rows as either.

Reading refuses what it cannot read safely with a problem: a file over ``MAX_FILE_BYTES``
(413), anything but UTF-8 CSV or an XLSX workbook (415), a workbook that unpacks to more than
``MAX_UNPACKED_BYTES`` (413, a zip bomb), no header row or more than ``max_rows`` rows (422).
Rows keep their number in the source (the header is row 1), so errors point at the row the
officer sees in the spreadsheet.

A CSV file may come gzip-compressed (``.csv.gz``): it is unpacked first, never beyond
``MAX_UNPACKED_BYTES`` (413), which lets a large register fit under the body limit.

Writing guards against formula injection: a CSV cell that starts with ``= + - @`` (or a tab or
carriage return) gets a leading apostrophe, which spreadsheets treat as "this is text" (reading
takes it off again, so an export re-imports unchanged); XLSX cells are typed as strings.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from shared.problems import ProblemError

MAX_FILE_BYTES = 5 * 1024 * 1024
# headroom for the multipart envelope around the file (boundaries, part headers, other fields)
MAX_UPLOAD_BYTES = MAX_FILE_BYTES + 64 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
MAX_COLUMNS = 100
DEFAULT_MAX_ROWS = 20_000

_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and encrypted workbooks
_BOM = "\ufeff"
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_CSV_SUFFIXES = (".csv", ".txt")
# what browsers and tools declare for a CSV file (Windows says vnd.ms-excel)
_CSV_MEDIA_TYPES = frozenset(
    {
        "",
        "application/csv",
        "application/gzip",  # a .csv.gz, judged after unpacking
        "application/x-gzip",
        "application/octet-stream",
        "application/vnd.ms-excel",
        "application/x-csv",
    }
)


class TabularFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        if self is TabularFormat.CSV:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_responses(description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of a route answering a CSV or XLSX file (with
    ``response_class=Response``): its real media types, not JSON."""
    return {
        200: {
            "description": f"{description} (``Content-Disposition: attachment``)",
            "content": {
                TabularFormat.CSV.media_type: {"schema": {"type": "string"}},
                TabularFormat.XLSX.media_type: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }


@dataclass(frozen=True)
class Row:
    """One data row: ``number`` is its 1-based row in the source, ``cells`` maps header → value
    (``str`` from CSV; ``str``, ``int``, ``float``, ``bool``, ``datetime`` or None from XLSX);
    ``overflow`` counts non-empty cells beyond the last heading."""

    number: int
    cells: dict[str, Any]
    overflow: int = 0


@dataclass(frozen=True)
class Sheet:
    format: TabularFormat
    headers: list[str]
    rows: list[Row]


def unsupported(detail: str) -> ProblemError:
    return ProblemError(415, "UNSUPPORTED_FILE_TYPE", detail)


def too_large(detail: str) -> ProblemError:
    return ProblemError(413, "FILE_TOO_LARGE", detail)


def unreadable(detail: str) -> ProblemError:
    return ProblemError(422, "UNREADABLE_FILE", detail)


def gunzip(data: bytes) -> bytes:
    """A gzip-compressed file's content, refused when it unpacks beyond the cap (413) or is
    damaged (422)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as packed:
            content = packed.read(MAX_UNPACKED_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise unreadable("the gzip-compressed file is damaged") from exc
    if len(content) > MAX_UNPACKED_BYTES:
        raise too_large(f"the file unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MiB")
    return content


def detect_format(filename: str | None, content_type: str | None, data: bytes) -> TabularFormat:
    """CSV or XLSX, judged by the content first and the declared name and type second."""
    name = (filename or "").lower().removesuffix(".gz")
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if data.startswith(_ZIP_MAGIC):
        return TabularFormat.XLSX
    if data.startswith(_OLE_MAGIC):
        raise unsupported(
            "legacy .xls and password-protected workbooks cannot be read; "
            "save the sheet as .xlsx or as CSV UTF-8"
        )
    if name.endswith(_XLSX_SUFFIXES) or "spreadsheetml" in media:
        raise unsupported("the file is named or declared as XLSX but is not an XLSX workbook")
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix and f".{suffix}" not in _CSV_SUFFIXES:
        raise unsupported(f"only .csv and .xlsx files can be read, not .{suffix}")
    if not (media.startswith("text/") or media in _CSV_MEDIA_TYPES):
        raise unsupported(f"only CSV and XLSX files can be read, not {media}")
    return TabularFormat.CSV


def read_table(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_bytes: int = MAX_FILE_BYTES,
) -> Sheet:
    """The header row and the data rows (blank rows skipped) of an uploaded CSV or XLSX file
    (a CSV possibly gzip-compressed) of at most ``max_bytes`` as sent."""
    if len(data) > max_bytes:
        raise too_large(f"the file is larger than {max_bytes // (1024 * 1024)} MiB")
    if data.startswith(_GZIP_MAGIC):
        data = gunzip(data)
        if data.startswith(_ZIP_MAGIC):
            raise unsupported("a workbook is sent as it is, not gzip-compressed")
    if not data.strip():
        raise ProblemError(422, "EMPTY_FILE", "the file is empty")
    fmt = detect_format(filename, content_type, data)
    records = _csv_records(data) if fmt is TabularFormat.CSV else _xlsx_records(data)
    with contextlib.closing(records):
        return _collect(fmt, records, max_rows)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _collect(
    fmt: TabularFormat, records: Generator[Sequence[Any], None, None], max_rows: int
) -> Sheet:
    header = next(records, None)
    if header is None:
        raise ProblemError(422, "EMPTY_FILE", "the file has no rows")
    if all(_blank(v) for v in header):
        raise ProblemError(
            422, "MISSING_HEADER", "the first row must hold the column headings; it is empty"
        )
    headers = [("" if v is None else str(v)).strip() for v in header]
    while headers and not headers[-1]:
        headers.pop()
    named = [h for h in headers if h]
    repeated = sorted({h for h in named if named.count(h) > 1})
    if repeated:
        raise ProblemError(
            422,
            "DUPLICATE_COLUMN",
            f"column headings appear more than once: {', '.join(repeated)}",
        )
    width = len(headers)
    rows: list[Row] = []
    for number, record in enumerate(records, start=2):
        if all(_blank(v) for v in record):
            continue
        if len(rows) == max_rows:
            raise ProblemError(
                422,
                "TOO_MANY_ROWS",
                f"the file has more than {max_rows} rows; split it into smaller files",
            )
        cells = {h: (record[i] if i < len(record) else None) for i, h in enumerate(headers) if h}
        overflow = sum(1 for v in record[width:] if not _blank(v))
        rows.append(Row(number=number, cells=cells, overflow=overflow))
    return Sheet(format=fmt, headers=named, rows=rows)


def _unescape(value: str) -> str:
    """Undo the formula guard of ``write_csv``: a leading apostrophe before a trigger."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _csv_records(data: bytes) -> Generator[Sequence[Any], None, None]:
    if b"\x00" in data:
        raise unsupported("the file holds binary data; only CSV and XLSX files can be read")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise unsupported(
            "the CSV file is not UTF-8; save it as 'CSV UTF-8' (e.g. Excel: Save As → "
            "CSV UTF-8 (Comma delimited)) or upload the .xlsx workbook"
        ) from exc
    text = text.removeprefix(_BOM)
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = ","
    if "," not in first_line:
        delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for record in reader:
            number += 1
            yield [_unescape(v) for v in record[: MAX_COLUMNS + 1]]
    except csv.Error as exc:
        raise unreadable(f"row {number + 1} is not valid CSV: {exc}") from exc


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise unsupported("the file looks like a ZIP archive but cannot be opened") from exc
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise unsupported("the file is a ZIP archive but not an XLSX workbook")
    if len(members) > MAX_ZIP_MEMBERS:
        raise too_large(f"the workbook has more than {MAX_ZIP_MEMBERS} parts")
    # a member never unpacks beyond its declared size (zipfile stops there), so the sum bounds
    # what openpyxl can be made to read
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise too_large(
            f"the workbook unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MiB"
        )


def _xlsx_records(data: bytes) -> Generator[Sequence[Any], None, None]:
    from openpyxl import load_workbook  # imported on use: only XLSX files need it

    _check_archive(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Workbook contains no default style"
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise unreadable("the XLSX workbook is damaged and cannot be read") from exc
    try:
        if not workbook.worksheets:
            raise unreadable("the workbook has no worksheet")
        sheet = workbook.worksheets[0]
        # the stored dimensions may be wrong (some tools write A1:A1): read what is there
        sheet.reset_dimensions()
        try:
            yield from sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        except ProblemError:
            raise
        except Exception as exc:
            raise unreadable("the first sheet of the workbook cannot be read") from exc
    finally:
        workbook.close()


def cell_text(value: Any) -> str | None:
    """A cell as trimmed text (None when empty); whole numbers without ".0", days as ISO."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, date):
        value = value.isoformat()[:10]
    text = str(value).strip()
    return text or None


def cell_day(value: Any) -> date:
    """A date cell, or text as YYYY-MM-DD; ValueError saying what was expected otherwise."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError("a date without a time of day")
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value) or ""
    if not _ISO_DAY.match(text):
        raise ValueError("a date as YYYY-MM-DD (or a date cell)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a day of the calendar") from None


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)  # datetime is a date
    return "'" + text if text.startswith(_FORMULA_TRIGGERS) else text


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel shows Chinese correctly), formula-safe."""
    return b"".join(stream_csv(headers, [rows]))


def stream_csv(
    headers: Sequence[str], batches: Iterable[Iterable[Sequence[Any]]]
) -> Iterator[bytes]:
    """``write_csv``'s file in pieces: the header row, then one piece per batch of rows, so a
    file of any length is sent without ever being held whole."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(_BOM)
    writer.writerow([_csv_cell(h) for h in headers])
    yield buffer.getvalue().encode("utf-8")
    for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_cell(v) for v in row] for row in rows)
        if buffer.tell():
            yield buffer.getvalue().encode("utf-8")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """One sheet named ``title``: strings stay strings (never formulas), dates are dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])

    def cell(value: Any) -> Any:
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            written = WriteOnlyCell(sheet, value=text)
            written.data_type = "s"  # openpyxl would take "=…" for a formula
            return written
        if isinstance(value, date):
            written = WriteOnlyCell(sheet, value=value)
            written.number_format = "yyyy-mm-dd"
            return written
        return value

    sheet.append([cell(h) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_table(
    fmt: TabularFormat, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str
) -> bytes:
    if fmt is TabularFormat.CSV:
        return write_csv(headers, rows)
    return write_xlsx(headers, rows, title=title)
