"""Telling a client's retry from a reuse of its idempotency key: the digest of what was
asked, and the receipt that remembers it with the answer's event."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def request_hash(content: Mapping[str, Any]) -> str:
    """A digest of what a client asked for, as it sent it (the raw JSON, keys sorted), so
    that a retry is recognised across versions of the service that parse it differently."""
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
