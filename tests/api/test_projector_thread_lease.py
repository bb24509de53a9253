"""`JOBAID_PROJECTOR=thread` on PostgreSQL: the projections and the sealer run as threads
of the service — only while it holds the projector lease, like the `jobaid project`
child of the default mode — and reads still see the service's writes."""

from __future__ import annotations

import os
import time
from dataclasses import replace

from fastapi.testclient import TestClient

from adapters.settings import Settings
from api.app import create_app
from api.server import runtime_for
from service.tokens import issue_token
from tests.api_support import HOME, event
from tests.conftest import PII_KEY
from tests.ha.replica_support import lease_holder, wait_for


def test_thread_mode_on_postgres_projects_under_the_lease(postgres_url: str) -> None:
    settings = replace(Settings(postgres_url, PII_KEY), projector="thread")
    runtime = runtime_for(settings, projections=True)
    with TestClient(create_app(runtime=runtime)) as client:
        assert wait_for(lambda: lease_holder(postgres_url), what="the lease") == os.getpid()
        token = issue_token(runtime.ledger(), "clerk", HOME, None, "t").token
        headers = {"Authorization": f"Bearer {token}"}
        org_id = f"o{time.monotonic_ns()}"
        fact = event(
            "OrganisationRegistered", org_id=org_id, name="厂", division=HOME, kind="enterprise"
        )
        assert client.post("/v1/events", json=fact, headers=headers).status_code == 201
        listed = client.get("/v1/organisations", headers=headers)
        assert listed.status_code == 200
        assert org_id in {item["org_id"] for item in listed.json()["items"]}
    assert lease_holder(postgres_url) is None  # given back as the service stopped
