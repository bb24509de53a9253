"""Files over HTTP (CONTRACT "Lists, files and jobs"): which format a caller asked for —
`?format=xlsx|csv|json` or the Accept header — in which language (`?lang=en`, Chinese by
default), and the streamed response with a file name a person recognises."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import Header, Query
from fastapi.responses import StreamingResponse

from adapters.sheets import LANGS, Cell, Lang, Sheet, csv_chunks, xlsx_chunks
from domain.errors import InvalidInput

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
Format = Literal["json", "csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("json", "csv", "xlsx")
MEDIA = {"csv": f"{CSV}; charset=utf-8", "xlsx": XLSX}

FormatQuery = Annotated[
    str | None, Query(alias="format", description="json (the default), csv or xlsx")
]
LangQuery = Annotated[str | None, Query(description="zh (the default) or en: the file's headers")]
AcceptHeader = Annotated[str | None, Header()]
# For a route's `responses`: the file types it may answer with.
FILE_CONTENT = {
    CSV: {"schema": {"type": "string"}},
    XLSX: {"schema": {"type": "string", "format": "binary"}},
}


def wanted(format_: str | None, accept: str | None) -> Format:
    """`?format=` first, then the Accept header; JSON unless a file is asked for."""
    if format_ is not None:
        if format_ not in FORMATS:
            raise InvalidInput("format", f"should be one of {', '.join(FORMATS)}, not {format_!r}")
        return format_
    if accept is not None and XLSX in accept:
        return "xlsx"
    if accept is not None and CSV in accept:
        return "csv"
    return "json"


def language(lang: str | None) -> Lang:
    if lang is None:
        return "zh"
    if lang not in LANGS:
        raise InvalidInput("lang", f"should be zh or en, not {lang!r}")
    return lang


def attachment(name: str) -> str:
    """A Content-Disposition for a file called `name` (RFC 6266): an ASCII `filename`
    for old clients and `filename*` in UTF-8 for the Chinese one."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def csv_download(
    name: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> StreamingResponse:
    """`name`.csv, streamed as its rows come."""
    return StreamingResponse(
        csv_chunks(header, rows),
        media_type=MEDIA["csv"],
        headers={"Content-Disposition": attachment(f"{name}.csv")},
    )


def xlsx_download(name: str, *sheets: Sheet) -> StreamingResponse:
    """`name`.xlsx, built in a temporary file and streamed from it."""
    return StreamingResponse(
        xlsx_chunks(*sheets),
        media_type=XLSX,
        headers={"Content-Disposition": attachment(f"{name}.xlsx")},
    )
