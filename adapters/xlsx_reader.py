"""The rows of an uploaded XLSX workbook's first sheet, as text, read within bounds.

openpyxl read our uploads until a 459 KB workbook of one header row and millions of
empty `<row/>` drove the service past 5 GB: it trusts the zip (no bound on what a part
unpacks to), walks every row element however many (time and memory grow with them)
and has no deadline, and bounding it from outside means reaching into its
internals. What we need of a workbook is small — the first sheet's cells, the shared
strings, and which styles are dates — so it is read here:
- zipfile, after counting the central directory's entries in the raw bytes (zipfile
  builds a ~550-byte object for each entry before we could look); only the parts we
  need are opened, and only if stored or deflated (bzip2 and lzma unpack a read in one
  unbounded step) and not encrypted;
- each part in chunks through the read's Budget, which counts the bytes really unpacked
  whatever sizes the zip claims, each row element, and the time;
- expat, fed chunk by chunk, with handlers that build no tree: they hold the current row
  (refused past its column and character bounds), the shared strings (bounded in count
  and characters) and which styles show dates. No DOCTYPE is accepted, so no entity can
  be declared (billion laughs) or fetched (XXE); a tag, comment or instruction that would
  make expat buffer more than MAX_TOKEN_BYTES is refused as it grows, and so is nesting.
Why expat itself and not defusedxml: defusedxml's defence is these same expat handlers,
but it offers them only under a SAX or ElementTree layer that costs several times expat's
own per element, and hides the
parser whose CurrentByteIndex tells how much of an unfinished token expat is holding.
Numeric cells whose style shows a date become ISO dates, as openpyxl made them for us.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import NoReturn
from xml.parsers import expat

from adapters.tables import MB, Budget
from adapters.xlsx_parts import (
    MAX_ZIP_ENTRIES,
    Handler,
    Part,
    Relationships,
    SharedStrings,
    Sheet,
    Styles,
    Workbook,
    rels_of,
)
from domain.errors import InvalidInput

# expat holds an unfinished tag, comment or instruction whole until it ends; no honest
# one in a workbook comes near 1 MB (a cell's text streams in pieces as it comes).
MAX_TOKEN_BYTES = 1 * MB
CHUNK_BYTES = 64 * 1024

# What a damaged zip or XML raises on its way through zipfile, zlib and expat: each
# means only that the file is not a workbook we can read.
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    expat.ExpatError,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    NotImplementedError,
    ArithmeticError,
)


def xlsx_rows(content: bytes, budget: Budget) -> Iterator[tuple[int, list[str]]]:
    """(row number, values) for each row of the first sheet with a value, as it streams."""
    try:
        yield from _first_sheet_rows(content, budget)
    except InvalidInput:
        raise
    except DAMAGED as error:
        raise InvalidInput(
            "file", f"is not a readable XLSX workbook ({type(error).__name__})"
        ) from None


def _first_sheet_rows(content: bytes, budget: Budget) -> Iterator[tuple[int, list[str]]]:
    # Every central directory entry begins with this signature: counting it bounds the
    # entries before zipfile makes an object of each.
    if content.count(b"PK\x01\x02") > MAX_ZIP_ENTRIES:
        raise InvalidInput("file", f"has more than {MAX_ZIP_ENTRIES} zip entries")
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        workbook = _parse(book, "_rels/.rels", Relationships(""), budget).target(
            "officeDocument", "xl/workbook.xml"
        )
        settings = _parse(book, workbook, Workbook(), budget)
        parts = _parse(book, rels_of(workbook), Relationships(workbook), budget)
        strings = _parse(book, parts.target("sharedStrings"), SharedStrings(), budget)
        styles = _parse(book, parts.target("styles"), Styles(), budget)
        sheet = Sheet(strings.strings, styles.date_styles(), settings.epoch, budget)
        first_sheet = parts.by_id.get(settings.first_sheet or "", "xl/worksheets/sheet1.xml")
        for _ in _feed(book, first_sheet, sheet, budget):
            yield from sheet.take()


def _parse(book: zipfile.ZipFile, name: str, handler: Handler, budget: Budget) -> Handler:
    """The handler after it has read the whole part (or as it was, if there is none)."""
    if name in book.namelist():
        for _ in _feed(book, name, handler, budget):
            pass
    return handler


def _feed(book: zipfile.ZipFile, name: str, handler: Part, budget: Budget) -> Iterator[None]:
    """Unpacks the part chunk by chunk, through the budget, into expat; pauses after each."""
    info = book.getinfo(name)
    if info.flag_bits & 0x1:
        raise InvalidInput("file", f"has an encrypted part {name}")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InvalidInput("file", f"has a part {name} compressed other than by deflate")
    budget.expect(info.file_size)
    parser = _expat(handler)
    fed = 0
    with book.open(info) as member:
        while chunk := member.read(CHUNK_BYTES):
            budget.unpack(len(chunk))
            parser.Parse(chunk, False)
            fed += len(chunk)
            # CurrentByteIndex is where the last complete token began: what lies beyond
            # it is a token expat is still buffering.
            if fed - parser.CurrentByteIndex > MAX_TOKEN_BYTES:
                raise InvalidInput(
                    "file", f"has an XML token in {name} over {MAX_TOKEN_BYTES // MB} MB"
                )
            yield
    parser.Parse(b"", True)
    yield


def _expat(handler: Part) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = handler.start_element
    parser.EndElementHandler = handler.end_element
    parser.CharacterDataHandler = handler.text
    # Refused at its start, a DOCTYPE can declare no entity; the rest is belt and braces.
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _refuse_dtd(*_: object) -> NoReturn:
    raise InvalidInput("file", "has XML with a DOCTYPE or entities, which no workbook needs")
