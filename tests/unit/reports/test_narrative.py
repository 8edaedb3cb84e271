"""The performance summary's sentences: significance is claimed only with an interval."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bettercare.formatting import COMPARISON_WORDS, comparison_words
from bettercare.reports.model import MetricLine
from bettercare.reports.narrative import metric_sentences, metric_summary

COMPARISONS = ("significantly_better", "better", "worse", "significantly_worse")


def line(**fields):
    values = {
        "code": "bcf_falls_injuries_65",
        "name": "Injuries due to falls in people aged 65 and over",
        "unit": "dsr",
        "multiplier": 100_000.0,
        "polarity": "lower_is_better",
        "period_start": date(2016, 4, 1),
        "period_end": date(2017, 3, 31),
        "period_label": "2016-17",
        "numerator": None,
        "denominator": None,
        "value": 165.3,
        "lower": None,
        "upper": None,
        "method": "published value",
        "target": 140.48,
        "comparison": "worse",
        "data_rag": "A",
        "direction": None,
        "variation_icon": None,
        "assurance_icon": None,
        "forecast": None,
    }
    return MetricLine(**(values | fields))


def test_a_published_value_without_an_interval_is_worse_but_not_called_significant():
    assert metric_sentences(line()) == [
        "In 2016-17 the figure was an age-standardised rate of 165.30 per 100,000.",
        "Performance is worse than the target of 140.48; with no numerator and denominator "
        "there is no confidence interval, so significance cannot be judged. It is rated AMBER.",
    ]


def test_a_value_with_a_numerator_but_no_interval_says_so_without_blaming_the_numerator():
    summary = metric_summary(line(unit="mean", numerator=12.0, comparison="better"))
    assert (
        "Performance is better than the target of 140.5; there is no confidence interval "
        "for this value, so significance cannot be judged."
    ) in summary


def test_with_an_interval_the_comparison_is_judged_by_it():
    sentences = metric_sentences(
        line(
            unit="rate",
            numerator=1611.0,
            denominator=546_195.0,
            value=294.95,
            lower=280.72,
            upper=309.71,
            target=278.57,
            comparison="significantly_worse",
            data_rag="R",
            period_label="August 2017",
        )
    )
    assert sentences[1] == (
        "Performance is statistically significantly worse than the target of 278.57, with a "
        "95% confidence interval of 280.72 to 309.71. It is rated RED."
    )
    within = metric_summary(line(lower=130.0, upper=170.0, numerator=40.0, comparison="worse"))
    assert "worse than, but not significantly different from, the target of 140.48" in within


def test_comparison_words_claim_significance_only_with_an_interval():
    for comparison in COMPARISONS:
        assert comparison_words(comparison, has_interval=True) == COMPARISON_WORDS[comparison]
        words = comparison_words(comparison, has_interval=False)
        assert "significant" not in words
        assert words == ("better than" if "better" in comparison else "worse than")


@given(
    comparison=st.sampled_from(COMPARISONS),
    value=st.floats(0, 1e6, allow_nan=False),
    target=st.floats(0, 1e6, allow_nan=False),
    numerator=st.none() | st.floats(0, 1e6, allow_nan=False),
    unit=st.sampled_from(("rate", "proportion", "count", "dsr", "mean")),
)
def test_no_sentence_without_an_interval_mentions_significance(
    comparison, value, target, numerator, unit
):
    summary = metric_summary(
        line(comparison=comparison, value=value, target=target, numerator=numerator, unit=unit)
    )
    assert "significant" not in summary.lower()
    assert "significance cannot be judged" in summary


def test_additional_information_says_how_recent_the_data_are_and_the_baseline():
    from bettercare.core.periods import Month
    from bettercare.reports.narrative import additional_information

    found = additional_information(
        line(baseline=168.2, baseline_label="2013-14"), Month(2017, 8), ""
    )
    assert found == (
        "The latest data are for 2016-17, 5 months before August 2017.",
        "The baseline (2013-14) is 168.20.",
    )


def test_additional_information_of_the_report_month_and_the_spc_reading():
    from bettercare.core.periods import Month
    from bettercare.reports.narrative import additional_information

    monthly = line(
        period_start=date(2017, 8, 1), period_end=date(2017, 8, 31), period_label="August 2017"
    )
    assert additional_information(monthly, Month(2017, 8), "Common cause: no rule fires.") == (
        "The latest data are for August 2017, up to the report month.",
        "SPC reading: Common cause: no rule fires.",
    )
    # With no report month and no chart: nothing is said that no figure backs.
    assert additional_information(monthly) == ()


def test_additional_information_of_a_metric_awaiting_data():
    from bettercare.core.periods import Month
    from bettercare.reports.narrative import additional_information

    awaiting = line(status="awaiting_data", value=None, comparison=None, data_rag="NA")
    assert additional_information(awaiting, Month(2017, 8)) == (
        "The first figure will cover 2016-17.",
    )
