"""The report model's lines become the charts' own input types, field for field."""

from datetime import date

from bettercare.charts import HeatmapRisk, TimelineMilestone
from bettercare.reports.model import MilestoneLine, RiskLine


def test_a_milestone_line_gives_the_timeline_what_it_draws():
    line = MilestoneLine(
        ref="M7",
        title="Discharge to assess live",
        scheme_ref="BCF 3",
        baseline_date=date(2017, 6, 30),
        revised_date=date(2017, 8, 31),
        completed_date=None,
        slippage_days=62,
        status="R",
        comments="Waiting for the home care contract",
        id=12,
    )
    assert line.for_timeline() == TimelineMilestone(
        ref="M7",
        title="Discharge to assess live",
        baseline_date=date(2017, 6, 30),
        revised_date=date(2017, 8, 31),
        completed_date=None,
        slippage_days=62,
        status="R",
    )


def test_a_risk_line_gives_the_heat_map_what_it_draws():
    line = RiskLine(
        ref="R2",
        title="Care home capacity",
        description="Too few beds",
        mitigation="Block contract",
        owner="Commissioner",
        likelihood=4,
        impact=3,
        score=12,
        band="high",
        previous_score=9,
        trend="increased",
        scheme_ref="BCF 5",
        id=4,
        rating="medium",
    )
    assert line.for_heatmap() == HeatmapRisk(
        ref="R2",
        title="Care home capacity",
        likelihood=4,
        impact=3,
        score=12,
        band="high",
        trend="increased",
        rating="medium",
    )
