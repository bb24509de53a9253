"""Workbooks built by hand for the upload tests: a minimal XLSX around any sheet XML,
and the hostile ones an outside audit found or could have (issue 10)."""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Iterable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    b'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b"</Types>"
)
PACKAGE_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
    f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
).encode()
WORKBOOK = (
    f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
    '<sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
).encode()
SHEET_START = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
SHEET_END = b"</sheetData></worksheet>"
HEADER_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'


def workbook(
    sheet: Iterable[bytes],
    *,
    shared_strings: bytes | None = None,
    styles: bytes | None = None,
    workbook_xml: bytes = WORKBOOK,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """An XLSX whose first sheet is the concatenated chunks (written as they come, so a
    sheet of hundreds of MB costs no memory to build)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", PACKAGE_RELS)
        book.writestr("xl/workbook.xml", workbook_xml)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if shared_strings is not None:
            book.writestr("xl/sharedStrings.xml", shared_strings)
        if styles is not None:
            book.writestr("xl/styles.xml", styles)
        with book.open("xl/worksheets/sheet1.xml", "w") as part:
            for chunk in sheet:
                part.write(chunk)
    return out.getvalue()


def sheet_of(rows: bytes) -> list[bytes]:
    return [SHEET_START, rows, SHEET_END]


def repeated(chunk: bytes, total: int) -> Iterable[bytes]:
    """`total` bytes of `chunk` over and over, a megabyte at a time."""
    block = chunk * (1024 * 1024 // len(chunk))
    for _ in range(total // len(block)):
        yield block


def header_row(titles: Iterable[str]) -> bytes:
    cells = (f'<c t="inlineStr"><is><t>{title}</t></is></c>' for title in titles)
    return f'<row r="1">{"".join(cells)}</row>'.encode()


@functools.cache
def row_bomb(header: tuple[str, ...] = ("name",)) -> bytes:
    """The audit's bomb, kept under the unpacked bound so that the row bound is what
    refuses it: a header row, then twenty million empty <row/> — 120 MB of XML in ~180 KB."""
    rows = repeated(b"<row/>", 120 * 1024 * 1024)
    return workbook([SHEET_START, header_row(header), *rows, SHEET_END])


@functools.cache
def unpacked_bomb() -> bytes:
    """A sheet of one row and then 300 MB of whitespace: no row bound to hit, only the
    unpacked size."""
    return workbook([SHEET_START, HEADER_ROW, *repeated(b" ", 300 * 1024 * 1024), SHEET_END])
