"""Markup written in Python (a chart's data table rows, the period selector's options) is what
the Jinja loops it replaced wrote, to the byte: the old loops are the references."""

from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment

from bettercare.charts import Chart
from bettercare.web.presenters import chart_table_rows, period_options

#: The loop chart.jinja had, the reference.
LOOP = Environment(autoescape=True).from_string(
    """{% for row in chart.table_rows %}
        <tr>{% for cell in row %}{% if loop.first %}<th scope="row">{{ cell }}</th>{% else %}<td>{{ cell }}</td>{% endif %}{% endfor %}</tr>
      {% endfor %}"""
)

cells = st.text(alphabet=st.sampled_from("a1 <>&\"'–£%."), max_size=6)


@given(st.lists(st.lists(cells, min_size=1, max_size=5).map(tuple), max_size=6).map(tuple))
def test_the_rows_are_the_loops_output(rows):
    chart = Chart(svg="<svg/>", title="t", description="d", table_headers=(), table_rows=rows)
    assert str(chart_table_rows(chart)) == LOOP.render(chart=chart)


def test_a_worked_example():
    chart = Chart(
        svg="<svg/>",
        title="t",
        description="d",
        table_headers=("Month", "Value"),
        table_rows=(("Apr 2017", "1 < 2 & 'A&E'"),),
    )
    assert str(chart_table_rows(chart)) == (
        '\n        <tr><th scope="row">Apr 2017</th><td>1 &lt; 2 &amp; &#39;A&amp;E&#39;</td></tr>'
        "\n      "
    )


#: The loop layouts/area.jinja had, the reference (``period`` a ReportingPeriod or None).
OPTIONS = Environment(autoescape=True).from_string(
    """{% for group in period_choices %}
                <optgroup label="{{ group.year }}">
                  {% for choice in group.months %}
                    <option value="{{ choice.month }}" {% if period and choice.month == period.reporting_month|string %}selected{% endif %}>{{ choice.label }} ({{ choice.state_label | lower }})</option>
                  {% endfor %}
                </optgroup>
              {% endfor %}"""
)


class _Period:
    def __init__(self, month: str) -> None:
        self.reporting_month = month


choice = st.fixed_dictionaries(
    {
        "month": st.sampled_from(["2017-08", "2017-09", "2018-01"]),
        "label": cells,
        "state": st.just("open"),
        "state_label": st.sampled_from(["Open", "Not opened", "Signed off", "A&B <X>"]),
    }
)
groups = st.lists(
    st.fixed_dictionaries({"year": cells, "months": st.lists(choice, max_size=4)}), max_size=4
)


@given(groups, st.sampled_from([None, "2017-08", "2018-01", "2099-01"]))
def test_the_period_options_are_the_loops_output(choices, selected):
    period = _Period(selected) if selected else None
    assert str(period_options(choices, selected)) == OPTIONS.render(
        period_choices=choices, period=period
    )
