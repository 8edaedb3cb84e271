"""Markup written in Python (a chart's data table rows, the period selector's options, NHS.UK's
summary list) is what the Jinja it replaced writes, to the byte: the old loops and the NHS.UK
macro are the references."""

import pytest
from django.template import engines
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment
from markupsafe import Markup

from bettercare.charts import Chart
from bettercare.web.presenters import (
    chart_table_rows,
    header_params,
    period_options,
    site_header,
    summary_list,
)

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


def _macro(params):
    """NHS.UK frontend's own summaryList, in the site's Jinja environment."""
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    template = env.from_string(
        '{% from "nhsuk/components/summary-list/macro.jinja" import summaryList %}'
        "{{ summaryList(params) }}"
    )
    return template.render(params=params)


words = st.text(alphabet=st.sampled_from("ab <>&\"' \n\t–"), max_size=12)
cell = st.one_of(
    st.builds(lambda text: {"text": text}, st.one_of(words, st.just(""), st.integers(0, 3))),
    st.builds(lambda html: {"html": html}, st.one_of(words, st.just(""))),
    st.builds(lambda text: {"text": Markup(text)}, words),
)
rows = st.lists(st.fixed_dictionaries({"key": cell, "value": cell}), max_size=5)


@given(rows)
def test_the_summary_list_is_nhsuks_macros_output(rows):
    assert str(summary_list({"rows": rows})) == _macro({"rows": rows})


def test_a_summary_list_with_more_than_keys_and_values_is_refused():
    with pytest.raises(ValueError, match="only 'rows'"):
        summary_list({"rows": [], "classes": "x"})
    with pytest.raises(ValueError, match="row 0 must have just a key and a value"):
        summary_list({"rows": [{"key": {"text": "k"}, "value": {"text": "v"}, "actions": {}}]})
    with pytest.raises(ValueError, match="row 0 key"):
        summary_list({"rows": [{"key": "k", "value": {"text": "v"}}]})


#: The header base.jinja wrote with NHS.UK's macro, the reference.
HEADER = """{% from "nhsuk/components/header/macro.jinja" import header %}
{%- set account_items = [] -%}
{%- if name is not none -%}
  {%- set account_items = [{"text": name, "icon": true}] + links -%}
{%- endif -%}
{{ header({
    "containerClasses": "bc-wide-container",
    "service": {"text": "bettercare", "href": "/"},
    "account": {"items": account_items} if account_items else none,
    "navigation": {"items": navigation} if navigation else none
  }) }}"""

link = st.tuples(st.sampled_from(["/alerts/", "/accounts/logout/", "/a?b=1&c=<2>"]), words)
navigation = st.one_of(
    st.none(), st.lists(st.fixed_dictionaries({"href": st.just("/x/"), "text": words}), max_size=2)
)


@given(st.one_of(st.none(), words), st.lists(link, max_size=2), navigation)
def test_the_site_header_is_nhsuks_macros_output(name, links, nav):
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    expected = env.from_string(HEADER).render(
        name=name, links=[{"href": h, "text": t} for h, t in links], navigation=nav
    )
    written = env.from_string("{{ site_header(name, links, navigation) }}").render(
        name=name, links=tuple(links), navigation=nav
    )
    assert written == expected
    assert site_header is env.globals["site_header"]
    assert header_params(name, tuple(links), nav)["account"] == (
        None
        if name is None
        else {"items": [{"text": name, "icon": True}] + [{"href": h, "text": t} for h, t in links]}
    )
