"""Reading the tables people upload: CSV in UTF-8 or GBK (GB 18030), or an XLSX
workbook's first sheet (adapters.xlsx_reader), with headers matched by their Chinese or
English names.

An upload is hostile until it has been read (CONTRACT "Personal data and hostile
input"): a 459 KB workbook of one header row and millions of empty rows once drove the
service past 5 GB. So every read is bounded in bytes, rows, columns, characters,
unpacked bytes and time, and streams: nothing whose size the file decides is held
whole. A file past a bound is refused with InvalidInput (422) naming the bound, when
the bound is crossed; anything else wrong with a damaged file is InvalidInput too.
"""

from __future__ import annotations

import csv
import os
import re
import time
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from domain.errors import InvalidInput

Headers = Mapping[str, tuple[str, ...]]
MB = 1024 * 1024

# The upload itself: a county's survey form or a year of one account's treasury lines
# is a few MB; the HTTP body limit (api.middleware) is this same number.
MAX_FILE_BYTES = 32 * MB
# A county's survey form has ~30,000 rows (湖南省农村贫困劳动力就业信息表), a year of one
# account's treasury lines fewer. Every row element counts, empty or not, and so does
# a row number that skips past the bound.
MAX_ROWS = 100_000
# The form has 13 columns and a treasury file about 10; 256 was a whole sheet's width
# before Excel 2007. Empty cells further right (formatting) are ignored.
MAX_COLUMNS = 256
# Excel's own limit on the text of one cell.
MAX_CELL_CHARS = 32_767
# openpyxl writes ~600 bytes of sheet XML for a row of the form: a sheet at MAX_ROWS
# unpacks to ~60 MB, and the other parts of a workbook to far less. Twice that.
MAX_UNPACKED_BYTES = 128 * MB
# A CSV line: MAX_COLUMNS fields of ~1,000 characters. The csv module's own field limit
# (131,072 characters) is left as it is: it is one setting for the whole process.
MAX_LINE_CHARS = MAX_COLUMNS * 1_000
# A 30,000-row form reads in a few seconds here; a minute leaves room for a slow
# machine and still frees the worker long before anyone gives up on the upload.
READ_SECONDS = 60.0

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class Table:
    """An uploaded table, its header found: which column each field is read from, under
    the header as the file writes it (so an error can name the column the clerk sees),
    and the data rows below the header as they stream."""

    header_row: int
    written: dict[str, str]
    rows: Iterator[tuple[int, dict[str, str]]]


def open_table(content: bytes, headers: Headers, required: Sequence[str]) -> Table:
    """The table in the upload. `headers` maps each field to the column titles it may
    carry; the header is the first row, among the first HEADER_SEARCH_ROWS with anything
    in them, that has a column for every required field: the rows above it are the
    form's titles (湖南省农村贫困劳动力就业信息表, 填报单位：…) and are skipped."""
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput("file", f"is larger than {MAX_FILE_BYTES // MB} MB")
    from adapters.xlsx_reader import xlsx_rows  # it builds on this module's Budget

    budget = Budget()
    rows = xlsx_rows(content, budget) if content[:2] == b"PK" else _csv_rows(content, budget)
    filled = ((number, values) for number, values in rows if any(v.strip() for v in values))
    number, columns = _header(filled, headers, required)
    written = {name: title for name, (_, title) in columns.items()}
    places = {name: index for name, (index, _) in columns.items()}
    return Table(number, written, _data(filled, places))


