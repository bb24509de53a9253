"""What the console's two upload pages share: the multipart form read with the API's own
bounds (api.uploads.form_upload), its CSRF token checked before the file is looked at,
and the API's refusals (422 with the bad rows, 413) kept as an answer the page shows
beside its form rather than as a bare error page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from api.console.web import Viewer
from api.problems import Problem
from api.uploads import Upload, form_upload
from domain.errors import BadRows, InvalidInput

# Bad rows a page lists (the API's 422 names at most 100; the page shows them all).
MOST_ROWS_SHOWN = 100


@dataclass(frozen=True)
class Refusal:
    """Why an upload was refused, as the API would answer it: its status, its detail and,
    for a file with bad rows, each row's number, column (as the file writes it) and reason."""

    status: int
    detail: str
    rows: list[dict[str, Any]] = field(default_factory=list)


async def read_upload(request: Request, viewer: Viewer) -> tuple[Upload, dict[str, str]]:
    """The file and the form's fields; a forged form is refused before its file is read
    as one (api.console.web.CsrfRefused, a 403)."""
    return await form_upload(request, lambda fields: viewer.require_csrf(fields.get("csrf")))


def refusal_of(error: Exception) -> Refusal:
    """A 422 (its bad rows, if the file had any) or the 413 of a file too large."""
    if isinstance(error, Problem):
        return Refusal(error.status, error.detail)
    if isinstance(error, BadRows):
        return Refusal(422, error.detail, list(error.errors[:MOST_ROWS_SHOWN]))
    assert isinstance(error, InvalidInput)
    return Refusal(422, error.detail)


def json_of(response: Response) -> Any:
    """The body of an API route's JSON answer: the console calls the API's own route
    functions (the same checks, the same service calls) and shows what they answer."""
    return json.loads(bytes(response.body))
