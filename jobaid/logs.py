"""Logs as one JSON object per line on stderr, for `jobaid serve` and the projector it
runs beside it (api/projector.py), so that one stream is parsed one way."""

from __future__ import annotations

import json
import logging
import os
import sys


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        if record.name == "jobaid.access":
            return record.getMessage()  # already a JSON object
        line = {
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("JOBAID_LOG_LEVEL", "INFO"))
