"""The registry's BCF years: frameworks, headline metrics carried forward, funding streams."""

import shutil
import textwrap
from datetime import date

import pytest

from bettercare.core.periods import FinancialYear
from bettercare.registry import DEFINITIONS, RegistryError, load_registry, load_years

HEADLINE = ("bcf_emergency_admissions_65", "bcf_discharge_delay", "bcf_care_home_admissions_65")
ALL_HEADLINE = f"[{', '.join(HEADLINE)}]"


def test_2025_26_has_its_own_three_headline_metrics():
    year = load_years()[FinancialYear(2025)]
    assert year.metrics == HEADLINE
    assert year.basis == "defined"
    assert not year.carried_forward
    assert year.framework.startswith("Better Care Fund policy framework 2025 to 2026")
    assert year.published == date(2025, 1, 30)


def test_2026_27_carries_the_2025_26_metrics_forward_with_a_review_date():
    years = load_years()
    year = years[FinancialYear(2026)]
    assert year.framework == "Better Care Fund framework 2026 to 2027"
    assert year.published == date(2026, 2, 17)
    assert year.source == (
        "https://www.gov.uk/government/publications/better-care-fund-framework-2026-to-2027"
    )
    assert year.carried_forward
    assert year.carried_forward_from == FinancialYear(2025)
    assert year.review_by == date(2027, 3, 31)
    assert year.metrics == years[FinancialYear(2025)].metrics
    assert "carried forward" in year.provenance
    assert year.file == "bcf-2026-2027.yaml"
    registry = load_registry()
    for code in year.metrics:
        assert registry[code].applies_in(FinancialYear(2026))
        assert registry[code].file == "bcf-2025-2026.yaml"  # defined once, not redefined


def test_funding_streams_are_named_as_each_year_names_them():
    years = load_years()
    before, now = years[FinancialYear(2025)], years[FinancialYear(2026)]
    assert [s.name for s in before.funding_streams] == [
        "NHS minimum contribution",
        "Local Authority Better Care Grant",
        "Disabled Facilities Grant (DFG)",
    ]
    assert before.stream("local_authority_better_care_grant").formerly == (
        "improved Better Care Fund (iBCF)"
    )
    assert before.stream("nhs_minimum_contribution").national_amount_million == 5614
    assert before.stream("local_authority_better_care_grant").national_amount_million == 2640
    assert before.stream("disabled_facilities_grant").national_amount_million == 711
    assert now.stream("local_authority_better_care_fund").name == (
        "Local Authority Better Care Fund"
    )
    assert "iBCF" in now.stream("local_authority_better_care_fund").formerly
    assert now.stream("disabled_facilities_grant").national_amount_million is None
    with pytest.raises(KeyError, match="'improved_bcf' is not a funding stream of 2026-27"):
        now.stream("improved_bcf")


def test_years_are_oldest_first():
    assert list(load_years()) == sorted(load_years())


# -- validation -------------------------------------------------------------------------------

YEAR = """\
defined_by: tests
reviewed_on: 2026-12-04
years:
  - year: {year}
    framework: A framework
    source: a source
    provenance: why
    basis: {basis}
{extra}    metrics: {metrics}
    funding_streams:
      - code: {stream}
        name: A stream
{more_streams}"""


def write_year(
    tmp_path,
    *,
    year="2027-28",
    basis="carried_forward",
    extra="    carried_forward_from: 2026-27\n    review_by: 2027-06-30\n",
    metrics=ALL_HEADLINE,
    stream="nhs_minimum_contribution",
    more_streams="",
    name="bcf-2027-2028.yaml",
):
    folder = tmp_path / "definitions"
    if not folder.exists():
        shutil.copytree(DEFINITIONS, folder)
    (folder / name).write_text(
        YEAR.format(
            year=year,
            basis=basis,
            extra=extra,
            metrics=metrics,
            stream=stream,
            more_streams=more_streams,
        ),
        encoding="utf-8",
    )
    return folder


