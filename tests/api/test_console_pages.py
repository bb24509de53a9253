"""The console over HTTP (TestClient, both stores): no page without a session, the
session cookie's flags, CSRF on every form, sign-out, escaping, the CSP, scope, the
language toggle, and the statement download being the API's own file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.ledger import Ledger
from service.tokens import revoke_token
from tests.api_support import Api, running_api
from tests.builders import id_number
from tests.console_support import SCRIPT_NAME, VIEWERS, WRITERS, WRITES

PAGES = [
    "/console/overview",
    "/console/accounts/employment_fund/430102",
    "/console/workers",
    "/console/workers/w-script",
    "/console/audit",
    "/console/targets",
]


@pytest.fixture
def api(ledger: Ledger) -> Iterator[Api]:
    with running_api(ledger) as api:
        for name, (role, division) in {**WRITERS, **VIEWERS}.items():
            api.token(name, role, division)
        for who, path, body in WRITES:
            assert api.post(who, path, body).status_code == 201
        yield api


def sign_in_csrf(client: TestClient) -> str:
    page = client.get("/console/sign-in")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def sign_in(api: Api, who: str) -> TestClient:
    client = api.client
    client.cookies.clear()
    answer = client.post(
        "/console/sign-in",
        data={"token": api.tokens[who], "csrf": sign_in_csrf(client), "next": "/console/overview"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/console/overview"
    return client


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_no_page_is_reachable_without_signing_in(api: Api) -> None:
    api.client.cookies.clear()
    for path in [*PAGES, "/console/accounts/employment_fund/430102/statement.csv"]:
        answer = api.client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/console/sign-in?next=%2Fconsole%2F")


def test_the_session_cookie_is_httponly_strict_and_holds_no_token(api: Api) -> None:
    api.client.cookies.clear()
    answer = api.client.post(
        "/console/sign-in",
        data={"token": api.tokens["clerk"], "csrf": sign_in_csrf(api.client)},
        follow_redirects=False,
    )
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("jobaid_console=")
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert api.tokens["clerk"] not in cookie and api.tokens["clerk"].split("_")[1] not in cookie


def test_the_session_cookie_is_secure_over_https(ledger: Ledger, api: Api) -> None:
    with TestClient(api.client.app, base_url="https://testserver") as client:
        answer = client.post(
            "/console/sign-in",
            data={"token": api.tokens["clerk"], "csrf": sign_in_csrf(client)},
            follow_redirects=False,
        )
        cookie = next(c for c in answer.headers.get_list("set-cookie") if "jobaid_console=" in c)
        assert "Secure" in cookie


def test_signing_in_without_the_forms_csrf_token_is_refused(api: Api) -> None:
    api.client.cookies.clear()
    sign_in_csrf(api.client)
    answer = api.client.post(
        "/console/sign-in",
        data={"token": api.tokens["clerk"], "csrf": "forged"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/console/sign-in?failed=form"
    assert "jobaid_console=" not in answer.headers.get("set-cookie", "")


def test_a_bad_or_revoked_token_does_not_sign_in(api: Api) -> None:
    api.client.cookies.clear()
    for token in ["jat_0000000000000000_" + "a" * 43, "x" * 5000, ""]:
        answer = api.client.post(
            "/console/sign-in",
            data={"token": token, "csrf": sign_in_csrf(api.client)},
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/console/sign-in?failed=token"


def test_signing_in_never_redirects_off_the_console(api: Api) -> None:
    for wanted in ["https://evil.example/", "//evil.example/", "/console/\\evil", "/v1/accounts"]:
        api.client.cookies.clear()
        answer = api.client.post(
            "/console/sign-in",
            data={"token": api.tokens["clerk"], "csrf": sign_in_csrf(api.client), "next": wanted},
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/console/overview", wanted


def test_sign_out_needs_the_sessions_csrf_token_and_ends_the_session(api: Api) -> None:
    client = sign_in(api, "clerk")
    page = client.get("/console/overview").text
    assert client.post("/console/sign-out", data={"csrf": "forged"}).status_code == 403
    assert client.get("/console/overview", follow_redirects=False).status_code == 200
    cookie = client.cookies.get("jobaid_console")
    answer = client.post("/console/sign-out", data={"csrf": csrf_of(page)}, follow_redirects=False)
    assert answer.status_code == 303
    client.cookies.set("jobaid_console", cookie or "", path="/console")  # the old cookie, replayed
    assert client.get("/console/overview", follow_redirects=False).status_code == 303


def test_revoking_the_token_ends_its_console_session(api: Api, ledger: Ledger) -> None:
    client = sign_in(api, "clerk")
    token_id = api.tokens["clerk"].split("_")[1]
    revoke_token(ledger, token_id, revoked_by="test")
    from api.auth import forget_token

    forget_token(token_id)
    assert client.get("/console/overview", follow_redirects=False).status_code == 303


def test_every_page_forbids_inline_script_and_has_none(api: Api) -> None:
    client = sign_in(api, "auditor")
    for path in PAGES:
        answer = client.get(path)
        assert answer.status_code == 200, path
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", answer.text), path
        assert not re.search(r"\son[a-z]+=", answer.text), path
        assert re.fullmatch(r"page;dur=[0-9.]+", answer.headers["server-timing"])


def test_a_worker_named_as_a_script_is_shown_as_text(api: Api) -> None:
    page = sign_in(api, "clerk").get("/console/workers/w-script").text
    assert SCRIPT_NAME not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_county_clerk_sees_nothing_of_the_next_county(api: Api) -> None:
    client = sign_in(api, "clerk")
    overview = client.get("/console/overview").text
    assert "芙蓉区 430102" in overview and "430103" not in overview and "¥5,000.00" not in overview
    assert client.get("/console/accounts/employment_fund/430103").status_code == 403
    forbidden = client.get("/console/workers/w-tianxin")
    assert forbidden.status_code == 403 and "李四" not in forbidden.text
    assert client.get("/console/accounts/employment_fund/430103/statement.csv").status_code == 403
    verify = client.get("/console/audit?run=1").text
    assert 'id="verify-result"' not in verify


def test_an_auditor_sees_the_whole_province_and_may_verify(api: Api) -> None:
    client = sign_in(api, "auditor")
    overview = client.get("/console/overview").text
    assert "430103" in overview and "¥100,000.00" in overview
    assert 'id="verify-result"' in client.get("/console/audit?run=1").text


def test_chinese_by_default_and_english_a_click_away_that_persists(api: Api) -> None:
    client = sign_in(api, "clerk")
    client.cookies.delete("jobaid_lang")
    assert '<html lang="zh-CN">' in client.get("/console/overview").text
    assert '<html lang="en">' in client.get("/console/overview?lang=en").text
    assert '<html lang="en">' in client.get("/console/targets").text
    assert '<html lang="zh-CN">' in client.get("/console/targets?lang=zh").text


def test_amounts_are_in_yuan_with_separators_and_the_nearly_empty_account_stands_out(
    api: Api,
) -> None:
    overview = sign_in(api, "clerk").get("/console/overview").text
    row = re.search(r'<tr class="low">.*?</tr>', overview, re.S)
    assert row is not None and "¥10.00" in row.group(0) and "余额不足" in row.group(0)


def test_the_statement_download_is_the_apis_own_csv(api: Api) -> None:
    path = "/accounts/employment_fund/430102/statement"
    from_api = api.get("clerk", path, Accept="text/csv")
    from_console = sign_in(api, "clerk").get(f"/console{path}.csv")
    assert from_console.status_code == 200 and from_console.content == from_api.content
    assert from_console.headers["content-disposition"].startswith("attachment;")


def test_the_statement_shows_opening_running_and_closing_balances_and_the_payee(api: Api) -> None:
    page = sign_in(api, "clerk").get("/console/accounts/employment_fund/430102").text
    assert 'id="opening">¥0.00' in page and 'id="closing">¥10.00' in page
    assert "芙蓉人力中介" in page and "湘财m-1" in page and "-¥200.00" in page


def test_bad_picker_values_are_a_clear_page_not_a_failure(api: Api) -> None:
    client = sign_in(api, "clerk")
    for path in [
        "/console/overview?as_of=2019-02-30",
        "/console/overview?known_at=yesterday",
        "/console/accounts/employment_fund/430102?after=-1",
        "/console/accounts/employment_fund/430102?after=999999",  # names no line of it
        "/console/accounts/nowhere/430102",
        "/console/workers/" + "x" * 300,
    ]:
        answer = client.get(path)
        assert answer.status_code in (404, 422), path
        assert answer.headers["content-type"].startswith("text/html")


def test_the_audit_page_names_the_first_bad_position_of_a_tampered_history(
    api: Api, ledger: Ledger
) -> None:
    from audit.chain import Sealer
    from tests.service.test_tamper import edit

    client = sign_in(api, "auditor")
    Sealer(ledger.store).seal()
    last = int(ledger.recorder.max_notification_id() or 0)
    edit(ledger, last)  # the payment's event
    page = client.get("/console/audit?run=1").text
    assert f'<dd id="first-bad">{last}</dd>' in page and "发现篡改" in page


def find_by_id_number(client: TestClient, number: str) -> Any:
    csrf = csrf_of(client.get("/console/workers").text)
    return client.post("/console/workers/by-id-number",
                       data={"csrf": csrf, "id_number": number}, follow_redirects=False)  # fmt: skip


def test_a_worker_is_found_by_id_number_within_scope_only_and_never_by_url(api: Api) -> None:
    clerk = sign_in(api, "clerk")
    found = find_by_id_number(clerk, id_number(serial=7))
    assert found.status_code == 303 and found.headers["location"] == "/console/workers/w-script"
    assert id_number(serial=7) not in found.headers["location"]
    # 天心区's person and a person never registered answer alike to a 芙蓉区 clerk.
    elsewhere = find_by_id_number(clerk, id_number(region="430103", serial=8))
    nobody = find_by_id_number(clerk, id_number(serial=99))
    assert elsewhere.status_code == nobody.status_code == 404
    assert "李四" not in elsewhere.text and "w-tianxin" not in elsewhere.text
    auditor = sign_in(api, "auditor")
    assert find_by_id_number(auditor, id_number(region="430103", serial=8)).status_code == 303
    forged = auditor.post("/console/workers/by-id-number",
                          data={"csrf": "forged", "id_number": id_number(serial=7)})  # fmt: skip
    assert forged.status_code == 403


def test_a_search_by_name_lists_only_the_namesakes_within_scope(api: Api) -> None:
    clerk = sign_in(api, "clerk")
    assert "w-tianxin" not in clerk.get("/console/workers?name=李四").text
    found = clerk.get("/console/workers", params={"name": SCRIPT_NAME}).text
    assert "/console/workers/w-script" in found and SCRIPT_NAME not in found
    assert "w-tianxin" in sign_in(api, "auditor").get("/console/workers?name=李四").text
    assert clerk.get("/console/workers?name=%01").status_code == 422
