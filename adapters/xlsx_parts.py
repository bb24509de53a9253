"""The parts of a workbook the reader needs (adapters/xlsx_reader.py), each an expat
handler that builds no tree: relationships, the workbook (first sheet, date system), the
shared strings, the styles that show dates, and the first sheet's rows — each bounded.
Six small handlers of one format read together, so they stay in one module past 300 lines."""

from __future__ import annotations

import posixpath
import re
from datetime import date, datetime, timedelta
from typing import TypeVar

from adapters.tables import MAX_CELL_CHARS, MAX_COLUMNS, MB, Budget
from domain.errors import InvalidInput

# A workbook has 10-30 parts; Excel, WPS and LibreOffice never write hundreds.
MAX_ZIP_ENTRIES = 1_000
# At most one shared string per cell with text: 100,000 rows (the row bound) of 10
# distinct strings. They are held in memory, so their characters are bounded too.
MAX_SHARED_STRINGS = 1_000_000
MAX_SHARED_CHARS = 16 * MB
# Excel's own limit on the cell formats of a workbook.
MAX_STYLES = 64_000
# SpreadsheetML nests 7 deep (worksheet, sheetData, row, c, is, r, t); extensions more.
MAX_XML_DEPTH = 32
# expat holds an unfinished tag, comment or instruction whole until it ends; no honest
# one in a workbook comes near 1 MB (a cell's text streams in pieces as it comes).
MAX_TOKEN_BYTES = 1 * MB
CHUNK_BYTES = 64 * 1024


class Part:
    """An expat handler that sees local names (namespaces do not matter here) and
    refuses nesting past MAX_XML_DEPTH."""

    def __init__(self) -> None:
        self.depth = 0

    def start_element(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise InvalidInput("file", f"nests its XML deeper than {MAX_XML_DEPTH}")
        self.start(name[name.rfind("}") + 1 :], attrs)

    def end_element(self, name: str) -> None:
        self.depth -= 1
        self.end(name[name.rfind("}") + 1 :])

    def start(self, name: str, attrs: dict[str, str]) -> None: ...

    def end(self, name: str) -> None: ...

    def text(self, content: str) -> None: ...


Handler = TypeVar("Handler", bound=Part)


def rels_of(part: str) -> str:
    folder, file = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{file}.rels")


class Relationships(Part):
    """A part's relationships (`_rels/….rels`): id → part, and kind → part."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.folder = posixpath.dirname(source)
        self.by_id: dict[str, str] = {}
        self.by_kind: dict[str, str] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        target = attrs.get("Target")
        if name != "Relationship" or not target or attrs.get("TargetMode") == "External":
            return
        if len(self.by_id) >= MAX_ZIP_ENTRIES:
            raise InvalidInput("file", f"has more than {MAX_ZIP_ENTRIES} relationships")
        if target.startswith("/"):
            part = target[1:]
        else:
            part = posixpath.normpath(posixpath.join(self.folder, target))
        self.by_id[attrs.get("Id", "")] = part
        self.by_kind.setdefault(attrs.get("Type", "").rsplit("/", 1)[-1], part)

    def target(self, kind: str, default: str | None = None) -> str:
        return self.by_kind.get(kind) or default or f"xl/{kind}.xml"


class Workbook(Part):
    """The first sheet's relationship id, and the date system (1900 or 1904)."""

    def __init__(self) -> None:
        super().__init__()
        self.first_sheet: str | None = None
        self.epoch = EPOCH_1900

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "workbookPr" and attrs.get("date1904") in ("1", "true"):
            self.epoch = EPOCH_1904
        elif name == "sheet" and self.first_sheet is None:
            ids = (value for key, value in attrs.items() if key.endswith("}id"))
            self.first_sheet = next(ids, None)


class Texts(Part):
    """Collects an item's text from its <t> (and a cell's <v>) elements, leaving out
    phonetic runs (<rPh>), refused past MAX_CELL_CHARS."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.length = 0
        self.in_item = self.collecting = self.phonetic = False

    def begin_item(self) -> None:
        self.parts, self.length, self.in_item = [], 0, True

    def item_text(self) -> str:
        self.in_item = False
        text = "".join(self.parts)
        # Excel writes a control character as _xHHHH_ (and a literal "_x" as _x005F_x).
        return _ESCAPED.sub(lambda match: chr(int(match[1], 16)), text) if "_x" in text else text

    def start_text(self, name: str) -> None:
        if name == "rPh":
            self.phonetic = True
        elif name in ("t", "v") and self.in_item and not self.phonetic:
            self.collecting = True

    def end_text(self, name: str) -> None:
        if name == "rPh":
            self.phonetic = False
        elif name in ("t", "v"):
            self.collecting = False

    def text(self, content: str) -> None:
        if self.collecting:
            self.length += len(content)
            if self.length > MAX_CELL_CHARS:
                raise InvalidInput("file", f"has a cell over {MAX_CELL_CHARS} characters")
            self.parts.append(content)


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class SharedStrings(Texts):
    def __init__(self) -> None:
        super().__init__()
        self.strings: list[str] = []
        self.chars = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "si":
            self.begin_item()
        self.start_text(name)

    def end(self, name: str) -> None:
        self.end_text(name)
        if name == "si":
            self.chars += self.length
            self.strings.append(self.item_text())
            if len(self.strings) > MAX_SHARED_STRINGS:
                raise InvalidInput("file", f"has more than {MAX_SHARED_STRINGS} shared strings")
            if self.chars > MAX_SHARED_CHARS:
                raise InvalidInput(
                    "file", f"has shared strings over {MAX_SHARED_CHARS // MB}M characters"
                )


class Styles(Part):
    """Which cell styles (indexes into cellXfs) show a number as a date."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[int, str] = {}
        self.formats: list[int] = []
        self.in_cell_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "numFmt":
            self.codes[_number(attrs.get("numFmtId"), -1)] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_xfs = True
        elif name == "xf" and self.in_cell_xfs:
            self.formats.append(_number(attrs.get("numFmtId"), 0))
        if len(self.formats) + len(self.codes) > MAX_STYLES:
            raise InvalidInput("file", f"has more than {MAX_STYLES} cell formats")

    def end(self, name: str) -> None:
        if name == "cellXfs":
            self.in_cell_xfs = False

    def date_styles(self) -> frozenset[int]:
        return frozenset(index for index, id_ in enumerate(self.formats) if self.is_date(id_))

    def is_date(self, format_id: int) -> bool:
        if format_id in self.codes:
            return is_date_format(self.codes[format_id])
        return format_id in DATE_FORMAT_IDS


# Built-in formats that show dates: 14-22 (m/d/yyyy … m/d/yy h:mm) and 45-47 (mm:ss …),
# as openpyxl counted them, and the Chinese locale's 27-31, 36, 50-54, 57-58
# (yyyy"年"m"月"d"日" and kin), which Excel and WPS write by id alone.
DATE_FORMAT_IDS = frozenset(
    [*range(14, 23), *range(27, 32), 36, *range(45, 48), *range(50, 55), 57, 58]
)
_LITERAL = re.compile(r'"[^"]*"|\\.|_.|\*.')
_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)
_BRACKETED = re.compile(r"\[[^\]]*\]")


