"""The console's lists in a real browser (`jobaid serve` on SQLite and on PostgreSQL,
Debian's Chromium through Playwright, as tests/api/test_console_browser.py, whose browser,
page and helpers these tests share): each list page reached from the navigation by the
keyboard alone, an organisation named as a script shown as text, a payment's reversal
found through the filters, a checker approving and rejecting requests with the maker
offered neither, each account's closed periods within a county's scope — no CSP
violation or script error, and no axe-core violation on any page. Each test leaves a
full-page screenshot in tests/artifacts/ (the `page` fixture)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api import test_console_browser as shared
from tests.api.test_console_browser import (
    ARTIFACTS,
    Served,
    Watched,
    issue_tokens,
    no_axe_violations,
    serve_on,
    sign_in,
    start,
)
from tests.console_lists_support import CHECKER
from tests.console_lists_support import WRITES as LIST_WRITES
from tests.console_support import SCRIPT_NAME

# The browser and the watched page (and its screenshot) are the console tests' own
# fixtures; `page` uses the `served` below, which adds the lists' world.
browser = shared.browser
page = shared.page

NAV = {
    "单位": "/console/organisations",
    "补贴发放": "/console/payments",
    "支付审核": "/console/approvals",
    "结账状态": "/console/period-close",
}


def start_with_lists(database_url: str, store: str, where: Path) -> Served:
    """The console tests' world, then the lists' (tests/console_lists_support.py)."""
    served = start(database_url, store, where)
    served.tokens.update(issue_tokens(database_url, CHECKER))
    for who, path, body in LIST_WRITES:
        answer = served.server.post(served.tokens[who], path, body)
        assert answer.status_code == 201, answer.text
    return served


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    where = tmp_path_factory.mktemp(f"console-lists-{request.param}")
    yield from serve_on(request.param, where, start_with_lists)


def tab_to(p: object, text: str, most: int = 40) -> None:
    """Tab until the focused element reads `text`."""
    for _ in range(most):
        p.keyboard.press("Tab")  # type: ignore[attr-defined]
        focused = p.evaluate(  # type: ignore[attr-defined]
            "(e => e.tagName === 'SELECT' ? e.selectedOptions[0].text : e.textContent.trim())"
            "(document.activeElement)"
        )
        if focused == text:
            return
    raise AssertionError(f"{text} was not reached by Tab")


def test_each_list_page_is_reached_by_keyboard_and_passes_axe(
    page: Watched, served: Served
) -> None:
    p = page.page
    sign_in(p, served, "auditor")
    for link, path in NAV.items():
        tab_to(p, link)
        p.keyboard.press("Enter")
        p.wait_for_url(f"**{path}")
        assert p.locator("header nav a[aria-current='page']").inner_text() == link
        no_axe_violations(p)
    # The queue's filter from the keyboard: to the status, choose 全部, then 查询.
    p.goto(f"{served.base}/console/approvals")
    tab_to(p, "待审核", 60)  # the select reads its chosen option
    p.keyboard.press("End")  # 全部, the last choice
    tab_to(p, "查询")
    p.keyboard.press("Enter")
    p.wait_for_url("**/console/approvals?status=all*")
    assert "req-a" in p.inner_text("#requests")


def test_an_organisation_named_as_a_script_shows_as_text(page: Watched, served: Served) -> None:
    p = page.page
    sign_in(p, served, "clerk")
    p.get_by_role("link", name="单位").click()
    assert "天心厂" not in p.inner_text("main")  # 天心区's: out of a 芙蓉区 clerk's scope
    p.get_by_role("link", name=SCRIPT_NAME).click()  # the link's text is the name, as text
    p.wait_for_url("**/console/organisations/o-script")
    assert p.inner_text("#org-name") == SCRIPT_NAME  # and no dialog opened
    no_axe_violations(p)
    answer = p.goto(f"{served.base}/console/organisations/o-tianxin")
    assert answer is not None and answer.status == 403 and "天心厂" not in p.content()
    page.problems.clear()  # the 403 is a console error the browser logs; it is the point


def test_a_reversed_payment_is_found_by_the_filters_with_its_reversal(
    page: Watched, served: Served
) -> None:
    p = page.page
    sign_in(p, served, "clerk")
    p.get_by_role("link", name="补贴发放").click()
    p.get_by_label("是否冲回").select_option("true")
    p.get_by_label("规则").select_option("R7")
    p.get_by_role("button", name="查询").click()
    p.wait_for_url("**/console/payments?*reversed=true*")
    rows = p.locator("#payments tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "pay-1" in row and "¥200.00" in row and "芙蓉人力中介" in row and "已冲回" in row
    no_axe_violations(p)
    p.get_by_role("link", name="pay-1").click()
    p.wait_for_url("**/console/payments/pay-1")
    assert p.inner_text("#recorded-by") == "treasurer@430000"
    assert "重复支付" in p.inner_text("#reversal")
    no_axe_violations(p)


def test_a_checker_approves_and_rejects_and_the_maker_is_offered_neither(
    page: Watched, served: Served
) -> None:
    p = page.page
    sign_in(p, served, "finance")
    p.get_by_role("link", name="支付审核").click()
    own = p.locator("tr[data-request='req-b']")
    assert own.get_by_role("button").count() == 0 and "另一位财务人员" in own.inner_text()
    no_axe_violations(p)
    ARTIFACTS.mkdir(exist_ok=True)  # the queue with its forms, before the page changes
    p.screenshot(
        path=str(ARTIFACTS / f"console-approvals-queue-{served.store}.png"), full_page=True
    )
    mine = p.locator("tr[data-request='req-a']")
    mine.get_by_label("支付日期").fill("2018-08-02")
    mine.get_by_role("button", name="审核通过").click()
    p.wait_for_url("**/console/approvals?done=approved*")
    assert "已审核通过并支付: req-a" in p.inner_text("#done")
    assert p.locator("tr[data-request='req-a']").count() == 0
    p.get_by_role("link", name="补贴发放").click()
    assert "req-a" in p.inner_text("#payments")
    # The province's second finance officer rejects 天心区's request: a reason is required.
    p.get_by_role("button", name="退出").click()
    p.wait_for_url("**/console/sign-in")
    sign_in(p, served, "checker")
    p.get_by_role("link", name="支付审核").click()
    theirs = p.locator("tr[data-request='req-t']")
    theirs.get_by_role("button", name="退回").click()  # empty reason: the browser stops it
    assert p.locator("#done").count() == 0 and "/console/approvals" in p.url
    theirs.get_by_label("退回原因").fill("材料不全")
    theirs.get_by_label("退回原因").press("Enter")
    p.wait_for_url("**/console/approvals?done=rejected*")
    p.get_by_label("状态").select_option("rejected")
    p.get_by_role("button", name="查询").click()
    p.wait_for_url("**status=rejected*")
    assert "材料不全" in p.locator("tr[data-request='req-t']").inner_text()
    no_axe_violations(p)


def test_period_close_shows_a_county_its_own_closed_periods(page: Watched, served: Served) -> None:
    p = page.page
    sign_in(p, served, "clerk")
    p.get_by_role("link", name="结账状态").click()
    row = p.locator("tr[data-account='employment_fund/430102']").inner_text()
    assert "2018-06-30" in row and "2017-12" in row and "2018-06" in row
    assert "430103" not in p.inner_text("main")
    assert re.search(r"¥[0-9,]+\.[0-9]{2}", row)
    no_axe_violations(p)
