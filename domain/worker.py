"""The worker (贫困劳动力) and every fact recorded about them: survey, placements,
unemployment, training, contributions and loans.

Each public method checks what the worker's own history decides (R3's survey contents,
R5's one course a day, a placement ended once, a benefit period that is open) and then
records the fact through a private `@event` method whose parameters are the event's
fields and whose body applies it. One aggregate for one person's facts keeps every guard
that reads them in one consistency boundary, which is why this module is longer than most."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.commands import (
    ContributeSocialInsurance,
    EnrolInTraining,
    GrantGuaranteeLoan,
    PlaceWorker,
    RegisterWorker,
    SurveyWorker,
)
from domain.errors import Conflict, InvalidInput, NotFound, PolicyRefusal
from domain.organisation import Organisation
from domain.recorded import FactEvent, Recording, add_token_id
from domain.values import birth_date_of_id_number, mask_id_number
from domain.worker_records import Contribution, Enrollment, Loan, Placement, Survey

__all__ = ["Contribution", "Enrollment", "Loan", "Placement", "Survey", "Worker"]


def upcast_fact(state: dict[str, Any]) -> None:
    """Version 1 facts had no token id; version 1's registration masked 430102********1234,
    hiding only the birth date stored beside it: read it as version 2's mask, which hides
    the last four characters."""
    add_token_id(state)
    if "id_number_masked" in state:
        kept, birth = state["id_number_masked"][:6], state["birth_date"]
        state["id_number_masked"] = mask_id_number(f"{kept}{birth:%Y%m%d}0000")


class Worker(Aggregate):
    """A member of a registered poor household (建档立卡农村贫困人口), R1."""

    TOPIC = "jobaid:Worker"

    class Event(FactEvent):
        TOPIC = "jobaid:Worker.Event"
        upcast_v1_v2 = staticmethod(upcast_fact)

    @event("Registered", topic="jobaid:WorkerRegistered")
    def __init__(
        self,
        worker_id: str,
        name: str,
        id_number_hash: str,
        id_number_masked: str,
        birth_date: date,
        home_division: str,
        registered_on: date,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        self.worker_id = worker_id
        self.name = name
        self.id_number_hash = id_number_hash
        self.id_number_masked = id_number_masked
        self.birth_date = birth_date
        self.home_division = home_division
        self.registered_on = registered_on
        self.surveys: list[Survey] = []
        self.placements: dict[str, Placement] = {}
        self.enrollments: dict[str, Enrollment] = {}
        self.attended_days: dict[date, str] = {}
        self.unemployment_registered: list[date] = []
        self.benefit_periods: list[tuple[date, date | None]] = []
        self.contributions: dict[tuple[str, str], Contribution] = {}
        self.loans: dict[str, Loan] = {}

    @staticmethod
    def create_id(worker_id: str) -> UUID:
        return ids.worker_uuid(worker_id)

    @classmethod
    def register(
        cls, cmd: RegisterWorker, taken: tuple[bool, bool], id_hash: str, recording: Recording
    ) -> Worker:
        """`taken`: whether the worker id, and the person (their ID number's key), are
        recorded already. The number itself is kept only as `id_hash` and a mask."""
        worker_taken, person_taken = taken
        if worker_taken:
            raise Conflict(f"worker {cmd.worker_id} is already registered")
        born = birth_date_of_id_number(cmd.id_number)
        if cmd.birth_date != born:
            raise InvalidInput("birth_date", f"differs from the ID number's {born}")
        if person_taken:
            # R24: one person, one worker — else every per-worker guard could be dodged. The
            # other worker is not named: it may lie outside the caller's scope (CONTRACT).
            raise PolicyRefusal("R24", "this ID number is already registered as another worker")
        return cls(worker_id=cmd.worker_id, name=cmd.name, id_number_hash=id_hash,
                   id_number_masked=mask_id_number(cmd.id_number), birth_date=cmd.birth_date,
                   home_division=cmd.home_division, registered_on=cmd.registered_on,
                   **recording.meta)  # fmt: skip

    # R3 摸查.

    def survey(self, found: SurveyWorker, recording: Recording) -> None:
        """R3: 对未就业的摸清就业意愿和就业服务需求，对已就业的摸清就业地点、就业单位名称和
        联系方式；谁摸查、谁负责. A willing-to-work answer is required of the unemployed and
        is yes for the employed unless said otherwise."""
        employed = found.status == "employed"
        if found.willing_to_work is None and not employed:
            raise InvalidInput("willing_to_work", "is required for the unemployed (true/false)")
        for field in ("work_division", "employer_name", "employer_contact"):
            if employed and getattr(found, field) is None:
                raise InvalidInput(field, "is required for the employed")
        self._surveyed(
            surveyed_on=found.surveyed_on, surveyor=found.surveyor, status=found.status,
            willing_to_work=True if found.willing_to_work is None else found.willing_to_work,
            service_needs=list(found.service_needs),
            work_division=found.work_division if employed else None,
            employer_name=found.employer_name if employed else None,
            employer_contact=found.employer_contact if employed else None,
            **recording.meta,
        )  # fmt: skip

    @event("Surveyed", topic="jobaid:WorkerSurveyed")
    def _surveyed(
        self,
        surveyed_on: date,
        surveyor: str,
        status: str,
        willing_to_work: bool,
        service_needs: list[str],
        work_division: str | None,
        employer_name: str | None,
        employer_contact: str | None,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        self.surveys.append(
            Survey(
                surveyed_on,
                surveyor,
                status,
                willing_to_work,
                tuple(service_needs),
                work_division,
                employer_name,
                employer_contact,
            )
        )

    # R4 placements.

    def place(
        self,
        placement: PlaceWorker,
        employer: Organisation,
        agency: Organisation | None,
        recording: Recording,
    ) -> None:
        """就业/转移就业: with an employer, maybe through a service agency (中介机构)."""
        if agency is not None:
            agency.require_kind("agency", "agency_id")
        self._placed(
            placement_id=placement.placement_id, employer_id=employer.org_id,
            agency_id=agency.org_id if agency else None, started_on=placement.started_on,
            work_division=placement.work_division, contract_months=placement.contract_months,
            **recording.meta,
        )  # fmt: skip

    @event("Placed", topic="jobaid:WorkerPlaced")
    def _placed(
        self,
        placement_id: str,
        employer_id: str,
        agency_id: str | None,
        started_on: date,
        work_division: str,
        contract_months: int,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        self.placements[placement_id] = Placement(
            placement_id, employer_id, agency_id, started_on, work_division, contract_months
        )

    def end_placement(
        self, placement_id: str, ended_on: date, reason: str, recording: Recording
    ) -> None:
        placement = self.placement(placement_id)
        if placement.ended_on is not None:
            raise Conflict(f"placement {placement_id} already ended on {placement.ended_on}")
        if ended_on < placement.started_on:
            raise InvalidInput(
                "ended_on", f"is before the placement started ({placement.started_on})"
            )
        self._placement_ended(
            placement_id=placement_id, ended_on=ended_on, reason=reason, **recording.meta
        )

    @event("PlacementEnded", topic="jobaid:PlacementEnded")
    def _placement_ended(
        self,
        placement_id: str,
        ended_on: date,
        reason: str,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        placement = self.placements[placement_id]
        self.placements[placement_id] = replace(placement, ended_on=ended_on, end_reason=reason)

    # Unemployment and its benefits (R11).

    def register_unemployment(self, registered_on: date, recording: Recording) -> None:
        self._unemployment_registered(registered_on=registered_on, **recording.meta)

    @event("UnemploymentRegistered", topic="jobaid:UnemploymentRegistered")
    def _unemployment_registered(
        self, registered_on: date, recorded_by: str, token_id: str | None, event_id: str
    ) -> None:
        self.unemployment_registered.append(registered_on)

    def start_benefit(self, on: date, recording: Recording) -> None:
        if self.benefit_periods and self.benefit_periods[-1][1] is None:
            started = self.benefit_periods[-1][0]
            raise Conflict(f"worker already draws unemployment benefits since {started}")
        last_ended = self.benefit_periods[-1][1] if self.benefit_periods else None
        if last_ended is not None and on <= last_ended:
            raise InvalidInput("on", "overlaps the previous benefit period")
        self._benefit_started(on=on, **recording.meta)

    @event("BenefitStarted", topic="jobaid:UnemploymentBenefitStarted")
    def _benefit_started(
        self, on: date, recorded_by: str, token_id: str | None, event_id: str
    ) -> None:
        self.benefit_periods.append((on, None))

    def end_benefit(self, on: date, recording: Recording) -> None:
        if not self.benefit_periods or self.benefit_periods[-1][1] is not None:
            raise Conflict("worker is not drawing unemployment benefits")
        if on < self.benefit_periods[-1][0]:
            raise InvalidInput("on", f"is before benefits started ({self.benefit_periods[-1][0]})")
        self._benefit_ended(on=on, **recording.meta)

    @event("BenefitEnded", topic="jobaid:UnemploymentBenefitEnded")
    def _benefit_ended(
        self, on: date, recorded_by: str, token_id: str | None, event_id: str
    ) -> None:
        started, _ = self.benefit_periods[-1]
        self.benefit_periods[-1] = (started, on)

    # R5 training.

    def enrol(
        self, course: EnrolInTraining, institution: Organisation | None, recording: Recording
    ) -> None:
        if institution is not None:
            institution.require_kind("training_institution", "institution_id")
        self._enrolled(
            enrollment_id=course.enrollment_id, kind=course.kind, category=course.category,
            division=course.division, institution_id=institution.org_id if institution else None,
            started_on=course.started_on, two_after_student=course.two_after_student,
            **recording.meta,
        )  # fmt: skip

    @event("Enrolled", topic="jobaid:TrainingEnrolled")
    def _enrolled(
        self,
        enrollment_id: str,
        kind: str,
        category: str,
        division: str,
        institution_id: str | None,
        started_on: date,
        two_after_student: bool,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        self.enrollments[enrollment_id] = Enrollment(
            enrollment_id, kind, category, division, institution_id, started_on, two_after_student
        )

    def attend(self, enrollment_id: str, day: date, recording: Recording) -> None:
        enrollment = self.enrollment(enrollment_id)
        if day < enrollment.started_on:
            raise InvalidInput("day", f"is before the course started ({enrollment.started_on})")
        if enrollment.completed_on is not None and day > enrollment.completed_on:
            raise Conflict(f"enrollment {enrollment_id} was completed on {enrollment.completed_on}")
        if day in self.attended_days:
            # R5: a worker attends at most one course on one calendar day.
            raise PolicyRefusal(
                "R5",
                f"worker {self.worker_id} already attended {self.attended_days[day]} on {day}",
            )
        self._attended(enrollment_id=enrollment_id, day=day, **recording.meta)

    @event("DayAttended", topic="jobaid:TrainingDayAttended")
    def _attended(
        self, enrollment_id: str, day: date, recorded_by: str, token_id: str | None, event_id: str
    ) -> None:
        enrollment = self.enrollments[enrollment_id]
        days = tuple(sorted((*enrollment.days, day)))
        self.enrollments[enrollment_id] = replace(enrollment, days=days)
        self.attended_days[day] = enrollment_id

    def complete(self, enrollment_id: str, completed_on: date, recording: Recording) -> None:
        enrollment = self.enrollment(enrollment_id)
        if enrollment.completed_on is not None:
            raise Conflict(
                f"enrollment {enrollment_id} already completed on {enrollment.completed_on}"
            )
        last_day = enrollment.days[-1] if enrollment.days else enrollment.started_on
        if completed_on < last_day:
            raise InvalidInput(
                "completed_on", f"is before the course's last recorded day ({last_day})"
            )
        self._completed(enrollment_id=enrollment_id, completed_on=completed_on, **recording.meta)

    @event("TrainingCompleted", topic="jobaid:TrainingCompleted")
    def _completed(
        self,
        enrollment_id: str,
        completed_on: date,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        enrollment = self.enrollments[enrollment_id]
        self.enrollments[enrollment_id] = replace(enrollment, completed_on=completed_on)

    # R14 contributions and R17 loans.

    def contribute(self, paid: ContributeSocialInsurance, recording: Recording) -> None:
        if (paid.employer_id, paid.month) in self.contributions:
            raise Conflict(
                f"contributions by {paid.employer_id} for {paid.month} are already recorded"
            )
        self._contributed(
            employer_id=paid.employer_id, month=paid.month, pension=paid.pension,
            medical=paid.medical, unemployment=paid.unemployment, **recording.meta,
        )  # fmt: skip

    @event("Contributed", topic="jobaid:SocialInsuranceContributed")
    def _contributed(
        self,
        employer_id: str,
        month: str,
        pension: Decimal,
        medical: Decimal,
        unemployment: Decimal,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        self.contributions[(employer_id, month)] = Contribution(
            employer_id, month, pension, medical, unemployment
        )

    def grant_loan(self, loan: GrantGuaranteeLoan, recording: Recording) -> None:
        self._loan_granted(loan_id=loan.loan_id, lender_id=loan.lender_id, amount=loan.amount,
                           granted_on=loan.granted_on, **recording.meta)  # fmt: skip

    @event("LoanGranted", topic="jobaid:GuaranteeLoanGranted")
    def _loan_granted(
        self,
        loan_id: str,
        lender_id: str,
        amount: Decimal,
        granted_on: date,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        self.loans[loan_id] = Loan(loan_id, lender_id, amount, granted_on)

    # Queries the policy reads.

    def placement(self, placement_id: str) -> Placement:
        try:
            return self.placements[placement_id]
        except KeyError:
            raise NotFound(f"unknown placement {placement_id}") from None

    def enrollment(self, enrollment_id: str) -> Enrollment:
        try:
            return self.enrollments[enrollment_id]
        except KeyError:
            raise NotFound(f"unknown enrollment {enrollment_id}") from None

    def draws_benefits_on(self, day: date) -> bool:
        """Whether `day` lies in a benefit period (first day drawing to last day, inclusive)."""
        return any(
            started <= day and (ended is None or day <= ended)
            for started, ended in self.benefit_periods
        )

    def survey_on(self, day: date) -> Survey | None:
        """The survey in force on `day`: the latest dated on or before it; of two dated the
        same day, the one recorded later (R3; 二(一)1: 对信息不准确的重新摸查和录入)."""
        earlier = [s for s in self.surveys if s.surveyed_on <= day]
        # `surveys` is in recorded order and sorted() is stable: the last is the latest.
        return sorted(earlier, key=lambda s: s.surveyed_on)[-1] if earlier else None
