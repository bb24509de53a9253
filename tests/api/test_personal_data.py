"""Nothing the service answers or exports about a worker rebuilds the resident ID number
(CONTRACT "Personal data and hostile input"), and every fact names the token it was
recorded with and who issued that token.

The first mask showed the first six and last four characters, and the eight it hid were
the birth date shown beside it: the whole number. The mask now hides the last four (the
sequence number and the check character it decides): 1,000 candidates remain. Events
recorded with the old mask are upcast on read, so no answer shows the old tail."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.settings import hash_id_number
from audit.trail import recorded_with, trail
from domain import ids
from domain.recorded import Actor
from domain.values import id_check_char
from domain.worker import Worker
from service.ledger import Ledger
from tests import builders as b
from tests.api_support import ELSEWHERE, PROVINCE, Api, event, running_api

BIRTH = "1988-08-08"
FIRST17 = "43010419880808123"
NUMBER = FIRST17 + id_check_char(FIRST17)  # the CONTRACT's example: 43010419880808****
LEGACY_FIRST17 = "43010419700101456"
LEGACY = LEGACY_FIRST17 + id_check_char(LEGACY_FIRST17)
ID_LIKE = re.compile(r"[0-9]{6}[0-9*]{8}[0-9X*]{4}")


@pytest.fixture
def api(ledger: Ledger) -> Iterator[Api]:
    with running_api(ledger) as api:
        for role in ("clerk", "finance", "auditor", "admin"):
            api.token(role, role, PROVINCE)
        yield api


def record_legacy_registration(ledger: Ledger, worker_id: str, number: str, birth: str) -> None:
    """A registration as version 1 stored it: no token id, and the old mask."""
    created = Worker._create(
        Worker.Registered,
        id=ids.worker_uuid(worker_id),
        worker_id=worker_id,
        name="旧档",
        id_number_hash=hash_id_number(b"test-pii-key", number),
        id_number_masked="",
        birth_date=b.parse_date_for_tests(birth),
        home_division="430104",
        registered_on=b.parse_date_for_tests("2017-01-01"),
        recorded_by="clerk",
        token_id=None,
        event_id="legacy-1",
    )
    stored = ledger.mapper.to_stored_event(created.collect_events()[0])
    state = json.loads(stored.state)
    del state["class_version"], state["token_id"]
    state["id_number_masked"] = number[:6] + "********" + number[-4:]
    legacy = type(stored)(stored.originator_id, 1, stored.topic, json.dumps(state).encode())
    ledger.recorder.insert_events([legacy])


def everything_shown(api: Api, workers: list[str], tmp_path: Path) -> list[str]:
    """Every answer and export that shows these workers, as text."""
    shown = []
    for worker in workers:
        for path in (f"/workers/{worker}", f"/workers/{worker}/events"):
            answer = api.get("auditor", path)
            assert answer.status_code == 200, answer.text
            shown.append(answer.text)
        shown.append(json.dumps(trail(api.ledger.store, worker), ensure_ascii=False))
    for accept in ("application/json", "text/csv"):
        statement = f"/accounts/local_treasury/{b.HOME}/statement"
        shown.append(api.get("auditor", statement, Accept=accept).text)
    shown.append(api.get("auditor", "/accounts").text)
    return shown


def test_R24_no_answer_or_export_rebuilds_an_id_number(api: Api, tmp_path: Path) -> None:
    registered = api.post("clerk", "/events", event(
        "WorkerRegistered", worker_id="w-1", name="张三", id_number=NUMBER, birth_date=BIRTH,
        home_division="430104", registered_on="2017-01-01"))  # fmt: skip
    assert registered.status_code == 201, registered.text
    record_legacy_registration(api.ledger, "w-old", LEGACY, "1970-01-01")
    b.transport_standard(api.ledger, "300.00", division="430104")
    b.appropriate(api.ledger, "1000.00", "local_treasury", "430104")
    placement = b.placement(api.ledger, "w-1", b.organisation(api.ledger), "2018-01-15", ELSEWHERE)
    b.pay(api.ledger, "R12", "w-1", "2018-02-01", placement_id=placement)

    shown = "\n".join(everything_shown(api, ["w-1", "w-old"], tmp_path))
    for number in (NUMBER, LEGACY):
        assert number not in shown
        assert not re.search(r"\*" + number[-4:], shown), "a mask shows the last four"
        assert number[14:17] not in {m[14:17] for m in ID_LIKE.findall(shown)}
    assert set(ID_LIKE.findall(shown)) == {NUMBER[:14] + "****", LEGACY[:14] + "****"}


def test_every_fact_names_its_token_and_who_issued_that_token(api: Api) -> None:
    """An admin of 430104 gave a clerk token the subject `auditor@430000`: the subject is
    a label, so the fact also names the token, and the token names its issuer."""
    admin = api.ledger
    from service.tokens import issue_token

    boss = issue_token(admin, "admin", "430104", "admin.wang", Actor("cli:root"))
    spoof = issue_token(admin, "clerk", "430104", "auditor@430000", boss.principal.actor)
    api.tokens["spoof"] = spoof.token
    answer = api.post("spoof", "/events", event(
        "WorkerRegistered", worker_id="w-2", name="李四", id_number=NUMBER, birth_date=BIRTH,
        home_division="430104", registered_on="2017-01-01"))  # fmt: skip
    assert answer.status_code == 201, answer.text

    row = trail(api.ledger.store, "w-2")[0]
    assert row["recorded_by"] == "auditor@430000"
    assert row["token"] == {
        "token_id": spoof.principal.token_id,
        "issued_by": "admin.wang",
        "issued_by_token": boss.principal.token_id,
    }
    (line,) = api.get("auditor", "/workers/w-2/events").json()
    assert line["token"] == row["token"]


def test_payments_and_reversals_record_the_token_they_were_made_with(api: Api) -> None:
    worker = b.worker(api.ledger, home="430104")
    b.transport_standard(api.ledger, "300.00", division="430104")
    b.appropriate(api.ledger, "1000.00", "local_treasury", "430104")
    placement = b.placement(api.ledger, worker, b.organisation(api.ledger), "2018-01-15", ELSEWHERE)
    paid = api.post("finance", "/payments", {"payment_id": "pay-t", "rule": "R12",
                    "payee_id": worker, "paid_on": "2018-02-01", "placement_id": placement})  # fmt: skip
    assert paid.status_code == 201, paid.text
    reversed_ = api.post("finance", "/payments/pay-t/reversal",
                         {"reversal_id": "rev-t", "reason": "错付", "reversed_on": "2018-02-02"})  # fmt: skip
    assert reversed_.status_code == 201, reversed_.text
    finance = recorded_with(api.ledger.store, token_id_of(api.tokens["finance"]))
    assert finance is not None
    events = api.ledger.events_of(ids.payment_uuid("pay-t"))
    account = api.ledger.events_of(ids.account_uuid("local_treasury", "430104"))
    for recorded in [*events, *account[-2:]]:
        assert vars(recorded)["token_id"] == finance["token_id"], recorded


def token_id_of(token: str) -> str:
    return token.split("_")[1]
