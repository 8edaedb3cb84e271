"""A chart's data table rows written in Python are what the Jinja loop wrote, to the byte."""

from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment

from bettercare.charts import Chart
from bettercare.web.presenters import chart_table_rows

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
