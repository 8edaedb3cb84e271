"""The year-to-date sentence (ADR 0094): the board paper's words, polarity said, not coloured."""

from bettercare.core.periods import Month
from bettercare.core.year_to_date import MonthlyActual, year_to_date
from bettercare.reports.positions import year_to_date_line

MONTHS = [Month(2017, 4) + i for i in range(5)]
ADMISSIONS = (5480.0, 5330.0, 5360.0, 5420.0, 5323.0)
PLANNED = (5100.0, 5000.0, 5050.0, 5046.0, 5000.0)


def line(polarity="lower_is_better", actuals=ADMISSIONS, planned=PLANNED):
    ytd = year_to_date(
        "count",
        multiplier=1,
        polarity=polarity,
        month=MONTHS[-1],
        actuals={m: MonthlyActual(v) for m, v in zip(MONTHS, actuals, strict=True) if v},
        targets=dict(zip(MONTHS, planned, strict=True)),
    )
    assert ytd is not None
    return year_to_date_line(ytd)


def test_the_board_papers_sentence():
    ytd = line()
    assert (ytd.first_label, ytd.last_label, ytd.months) == ("April 2017", "August 2017", 5)
    assert ytd.sentence == (
        "Year to date (April to August 2017): 26,913 against 25,196 planned, a variance "
        "of +1,717 (6.8% above plan, where fewer is better)."
    )


def test_below_plan_where_more_is_better():
    ytd = line("higher_is_better", planned=(5500.0, 5500.0, 5500.0, 5500.0, 5500.0))
    assert ytd.position == "below"
    assert ytd.better_than_plan is False
    assert ytd.sentence == (
        "Year to date (April to August 2017): 26,913 against 27,500 planned, a variance "
        "of -587 (2.1% below plan, where more is better)."
    )


def test_missing_months_are_named():
    ytd = line(actuals=(5480.0, 5330.0, 5360.0, 0.0, 5323.0))
    assert ytd.missing == ("July 2017",)
    assert ytd.missing_actual == ("July 2017",)
    assert ytd.sentence.endswith("July 2017 has no actual and is left out of both figures.")
    assert "21,493 against 20,150 planned" in ytd.sentence


def test_the_variance_said_adds_up_with_the_whole_numbers_said():
    # 10.4 against 5.6: the sentence says 10 against 6, so a variance of +4 (not +5).
    ytd = line(actuals=(10.4, 0, 0, 0, 0), planned=(5.6, 1, 1, 1, 1))
    assert "10 against 6 planned, a variance of +4" in ytd.sentence


def test_months_without_an_actual_and_without_a_target_are_named_apart():
    ytd = year_to_date(
        "count",
        multiplier=1,
        polarity="lower_is_better",
        month=MONTHS[-1],
        actuals={m: MonthlyActual(v) for m, v in zip(MONTHS[:4], ADMISSIONS, strict=False)},
        targets=dict(zip(MONTHS[1:], PLANNED[1:], strict=True)),
    )
    assert ytd is not None
    assert year_to_date_line(ytd).sentence == (
        "Year to date (May to July 2017): 16,110 against 15,096 planned, a variance of +1,014 "
        "(6.7% above plan, where fewer is better). August 2017 has no actual and is left out "
        "of both figures. April 2017 has no target and is left out of both figures."
    )


def test_several_months_are_listed():
    ytd = line(actuals=(5480.0, 5330.0, 0.0, 0.0, 5323.0))
    assert ytd.sentence.endswith(
        "June 2017 and July 2017 have no actual and are left out of both figures."
    )
