"""The South Kent Coast 2014 plan: imports with its warnings and round-trips losslessly."""

import filecmp
import shutil

import pytest

from bettercare.web.finance.models import SchemeFinance
from bettercare.web.performance.models import MetricValue
from bettercare.web.programmes.exports import export_workbook
from bettercare.web.programmes.imports import import_workbook
from bettercare.web.programmes.models import Area, Scheme

pytestmark = pytest.mark.django_db


def test_imports_with_the_four_published_value_warnings(south_kent_coast, importer):
    result = import_workbook(south_kent_coast, by=importer)
    assert result.ok
    assert result.written
    assert [(m.sheet, m.row, m.column) for m in result.warnings] == [
        ("metric_values", 2, "value"),
        ("metric_values", 3, "value"),
        ("metric_values", 6, "value"),
        ("metric_values", 7, "value"),
    ]
    assert str(result.warnings[0]) == (
        "warning: metric_values.csv, sheet metric_values, row 2, column value: published value "
        "156.2 does not match numerator / denominator x multiplier = 358 / 43,636 x 100,000 = "
        "820.42; the published value is kept (got '156.2')"
    )
    kent = Area.objects.get(code="E10000016")
    assert kent.programme.name == "South Kent Coast Better Care Fund plan 2014-16"
    assert Scheme.objects.filter(area=kent).count() == 6
    baseline = MetricValue.objects.get(metric__code="skc_perm_admissions", kind="baseline")
    assert (baseline.numerator, baseline.denominator, baseline.value) == (358, 43636, 156.2)
    assert baseline.warnings == [
        "published value 156.2 does not match numerator / denominator x multiplier = "
        "358 / 43,636 x 100,000 = 820.42; the published value is kept"
    ]
    reablement = MetricValue.objects.get(metric__code="skc_reablement_91", kind="baseline")
    assert reablement.value == 88.1  # "88.10%" for a percentage
    spend = sum(
        f.total for f in SchemeFinance.objects.filter(financial_year="2015-16", line="spend")
    )
    assert spend == 13_283_000
    history = baseline.history.get()
    assert history.history_user == importer
    assert history.history_change_reason == "imported from south-kent-coast-2014"


def test_reimporting_changes_nothing(south_kent_coast, importer):
    import_workbook(south_kent_coast, by=importer)
    versions = list(MetricValue.objects.values_list("pk", "version"))
    history = MetricValue.history.count()
    again = import_workbook(south_kent_coast, by=importer)
    assert {sheet: (c.created, c.updated) for sheet, c in again.counts.items()} == dict.fromkeys(
        again.counts, (0, 0)
    )
    assert list(MetricValue.objects.values_list("pk", "version")) == versions
    assert MetricValue.history.count() == history


def test_round_trip_is_lossless(south_kent_coast, importer, tmp_path):
    import_workbook(south_kent_coast, by=importer)
    kent = Area.objects.get(code="E10000016")
    first = export_workbook(kent, tmp_path / "first")
    workbook = export_workbook(kent, tmp_path / "plan.xlsx")
    # Into an empty database, from the .xlsx, then out again as CSV: the same files.
    MetricValue.objects.all().delete()
    SchemeFinance.objects.all().delete()
    Scheme.objects.all().delete()
    Area.objects.all().delete()
    result = import_workbook(workbook, by=importer)
    assert result.ok, [str(m) for m in result.errors]
    second = export_workbook(Area.objects.get(code="E10000016"), tmp_path / "second")
    comparison = filecmp.dircmp(first, second)
    assert comparison.left_list == comparison.right_list
    assert comparison.diff_files == []
    assert sorted(p.name for p in first.iterdir()) == sorted(
        f"{name}.csv"
        for name in (
            "programme",
            "funding",
            "schemes",
            "scheme_delivery_chain",
            "scheme_finance",
            "metrics",
            "metric_values",
            "risks",
            "pay_for_performance",
            "plan_details",
            "plan_sign_offs",
            "national_conditions",
        )
    )
    shutil.rmtree(tmp_path)
