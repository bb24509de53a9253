"""Answers as JSON bytes, serialised by pydantic-core (no second validation of what the
service built itself)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from pydantic_core import to_json


def json_answer(content: Any, status: int = 200) -> Response:
    """A pydantic model, a list of them, or plain JSON-able values, as the response."""
    return Response(to_json(content), status_code=status, media_type="application/json")
