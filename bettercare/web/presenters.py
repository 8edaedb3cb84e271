"""Domain values to display values: RAG to NHS tag colours, pounds, arrows, dates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Environment, pass_environment
from jinja2.filters import do_indent, do_trim
from markupsafe import Markup, escape

from bettercare import formatting
from bettercare.charts import Chart
from bettercare.core.status import STATUS_LABELS
from bettercare.web.components import component

#: NHS.UK tag colour for each status.
TAG_COLOURS = {
    "G": "green",
    "A": "orange",
    "R": "red",
    "NA": "grey",
    "E": "blue",
    "Y": "green",
    "N": "red",
    "complete": "white",
    "open": "blue",
    "submitted": "yellow",
    "signed_off": "green",
    "not_opened": "grey",
}
TAG_TEXT: dict[str, str] = {
    **dict(STATUS_LABELS.items()),
    "Y": "Yes",
    "N": "No",
    "complete": "Complete",
    "open": "Open",
    "submitted": "Submitted",
    "signed_off": "Signed off",
    "not_opened": "Not opened",
}
CHANGE_ARROWS = {
    "better": ("↑", "better than last period"),
    "worse": ("↓", "worse than last period"),
    "same": ("↔", "no change from last period"),
}
RISK_TRENDS = {
    "increased": ("↑", "Increased"),
    "decreased": ("↓", "Decreased"),
    "no_change": ("↔", "No change"),
}
RISK_BAND_COLOURS = {"low": "green", "moderate": "yellow", "high": "orange", "extreme": "red"}
#: The plan's own High / Medium / Low rating in the usual traffic-light colours (words too).
RISK_RATING_COLOURS = {"high": "red", "medium": "yellow", "low": "green"}


def status_tag(status: str | None, text: str | None = None) -> Markup:
    """An NHS.UK tag for a RAG status or a period state (words, not only colour)."""
    if not status:
        return Markup('<span class="bc-missing">Not reported</span>')
    colour = TAG_COLOURS.get(status, "grey")
    label = text or TAG_TEXT.get(status, status)
    return Markup(
        f'<strong class="nhsuk-tag nhsuk-tag--{colour} bc-rag bc-rag--{escape(status)}">'
        f"{escape(label)}</strong>"
    )


def change_arrow(change: str | None) -> Markup:
    if change not in CHANGE_ARROWS:
        return Markup('<span class="bc-missing">–</span>')
    arrow, words = CHANGE_ARROWS[change]
    return Markup(
        f'<span class="bc-arrow bc-arrow--{change}" aria-hidden="true">{arrow}</span>'
        f'<span class="nhsuk-u-visually-hidden">{words}</span>'
    )


def direction(direction: str | None) -> Markup:
    if direction is None:
        return Markup('<span class="bc-missing">–</span>')
    arrow = formatting.DIRECTION_ARROWS[direction]
    words = formatting.DIRECTION_WORDS[direction]
    return Markup(
        f'<span class="bc-direction bc-direction--{direction}">'
        f'<span aria-hidden="true">{arrow}</span> {escape(words.capitalize())}</span>'
    )


def risk_trend(trend: str | None) -> Markup:
    if trend not in RISK_TRENDS:
        return Markup('<span class="bc-missing">–</span>')
    arrow, words = RISK_TRENDS[trend]
    return Markup(f'<span aria-hidden="true">{arrow}</span> {words}')


def risk_band(band: str | None, score: int | None, rating: str | None = None) -> Markup:
    """A risk's score and band as a tag; the plan's own rating beside it, or instead of it.

    A risk the plan rated but did not score shows its rating, marked as the plan's, never a
    score; "Not scored" is only for a risk with neither.
    """
    rated = ""
    if rating:
        rated = (
            f'<strong class="nhsuk-tag nhsuk-tag--{RISK_RATING_COLOURS[rating]} bc-risk-rating">'
            f"{rating.capitalize()}</strong>"
        )
    if band is None or score is None:
        if rating:
            return Markup(f'{rated} <span class="bc-provenance">Plan rating, not scored</span>')
        return Markup('<span class="bc-missing">Not scored</span>')
    colour = RISK_BAND_COLOURS[band]
    scored = f'<strong class="nhsuk-tag nhsuk-tag--{colour}">{score} {band.capitalize()}</strong>'
    if rating:
        return Markup(f'{scored} <span class="bc-provenance">Plan rating</span> {rated}')
    return Markup(scored)


def radio_items(
    choices: list[tuple[str, str]], current: str | None, disabled: bool = False
) -> list[dict[str, Any]]:
    """NHS.UK radios items from form choices, with the current one checked."""
    return [
        {"value": value, "text": text, "checked": value == current, "disabled": disabled}
        for value, text in choices
    ]


def form_errors(form: Any) -> list[dict[str, str]]:
    """An NHS.UK error summary's list from a Django form: each error linked to its field."""
    return [
        {"text": str(error), "href": f"#{name}" if name != "__all__" else "#maincontent"}
        for name, errors in form.errors.items()
        for error in errors
    ]


