"""A small world for the console's tests, posted through the HTTP API as a client would:
a worker at home in 芙蓉区 whose name is a script, one in 天心区 (a clerk of 芙蓉区 must not
see it), money appropriated to both counties and the province (¥100,000.00 in 56 lines, two pages
of a statement), and one R7 payment that leaves 芙蓉区's account nearly empty."""

from __future__ import annotations

from typing import Any

from tests.builders import id_number

HOME = "430102"  # 芙蓉区, 长沙市
TIANXIN = "430103"  # 天心区, 长沙市
ELSEWHERE = "440106"  # 天河区, 广州市
SCRIPT_NAME = "<script>alert(1)</script>"
WRITERS = {"poster": ("clerk", "430000"), "treasurer": ("finance", "430000")}
# Who signs in to the console, and the scope each sees.
VIEWERS = {
    "clerk": ("clerk", HOME),
    "finance": ("finance", "430100"),
    "auditor": ("auditor", "430000"),
    "admin": ("admin", "430000"),
}


def _fact(event_id: str, type_: str, **data: Any) -> dict[str, Any]:
    return {"event_id": event_id, "type": type_, "data": data}


FACTS = [
    _fact("c-1", "OrganisationRegistered", org_id="agency", name="芙蓉人力中介", division=HOME, kind="agency"),
    _fact("c-2", "OrganisationRegistered", org_id="gz", name="广州厂", division=ELSEWHERE, kind="enterprise"),
    _fact("c-3", "WorkerRegistered", worker_id="w-script", name=SCRIPT_NAME, id_number=id_number(serial=7),
          birth_date="1990-03-07", home_division=HOME, registered_on="2017-01-01"),
    _fact("c-4", "WorkerRegistered", worker_id="w-tianxin", name="李四", id_number=id_number(region=TIANXIN, serial=8),
          birth_date="1990-03-07", home_division=TIANXIN, registered_on="2017-01-01"),
    _fact("c-5", "WorkerPlaced", placement_id="p1", worker_id="w-script", employer_id="gz", agency_id="agency",
          started_on="2018-01-15", work_division=ELSEWHERE, contract_months=12),
]  # fmt: skip


def _money(event_id: str, division: str, amount: str, on: str) -> dict[str, Any]:
    return _fact(event_id, "FundsAppropriated", appropriation_id=event_id, source="employment_fund",
                 division=division, amount=amount, appropriated_on=on, document_ref=f"湘财{event_id}")  # fmt: skip


MONEY = [
    _money("m-1", HOME, "210.00", "2017-07-01"),
    _money("m-2", TIANXIN, "5000.00", "2017-08-01"),
    _money("m-3", "430000", "99945.00", "2017-07-01"),
    # 55 more lines on the province's account: its statement runs to a second page.
    *(_money(f"m-p{n}", "430000", "1.00", "2017-09-01") for n in range(55)),
]
PAYMENT = {"payment_id": "pay-1", "rule": "R7", "payee_id": "agency", "paid_on": "2018-07-15",
           "placement_id": "p1"}  # fmt: skip

# (who, path, body): the writes, in order.
WRITES = [
    ("poster", "/events", FACTS),
    ("treasurer", "/events", MONEY),
    ("treasurer", "/payments", PAYMENT),
]
