"""Answers as JSON bytes, serialised by pydantic-core — models the service built itself
are not validated again, and plain JSON-able values are rendered without the stdlib
encoder's per-object Python calls."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic_core import to_json


class FastJSON(JSONResponse):
    """`JSONResponse` rendered by pydantic-core (UTF-8, no ASCII escapes, as before)."""

    def render(self, content: Any) -> bytes:
        return to_json(content)


def json_answer(content: Any, status: int = 200) -> Response:
    """A pydantic model, a list of them, or plain JSON-able values, as the response."""
    return FastJSON(content, status_code=status)