def read_table(
    content: bytes, headers: Headers, required: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as a spreadsheet shows it, {field: text}) for each row below the header."""
    yield from open_table(content, headers, required).rows


def _data(
    filled: Iterator[tuple[int, list[str]]], places: dict[str, int]
) -> Iterator[tuple[int, dict[str, str]]]:
    for number, values in filled:
        yield number, {name: values[i].strip() for name, i in places.items() if i < len(values)}


def read_upload(path: str) -> bytes:
    """A file named on the command line, refused unread if it is larger than an upload
    may be (and read no further than that if its size cannot be known beforehand)."""
    try:
        with open(path, "rb") as file:
            if os.fstat(file.fileno()).st_size > MAX_FILE_BYTES:
                raise InvalidInput("file", f"is larger than {MAX_FILE_BYTES // MB} MB")
            content = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise InvalidInput("file", f"{path} cannot be read ({error.strerror})") from None
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput("file", f"is larger than {MAX_FILE_BYTES // MB} MB")
    return content


class Budget:
    """What one read may still spend: rows, unpacked bytes and time."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + READ_SECONDS
        self.rows = 0
        self.unpacked = 0

    def row(self, number: int) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS or number > MAX_ROWS:
            raise InvalidInput("file", f"has more than {MAX_ROWS} rows")
        self.clock()

    def unpack(self, size: int) -> None:
        self.unpacked += size
        self.expect(0)
        self.clock()

    def expect(self, size: int) -> None:
        """Refuses, before a byte is spent, a part whose size alone would break the bound
        (a zip's own claim of a part's size: understated, the checksum gives it away)."""
        if self.unpacked + size > MAX_UNPACKED_BYTES:
            raise InvalidInput("file", f"unpacks to more than {MAX_UNPACKED_BYTES // MB} MB")

    def clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise InvalidInput("file", f"took more than {READ_SECONDS:g} seconds to read")


def _row_values(number: int, values: Sequence[str]) -> list[str]:
    """The row's values up to its last non-empty one, within the column and cell bounds."""
    last = max((i for i, value in enumerate(values) if value), default=-1)
    if last >= MAX_COLUMNS:
        raise InvalidInput("file", f"row {number} has a value beyond column {MAX_COLUMNS}")
    if any(len(value) > MAX_CELL_CHARS for value in values):
        raise InvalidInput("file", f"row {number} has a cell over {MAX_CELL_CHARS} characters")
    return list(values[: last + 1])


# CSV ---------------------------------------------------------------------------------


def _csv_rows(content: bytes, budget: Budget) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for number, row in enumerate(csv.reader(_lines(_decoded(content))), start=1):
            budget.row(number)
            yield number, _row_values(number, row)
    except csv.Error as error:  # a field over the csv module's limit, a stray quote
        raise InvalidInput("file", f"row {number + 1} is not CSV ({error})") from None


def _decoded(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("file", "is neither UTF-8 nor GBK text, nor an XLSX workbook")


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their ends, as csv.reader wants them (\\r\\n, \\r or \\n),
    one at a time, each refused past MAX_LINE_CHARS before it is copied out."""
    start = 0
    for match in _LINE_END.finditer(text):
        yield _line(text, start, match.end())
        start = match.end()
    if start < len(text):
        yield _line(text, start, len(text))


def _line(text: str, start: int, end: int) -> str:
    if end - start > MAX_LINE_CHARS:
        raise InvalidInput("file", f"has a line longer than {MAX_LINE_CHARS} characters")
    return text[start:end]


# A form's title block is a few rows (title, 填报单位, 填报日期, a blank, a note); a
# header further down than this is not one a person would look for either.
HEADER_SEARCH_ROWS = 20
_UNITS = re.compile(r"[(（][^()（）]*[)）]$")


def header_key(title: str) -> str:
    """A column title as it is compared: width-folded (headers are labels, not keys),
    without spaces, line breaks, a required-field star or a trailing unit such as
    (元) or （YYYY-MM-DD）, in lower case. `金额（元）`, `* 身份证号` and `Amount` all match."""
    text = unicodedata.normalize("NFKC", title)
    text = "".join(text.split()).replace("*", "").lower()
    return _UNITS.sub("", text)


def _header(
    filled: Iterator[tuple[int, list[str]]], headers: Headers, required: Sequence[str]
) -> tuple[int, dict[str, tuple[int, str]]]:
    """The header row's number and, for each field it has a column for, (index, title)."""
    names = {header_key(alias): name for name, aliases in headers.items() for alias in aliases}
    best: dict[str, tuple[int, str]] = {}
    seen = 0
    for seen, (number, values) in enumerate(filled, start=1):
        if seen > HEADER_SEARCH_ROWS:
            break
        columns: dict[str, tuple[int, str]] = {}
        for index, title in enumerate(values):
            name = names.get(header_key(title))
            if name is not None:
                columns.setdefault(name, (index, title.strip()))
        if all(name in columns for name in required):
            return number, columns
        if len(columns) > len(best):
            best = columns
    if not seen:
        raise InvalidInput("file", "is empty")
    missing = [name for name in required if name not in best]
    where = f"in its first {HEADER_SEARCH_ROWS} rows with text"
    raise InvalidInput("file", f"has no header row with columns for {', '.join(missing)} ({where})")
