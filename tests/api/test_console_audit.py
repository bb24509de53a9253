"""The audit page beyond `verify`: the checkpoint (`GET /v1/audit/checkpoint` and the
console's download of the same file) proving later that the history extends it, and a
worker's audit trail — within scope, escaped, each fact with its position, who recorded
it and with which token, when it was known (Beijing time) and its hash-chain link."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.console.text import beijing_time
from audit.chain import ChainStore, Sealer
from audit.trail import trail
from audit.verify import read_checkpoint
from service.ledger import Ledger
from tests import builders as b
from tests.api.test_console_pages import sign_in
from tests.api_support import Api, running_api
from tests.builders import id_number
from tests.console_support import SCRIPT_NAME, VIEWERS, WRITERS, WRITES
from tests.service.test_tamper import edit

pytestmark = pytest.mark.both_stores  # the audit chain


@pytest.fixture
def api(ledger: Ledger) -> Iterator[Api]:
    with running_api(ledger) as api:
        for name, (role, division) in {**WRITERS, **VIEWERS}.items():
            api.token(name, role, division)
        for who, path, body in WRITES:
            assert api.post(who, path, body).status_code == 201
        yield api


def verify_against(api: Api, kept: dict[str, object]) -> dict[str, object]:
    answer = api.get(
        "auditor", f"/audit/verify?position={kept['position']}&chain_hash={kept['chain_hash']}"
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, object] = answer.json()
    return result


def test_a_checkpoint_downloaded_earlier_verifies_later_and_fails_once_altered(
    api: Api, ledger: Ledger, tmp_path: Path
) -> None:
    sealed = Sealer(ledger.store).seal()
    answer = api.get("auditor", "/audit/checkpoint")
    assert answer.status_code == 200, answer.text
    kept = answer.json()
    head = ChainStore(ledger.store).link_at(sealed)
    assert head is not None
    assert (kept["position"], kept["chain_hash"]) == (sealed, head["chain_hash"])
    assert kept["sealed_at"] == head["sealed_at"] and kept["signed_off_by"] == "auditor-subject"
    # The same file as `jobaid audit checkpoint`: `jobaid verify --against` reads it.
    saved = tmp_path / "checkpoint.json"
    saved.write_text(answer.text)
    assert read_checkpoint(saved)["position"] == sealed
    saved.write_text(answer.text.replace(kept["chain_hash"], "f" * 64))
    with pytest.raises(ValueError, match="altered"):
        read_checkpoint(saved)
    # Later, the ledger has grown and is sealed further: the kept checkpoint still holds.
    b.worker(ledger)
    assert Sealer(ledger.store).seal() > sealed
    later = verify_against(api, kept)
    assert later["ok"] is True and "extends the checkpoint" in str(later["detail"])
    # One event at or before the checkpoint altered: the history no longer extends it.
    edit(ledger, sealed - 1)
    altered = verify_against(api, kept)
    assert altered["ok"] is False and altered["first_bad_position"] == sealed - 1


def test_the_checkpoint_is_for_those_who_read_everything(api: Api, ledger: Ledger) -> None:
    for who in ("clerk", "finance"):
        assert api.get(who, "/audit/checkpoint").status_code == 403
    assert api.get(None, "/audit/checkpoint").status_code == 401
    # Nothing sealed yet is an answer too: position 0, the genesis hash.
    nothing = api.get("admin", "/audit/checkpoint").json()
    assert nothing["position"] == 0 and nothing["sealed_at"] is None
    assert verify_against(api, nothing)["ok"] is True  # the empty history: every one extends it
    assert verify_against(api, {**nothing, "chain_hash": "f" * 64})["ok"] is False


def test_the_console_downloads_the_checkpoint_file_for_auditors_only(
    api: Api, ledger: Ledger
) -> None:
    sealed = Sealer(ledger.store).seal()
    auditor = sign_in(api, "auditor")
    assert 'href="/console/audit/checkpoint"' in auditor.get("/console/audit").text
    got = auditor.get("/console/audit/checkpoint")
    assert got.status_code == 200
    assert got.headers["content-disposition"] == (
        f'attachment; filename="jobaid-checkpoint-{sealed}.json"'
    )
    kept = json.loads(got.text)
    assert kept["position"] == sealed and verify_against(api, kept)["ok"] is True
    clerk = sign_in(api, "clerk")
    assert "/console/audit/checkpoint" not in clerk.get("/console/audit").text
    refused = clerk.get("/console/audit/checkpoint")
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")


def trail_rows(page: str) -> list[str]:
    found = re.search(r'<table id="trail">(.*?)</table>', page, re.S)
    assert found is not None, page
    return re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", found.group(1), re.S)


def test_a_worker_s_trail_shows_each_fact_with_who_when_and_its_chain_link(
    api: Api, ledger: Ledger
) -> None:
    auditor = sign_in(api, "auditor")
    expected = trail(ledger.store, "w-script")
    unsealed = auditor.get("/console/audit?worker_id=w-script").text
    assert "尚未封存" in unsealed and len(trail_rows(unsealed)) == len(expected)
    Sealer(ledger.store).seal()
    page = auditor.get("/console/audit?worker_id=w-script").text
    rows = trail_rows(page)
    # Every fact of the worker and of its payment cycle: registration, placement, R7 payment.
    assert len(rows) == len(expected) >= 3
    links = ChainStore(ledger.store).links_at([fact["position"] for fact in expected])
    for row, fact in zip(rows, expected, strict=True):
        assert row.startswith(f"{fact['position']}</th>")
        assert fact["recorded_by"] in row and fact["token"]["token_id"] in row
        assert beijing_time(fact["recorded_at"]) in row
        assert links[fact["position"]]["chain_hash"] in row
    assert "poster-subject" in rows[0] and "treasurer-subject" in rows[-1]
    # The worker's name is a script: shown as text, never as markup.
    assert SCRIPT_NAME not in page and html.escape(SCRIPT_NAME) in page
    assert id_number(serial=7) not in page


def test_a_county_sees_only_its_own_workers_trails(api: Api) -> None:
    clerk = sign_in(api, "clerk")  # 芙蓉区
    assert len(trail_rows(clerk.get("/console/audit?worker_id=w-script").text)) >= 3
    elsewhere = clerk.get("/console/audit?worker_id=w-tianxin")
    assert elsewhere.status_code == 403 and "李四" not in elsewhere.text
    assert 'id="trail"' not in elsewhere.text
    nobody = clerk.get("/console/audit?worker_id=w-nobody")
    assert nobody.status_code == 404
    typed = clerk.get("/console/audit", params={"worker_id": "<b>x</b>"})
    assert typed.status_code == 404 and "<b>x</b>" not in typed.text
    assert clerk.get("/console/audit", params={"worker_id": "x" * 200}).status_code == 422
    assert (
        len(trail_rows(sign_in(api, "auditor").get("/console/audit?worker_id=w-tianxin").text)) == 1
    )


def test_a_fact_recorded_without_a_token_shows_none(api: Api, ledger: Ledger) -> None:
    """A fact recorded outside HTTP (the command line: no token) shows a dash, not a token."""
    worker = b.worker(ledger)
    page = sign_in(api, "auditor").get(f"/console/audit?worker_id={worker}").text
    (row,) = trail_rows(page)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert "WorkerRegistered" in cells[0] and cells[2] == "—"


def test_the_console_verifies_the_history_against_a_kept_checkpoint(
    api: Api, ledger: Ledger
) -> None:
    Sealer(ledger.store).seal()
    kept = api.get("auditor", "/audit/checkpoint").json()
    b.worker(ledger)
    Sealer(ledger.store).seal()
    auditor = sign_in(api, "auditor")
    page = auditor.get(
        "/console/audit", params={"position": kept["position"], "chain_hash": kept["chain_hash"]}
    ).text
    assert "完整" in page and f"extends the checkpoint at {kept['position']}" in page
    forged = auditor.get(
        "/console/audit", params={"position": kept["position"], "chain_hash": "a" * 64}
    ).text
    assert "发现篡改" in forged and f'<dd id="first-bad">{kept["position"]}</dd>' in forged
    for bad in ({"position": "x", "chain_hash": "a" * 64}, {"position": "3", "chain_hash": "<b>"}):
        answer = auditor.get("/console/audit", params=bad)
        assert answer.status_code == 422 and "<b>" not in answer.text
    # A county's clerk may type one in: nothing is verified for it.
    clerk = sign_in(api, "clerk").get(
        "/console/audit", params={"position": "1", "chain_hash": "a" * 64}
    )
    assert clerk.status_code == 200 and 'id="verify-result"' not in clerk.text


def test_chain_links_are_read_for_any_number_of_positions(ledger: Ledger) -> None:
    """A long trail's positions are asked for in chunks, within SQLite's parameter limit."""
    b.worker(ledger)
    sealed = Sealer(ledger.store).seal()
    found = ChainStore(ledger.store).links_at(list(range(1, 40_001)))
    assert sorted(found) == list(range(1, sealed + 1))
