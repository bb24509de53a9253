"""The file of an upload route (the survey form, the treasury's file), sent either as the
raw request body (`curl --data-binary @form.xlsx`) or as `multipart/form-data` with the
file in the field `file` (`curl -F file=@form.xlsx`, an HTML form, a browser's fetch).

Both ways are bounded alike: the middleware (api.middleware.BodyLimit) refuses a body
over MAX_FILE_BYTES with a 413, by its Content-Length or as it streams; a multipart
body holds at most one file and a few small fields; and the file part itself is read no
further than MAX_FILE_BYTES (413) — the parser spools it to a temporary file, so memory
holds one copy of the file at most."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from adapters.tables import MAX_FILE_BYTES, MB
from api.downloads import XLSX
from api.problems import Problem
from domain.errors import InvalidInput

FIELD = "file"
# A form's other fields (a file name, a comment) are small; there is no reason for many.
MAX_FIELDS = 8
MAX_FIELD_BYTES = 64 * 1024
# A file name is a label shown back (a reconciliation's file name): a path's last part,
# at most this long, printable; anything else is dropped rather than kept.
MAX_NAME_CHARS = 255


@dataclass(frozen=True)
class Upload:
    """The uploaded file's bytes, and its name when the client gave one."""

    content: bytes
    filename: str | None = None


async def upload_of(request: Request) -> Upload:
    """The file from a multipart body's `file` field, or the raw body."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() == "multipart/form-data":
        return await _multipart(request)
    content = await request.body()
    if not content:
        raise InvalidInput(
            "body", "send the file as the request body or as multipart/form-data field `file`"
        )
    return Upload(content)


async def _multipart(request: Request) -> Upload:
    upload, _ = await form_upload(request)
    return upload


async def form_upload(
    request: Request, check: Callable[[dict[str, str]], None] | None = None
) -> tuple[Upload, dict[str, str]]:
    """The file of a multipart body's `file` field, bounded as above, and the form's other
    (small) fields as text: the console's upload forms send their CSRF token and the
    upload's parameters beside the file. `check` sees those fields before the file is
    looked at (the console's CSRF check: a forged form is refused whatever its file)."""
    try:
        form = await request.form(max_files=1, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)
    except HTTPException as error:  # the parser's refusal of a malformed body: a 400
        raise InvalidInput("file", f"is not a multipart/form-data body ({error.detail})") from None
    try:
        fields = {key: value for key, value in form.multi_items() if isinstance(value, str)}
        if check is not None:
            check(fields)
        part = form.get(FIELD)
        if not isinstance(part, UploadFile):
            raise InvalidInput(FIELD, "send the file in the multipart/form-data field `file`")
        content = await part.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:
            raise Problem(413, f"the file may be at most {MAX_FILE_BYTES // MB} MB")
        if not content:
            raise InvalidInput(FIELD, "is empty")
        return Upload(content, file_name(part.filename)), fields
    finally:
        await form.close()


def file_name(name: str | None) -> str | None:
    """The client's file name, if it is one worth keeping (see MAX_NAME_CHARS)."""
    if not name:
        return None
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return name if 0 < len(name) <= MAX_NAME_CHARS and name.isprintable() else None


UploadDep = Annotated[Upload, Depends(upload_of)]

_BINARY = {"schema": {"type": "string", "format": "binary"}}
# A route's `openapi_extra`: the request body as a raw file or a multipart form.
FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": _BINARY,
            XLSX: _BINARY,
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FIELD],
                    "properties": {FIELD: {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}
