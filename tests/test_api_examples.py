"""Every example the OpenAPI document shows a client is accepted by the service itself.

The `/docs` example for `WorkerRegistered` carried a wrong check digit (6, where GB 11643
gives 2): the first thing a newcomer tried was refused. Examples are posted in the order
the document lists them, over a ledger holding what they name but do not create."""

from __future__ import annotations

from typing import Any

from service.ledger import Ledger
from tests import builders as b
from tests.api_support import ELSEWHERE, PROVINCE, running_api

ROLE = {"/v1/events": "clerk", "/v1/payments": "finance", "/v1/tokens": "admin"}


def request_examples(document: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(path, name, body) of every request-body example, in document order."""
    found = []
    for path, operations in document["paths"].items():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                for name, example in media.get("examples", {}).items():
                    found.append((path, name, example["value"]))
                schema = media.get("schema", {})
                for variant in schema.get("oneOf", [schema]):
                    for example in variant.get("examples", []):
                        found.append((path, "schema", example))
    return found


def test_every_request_example_in_the_openapi_is_accepted(ledger: Ledger) -> None:
    with running_api(ledger) as api:
        for role in ("clerk", "finance", "admin"):
            api.token(role, role, PROVINCE)
        examples = request_examples(api.client.get("/openapi.json").json())
        assert {path for path, _, _ in examples} >= {"/v1/events", "/v1/payments", "/v1/tokens"}
        for path, name, body in examples:
            if path.startswith("/v1/payments") and not ledger_has_the_placement(ledger):
                seed_the_paid_placement(ledger)
            concrete = path.replace("{payment_id}", "pay-1")
            role = next(r for prefix, r in ROLE.items() if path.startswith(prefix))
            answer = api.post(role, concrete.removeprefix("/v1"), body)
            assert answer.status_code in (200, 201), (path, name, answer.text)


def ledger_has_the_placement(ledger: Ledger) -> bool:
    return b.store_size(ledger) > 0 and "p-1" in ledger.get_worker("w-430102-0001").placements


def seed_the_paid_placement(ledger: Ledger) -> None:
    """What the payment example names: placement p-1 of worker w-430102-0001 by agency-1,
    6 months on post by its paid_on, and money in the sending county's account."""
    employer = b.organisation(ledger)
    b.post(ledger, "WorkerPlaced", placement_id="p-1", worker_id="w-430102-0001",
           employer_id=employer, agency_id="agency-1", started_on="2018-01-15",
           work_division=ELSEWHERE, contract_months=12)  # fmt: skip
    b.appropriate(ledger, "1000.00")
