"""Statuses proposed from a workbook's own data: the validator warns where a status differs
from its proposal and no reason is given, as the return form says it (ADR 0108)."""

import textwrap
from datetime import date

from bettercare.core.periods import Month
from bettercare.core.summary import MetricSpec
from bettercare.workbook import Known, read_workbook, validate_workbook
from bettercare.workbook.proposals import RowProposer

KENT = "E10000016"
SHEETS = {
    "programme": """\
        area_code,area_name,area_type
        E10000016,Kent,HWB
    """,
    "schemes": """\
        area_code,ref,name,enabler,start_date,metrics_impacted
        E10000016,S1,Rapid response,N,2017-04-01,falls
        E10000016,S2,Shared records,Y,,
    """,
    "scheme_finance": """\
        area_code,scheme_ref,financial_year,line,recurrent,non_recurrent
        E10000016,S1,2017-18,spend,"2,000,000","250,000"
        E10000016,S1,2017-18,benefit,"-120,000",
    """,
    "metrics": """\
        code,name,unit,multiplier,polarity,frequency
        falls,Falls at home,count,1,lower_is_better,month
    """,
    "metric_values": """\
        area_code,metric_code,period_start,period_end,kind,numerator,denominator,value
        E10000016,falls,2017-04-01,2018-03-31,baseline,,,500
        E10000016,falls,2017-04-01,2018-03-31,target,,,480
        E10000016,falls,2017-08-01,2017-08-31,actual,41,,
    """,
    # Due 30 June, revised to 31 August and not done: 62 days late at the end of August.
    "milestones": """\
        area_code,ref,scheme_ref,title,baseline_date,revised_date,completed_date
        E10000016,M1,S1,Recruit the night team,2017-06-30,2017-08-31,
    """,
}
HEADER = "area_code,period,scheme_ref,dimension,status,commentary,additional_information\n"
EXPECTED = "expected the proposed status, or commentary or additional information saying why not"


def check(tmp_path, status_rows, known=None, **sheets):
    folder = tmp_path / "plan"
    folder.mkdir(parents=True, exist_ok=True)
    sheets = {**SHEETS, **sheets}
    sheets["status_updates"] = HEADER + "".join(f"{row}\n" for row in status_rows)
    for name, text in sheets.items():
        if text is None:
            continue
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return validate_workbook(read_workbook(folder), known)


def texts(validated):
    return [str(message) for message in validated.messages]


def test_statuses_that_agree_with_their_proposals_import_cleanly(tmp_path):
    validated = check(
        tmp_path,
        [
            "E10000016,2017-08,S1,milestones,R,Night team 62 days late; agency cover,",
            "E10000016,2017-08,S1,metrics,A,41 falls against 40 planned for August,",
            # No forecast outturn in a workbook: the finance status is the lead's alone.
            "E10000016,2017-08,S1,finance,G,,",
            "E10000016,2017-08,S2,savings,E,,",
            "E10000016,2017-08,S2,metrics,E,,",
            "E10000016,2017-08,S2,finance,NA,,",
        ],
    )
    assert texts(validated) == []


def test_a_status_other_than_the_proposal_without_a_reason_is_a_warning(tmp_path):
    validated = check(
        tmp_path,
        [
            "E10000016,2017-08,S1,milestones,G,,",
            "E10000016,2017-08,S1,metrics,G,,",
            "E10000016,2017-08,S2,finance,G,,",
        ],
    )
    assert validated.ok
    assert texts(validated) == [
        "warning: status_updates.csv, sheet status_updates, row 2, column status: is Green but "
        "the data propose Red (from 1 milestone(s) at the end of August 2017) and no reason is "
        f"given (got 'G'); {EXPECTED}",
        "warning: status_updates.csv, sheet status_updates, row 3, column status: is Green but "
        "the data propose Amber (from Falls at home: 41.00 against a target of 40.00) and no "
        f"reason is given (got 'G'); {EXPECTED}",
        "warning: status_updates.csv, sheet status_updates, row 4, column status: is Green but "
        f"the data propose N/A (from no budget for 2017-18) and no reason is given (got 'G'); "
        f"{EXPECTED}",
    ]
    assert validated.rows("status_updates")[0].warnings == [
        "is Green but the data propose Red (from 1 milestone(s) at the end of August 2017) and "
        "no reason is given"
    ]


def test_commentary_or_the_returns_additional_information_is_a_reason(tmp_path):
    validated = check(
        tmp_path,
        [
            "E10000016,2017-08,S1,milestones,G,Replanned with the board in July,",
            # The return's additional information may be given on any of its rows.
            "E10000016,2017-08,S1,metrics,G,,The scheme's own activity is on plan",
            "E10000016,2017-08,S1,finance,G,,",
        ],
    )
    assert texts(validated) == []


def test_nothing_is_proposed_from_sheets_the_workbook_does_not_carry(tmp_path):
    # Without a milestones sheet nothing says the milestone is late; without the schemes
    # sheet (a monthly return of schemes held elsewhere) nothing is proposed at all.
    validated = check(tmp_path, ["E10000016,2017-08,S1,milestones,G,,"], milestones=None)
    assert texts(validated) == []
    held = Known(areas={KENT}, schemes={(KENT, "S1"): date(2017, 4, 1), (KENT, "S2"): None})
    only_returns = check(
        tmp_path / "returns",
        ["E10000016,2017-08,S1,milestones,G,,", "E10000016,2017-08,S2,finance,G,,"],
        known=held,
        schemes=None,
    )
    assert texts(only_returns) == []


def test_the_row_proposer_reads_text_or_typed_rows_alike():
    """Demo rows (text years, float amounts) and parsed workbook rows (FinancialYear,
    Decimal) give the same facts."""
    spec = MetricSpec("falls", "Falls", "count", 1.0, "lower_is_better", "month")
    scheme = {"area_code": KENT, "ref": "S1", "enabler": False, "metrics_impacted": ()}
    demo = RowProposer(
        {
            "schemes": [scheme],
            "scheme_finance": [
                {
                    "area_code": KENT,
                    "scheme_ref": "S1",
                    "financial_year": "2017-18",
                    "line": "benefit",
                    "recurrent": -120000.0,
                    "non_recurrent": None,
                }
            ],
        },
        {"falls": spec},
    )
    facts = demo.facts(KENT, "S1", Month(2017, 8))
    assert (facts.budget, facts.savings_planned, facts.milestone_slippage) == (None, 120000, ())
    assert demo.propose(KENT, "S1", Month(2017, 8))["savings"].basis == (
        "Enter the savings achieved to date to compare them with the plan of £120,000 for the year."
    )
