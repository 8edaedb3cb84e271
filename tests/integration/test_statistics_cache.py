"""The statistics cache gives the same answers, and forgets them as soon as the data change."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bettercare.core.periods import Month
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.performance.queries import area_metric_summaries
from bettercare.web.programmes.models import Area
from bettercare.web.programmes.versioning import area_version, shared_version

pytestmark = pytest.mark.django_db
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@override_settings(CACHES=LOCMEM)
def test_cached_until_a_value_changes(registry):
    cache.clear()
    area = Area.objects.create(code="E10000018", name="Leicestershire", type="HWB")
    dtoc = Metric.objects.get(code="bcf_dtoc")
    value = MetricValue.objects.create(
        area=area, metric=dtoc, kind="actual", period_start="2017-08-01",
        period_end="2017-08-31", numerator=1611, denominator=546195,
    )  # fmt: skip
    month = Month(2017, 8)
    first = area_metric_summaries(area, month)
    assert round(first[0][1].estimate.value, 2) == 294.95
    with CaptureQueriesContext(connection) as queries:
        again = area_metric_summaries(area, month)
    assert len(queries.captured_queries) == 1  # the versions only: served from the cache
    assert again == first
    before = area_version(area.pk)

    value.numerator = 1500
    value.save()  # a change leaves history, so the area's version moves on
    assert area_version(area.pk) == before + 1
    assert round(area_metric_summaries(area, month)[0][1].estimate.value, 2) == round(
        1500 / 546195 * 100000, 2
    )


@override_settings(CACHES=LOCMEM)
def test_the_page_reports_forget_as_soon_as_anything_changes(registry, importer):
    from bettercare.web.programmes.actions import period_open, programme_status_save
    from bettercare.web.reporting import cached

    cache.clear()
    area = Area.objects.create(code="E06000017", name="Rutland", type="HWB")
    period = period_open(area=area, month=Month(2017, 8), by=importer)
    assert cached.highlight_report(period).statuses[0].status is None
    with CaptureQueriesContext(connection) as queries:
        assert cached.highlight_report(period).statuses[0].status is None
    assert len(queries.captured_queries) == 1  # the versions only: served from the cache

    before = (area_version(area.pk), shared_version())
    programme_status_save(
        period=period, statuses={"plan": ("A", "Night nursing late")}, seen_versions={},
        by=importer,
    )  # fmt: skip
    assert (area_version(area.pk), shared_version()) == (before[0] + 1, before[1])
    plan = cached.highlight_report(period).statuses[0]
    assert (plan.status, plan.summary) == ("A", "Night nursing late")


def test_imports_move_the_versions_of_the_areas_they_write_on(south_kent_coast, importer):
    from bettercare.web.programmes.imports import import_workbook

    bystander = Area.objects.create(code="E06000017", name="Rutland", type="HWB")
    before = (area_version(bystander.pk), shared_version())
    import_workbook(south_kent_coast, by=importer)
    imported = Area.objects.exclude(pk=bystander.pk).filter(type="HWB").get()
    assert area_version(imported.pk) > 0
    # The workbook's areas (new to the tree) and its local metrics move the shared version on
    # (once each); Rutland's stays.
    assert (area_version(bystander.pk), shared_version()) == (before[0], before[1] + 2)
