"""`JOBAID_LOG_FORMAT` (json by default, or text) is read by Settings alone, and the json
form is python-json-logger's, not a hand-made formatter."""

from __future__ import annotations

import io
import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from adapters.logs import current_request_id, formatter, handler
from adapters.settings import ConfigurationError, Settings

ENV = {"JOBAID_PII_KEY": "k"}


def test_logs_are_json_unless_text_is_asked_for() -> None:
    assert Settings.from_env(ENV).log_format == "json"
    assert Settings.from_env({**ENV, "JOBAID_LOG_FORMAT": "TEXT"}).log_format == "text"
    assert isinstance(formatter("json"), JsonFormatter)


def test_an_unknown_log_format_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="JOBAID_LOG_FORMAT"):
        Settings.from_env({**ENV, "JOBAID_LOG_FORMAT": "xml"})


def test_a_record_logged_while_serving_a_request_carries_its_id() -> None:
    stream = io.StringIO()
    log = logging.getLogger("tests.unit.request_context")
    log.addHandler(handler("json", stream))
    log.setLevel(logging.INFO)
    log.propagate = False
    context = current_request_id.set("req-7")
    try:
        log.info("inside", extra={"amount": "200.00"})
    finally:
        current_request_id.reset(context)
    log.info("outside")
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (inside["request_id"], inside["amount"], inside["message"]) == ("req-7", "200.00", "inside")  # fmt: skip
    assert outside["request_id"] is None and outside["level"] == "INFO"
