"""Record one of every event type with the code of dd0458f and dump the stored events."""

import json
import sys
from pathlib import Path

sys.path.insert(0, "/work/wt-old")
from jobaid.application import Ledger
from jobaid.reconcile import reconcile_file
from jobaid.settings import Settings

from api.tokens import issue_token, revoke_token
from tests import builders as b

out = Path(sys.argv[1])
ledger = Ledger(Settings(database_url="sqlite:////tmp/oldhist/old.db", pii_key=b"test-pii-key"))
admin = issue_token(ledger, "admin", "430000", "admin.li", "cli")
clerk = issue_token(ledger, "clerk", b.HOME, "clerk.zhang", "admin.li")
revoke_token(ledger, clerk.principal.token_id, "admin.li")
worker = b.worker(ledger, worker_id="w-old-1", number="430102199003071234")
agency = b.organisation(ledger, "agency", org_id="agency-old")
employer = b.organisation(ledger, org_id="employer-old")
institution = b.organisation(ledger, "training_institution", org_id="school-old")
b.post(ledger, "BaseDesignated", by="admin", org_id=employer, designated_on="2017-08-01")
b.post(
    ledger,
    "WorkerSurveyed",
    by="clerk.zhang",
    worker_id=worker,
    surveyed_on="2017-07-02",
    surveyor="王五",
    status="unemployed",
    willing_to_work=True,
    service_needs=["技能培训"],
)
b.post(ledger, "UnemploymentRegistered", worker_id=worker, registered_on="2017-07-03")
b.post(ledger, "UnemploymentBenefitStarted", worker_id=worker, on="2017-07-03")
b.post(ledger, "UnemploymentBenefitEnded", worker_id=worker, on="2017-07-20")
b.post(ledger, "PoorAreaDesignated", by="admin", division=b.HOME, effective_from="2017-07-01")
b.post(ledger, "WorkingAgeSet", by="admin", min_age=16, max_age=60, effective_from="2017-07-01")
b.training_standard(ledger, "1000.00")
b.transport_standard(ledger, "300.00")
b.appropriate(ledger, "100000.00")
b.appropriate(ledger, "100000.00", source="local_treasury")
placement = b.placement(ledger, worker, employer, "2017-08-01", agency_id=agency)
b.end_placement(ledger, placement, "2018-06-30")
enrollment = b.enrollment(ledger, worker, started_on="2017-09-01", institution_id=institution)
b.attend(ledger, enrollment, "2017-09-01", "2017-09-02")
b.complete(ledger, enrollment, "2017-09-30")
b.contributions(ledger, worker, employer, ["2017-08"])
b.post(
    ledger,
    "GuaranteeLoanGranted",
    worker_id=worker,
    loan_id="loan-old",
    lender_id=agency,
    amount="50000.00",
    granted_on="2017-10-01",
)
paid = b.pay(ledger, "R12", worker, "2017-08-02", placement_id=placement)
b.reverse(ledger, paid.payment.payment_id, "2017-08-03")
b.pay(ledger, "R8", worker, "2017-10-01", enrollment_id=enrollment)
b.pay(ledger, "R10", worker, "2017-10-01", enrollment_id=enrollment)
b.close_period(ledger, "2017-08", "2017-09-01")
reconcile_file(
    ledger,
    b"date,payee,amount,reference\n2017-08-02,x,300.00,y\n",
    "treasury.csv",
    "local_treasury",
    b.HOME,
    "2017",
    "finance.wu",
)
with out.open("w") as f:
    for n in ledger.recorder.select_notifications(1, 100000):
        f.write(
            json.dumps(
                {
                    "originator_id": str(n.originator_id),
                    "originator_version": n.originator_version,
                    "topic": n.topic,
                    "state": n.state.decode(),
                },
                ensure_ascii=False,
            )
            + "\n"
        )
ledger.close()
print(sum(1 for _ in out.open()), "events")
