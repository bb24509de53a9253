"""The console's lists over HTTP (TestClient): organisations, payments, the approvals
queue and period close — each behind the session, within the viewer's scope, everything
typed shown as text, paged by the API's cursors; approving and rejecting through the
service with four eyes and CSRF, the service's refusals shown on the queue. Scope,
cursors, filters and an approval run on PostgreSQL too."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.console import listing, organisations
from service.ledger import Ledger
from tests.api.test_console_pages import csrf_of, sign_in
from tests.api_support import Api, running_api
from tests.console_lists_support import CHECKER
from tests.console_lists_support import WRITES as LIST_WRITES
from tests.console_support import SCRIPT_NAME, VIEWERS, WRITERS, WRITES

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
PAGES = [
    "/console/organisations",
    "/console/organisations/agency",
    "/console/payments",
    "/console/payments/pay-1",
    "/console/approvals",
    "/console/period-close",
]


@pytest.fixture
def api(ledger: Ledger) -> Iterator[Api]:
    with running_api(ledger) as api:
        for name, (role, division) in {**WRITERS, **VIEWERS, **CHECKER}.items():
            api.token(name, role, division)
        for who, path, body in [*WRITES, *LIST_WRITES]:
            answer = api.post(who, path, body)
            assert answer.status_code in (201, 202), answer.json()
        yield api


def approve(client: TestClient, request_id: str, approval_id: str = "") -> object:
    page = client.get("/console/approvals").text
    return client.post(
        f"/console/approvals/{request_id}/approval",
        data={
            "csrf": csrf_of(page),
            "approval_id": approval_id or f"apv-{request_id}",
            "paid_on": "2018-08-01",
        },
        follow_redirects=False,
    )


def reject(client: TestClient, request_id: str, reason: str) -> object:
    page = client.get("/console/approvals").text
    return client.post(
        f"/console/approvals/{request_id}/rejection",
        data={"csrf": csrf_of(page), "reason": reason},
        follow_redirects=False,
    )


def row_of(page: str, request_id: str) -> str:
    found = re.search(rf'<tr [^>]*data-request="{request_id}">.*?</tr>', page, re.S)
    assert found is not None, request_id
    return found.group(0)


def test_no_list_page_is_reachable_without_signing_in(api: Api) -> None:
    api.client.cookies.clear()
    for path in PAGES:
        answer = api.client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and "/console/sign-in?next=" in answer.headers["location"]
    answer = api.client.post("/console/approvals/req-a/approval", data={}, follow_redirects=False)
    assert answer.status_code == 303  # and nothing was approved
    assert (
        api.get("admin", "/payment-requests?status=pending").json()["items"][0]["request_id"]
        == "req-a"
    )


def test_every_list_page_is_in_the_nav_under_the_csp_without_inline_script(api: Api) -> None:
    client = sign_in(api, "auditor")
    for path in PAGES:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "unsafe-inline" not in answer.headers["content-security-policy"]
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", answer.text), path
        assert not re.search(r"\son[a-z]+=", answer.text), path
        for href in ["/console/organisations", "/console/payments", "/console/approvals",
                     "/console/period-close"]:  # fmt: skip
            assert f'href="{href}"' in answer.text
    english = client.get("/console/approvals?lang=en").text
    assert "Approvals" in english and "Period close" in english and "Organisations" in english


def test_an_organisation_named_as_a_script_is_shown_as_text(api: Api) -> None:
    client = sign_in(api, "clerk")
    for path in ["/console/organisations", "/console/organisations/o-script"]:
        page = client.get(path).text
        assert SCRIPT_NAME not in page and ESCAPED in page, path
    found = client.get("/console/organisations", params={"name": SCRIPT_NAME}).text
    assert ESCAPED in found and "芙蓉人力中介" not in found


@pytest.mark.both_stores  # the lists' SQL and the scope, per store
def test_a_county_clerk_sees_only_the_organisations_of_its_county(api: Api) -> None:
    client = sign_in(api, "clerk")
    page = client.get("/console/organisations").text
    assert "芙蓉人力中介" in page and "天心厂" not in page and "o-tianxin" not in page
    refused = client.get("/console/organisations/o-tianxin")
    assert refused.status_code == 403 and "天心厂" not in refused.text
    assert client.get("/console/organisations?division=430103").status_code == 403
    # One outside Hunan lies in no scope: found by its division, as the API finds it.
    assert "广州厂" in client.get("/console/organisations?division=440106").text
    assert client.get("/console/organisations/gz").status_code == 200  # as GET /v1/organisations/gz
    assert "天心厂" in sign_in(api, "auditor").get("/console/organisations").text


def test_the_organisations_filters_are_the_apis(api: Api) -> None:
    client = sign_in(api, "auditor")
    agencies = client.get("/console/organisations?kind=agency").text
    assert "芙蓉人力中介" in agencies and "天心厂" not in agencies
    assert "天心厂" in client.get("/console/organisations?division=430103").text
    for bad in ["kind=bank", "division=12", "name=%01", "cursor=c1.!!"]:
        answer = client.get(f"/console/organisations?{bad}")
        assert answer.status_code == 422, bad
        assert answer.headers["content-type"].startswith("text/html")


def test_an_organisations_page_shows_its_payments_and_placements(api: Api) -> None:
    page = sign_in(api, "clerk").get("/console/organisations/agency").text
    payments = re.search(r'<table id="org-payments">.*?</table>', page, re.S)
    assert payments is not None
    assert "pay-1" in payments.group(0) and "¥200.00" in payments.group(0)
    assert "已冲回" in payments.group(0)  # pay-1 was reversed
    assert "p1" in page and "/console/payments?payee_id=agency" in page


def test_an_organisations_page_reads_only_the_payments_and_placements_it_shows(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    approved = api.post("finance", "/payment-requests/req-a/approval",
                        {"approval_id": "apv-1", "paid_on": "2018-08-01"})  # fmt: skip
    assert approved.status_code == 201
    monkeypatch.setattr(organisations, "SHOWN", 1)
    page = sign_in(api, "clerk").get("/console/organisations/agency").text
    payments = re.search(r'<table id="org-payments">.*?</table>', page, re.S)
    assert (
        payments is not None and "pay-1" in payments.group(0) and "req-a" not in payments.group(0)
    )
    assert '<span id="more-payments">此处只列出最早的 1 笔</span>' in page
    placements = re.search(r'<section aria-labelledby="placements-h">.*?</table>', page, re.S)
    assert placements is not None and placements.group(0).count("<tr><td>") == 1  # of four
    assert '<p id="more-placements">此处只列出最早的 1 项</p>' in page


@pytest.mark.both_stores  # the lists' SQL and the scope, per store
def test_lists_page_by_the_apis_cursors_keeping_the_filters(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "PAGE_ITEMS", 2)
    client = sign_in(api, "auditor")
    seen: list[str] = []
    path = "/console/organisations?kind=enterprise"
    for _ in range(5):
        page = client.get(path).text
        table = re.search(r'<table id="organisations">.*?</table>', page, re.S)
        assert table is not None
        seen += re.findall(r'<td class="id">([^<]+)</td>', table.group(0))
        following = re.search(r'<a href="([^"]+)" rel="next">', page)
        if following is None:
            break
        path = following.group(1).replace("&amp;", "&")
        assert "kind=enterprise" in path and "cursor=c1." in path
    assert seen == ["gz", "o-script", "o-tianxin"]  # each once, in recording order


def test_payments_show_yuan_rule_account_payee_and_reversal(api: Api) -> None:
    page = sign_in(api, "clerk").get("/console/payments").text
    row = re.search(r"<tr class=\"reversed\">.*?</tr>", page, re.S)
    assert row is not None
    for expected in [
        "pay-1",
        "R7",
        "¥200.00",
        "芙蓉人力中介",
        "就业补助资金",
        "芙蓉区 430102",
        "已冲回",
    ]:
        assert expected in row.group(0), expected
    assert 'href="/console/payments/pay-1"' in row.group(0)


@pytest.mark.both_stores  # the lists' SQL and the scope, per store
def test_the_payments_filters_are_the_apis(api: Api) -> None:
    client = sign_in(api, "auditor")
    assert "pay-1" not in client.get("/console/payments?reversed=false").text
    assert "pay-1" in client.get("/console/payments?reversed=true&rule=R7&payee_id=agency").text
    assert "pay-1" not in client.get("/console/payments?from=2018-07-16").text
    assert "pay-1" in client.get("/console/payments?from=&to=&rule=&source=").text  # blank: none
    for bad in ["rule=R99", "from=2019-02-30", "from=2019-01-02&to=2019-01-01", "reversed=maybe",
                "source=bank", "payee_id=%E4%BD%A0"]:  # fmt: skip
        assert client.get(f"/console/payments?{bad}").status_code == 422, bad


def test_a_payments_page_names_who_recorded_it_and_its_reversal(api: Api) -> None:
    page = sign_in(api, "clerk").get("/console/payments/pay-1").text
    assert '<dd id="recorded-by">treasurer-subject</dd>' in page
    reversal = re.search(r'<dl class="figures" id="reversal">.*?</dl>', page, re.S)
    assert (
        reversal is not None
        and "重复支付" in reversal.group(0)
        and "2018-08-01" in reversal.group(0)
    )
    assert "SubsidyPaid" in page and "PaymentReversed" in page
    for missing in ["/console/payments/nothing", "/console/payments/" + "x" * 300]:
        assert sign_in(api, "clerk").get(missing).status_code == 404


@pytest.mark.both_stores  # the lists' SQL and the scope, per store
def test_a_finance_checker_approves_a_request_and_it_is_paid(api: Api) -> None:
    finance = sign_in(api, "finance")
    queue = finance.get("/console/approvals").text
    assert 'action="/console/approvals/req-a/approval"' in row_of(queue, "req-a")
    answer = approve(finance, "req-a")
    assert answer.status_code == 303  # type: ignore[attr-defined]
    done = finance.get(answer.headers["location"]).text  # type: ignore[attr-defined]
    assert 'id="done"' in done and "req-a" in done and "已审核通过并支付" in done
    assert 'data-request="req-a"' not in done  # it left the pending queue
    paid = finance.get("/console/payments/req-a").text
    assert '<dd id="recorded-by">finance-subject</dd>' in paid
    assert (
        "PaymentRequested" in paid and "clerk-subject" in paid
    )  # the maker, in the request's history
    assert api.get("admin", "/payments/req-a").json()["amount"] == "200.00"
    replayed = approve(finance, "req-a")  # the same form again (a double click): the same answer
    assert replayed.status_code == 303  # type: ignore[attr-defined]
    again = approve(finance, "req-a", "apv-other")  # decided already: refused, on the queue
    assert again.status_code == 409 and 'id="refusal"' in again.text  # type: ignore[attr-defined]


def test_the_maker_is_not_offered_approve_and_a_forced_approval_is_refused(api: Api) -> None:
    finance = sign_in(api, "finance")  # made req-b
    row = row_of(finance.get("/console/approvals").text, "req-b")
    assert '/approval"' not in row and '/rejection"' not in row and "须由另一位财务人员审核" in row
    forced = approve(finance, "req-b")
    assert forced.status_code == 403  # type: ignore[attr-defined]
    refusal = re.search(
        r'<p class="problem" role="alert" id="refusal">(.*?)</p>', forced.text, re.S
    )  # type: ignore[attr-defined]
    assert refusal is not None and "four eyes" in refusal.group(1)
    pending = api.get("admin", "/payment-requests?status=pending").json()["items"]
    assert "req-b" in [r["request_id"] for r in pending]
    # Another finance officer, whose scope covers the account, is offered it.
    assert '/approval"' in row_of(sign_in(api, "checker").get("/console/approvals").text, "req-b")


def test_roles_that_cannot_approve_see_no_buttons_and_are_refused(api: Api) -> None:
    for who in ["clerk", "auditor", "admin"]:
        page = sign_in(api, who).get("/console/approvals").text
        assert "req-a" in page and '/approval"' not in page and '/rejection"' not in page, who
    clerk = sign_in(api, "clerk")
    assert approve(clerk, "req-a").status_code == 403  # type: ignore[attr-defined]
    assert reject(clerk, "req-a", "不符合").status_code == 403  # type: ignore[attr-defined]


def test_a_forged_csrf_token_approves_nothing(api: Api) -> None:
    finance = sign_in(api, "finance")
    for action, data in [("approval", {"approval_id": "apv-x", "paid_on": "2018-08-01"}),
                         ("rejection", {"reason": "forged"})]:  # fmt: skip
        answer = finance.post(f"/console/approvals/req-a/{action}", data={"csrf": "forged", **data})
        assert answer.status_code == 403
        answer = finance.post(f"/console/approvals/req-a/{action}", data=data)
        assert answer.status_code == 403
    pending = api.get("admin", "/payment-requests?status=pending").json()["items"]
    assert "req-a" in [r["request_id"] for r in pending]


def test_a_rejection_needs_a_reason_and_shows_among_the_decided(api: Api) -> None:
    checker = sign_in(api, "checker")
    blank = reject(checker, "req-b", "   ")
    assert blank.status_code == 422 and 'id="refusal"' in blank.text  # type: ignore[attr-defined]
    assert reject(checker, "req-b", "材料不全 <b>").status_code == 303  # type: ignore[attr-defined]
    decided = checker.get("/console/approvals?status=rejected").text
    row = row_of(decided, "req-b")
    assert "材料不全 &lt;b&gt;" in row and "已退回" in row
    assert "req-a" not in decided
    assert "req-a" in checker.get("/console/approvals?status=all").text
    assert checker.get("/console/approvals?status=maybe").status_code == 422


@pytest.mark.both_stores  # the lists' SQL and the scope, per store
def test_a_county_clerk_sees_no_request_or_payment_of_the_next_county(api: Api) -> None:
    checker = sign_in(api, "checker")
    assert approve(checker, "req-t").status_code == 303  # type: ignore[attr-defined]
    clerk = sign_in(api, "clerk")
    assert "req-t" not in clerk.get("/console/approvals?status=all").text
    assert "req-t" not in clerk.get("/console/payments").text
    refused = clerk.get("/console/payments/req-t")
    assert refused.status_code == 403 and "天心区" not in refused.text.split("<main", 1)[1]
    assert clerk.get("/console/payments?division=430103").status_code == 403
    assert clerk.get("/console/approvals?division=430103").text.count('data-request="') == 0
    assert "req-t" in sign_in(api, "auditor").get("/console/payments").text


@pytest.mark.both_stores  # the lists' SQL and the scope, per store
def test_period_close_shows_each_accounts_closed_periods_within_scope(api: Api) -> None:
    clerk = sign_in(api, "clerk")
    page = clerk.get("/console/period-close").text
    row = re.search(r'<tr data-account="employment_fund/430102">.*?</tr>', page, re.S)
    assert row is not None
    assert "<strong>2018-06-30</strong>" in row.group(0)  # closed through the latest period
    assert (
        "2017-12" in row.group(0)
        and "2018-01-05" in row.group(0)
        and "treasurer-subject" in row.group(0)
    )
    assert "430103" not in page
    assert clerk.get("/console/period-close?division=430103").status_code == 403
    auditor = sign_in(api, "auditor").get("/console/period-close").text
    tianxin = re.search(r'<tr data-account="employment_fund/430103">.*?</tr>', auditor, re.S)
    assert tianxin is not None and "未结账" in tianxin.group(0)
    only = sign_in(api, "auditor").get("/console/period-close?closed=yes").text
    assert "employment_fund/430102" in only and "employment_fund/430103" not in only


def test_two_approvers_are_two_people_and_the_first_is_not_offered_it_again(api: Api) -> None:
    policy = {"division": "430102", "threshold": "100.00", "approvers": 2,
              "effective_from": "2018-01-01"}  # fmt: skip
    api.record("admin", {"event_id": "cl-policy", "type": "ApprovalPolicySet", "data": policy})
    finance = sign_in(api, "finance")
    first = approve(finance, "req-a")  # a policy in force on paid_on asks for two
    assert first.status_code == 303 and "done=approved_once" in first.headers["location"]  # type: ignore[attr-defined]
    row = row_of(finance.get("/console/approvals").text, "req-a")
    assert '/approval"' not in row and "finance-subject" in row and "1/2" in row
    again = approve(finance, "req-a", "apv-again")  # forced: the same person twice
    assert again.status_code == 403 and "four eyes" in again.text  # type: ignore[attr-defined]
    checker = sign_in(api, "checker")
    assert "done=approved&" in approve(checker, "req-a", "apv-checker").headers["location"]  # type: ignore[attr-defined]
    assert api.get("admin", "/payments/req-a").status_code == 200


def test_hostile_decisions_are_clear_refusals_never_a_failure(api: Api) -> None:
    checker = sign_in(api, "checker")
    for request_id in ["nothing", "%E4%BD%A0", "x" * 500]:
        answer = approve(checker, request_id)
        assert answer.status_code in (404, 422) and 'id="refusal"' in answer.text, request_id  # type: ignore[attr-defined]
    page = checker.get("/console/approvals").text
    for data in [{"approval_id": "bad id!", "paid_on": "2018-08-01"},
                 {"approval_id": "apv-1", "paid_on": "2018-02-30"},
                 {"approval_id": "apv-1", "paid_on": "2017-08-01"}]:  # fmt: skip
        answer = checker.post(
            "/console/approvals/req-a/approval", data={"csrf": csrf_of(page), **data}
        )
        assert answer.status_code in (409, 422) and 'id="refusal"' in answer.text, data
    long_reason = checker.post("/console/approvals/req-a/rejection",
                               data={"csrf": csrf_of(page), "reason": "长" * 5000})  # fmt: skip
    assert long_reason.status_code == 422
    assert (
        api.get("admin", "/payment-requests?status=pending").json()["items"][0]["request_id"]
        == "req-a"
    )


def test_a_name_search_leaves_the_workers_page_title_a_title(api: Api) -> None:
    page = sign_in(api, "clerk").get("/console/workers", params={"name": "李四"}).text
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None and title.group(1) == "劳动力 · 就业补助资金台账"


def test_a_refusals_links_lead_back_to_the_queue(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing, "PAGE_ITEMS", 1)
    finance = sign_in(api, "finance")
    forced = approve(finance, "req-b")  # four eyes: the queue, from a POST's address
    assert forced.status_code == 403  # type: ignore[attr-defined]
    following = re.search(r'<a href="([^"]+)" rel="next">', forced.text)  # type: ignore[attr-defined]
    assert following is not None and following.group(1).startswith("/console/approvals?cursor=")
    toggled = finance.get("/console/approvals/req-b/approval?lang=en", follow_redirects=False)
    assert (
        toggled.status_code == 303 and toggled.headers["location"] == "/console/approvals?lang=en"
    )
    spoofed = finance.get("/console/approvals?done=approved&request=%3Cb%3E%20anything").text
    assert 'id="done"' not in spoofed