@lru_cache(maxsize=4096)
def sparkline(line: Any) -> Markup:
    """A metric line's recent trend as a word-sized SVG chart (or a dash without one).

    The chart depends only on the (frozen) line, so each is drawn once per process.
    """
    from bettercare.charts import sparkline as draw

    if not line.trend:
        return Markup('<span class="bc-missing">–</span>')
    chart = draw(
        line.trend,
        labels=line.trend_labels,
        title=f"{line.name}: recent trend",
        unit=line.unit,
        multiplier=line.multiplier,
        polarity=line.polarity,
        target=line.target,
        id_prefix="spark-" + re.sub(r"[^A-Za-z0-9_-]", "-", line.code),
    )
    return Markup(chart.svg)


def unread_alerts_label(request: Any) -> str:
    """The header's link to the alerts, with the number unread."""
    from bettercare.web.alerts.queries import unread_count

    access = getattr(request, "access", None)
    count = 0 if access is None else unread_count(access)
    return f"Alerts ({count} unread)" if count else "Alerts"


def header_params(
    name: str | None, links: tuple[tuple[str, str], ...], navigation: Any = None
) -> dict[str, Any]:
    """The site's parameters for NHS.UK's header: the signed-in user's name (None for no one)
    and their account links ((href, text) pairs)."""
    items = [{"text": name, "icon": True}, *({"href": h, "text": t} for h, t in links)]
    return {
        "containerClasses": "bc-wide-container",
        "service": {"text": "bettercare", "href": "/"},
        "account": {"items": items} if name is not None else None,
        "navigation": {"items": navigation} if navigation else None,
    }


def _header_macro(env: Environment) -> Any:
    return env.get_template("nhsuk/components/header/macro.jinja").module.header  # type: ignore[attr-defined]  # the template's macro


@lru_cache(maxsize=1024)
def _site_header(env: Environment, name: str | None, links: tuple[tuple[str, str], ...]) -> Markup:
    return Markup(_header_macro(env)(header_params(name, links)))


@pass_environment
def site_header(
    env: Environment, name: str | None, links: tuple[tuple[str, str], ...], navigation: Any = None
) -> Markup:
    """NHS.UK's header as its macro writes it for ``header_params``: without navigation, written
    once per process for each name and links (every page has one; ADR 0124)."""
    if navigation:
        return Markup(_header_macro(env)(header_params(name, links, navigation)))
    return _site_header(env, name, tuple(tuple(link) for link in links))


def chart_table_rows(chart: Chart) -> Markup:
    """The rows of a chart's data table, each cell escaped, as one piece of markup.

    What a Jinja loop over ``chart.table_rows`` wrote, to the byte (its whitespace included),
    without a template call per cell: a metric page's charts have hundreds of cells (ADR 0117).
    """
    rows = []
    for row in chart.table_rows:
        cells = [f'<th scope="row">{escape(row[0])}</th>' if row else ""]
        cells.extend(f"<td>{escape(cell)}</td>" for cell in row[1:])
        rows.append(f"\n        <tr>{''.join(cells)}</tr>\n      ")
    return Markup("".join(rows))


