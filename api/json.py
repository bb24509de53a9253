"""Request bodies read as strict JSON before pydantic validates them: NaN and Infinity,
absurd nesting, NUL characters and lone surrogates (which the stores cannot keep) are
malformed JSON here, answered 422 like any other; and the parsed body is kept on the
request, so a command's idempotency digest is taken of what the client sent."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

MAX_DEPTH = 32  # the contract's bodies nest four deep; JSON parsers recurse per level


class Malformed(json.JSONDecodeError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason, "", 0)


def refuse_constant(name: str) -> Any:
    raise Malformed(f"{name} is not JSON")


def strict_json(body: bytes) -> Any:
    try:
        value = json.loads(body, parse_constant=refuse_constant)
    except RecursionError:
        raise Malformed("is nested too deeply") from None
    except UnicodeDecodeError:
        raise Malformed("is not UTF-8") from None
    except ValueError as error:  # an integer of more than 4,300 digits
        raise Malformed(str(error)) from None
    check_strings(value)
    return value


def check_strings(value: Any, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise Malformed("is nested too deeply")
    if isinstance(value, str):
        if "\x00" in value:
            raise Malformed("strings must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Malformed("strings must be valid Unicode") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_strings(key, depth + 1)
            check_strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_strings(item, depth + 1)


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = strict_json(await self.body())
            self.state.json = self._json
        return self._json


class StrictJSONRoute(APIRoute):
    """Every route of the service reads its JSON body strictly (see above)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict


def sent_json(request: Request) -> Any:
    """The body as the client sent it, parsed (for the idempotency digest)."""
    return getattr(request.state, "json", None)
