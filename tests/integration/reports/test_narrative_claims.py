"""Nothing in the demo's narrative is called significant (or not) without its interval."""

import re

import pytest

from bettercare.core.periods import Month
from bettercare.demo import LATEST
from bettercare.web.programmes.models import Area
from bettercare.web.reporting.common import metric_lines

pytestmark = pytest.mark.django_db

SIGNIFICANT = re.compile(r"\bsignificant(ly)?\b", re.IGNORECASE)
#: Every month the demo reports, from the first financial year with BCF metrics in force.
FIRST = Month(2015, 4)


def every_line():
    for area in Area.objects.filter(type="HWB").order_by("code"):
        month = FIRST
        while month <= LATEST:
            for line in metric_lines(area, month):
                yield area, month, line
            month = month + 1


def test_no_sentence_claims_significance_without_an_interval(demo):
    without, with_interval = [], []
    for area, month, line in every_line():
        if line.awaiting_data or line.value is None:
            continue
        has_interval = line.lower is not None and line.upper is not None
        where = f"{area.code} {month} {line.code}: {line.summary}"
        if has_interval:
            with_interval.append(line)
            continue
        without.append(line)
        assert not SIGNIFICANT.search(line.summary), where
        if line.target is not None and line.comparison is not None:
            assert "significance cannot be judged" in line.summary, where
    # Both kinds are in the demo, so the test has something to check either way.
    judged = [line for line in without if line.target is not None]
    assert judged, "no value without an interval has a target in the demo"
    assert any(SIGNIFICANT.search(line.summary) for line in with_interval)