def period_options(choices: list[dict[str, Any]], selected: str | None) -> Markup:
    """The period selector's ``<optgroup>``s and ``<option>``s (``pages.period_choices``), the
    ``selected`` month (``YYYY-MM``) marked, as one piece of markup.

    What a Jinja loop wrote, to the byte (its whitespace included), without a template call
    per option: every area page offers every month since the plan began, and the loop was
    half of a cached overview's time (ADR 0117).
    """
    parts = []
    for group in choices:
        parts.append(
            f'\n                <optgroup label="{escape(group["year"])}">\n                  '
        )
        for choice in group["months"]:
            chosen = "selected" if selected is not None and choice["month"] == selected else ""
            state = escape(str(choice["state_label"]).lower())
            parts.append(
                f'\n                    <option value="{escape(choice["month"])}" {chosen}>'
                f"{escape(choice['label'])} ({state})</option>\n                  "
            )
        parts.append("\n                </optgroup>\n              ")
    return Markup("".join(parts))


def _summary_cell(cell: Any, where: str) -> str:
    """A summary-list key or value as the NHS.UK row template writes it inside its element."""
    if not isinstance(cell, Mapping) or not set(cell) <= {"text", "html"}:
        raise ValueError(f"summary_list: {where} must be {{'text': ...}} or {{'html': ...}}")
    if cell.get("html"):
        written = do_indent(do_trim(Markup(cell["html"])), 4)
    elif cell.get("text"):
        written = escape(do_indent(do_trim(cell["text"]), 4))
    else:
        return ""
    return f"\n    {written}\n  "


def summary_list(params: Mapping[str, Any]) -> Markup:
    """NHS.UK frontend's ``summaryList`` for rows of a key and a value (text or html) only, to
    the byte what the macro writes, without its two template calls and attribute macros per
    row: a metric page has thirty rows (ADR 0117). Anything else (actions, classes, cards)
    raises ``ValueError``: use the macro for those. A test compares it with the macro.
    """
    if set(params) != {"rows"}:
        raise ValueError("summary_list: only 'rows' is supported; use nhsuk's summaryList")
    rows = [row for row in params["rows"] if isinstance(row, Mapping)]
    written = []
    for number, row in enumerate(rows):
        if set(row) != {"key", "value"}:
            raise ValueError(f"summary_list: row {number} must have just a key and a value")
        markup = Markup(
            '<div class="nhsuk-summary-list__row"\n  >\n'
            '  <dt class="nhsuk-summary-list__key"\n  >\n  '
            f"{_summary_cell(row['key'], f'row {number} key')}\n  </dt>\n"
            '  <dd class="nhsuk-summary-list__value"\n  >\n  '
            f"{_summary_cell(row['value'], f'row {number} value')}\n  </dd>\n  \n</div>"
        )
        written.append(do_indent(markup, 2, first=True) + "\n  ")
    return Markup(
        "\n\n\n"
        + "\n  \n" * len(rows)
        + '<dl class="nhsuk-summary-list"\n  >\n\n  '
        + "".join(written)
        + "\n\n</dl>\n"
    )


GLOBALS: dict[str, Any] = {
    "component": component,
    "summary_list": summary_list,
    "period_options": period_options,
    "chart_table_rows": chart_table_rows,
    "unread_alerts_label": unread_alerts_label,
    "site_header": site_header,
    "radio_items": radio_items,
    "form_errors": form_errors,
    "sparkline": sparkline,
}

FILTERS: dict[str, Any] = {
    "money": formatting.money,
    "money_short": lambda amount: formatting.money(amount, short=True),
    "kpi_target": formatting.kpi_target,
    "number": formatting.number,
    "quantity": formatting.quantity,
    "metric_value": formatting.metric_value,
    "day": formatting.day,
    "short_day": formatting.short_day,
    "percent": formatting.percent,
    "chance": formatting.chance,
    "status_tag": status_tag,
    "change_arrow": change_arrow,
    "direction": direction,
    "risk_trend": risk_trend,
    "risk_band": risk_band,
}
