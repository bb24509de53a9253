"""What an operator reads (issue 12 §5): one JSON line per record, through
python-json-logger, with an RFC 3339 timestamp and the request's id; the id a client sends
in `X-Request-ID` is kept only when it is a plain token, echoed in the response and in
problem bodies; an unhandled exception is a 500 problem and one logged record."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from adapters.logs import handler
from service.ledger import Ledger
from tests.api_support import PROVINCE, Api, running_api

# RFC 3339 date-time: full date, "T", time with optional fraction, Z or ±hh:mm.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def captured() -> Iterator[tuple[io.StringIO, Lines]]:
    """Every record the service logs, formatted as `jobaid serve` formats it."""
    stream = io.StringIO()
    added = handler("json", stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(added)
    root.setLevel(logging.INFO)
    try:
        yield stream, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(added)
        root.setLevel(level)


@pytest.fixture
def api(ledger: Ledger) -> Iterator[Api]:
    with running_api(ledger) as api:
        api.token("clerk", "clerk", PROVINCE)
        yield api


def access(lines: Lines) -> list[dict[str, Any]]:
    return [line for line in lines() if line["logger"] == "jobaid.access"]


def test_an_access_line_has_an_rfc3339_time_the_request_id_the_route_template_and_who_asked(
    api: Api, captured: tuple[io.StringIO, Lines]
) -> None:
    _, lines = captured
    answer = api.get("clerk", "/workers/w-nobody", **{"X-Request-ID": "trace-1.2:3_4"})
    assert answer.status_code == 404
    assert answer.headers["X-Request-ID"] == "trace-1.2:3_4"
    assert answer.json()["request_id"] == "trace-1.2:3_4"
    (line,) = access(lines)
    assert RFC3339.fullmatch(line["timestamp"]) and datetime.fromisoformat(line["timestamp"])
    token_id = api.tokens["clerk"].split("_")[1]
    assert line | {"duration_ms": 0, "timestamp": ""} == line | {
        "request_id": "trace-1.2:3_4",
        "method": "GET",
        "route": "/v1/workers/{worker_id}",
        "path": "/v1/workers/w-nobody",
        "status": 404,
        "subject": "clerk-subject",
        "token_id": token_id,
        "duration_ms": 0,
        "timestamp": "",
    }
    assert isinstance(line["duration_ms"], float | int) and line["duration_ms"] >= 0


def test_a_request_without_an_id_gets_a_fresh_uuid4_in_its_answer_and_its_line(
    api: Api, captured: tuple[io.StringIO, Lines]
) -> None:
    _, lines = captured
    first, second = api.get(None, "/workers/w-1"), api.get(None, "/workers/w-1")
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert [uuid.UUID(i).version for i in ids] == [4, 4] and ids[0] != ids[1]
    assert first.status_code == 401 and first.json()["request_id"] == ids[0]
    assert [(line["request_id"], line["subject"]) for line in access(lines)] == [
        (ids[0], None),
        (ids[1], None),
    ]


HOSTILE = {
    "a newline": b"abc\ninjected",
    "a carriage return": b"abc\r\nX-Evil: 1",
    "10 KB": b"x" * 10_240,
    "129 characters": b"y" * 129,
    "non-ASCII": "请求-1".encode(),
    "a space": b"a b",
    "a quote": b'a"b',
}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_request_id_is_replaced_and_never_logged(
    api: Api, captured: tuple[io.StringIO, Lines], value: bytes
) -> None:
    stream, lines = captured
    answer = api.client.get("/v1/workers/w-1", headers={"X-Request-ID": value})
    made = answer.headers["X-Request-ID"]
    assert uuid.UUID(made).version == 4
    assert answer.json()["request_id"] == made
    assert [line["request_id"] for line in access(lines)] == [made]
    text = stream.getvalue()
    shown = value.decode("utf-8", "replace")
    assert shown[:64] not in text and json.dumps(shown)[1:65] not in text


def test_a_request_id_of_128_plain_characters_is_kept(api: Api) -> None:
    given = "A" * 64 + "z.9_:-" * 10 + "0123"
    assert len(given) == 128
    assert api.get(None, "/workers/w-1", **{"X-Request-ID": given}).headers["X-Request-ID"] == given


def test_an_unhandled_exception_is_a_500_problem_with_the_id_and_one_traceback_record(
    api: Api, captured: tuple[io.StringIO, Lines]
) -> None:
    _, lines = captured

    def fails() -> None:
        raise RuntimeError("secret internals")

    api.client.app.add_api_route("/v1/fails", fails)  # type: ignore[attr-defined]
    answer = api.client.get("/v1/fails", headers={"X-Request-ID": "boom-1"})
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["X-Request-ID"] == "boom-1" and answer.json()["request_id"] == "boom-1"
    assert "secret" not in answer.text
    faults = [line for line in lines() if "exc_info" in line]
    assert len(faults) == 1
    assert faults[0]["request_id"] == "boom-1" and faults[0]["level"] == "ERROR"
    assert "RuntimeError: secret internals" in faults[0]["exc_info"]
    assert [(a["route"], a["status"]) for a in access(lines)] == [("/v1/fails", 500)]


def test_a_long_or_hostile_path_is_bounded_and_stays_one_line(
    api: Api, captured: tuple[io.StringIO, Lines]
) -> None:
    _, lines = captured  # every physical line parses as one JSON record
    api.get(None, "/workers/" + "w" * 5000)
    api.get(None, "/workers/a%0Ab%0D%0A%7B%22forged%22:1%7D")
    long, hostile = access(lines)
    assert long["path"] == ("/v1/workers/" + "w" * 5000)[:256]
    assert long["route"] == "/v1/workers/{worker_id}"
    assert "\n" not in hostile["path"] and hostile["path"].startswith("/v1/workers/a\\nb")


def test_the_text_format_keeps_a_hostile_path_on_one_line(
    api: Api, captured: tuple[io.StringIO, Lines]
) -> None:
    stream = io.StringIO()
    added = handler("text", stream)
    logging.getLogger("jobaid.access").addHandler(added)
    try:
        api.get(None, "/wo%0Arkers", **{"X-Request-ID": "text-1"})
    finally:
        logging.getLogger("jobaid.access").removeHandler(added)
    (line,) = stream.getvalue().splitlines()
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ INFO jobaid.access \[text-1\] GET ", line)
    assert line.endswith("/v1/wo\\nrkers 404")


def test_the_problem_schema_documents_the_request_id(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]["ProblemOut"]
    assert {"type": "string"} in schema["properties"]["request_id"]["anyOf"]
