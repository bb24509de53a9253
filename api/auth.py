"""Who is calling: a bearer token verified against the recorded tokens, trusted for a
moment after (api/deps.py asks this for every request)."""

from __future__ import annotations

import hmac
import re
import threading
import time

from service.access import Access
from service.ledger import Ledger
from service.tokens import digest, find_token

TOKEN_FORMAT = re.compile(r"jat_([0-9a-f]{16})_[A-Za-z0-9_-]{43}")


# A verified token is trusted for a moment without reading the store again: every
# request read it, a fifth of a busy server's time. A revocation takes effect at once on
# the server that made it, and within TRUSTED_FOR seconds on the others.
TRUSTED_FOR = 2.0
_trusted: dict[str, tuple[Access, float]] = {}
_trusted_lock = threading.Lock()


def trusted(token: str) -> Access | None:
    """The principal of a token verified a moment ago, without reading the store."""
    with _trusted_lock:
        known = _trusted.get(digest(token))
    return known[0] if known is not None and known[1] > time.monotonic() else None


def verify_bearer(ledger: Ledger, token: str) -> Access | None:
    """The principal of a valid, unrevoked token; None for anything else."""
    match = TOKEN_FORMAT.fullmatch(token)
    if match is None:
        return None
    hashed = digest(token)
    known = trusted(token)
    if known is not None:
        return known
    found = find_token(ledger, match.group(1))
    # Compare in constant time: a timing difference must not reveal a hash prefix.
    if found is None or found.revoked or not hmac.compare_digest(found.token_hash, hashed):
        return None
    principal = Access(found.token_id, found.role, found.division, found.subject)
    with _trusted_lock:
        if len(_trusted) > 10_000:
            _trusted.clear()
        _trusted[hashed] = (principal, time.monotonic() + TRUSTED_FOR)
    return principal


def forget_token(token_id: str) -> None:
    with _trusted_lock:
        for hashed, (principal, _) in list(_trusted.items()):
            if principal.token_id == token_id:
                del _trusted[hashed]
