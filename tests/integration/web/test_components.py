"""NHS.UK's form components written once per process (``components.component``) are what the
macros write, to the byte: each macro, called in the site's Jinja environment as the form
templates called it, is the reference."""

from decimal import Decimal

from django.template import engines
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from bettercare.web.components import VALUE_MARK, component, macro_name


def _env():
    return engines["jinja2"].env  # type: ignore[attr-defined]


def _macro(name, params):
    """The component's macro imported and called in a template, as the pages did."""
    template = _env().from_string(
        f'{{% from "nhsuk/components/{name}/macro.jinja" import {macro_name(name)} %}}'
        f"{{{{ {macro_name(name)}(params) }}}}"
    )
    return template.render(params=params)


def _written(name, params):
    """The component as the pages call it now."""
    return _env().from_string("{{ component(name, params) }}").render(name=name, params=params)


words = st.text(alphabet=st.sampled_from("ab <>&\"' \n–£"), max_size=10)
text = st.one_of(words, words.map(Markup))
value = st.one_of(
    st.just(""),
    st.none(),
    words,
    words.map(Markup),
    st.integers(-5, 250_000),
    st.decimals(places=2, min_value=-10, max_value=10**6, allow_nan=False),
    st.floats(min_value=0, max_value=10**6, allow_nan=False),
    st.just(VALUE_MARK),
    st.just("x" + VALUE_MARK),
)
error = st.one_of(st.none(), st.builds(lambda t: {"text": t}, words))
flag = st.booleans()
status_choices = [("G", "Green"), ("A", "Amber"), ("R", "Red"), ("NA", "N/A"), ("E", "Enabler")]


@st.composite
def radios(draw):
    name = draw(st.sampled_from(["finance_status", "plan_status"]))
    current = draw(st.sampled_from([None, "", "G", "A", "NA", "E", "X"]))
    disabled = draw(flag)
    return {
        "idPrefix": name,
        "name": name,
        "classes": "nhsuk-radios--inline",
        "fieldset": {"legend": {"text": draw(text), "classes": "nhsuk-fieldset__legend--s"}},
        "errorMessage": draw(error),
        "items": [
            {"value": v, "text": t, "checked": v == current, "disabled": disabled}
            for v, t in draw(st.lists(st.sampled_from(status_choices), max_size=5))
        ],
    }


@st.composite
def textareas(draw):
    label = draw(
        st.one_of(
            st.builds(lambda t: {"text": t}, text),
            st.builds(lambda t: {"html": Markup(f"<span>{t}</span>")}, words),
            st.builds(lambda t: {"text": t, "classes": "nhsuk-label--m"}, words),
        )
    )
    return {
        "name": "plan_summary",
        "id": draw(st.sampled_from(["plan_summary", "additional_information"])),
        "label": label,
        "hint": draw(st.one_of(st.none(), st.builds(lambda t: {"text": t}, words))),
        "value": draw(value),
        "rows": draw(st.sampled_from([2, 3, 4])),
        "disabled": draw(flag),
        "errorMessage": draw(error),
    }


@st.composite
def inputs(draw):
    return {
        "label": {"text": draw(text)},
        "hint": {"text": draw(words)},
        **draw(st.sampled_from([{}, {"type": "date"}])),
        "id": "forecast_outturn",
        "name": "forecast_outturn",
        "value": draw(value),
        "classes": draw(st.sampled_from(["nhsuk-input--width-10", ""])),
        "disabled": draw(flag),
        "errorMessage": draw(error),
    }


@st.composite
def the_rest(draw):
    return draw(
        st.sampled_from(
            [
                ("button", {"text": draw(text)}),
                ("inset-text", {"text": draw(text)}),
                ("warning-callout", {"heading": draw(words), "text": draw(text)}),
                (
                    "error-summary",
                    {
                        "titleText": "There is a problem",
                        "errorList": [
                            {"text": t, "href": f"#{h}"}
                            for t, h in draw(st.lists(st.tuples(words, words), max_size=3))
                        ],
                    },
                ),
            ]
        )
    )


components = st.one_of(
    radios().map(lambda p: ("radios", p)),
    textareas().map(lambda p: ("textarea", p)),
    inputs().map(lambda p: ("input", p)),
    the_rest(),
)


@given(st.lists(components, min_size=1, max_size=3))
def test_a_component_is_its_macros_output(calls):
    # Several in a row: what one call remembers must not show in the next.
    for name, params in calls:
        assert _written(name, params) == _macro(name, params)
        assert _written(name, params) == _macro(name, params)  # remembered this time


def test_a_typed_value_is_escaped_where_it_stands():
    params = {"name": "n", "id": "n", "label": {"text": "L"}, "value": '1 < 2 & "three"'}
    written = str(component(_env(), "textarea", params))
    assert written == _macro("textarea", params)
    assert ">1 &lt; 2 &amp; &#34;three&#34;</textarea>" in written
    amount = {"id": "a", "name": "a", "label": {"text": "A"}, "value": Decimal("250000.50")}
    assert 'value="250000.50"' in str(component(_env(), "input", amount))


def test_parameters_that_are_not_plain_data_are_written_each_time():
    class Label:
        def __str__(self):
            return "a label"

    params = {"text": Label()}
    assert _written("button", params) == _macro("button", params)
    assert "a label" in _written("button", params)


def test_macro_names():
    assert macro_name("radios") == "radios"
    assert macro_name("error-summary") == "errorSummary"
    assert macro_name("warning-callout") == "warningCallout"
