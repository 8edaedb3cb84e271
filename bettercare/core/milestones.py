"""Which milestones a report for a month lists, and in what order.

A milestone belongs to the plan of the financial year its baseline date falls in. A report
for month ``P`` lists the milestones of the plan in force at ``P`` (the financial year of
``P``), and the earlier years' milestones still open when that year began (carried over);
it never lists a later year's milestones, whose plan is not yet in force: counted at ``P``
their revised dates would read as slippage the report period knows nothing of (ADR 0111).

Every place that lists or counts milestones for a month (the highlight report, the
milestone and scheme pages, the API, the slipped-milestone alert and the scheme return's
suggested status) asks :func:`milestone_in_report`, so they all agree.
"""

from __future__ import annotations

from datetime import date

from bettercare.core.ordering import Part, natural_key
from bettercare.core.periods import FinancialYear, Month

__all__ = [
    "ACTIVITY_GROUPS",
    "ACTIVITY_GROUP_LABELS",
    "MAX_ACTIVITY_LENGTH",
    "activity_group",
    "activity_month_problem",
    "activity_months",
    "activity_problem",
    "milestone_in_report",
    "milestone_order",
    "milestone_year",
]

#: The groups of the highlight report's "key activity over the next three months", in the
#: seed's order (BCF Programme Management, BCF Schemes, BCF Enablers).
ACTIVITY_GROUPS = ("programme", "schemes", "enablers")
ACTIVITY_GROUP_LABELS = {
    "programme": "Programme management",
    "schemes": "Schemes",
    "enablers": "Enablers",
}
#: A planned activity is one line of the report.
MAX_ACTIVITY_LENGTH = 500


def activity_group(scheme_ref: str | None, *, enabler: bool) -> str:
    """The next-three-months group of a milestone: the programme's own (no scheme), an
    enabler scheme's, or a service scheme's."""
    if scheme_ref is None:
        return "programme"
    return "enablers" if enabler else "schemes"


def activity_problem(group: str, text: str) -> str | None:
    """Why a planned activity cannot be recorded (None when it can)."""
    if group not in ACTIVITY_GROUPS:
        return (
            f"group must be one of {', '.join(ACTIVITY_GROUPS)} "
            f"({', '.join(ACTIVITY_GROUP_LABELS.values())}), got {group!r}"
        )
    if not text.strip():
        return "Describe the activity: the text is blank."
    if len(text) > MAX_ACTIVITY_LENGTH:
        return (
            f"An activity is one line of the report: at most {MAX_ACTIVITY_LENGTH} characters, "
            f"got {len(text)}."
        )
    return None


def activity_months(period: Month) -> tuple[Month, Month, Month]:
    """The three months after a report's period, in which its planned activities fall."""
    return (period + 1, period + 2, period + 3)


def activity_month_problem(period: Month, month: Month | None) -> str | None:
    """Why ``month`` cannot be a planned activity's month in the report for ``period`` (None
    when it can). No month is allowed: the activity runs "during the three months"."""
    if month is None:
        return None
    months = activity_months(period)
    if month not in months:
        return (
            f"The activity's month must be one of the three after {period.label} "
            f"({', '.join(str(m) for m in months)}) or blank, got {month}."
        )
    return None


def milestone_year(baseline: date) -> FinancialYear:
    """The financial year whose plan a milestone belongs to: that of its baseline date."""
    return FinancialYear.of(baseline)


def milestone_in_report(baseline: date, *, completed: date | None, month: Month) -> bool:
    """Whether a report for ``month`` lists the milestone.

    Parameters
    ----------
    baseline : date
        The milestone's baseline (planned) date; its financial year is the plan it belongs to.
    completed : date or None
        When it was completed, if it has been.
    month : Month
        The report's month.

    Returns
    -------
    bool
        True for a milestone of the year in force at ``month`` (whether due before or after
        the month, done or not), and for an earlier year's milestone not completed before the
        year in force began; False for a later year's milestone and for an earlier year's
        milestone completed before the year in force.

    Examples
    --------
    >>> from datetime import date
    >>> august = Month(2017, 8)
    >>> milestone_in_report(date(2018, 3, 31), completed=None, month=august)
    True
    >>> milestone_in_report(date(2018, 4, 1), completed=None, month=august)
    False
    >>> milestone_in_report(date(2017, 3, 31), completed=date(2017, 3, 31), month=august)
    False
    >>> milestone_in_report(date(2017, 3, 31), completed=date(2017, 4, 1), month=august)
    True
    """
    in_force = month.financial_year
    year = milestone_year(baseline)
    if year.start_year > in_force.start_year:
        return False
    if year.start_year == in_force.start_year:
        return True
    return completed is None or completed >= in_force.start


def milestone_order(
    scheme_ref: str | None, due: date, ref: str
) -> tuple[bool, tuple[tuple[Part, ...], str], date, tuple[tuple[Part, ...], str]]:
    """The sort key of a report's milestone table, as the highlight report orders it.

    Programme milestones (no scheme) first, then each scheme's in the natural order of the
    scheme references ("BCF 2" before "BCF 10"); within each, by baseline date, then ref.
    """
    return (
        scheme_ref is not None,
        natural_key(scheme_ref or ""),
        due,
        natural_key(ref),
    )
