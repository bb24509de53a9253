"""The one catalogue of fact types (CONTRACT "Posting facts"): each type's command, its
handler, who may post it and where its scope lies, and an example the service accepts.
The HTTP schema, authorisation, the survey import and the docs all read it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate

from domain import commands as c
from service import access, facts
from service.access import Places
from service.facts import FactContext

CLERK, FINANCE, ADMIN = frozenset({"clerk"}), frozenset({"finance"}), frozenset({"admin"})


@dataclass(frozen=True)
class FactType:
    name: str
    command: type[Any]
    record: Callable[[FactContext, Any], Aggregate]
    roles: frozenset[str]
    places: Places
    example: Mapping[str, Any]
    admin_anywhere: bool = False  # BaseDesignated: admins designate bases for any organisation


# In the order a county's story is told, so that the examples, posted in this order, are
# each accepted (tests/api prove it): the organisations and the worker first.
# An employer `em-1` is named by the examples but registered by none of them.
W, P, E = "w-430102-0001", "p-2018-0001", "en-2018-0001"
TYPES = (
    FactType("OrganisationRegistered", c.RegisterOrganisation, facts.register_organisation,
             CLERK, access.organisation_registered,
             {"org_id": "agency-1", "name": "芙蓉区人力资源服务中心", "division": "430102", "kind": "agency"}),
    FactType("WorkerRegistered", c.RegisterWorker, facts.register_worker, CLERK, access.home_field,
             {"worker_id": W, "name": "张三", "id_number": "430102199003070012",
              "birth_date": "1990-03-07", "home_division": "430102", "registered_on": "2017-01-01"}),
    FactType("BaseDesignated", c.DesignateBase, facts.designate_base, CLERK | ADMIN,
             access.the_organisation, {"org_id": "em-1", "designated_on": "2018-01-01"},
             admin_anywhere=True),
    FactType("WorkerSurveyed", c.SurveyWorker, facts.survey_worker, CLERK,
             access.worker_and_organisations,
             {"worker_id": W, "surveyed_on": "2017-06-01", "surveyor": "李四", "status": "unemployed",
              "willing_to_work": True, "service_needs": ["技能培训", "岗位信息"]}),
    FactType("WorkerPlaced", c.PlaceWorker, facts.place_worker, CLERK,
             access.worker_and_organisations,
             {"placement_id": P, "worker_id": W, "employer_id": "em-1", "agency_id": "agency-1",
              "started_on": "2018-01-15", "work_division": "440106", "contract_months": 24}),
    FactType("PlacementEnded", c.EndPlacement, facts.end_placement, CLERK,
             access.worker_and_organisations,
             {"placement_id": P, "ended_on": "2019-12-31", "reason": "合同到期"}),
    FactType("UnemploymentRegistered", c.RegisterUnemployment, facts.register_unemployment,
             CLERK, access.worker_and_organisations, {"worker_id": W, "registered_on": "2020-01-06"}),
    FactType("UnemploymentBenefitStarted", c.StartBenefit, facts.start_benefit, CLERK,
             access.worker_and_organisations, {"worker_id": W, "on": "2020-01-06"}),
    FactType("UnemploymentBenefitEnded", c.EndBenefit, facts.end_benefit, CLERK,
             access.worker_and_organisations, {"worker_id": W, "on": "2020-06-30"}),
    FactType("TrainingEnrolled", c.EnrolInTraining, facts.enrol, CLERK,
             access.worker_and_organisations,
             {"enrollment_id": E, "worker_id": W, "kind": "pre_employment", "category": "电工",
              "division": "430102", "started_on": "2017-09-01", "two_after_student": False}),
    FactType("TrainingDayAttended", c.AttendTrainingDay, facts.attend, CLERK,
             access.worker_and_organisations, {"enrollment_id": E, "day": "2017-09-01"}),
    FactType("TrainingCompleted", c.CompleteTraining, facts.complete_training, CLERK,
             access.worker_and_organisations, {"enrollment_id": E, "completed_on": "2017-09-30"}),
    FactType("SocialInsuranceContributed", c.ContributeSocialInsurance, facts.contribute, CLERK,
             access.worker_and_organisations,
             {"employer_id": "em-1", "worker_id": W, "month": "2018-01", "pension": "320.00",
              "medical": "160.00", "unemployment": "16.00"}),
    FactType("GuaranteeLoanGranted", c.GrantGuaranteeLoan, facts.grant_loan, CLERK,
             access.worker_and_organisations,
             {"loan_id": "loan-2018-0001", "worker_id": W, "lender_id": "agency-1",
              "amount": "50000.00", "granted_on": "2018-03-01"}),
    FactType("TrainingStandardSet", c.SetTrainingStandard, facts.set_training_standard, ADMIN,
             access.division_field,
             {"division": "430102", "category": "电工", "amount": "1000.00", "effective_from": "2017-07-01"}),
    FactType("TransportStandardSet", c.SetTransportStandard, facts.set_transport_standard,
             ADMIN, access.division_field,
             {"division": "430102", "amount": "300.00", "effective_from": "2017-07-01"}),
    FactType("PoorAreaDesignated", c.DesignatePoorArea, facts.designate_poor_area, ADMIN,
             access.division_field, {"division": "430102", "effective_from": "2017-07-01"}),
    FactType("WorkingAgeSet", c.SetWorkingAge, facts.set_working_age, ADMIN, access.province,
             {"min_age": 16, "max_age": 60, "effective_from": "2017-07-01"}),
    FactType("ApprovalPolicySet", c.SetApprovalPolicy, facts.set_approval_policy, ADMIN,
             access.division_field,
             {"division": "430102", "threshold": "100000.00", "approvers": 2,
              "effective_from": "2017-07-01", "deadline_days": 30}),
    FactType("FundsAppropriated", c.AppropriateFunds, facts.appropriate, FINANCE,
             access.division_field,
             {"appropriation_id": "ap-2017-0001", "source": "employment_fund", "division": "430102",
              "amount": "1000000.00", "appropriated_on": "2017-07-01", "document_ref": "湘财社〔2017〕1号"}),
    FactType("PeriodClosed", c.ClosePeriod, facts.close_period, FINANCE, access.division_field,
             {"source": "employment_fund", "division": "430102", "period": "2017-06",
              "closed_on": "2017-07-05"}),
)  # fmt: skip
FACT_TYPES: dict[str, FactType] = {t.name: t for t in TYPES}


def may_post(role: str) -> set[str]:
    """The fact types a role may post."""
    return {t.name for t in TYPES if role in t.roles}
