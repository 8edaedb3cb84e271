"""Server-rendered, accessible SVG charts for the web pages and the PDF and HTML board packs.

Every chart is a :class:`Chart`: self-contained SVG markup (no scripts, fonts, images or
links, so WeasyPrint and a saved HTML file draw it as the browser does), its title and a
short description for screen readers, and its data as a table to show alongside. The same
input always gives the same markup, so charts can be cached and compared.

- :func:`spc_chart` - the Making Data Count XmR chart with its icons;
- :func:`sparkline` and :func:`progress_bar` - small charts for tables and cards;
- :func:`risk_heatmap` - the 5x5 likelihood x impact matrix;
- :func:`milestone_timeline` - baseline and revised dates with the slippage between;
- :func:`trajectory_chart` - a plan's target trajectory and baseline, with any actuals;
- :func:`league_table` and :func:`bar_comparison` - areas and funding streams compared;
- :func:`funnel_chart` and :func:`spine_chart` - areas against their peers (PHE funnel plot,
  Fingertips spine chart).
"""

from bettercare.charts.bars import bar_comparison
from bettercare.charts.base import Chart
from bettercare.charts.comparison import LeagueRow, league_table
from bettercare.charts.funnel import FunnelPoint, SpineLine, funnel_chart, spine_chart
from bettercare.charts.risk import HeatmapRisk, risk_heatmap
from bettercare.charts.small import progress_bar, sparkline
from bettercare.charts.spc import spc_chart
from bettercare.charts.timeline import TimelineMilestone, milestone_timeline
from bettercare.charts.trajectory import PlanPoint, trajectory_chart

__all__ = [
    "Chart",
    "FunnelPoint",
    "HeatmapRisk",
    "LeagueRow",
    "PlanPoint",
    "SpineLine",
    "TimelineMilestone",
    "bar_comparison",
    "funnel_chart",
    "league_table",
    "milestone_timeline",
    "progress_bar",
    "risk_heatmap",
    "sparkline",
    "spc_chart",
    "spine_chart",
    "trajectory_chart",
]
