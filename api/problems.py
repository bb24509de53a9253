"""The one place where errors become HTTP answers: RFC 9457 problem details
(`application/problem+json`) with `type`, `title`, `status`, `detail`, and `rule` for a
policy refusal or `field` for bad input, and `request_id` (the id its log lines carry, as
in `X-Request-ID`). No stack trace ever leaves the server."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

import psycopg
import psycopg_pool
from eventsourcing import persistence
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from adapters.logs import current_request_id
from adapters.pgstore import ReplicaUnavailable, StoreUnavailable
from domain.errors import (
    ApprovalRequired,
    Conflict,
    Forbidden,
    InvalidInput,
    LedgerError,
    NotFound,
    PolicyRefusal,
)
from service.catalogue import FACT_TYPES

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("jobaid.api")


class Problem(Exception):
    """An HTTP answer other than the ledger's own errors (401, 403, 413, 503)."""

    def __init__(
        self, status: int, detail: str, headers: Mapping[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = extra


def unauthorized(detail: str) -> Problem:
    return Problem(401, detail, {"WWW-Authenticate": 'Bearer realm="jobaid"'})


def forbidden(detail: str) -> Forbidden:
    return Forbidden(detail)


def unavailable(detail: str) -> Problem:
    return Problem(503, detail, {"Retry-After": "1"})


def problem(
    status: int, detail: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    phrase = HTTPStatus(status).phrase
    slug = phrase.lower().replace(" ", "-").replace("'", "")
    body = {
        "type": f"urn:jobaid:problem:{slug}",
        "title": phrase,
        "status": status,
        "detail": detail,
        **{k: v for k, v in extra.items() if v is not None},
    }
    request_id = current_request_id.get()
    if request_id is not None:
        body["request_id"] = request_id  # the same id as the log lines and X-Request-ID
    if "rule" in extra:
        body["type"] = "urn:jobaid:problem:policy-refusal"
        body["title"] = "Refused by the policy"
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON
    )


@contextmanager
def ids_in_body() -> Iterator[None]:
    """An unknown id inside a body is bad input (422), not a missing resource (404)."""
    try:
        yield
    except NotFound as error:
        raise InvalidInput("body", error.detail) from None


def answer_ledger_error(_: Request, error: Exception) -> JSONResponse:
    if isinstance(error, PolicyRefusal):
        return problem(409, error.reason, rule=error.rule)
    if isinstance(error, InvalidInput):
        return problem(422, error.detail, field=error.field, errors=getattr(error, "errors", None))
    if isinstance(error, Forbidden):
        return problem(403, error.detail)
    if isinstance(error, NotFound):
        return problem(404, str(error))
    if isinstance(error, ApprovalRequired):
        return problem(409, error.detail, approval_policy=policy_of(error.policy))
    if isinstance(error, Conflict):
        return problem(409, str(error))
    return problem(500, "the server failed; the failure is logged")


def policy_of(policy: Any) -> dict[str, Any]:
    """The approval policy a direct payment ran into, as the problem names it."""
    return {
        "division": policy.division,
        "threshold": f"{policy.threshold:.2f}",
        "approvers": policy.approvers,
        "effective_from": policy.effective_from.isoformat(),
    }


def answer_problem(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Problem)
    return problem(error.status, error.detail, error.headers, **error.extra)


def answer_validation(_: Request, error: Exception) -> JSONResponse:
    """The first thing wrong with a request, at its place in the body or parameters."""
    assert isinstance(error, RequestValidationError)
    first: dict[str, Any] = dict(error.errors()[0]) if error.errors() else {}
    where, reason = field_of(first), reason_of(first)
    return problem(422, f"{where or 'body'}: {reason}", field=where or "body")


# Where a request's parts and a body's union branches show in pydantic's error locations.
REQUEST_PARTS = ("query", "path", "header", "body", "fact", "batch")


def field_of(error: dict[str, Any]) -> str:
    """`data.id_number`, `[2].data.day`, `type`, `as_of` …: the field as the client wrote it;
    the union tags pydantic adds (`fact`, `WorkerRegistered`) are not the client's."""
    parts: list[str] = []
    for part in error.get("loc", ()):
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part not in REQUEST_PARTS and part not in FACT_TYPES:
            parts.append(f".{part}" if parts else str(part))
    if error.get("type") in ("union_tag_invalid", "union_tag_not_found"):
        parts.append(".type" if parts else "type")
    return "".join(parts)


def reason_of(error: dict[str, Any]) -> str:
    kind = error.get("type")
    if kind == "union_tag_invalid":
        return f"unknown event type {error.get('ctx', {}).get('tag')!r}"
    if kind == "json_invalid":
        return f"is not valid JSON ({error.get('ctx', {}).get('error', 'malformed')})"
    if kind == "too_short" and error.get("loc", ())[-1:] == ("batch",):
        return "an empty batch records nothing"
    return str(error.get("msg", "invalid"))


def answer_http(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    detail = error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
    return problem(error.status_code, detail, error.headers)


def answer_store_down(request: Request, error: Exception) -> JSONResponse:
    """The database is unreachable or overloaded: 503 quickly, and the gate probes it
    (or, for a read replica, reads leave it alone for a while)."""
    runtime = getattr(request.app.state, "runtime", None)
    if isinstance(error, ReplicaUnavailable):
        if runtime is not None:
            runtime.replica_failed(error)
        log.warning("read replica unavailable: %s", type(error).__name__)
        return problem(503, "a read replica failed; retry shortly", {"Retry-After": "1"})
    if runtime is not None:
        runtime.store_failed()
    log.warning("store unavailable: %s", type(error).__name__)
    return problem(503, "the ledger's store is unavailable; retry shortly", {"Retry-After": "1"})


def answer_race(_: Request, error: Exception) -> JSONResponse:
    return problem(409, "a concurrent request changed the same records; retry")


def answer_fault(request: Request, error: Exception) -> JSONResponse:
    """The last resort (Starlette's outermost layer). Every exception that gets here came
    through api/middleware.py's RequestLog, which logged it with its request id and
    answered it unless the answer was already half sent: logging it again would double
    the traceback."""
    return problem(500, "the server failed; the failure is logged")


STORE_DOWN: tuple[type[Exception], ...] = (
    StoreUnavailable,
    persistence.OperationalError,
    persistence.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg_pool.PoolTimeout,
    psycopg_pool.TooManyRequests,
    sqlite3.OperationalError,
)


def install(app: FastAPI) -> None:
    app.add_exception_handler(LedgerError, answer_ledger_error)
    app.add_exception_handler(Problem, answer_problem)
    app.add_exception_handler(RequestValidationError, answer_validation)
    app.add_exception_handler(StarletteHTTPException, answer_http)
    for kind in STORE_DOWN:
        app.add_exception_handler(kind, answer_store_down)
    app.add_exception_handler(persistence.IntegrityError, answer_race)
    app.add_exception_handler(Exception, answer_fault)