def test_a_valid_years_only_file_loads(tmp_path):
    years = load_years(write_year(tmp_path))
    assert years[FinancialYear(2027)].metrics == HEADLINE
    assert len(load_registry(write_year(tmp_path))) == len(load_registry())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"metrics": "[bcf_emergency_admissions_65, bcf_discharge_delay, bcf_nonsense]"},
            "bcf-2027-2028.yaml, year 2027-28: metric 'bcf_nonsense' is not a metric in the "
            "registry",
        ),
        (
            {"metrics": "[bcf_emergency_admissions_65, bcf_discharge_delay]"},
            "year 2027-28: metric(s) bcf_care_home_admissions_65 apply in 2027-28 but are not in "
            "its metrics; list them, or end them with applies_to",
        ),
        (
            {"metrics": f"[{', '.join(HEADLINE)}, bcf_dtoc]"},
            "metric 'bcf_dtoc' applies 2014-15 to 2019-20 (bcf-2015-2020.yaml), not in 2027-28",
        ),
        (
            {"extra": "    carried_forward_from: 2026-27\n"},
            "carried_forward metrics need review_by (the year they come from and the date to "
            "review them by)",
        ),
        (
            {"extra": "    carried_forward_from: 2027-28\n    review_by: 2027-06-30\n"},
            "carried_forward_from 2027-28 must be a year before 2027-28",
        ),
        (
            {"extra": "    carried_forward_from: 2026-27\n    review_by: 2026-01-01\n"},
            "review_by 2026-01-01 must be after the file's reviewed_on 2026-12-04",
        ),
        (
            {"extra": "    carried_forward_from: 2024-25\n    review_by: 2027-06-30\n"},
            "metric 'bcf_emergency_admissions_65' is carried forward from 2024-25 but did not "
            "apply then (from 2025-26)",
        ),
        (
            {"basis": "guessed", "extra": ""},
            "basis must be one of defined, carried_forward; got 'guessed'",
        ),
        (
            {"basis": "defined"},
            "carried_forward_from is only for basis carried_forward",
        ),
        (
            {
                "year": "2026-27",
                "extra": "    carried_forward_from: 2025-26\n    review_by: 2027-06-30\n",
            },
            "year 2026-27: the year is already described in bcf-2026-2027.yaml",
        ),
        ({"year": "2027-29"}, "year 2027-29: year:"),
        ({"stream": "Improved BCF"}, "funding stream 1: code must be lower-case letters"),
        (
            {"more_streams": "      - code: nhs_minimum_contribution\n        name: Again\n"},
            "funding stream codes must be unique",
        ),
        (
            {"more_streams": "      - code: dfg\n        name: DFG\n        amount: 3\n"},
            "funding stream 2: unknown field(s) amount",
        ),
        (
            {
                "more_streams": "      - code: dfg\n        name: DFG\n"
                "        national_amount_million: 7.5\n"
            },
            "national_amount_million must be a whole number of £ millions, got 7.5",
        ),
        (
            {
                "extra": "    carried_forward_from: 2026-27\n    review_by: 2027-06-30\n"
                "    owner: x\n"
            },
            "unknown field(s) owner",
        ),
    ],
)
def test_bad_years_are_one_line_errors_naming_file_year_and_field(tmp_path, changes, message):
    folder = write_year(tmp_path, **changes)
    with pytest.raises(RegistryError) as raised:
        load_years(folder)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    with pytest.raises(RegistryError):
        load_registry(folder)  # the definitions are not loaded with inconsistent years


def test_a_file_needs_metrics_or_years(tmp_path):
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    (folder / "empty.yaml").write_text(
        textwrap.dedent("""\
            defined_by: tests
            reviewed_on: 2026-12-04
        """),
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match=r"^empty.yaml: metrics must be a non-empty list$"):
        load_registry(folder)


def test_the_improved_bcf_is_named_as_each_year_named_it():
    names = {str(year): entry.funding_streams[1].name for year, entry in load_years().items()}
    assert names == {
        "2023-24": "improved Better Care Fund (iBCF)",
        "2024-25": "improved Better Care Fund (iBCF)",
        "2025-26": "Local Authority Better Care Grant",
        "2026-27": "Local Authority Better Care Fund",
    }
    discharge = [
        str(year)
        for year, entry in load_years().items()
        if any(s.code == "discharge_fund" for s in entry.funding_streams)
    ]
    assert discharge == ["2023-24", "2024-25"]  # consolidated into the BCF from 2025-26
    for entry in load_years().values():
        assert entry.stream("disabled_facilities_grant").name == "Disabled Facilities Grant (DFG)"


def test_a_defined_year_may_have_a_review_date_and_dates_must_be_dates(tmp_path):
    folder = write_year(
        tmp_path,
        year="2027-28",
        basis="defined",
        extra="    review_by: 2027-09-30\n",
        metrics=ALL_HEADLINE,
    )
    year = load_years(folder)[FinancialYear(2027)]
    assert (year.basis, year.review_by, year.carried_forward_from) == (
        "defined",
        date(2027, 9, 30),
        None,
    )
    bad = write_year(
        tmp_path, basis="defined", extra="    published: soon\n", name="bcf-2027-2028.yaml"
    )
    with pytest.raises(
        RegistryError, match="published must be a date \\(YYYY-MM-DD\\), got 'soon'"
    ):
        load_years(bad)