def is_date_format(code: str) -> bool:
    """A custom number format that shows a date: y or d, or an m that is not minutes (no
    h or s beside it), outside quoted text and [colour/locale] brackets. An elapsed time
    ([h]:mm) is a duration, not a date."""
    bare = _LITERAL.sub("", code).split(";")[0]
    if _ELAPSED.search(bare):
        return False
    bare = _BRACKETED.sub("", bare).lower()
    if "y" in bare or "d" in bare:
        return True
    return "m" in bare and "h" not in bare and "s" not in bare


class Sheet(Texts):
    """A worksheet's rows as lists of text, as they stream; a row is done at its end."""

    def __init__(
        self, strings: list[str], date_styles: frozenset[int], epoch: date, budget: Budget
    ) -> None:
        super().__init__()
        self.strings, self.date_styles, self.epoch = strings, date_styles, epoch
        self.budget = budget
        self.done: list[tuple[int, list[str]]] = []
        self.values: dict[int, str] | None = None
        self.number = 0
        self.column = -1
        self.kind = "n"
        self.style = 0

    def take(self) -> list[tuple[int, list[str]]]:
        done, self.done = self.done, []
        return done

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "row":
            self.number = _number(attrs.get("r"), self.number + 1)
            self.budget.row(self.number)
            self.values, self.column = {}, -1
        elif name == "c" and self.values is not None:
            self.column = _column(attrs.get("r"), self.column + 1)
            self.kind = attrs.get("t", "n")
            self.style = _number(attrs.get("s"), 0)
            self.begin_item()
        else:
            self.start_text(name)

    def end(self, name: str) -> None:
        if name == "row" and self.values is not None:
            values, self.values = self.values, None
            if values:  # an empty row counts against the bound but is not worth passing on
                row = [values.get(i, "") for i in range(max(values) + 1)]
                self.done.append((self.number, row))
        elif name == "c" and self.values is not None:
            value = self.cell_value()
            if value and self.column >= MAX_COLUMNS:
                raise InvalidInput(
                    "file", f"row {self.number} has a value beyond column {MAX_COLUMNS}"
                )
            if value:
                self.values[self.column] = value
        else:
            self.end_text(name)

    def cell_value(self) -> str:
        text = self.item_text()
        if self.kind == "s":
            index = _number(text, -1)
            if not 0 <= index < len(self.strings):
                raise InvalidInput("file", f"row {self.number} names no shared string {text!r}")
            return self.strings[index]
        if self.kind == "b":
            return str(text.strip() == "1")
        if self.kind == "d":
            return _iso_date(text)
        if self.kind == "n" and self.style in self.date_styles:
            return _serial_date(text, self.epoch)
        return text


def _number(text: str | None, default: int) -> int:
    """A row number, style or string index: ASCII digits, and not absurdly many."""
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise InvalidInput("file", f"has {text[:20]!r} where a number belongs")
    return int(text)


_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})[0-9]*", re.ASCII)


def _column(reference: str | None, default: int) -> int:
    """The zero-based column of a cell reference like `AB12`."""
    if reference is None:
        return default
    match = _CELL_REFERENCE.fullmatch(reference)
    if match is None:
        raise InvalidInput("file", f"has a cell reference {reference[:20]!r}")
    column = 0
    for letter in match[1]:
        column = column * 26 + ord(letter) - ord("A") + 1
    return column - 1


EPOCH_1900 = date(1899, 12, 30)  # serial 1 is 1900-01-01, after Excel's leap-year slip
EPOCH_1904 = date(1904, 1, 1)
MAX_SERIAL = 2_958_466  # 9999-12-31


def _iso_date(text: str) -> str:
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        return text


def _serial_date(text: str, epoch: date) -> str:
    """An Excel date serial as YYYY-MM-DD; anything else stays as written. A serial is
    a day count, not money: reading it as a float is right."""
    try:
        serial = float(text)
    except ValueError:
        return text
    if not 1 <= serial < MAX_SERIAL:  # NaN fails this too
        return text
    days = int(serial)
    if epoch == EPOCH_1900 and days < 60:
        days += 1  # Excel counts a 29 February 1900 that never was
    return (epoch + timedelta(days=days)).isoformat()
