"""Helpers for the HTTP tests: an app over a fresh ledger with running projections,
tokens for every role, a client that speaks as one of them, and a TCP proxy that can
take PostgreSQL away and bring it back."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from projections import Projections
from service.ledger import Ledger
from service.tokens import issue_token

_ids = itertools.count(1)
HOME = "430102"  # 芙蓉区, 长沙市
TIANXIN = "430103"  # 天心区, 长沙市
JISHOU = "433101"  # 吉首市, 湘西州
ELSEWHERE = "440106"  # 天河区, 广州市
PROVINCE = "430000"


def uid(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def event(type_: str, **data: Any) -> dict[str, Any]:
    return {"event_id": uid("ev"), "type": type_, "data": data}


def organisation() -> dict[str, object]:
    """A new organisation's registration, unique each call: a write that is always
    accepted, for tests of what happens around a write rather than of the write."""
    return event(
        "OrganisationRegistered",
        org_id=f"o{time.monotonic_ns()}",
        name="厂",
        division=HOME,
        kind="enterprise",
    )


class Api:
    """A TestClient with one bearer token per named role."""

    def __init__(self, client: TestClient, ledger: Ledger) -> None:
        self.client = client
        self.ledger = ledger
        self.tokens: dict[str, str] = {}

    def token(self, name: str, role: str, division: str) -> str:
        self.tokens[name] = issue_token(
            self.ledger, role, division, f"{name}-subject", "test"
        ).token
        return self.tokens[name]

    def headers(self, who: str | None, **extra: str) -> dict[str, str]:
        auth = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return {**auth, **extra}

    def post(self, who: str | None, path: str, body: Any) -> Any:
        return self.client.post(f"/v1{path}", json=body, headers=self.headers(who))

    def record(self, who: str | None, *facts: dict[str, Any]) -> list[dict[str, Any]]:
        """POST the facts as one batch; the batch must be recorded (201). Its answers."""
        answer = self.post(who, "/events", list(facts))
        assert answer.status_code == 201, answer.json()
        return list(answer.json())

    def get(self, who: str | None, path: str, **headers: str) -> Any:
        return self.client.get(f"/v1{path}", headers=self.headers(who, **headers))


@contextmanager
def running_api(ledger: Ledger) -> Iterator[Api]:
    projections = Projections(ledger.store)
    projections.start()
    try:
        with TestClient(create_app(ledger, projections)) as client:
            yield Api(client, ledger)
    finally:
        projections.stop()
        projections.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proxy:
    """Forwards a local port to PostgreSQL; `stop()` is an outage, `start()` the return."""

    def __init__(self, target_port: int = 5432) -> None:
        self.port = free_port()
        self.target = ("127.0.0.1", target_port)
        self.connections: list[socket.socket] = []
        self.server: socket.socket | None = None

    def start(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        self.server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            # shutdown() first: on Linux close() alone leaves a blocked accept() accepting.
            with suppress(OSError):
                self.server.shutdown(socket.SHUT_RDWR)
            self.server.close()
            self.server = None
        for conn in self.connections:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self.connections.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def imported(api: Api, who: str, content: bytes, timeout: float = 120.0, **headers: str) -> Any:
    """POST the survey form, then follow the job until it is done or failed: its answer."""
    answer = api.client.post(
        "/v1/imports/surveys", content=content, headers=api.headers(who, **headers)
    )
    assert answer.status_code == 202, answer.text
    deadline = time.monotonic() + timeout
    while True:
        job = api.get(who, f"/imports/{answer.json()['import_id']}").json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)
