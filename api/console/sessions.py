"""Console sessions, kept in the server's memory and keyed by a random id.

The cookie carries only that id (256 random bits), never the bearer token; the server
keeps the token beside its CSRF token and checks it again on every request with the
API's own verification (api/auth.py), so a revoked token ends its sessions at once.
`jobaid serve` is one process: a restart signs everybody out, which is the safe side.
The table is keyed by a hash of the id, so a memory dump does not give cookies away."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

COOKIE = "jobaid_console"
SIGN_IN_COOKIE = "jobaid_console_signin"  # the sign-in form's CSRF token (double submit)
LANG_COOKIE = "jobaid_lang"
IDLE_SECONDS = 30 * 60  # a session unused for half an hour ends
LONGEST_SECONDS = 8 * 3600  # and any session after a working day
MOST_SESSIONS = 10_000  # memory bound: the oldest sessions go first past it
RANDOM_BYTES = 32  # 256 bits, for session ids and CSRF tokens


@dataclass
class Session:
    token: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(RANDOM_BYTES))
    started: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)

    def live(self, now: float) -> bool:
        return now - self.seen < IDLE_SECONDS and now - self.started < LONGEST_SECONDS

    def csrf_matches(self, sent: str | None) -> bool:
        return sent is not None and hmac.compare_digest(self.csrf.encode(), sent.encode())


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class Sessions:
    """The signed-in sessions of this server."""

    def __init__(self) -> None:
        self._by_key: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open(self, token: str) -> tuple[str, Session]:
        session_id = secrets.token_urlsafe(RANDOM_BYTES)
        session = Session(token)
        with self._lock:
            if len(self._by_key) >= MOST_SESSIONS:
                oldest = min(self._by_key, key=lambda k: self._by_key[k].seen)
                del self._by_key[oldest]
            self._by_key[_key(session_id)] = session
        return session_id, session

    def find(self, session_id: str | None) -> Session | None:
        if not session_id or len(session_id) > 2 * RANDOM_BYTES:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._by_key.get(_key(session_id))
            if session is None:
                return None
            if not session.live(now):
                del self._by_key[_key(session_id)]
                return None
            session.seen = now
            return session

    def close(self, session_id: str | None) -> None:
        if session_id:
            with self._lock:
                self._by_key.pop(_key(session_id), None)
