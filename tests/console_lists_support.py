"""More of the console's small world (tests/console_support.py) for the lists: an
organisation named as a script, one in 天心区, payment requests made by a 芙蓉区 clerk,
by 长沙市 finance and by a provincial clerk for 天心区, a reversed payment and two
closed periods of 芙蓉区's account. A second finance officer (`checker`, the province)
can approve what 长沙市 finance made."""

from __future__ import annotations

from typing import Any

from tests.builders import id_number
from tests.console_support import ELSEWHERE, HOME, SCRIPT_NAME, TIANXIN, _fact, _money

CHECKER = {"checker": ("finance", "430000")}


def _worker(worker_id: str, home: str, serial: int) -> dict[str, Any]:
    return _fact(f"cl-{worker_id}", "WorkerRegistered", worker_id=worker_id, name=f"工人{serial}",
                 id_number=id_number(region=home, serial=serial), birth_date="1990-03-07",
                 home_division=home, registered_on="2017-01-01")  # fmt: skip


def _placed(placement_id: str, worker_id: str) -> dict[str, Any]:
    return _fact(f"cl-{placement_id}", "WorkerPlaced", placement_id=placement_id, worker_id=worker_id,
                 employer_id="gz", agency_id="agency", started_on="2018-01-15",
                 work_division=ELSEWHERE, contract_months=12)  # fmt: skip


def _request(request_id: str, placement_id: str) -> dict[str, Any]:
    return {"request_id": request_id, "rule": "R7", "payee_id": "agency", "paid_on": "2018-08-01",
            "placement_id": placement_id}  # fmt: skip


FACTS = [
    _fact("cl-o1", "OrganisationRegistered", org_id="o-script", name=SCRIPT_NAME, division=HOME, kind="enterprise"),
    _fact("cl-o2", "OrganisationRegistered", org_id="o-tianxin", name="天心厂", division=TIANXIN, kind="enterprise"),
    _worker("w-a", HOME, 11), _worker("w-b", HOME, 12), _worker("w-t", TIANXIN, 13),
    _placed("p-a", "w-a"), _placed("p-b", "w-b"), _placed("p-t", "w-t"),
]  # fmt: skip
MONEY = [_money("cl-m1", HOME, "1000.00", "2017-07-02"), _money("cl-m2", TIANXIN, "1000.00", "2017-07-02")]  # fmt: skip
CLOSES = [
    _fact(f"cl-close-{period}", "PeriodClosed", source="employment_fund", division=HOME,
          period=period, closed_on=closed_on)
    for period, closed_on in (("2017-12", "2018-01-05"), ("2018-06", "2018-07-01"))
]  # fmt: skip
REVERSAL = {"reversal_id": "rev-1", "reason": "重复支付", "reversed_on": "2018-08-01"}

# (who, path, body): after tests/console_support.WRITES, in order.
WRITES = [
    ("poster", "/events", FACTS),
    ("treasurer", "/events", MONEY),
    ("treasurer", "/payments/pay-1/reversal", REVERSAL),
    ("clerk", "/payment-requests", _request("req-a", "p-a")),
    ("finance", "/payment-requests", _request("req-b", "p-b")),
    ("poster", "/payment-requests", _request("req-t", "p-t")),
    ("treasurer", "/events", CLOSES),
]
