"""Facts of the fee FEE-02..03 (rulebook §5: late working days, the deduction) and of FLW-04 (§6)."""

from __future__ import annotations

from datetime import date

from engine.calendar import CalendarGapError, WorkingDayCalendar
from engine.errors import CaseError
from engine.facts._common import Facts, derives, shown
from engine.models import Case
from engine.money import to_fen
from engine.problems import entry
from rules import RuleSet


def _late_days(calendar: WorkingDayCalendar, node: str, deadline: date, submitted: date) -> int:
    """A node's late working days; a late node in a year the calendar does not cover is bad input."""
    try:
        return calendar.late_working_days(deadline, submitted)
    except CalendarGapError as exc:
        raise CaseError([entry([node, "submitted_on"], "calendar_gap", year=exc.year)]) from None


@derives("late_days")
def fees(case: Case, rs: RuleSet, f: Facts, calendar: WorkingDayCalendar) -> None:
    """Late working days of both nodes, and the deduction they cost (rounded to the fen before FEE-04)."""
    late: dict[str, int] = {}
    for name, node in (("plan", case.plan), ("draft", case.draft)):
        late[name] = _late_days(calendar, name, node.deadline, node.submitted_on) if node else 0
    total = late["plan"] + late["draft"]
    f.late_working_days = total
    f.engine["late_days"] = total
    rule = rs.param("fees.late_deduction")
    share = min(rule["rate_per_working_day"] * total, rule["cap"])
    f.deduction = to_fen(case.commission.contract_fee * share)
    f.trace["FEE-02"] = {
        "plan_late_days": late["plan"],
        "draft_late_days": late["draft"],
        "late_working_days": total,
    }
    f.trace["FEE-03"] = {
        "contract_fee": str(case.commission.contract_fee),
        "rate_per_working_day": shown(rs)["rate_per_working_day"],
        "cap": shown(rs)["cap"],
        "late_working_days": total,
        "share": str(share),
        "deduction": str(f.deduction),
    }
    f.trace["FLW-04"] = {"late_working_days": total, "threshold": rs.param("followups.late_violation_days")}
