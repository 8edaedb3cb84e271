"""Paired horizontal bars: two amounts in pounds per row, such as budget and forecast outturn.

The first bar of each pair is pale with a grey outline and the second solid blue, each with
its amount written at its end (the second also with its difference from the first), so the
pair reads without colour; a key above names the two.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from bettercare.charts.base import (
    BLUE,
    DARK_GREY,
    MID_GREY,
    MISSING,
    PALE_GREY,
    TEXT,
    Chart,
    check_id_prefix,
    check_size,
    element,
    svg_document,
    text,
    title_element,
)
from bettercare.charts.layout import (
    LEGEND_LINE,
    LinearScale,
    centred_label_x,
    fit_text,
    fitting_ticks,
    legend,
    legend_lines,
    text_width,
)
from bettercare.formatting import money

__all__ = ["bar_comparison"]

BAR_HEIGHT = 14.0
GROUP_HEIGHT = 58.0


def bar_comparison(
    rows: Sequence[tuple[str, float | Decimal, float | Decimal | None]],
    *,
    title: str,
    first_label: str = "Budget",
    second_label: str = "Forecast outturn",
    row_header: str = "Funding stream",
    id_prefix: str = "funding",
    width: float = 720,
) -> Chart:
    """Two amounts in pounds per row (e.g. budget and forecast outturn) as paired bars.

    Parameters
    ----------
    rows
        ``(label, first, second)`` per row; ``second`` may be ``None`` (not yet known).
    title
        The accessible title.
    first_label, second_label
        What the two amounts are, for the key, the table and the description.
    row_header
        The table's heading for the row labels.
    id_prefix
        Unique on the page: the ids of the title and description start with it.
    width
        Width in pixels; the height grows with the number of rows.
    """
    prefix = check_id_prefix(id_prefix)
    width = check_size("width", width, 240)
    pairs = [
        (label, float(first), None if second is None else float(second))
        for label, first, second in rows
    ]
    for label, first, second in pairs:
        if not math.isfinite(first) or (second is not None and not math.isfinite(second)):
            raise ValueError(f"amounts must be finite, got {first!r} and {second!r} for {label!r}")
    amounts = [a for _, first, second in pairs for a in (first, second) if a is not None]
    labels = [_bar_labels(first, second) for _, first, second in pairs]
    right = max([text_width(t) for pair in labels for t in pair] + [40.0]) + 14
    key = _bar_key(first_label, second_label)
    left = 8.0
    top = 34 + LEGEND_LINE * (legend_lines(key, left=left, right=width - 4) - 1)
    rows_bottom = top + GROUP_HEIGHT * len(pairs)
    height = rows_bottom + 24
    ticks = fitting_ticks(
        min([0.0, *amounts]),
        max([0.0, *amounts]) or 1.0,
        length=width - right - left,
        formatter=lambda amount: money(amount, short=True),
        count=4,
    )
    x = LinearScale(ticks[0], ticks[-1], left, width - right)
    zero = x(0.0)

    body = [legend(key, left=left, right=width - 4, baseline=19, class_="bars-key")]
    for tick in ticks:
        body.append(
            text(
                money(tick, short=True),
                centred_label_x(x(tick), money(tick, short=True), width),
                rows_bottom + 10,
                anchor="middle",
                class_="bars-tick",
            )
        )
    for index, ((label, first, second), texts) in enumerate(zip(pairs, labels, strict=True)):
        y = top + index * GROUP_HEIGHT
        outturn = MISSING if second is None else money(second)
        parts = [title_element(f"{label}: {first_label} {money(first)}, {second_label} {outturn}")]
        # Gridlines beside the bars only, so that they never run through the row's label.
        for tick in ticks:
            parts.append(
                element(
                    "line",
                    None,
                    x1=x(tick),
                    y1=y + 16,
                    x2=x(tick),
                    y2=y + 20 + 2 * BAR_HEIGHT + 3,
                    stroke=DARK_GREY if tick == 0 else PALE_GREY,
                )
            )
        parts.append(
            text(
                fit_text(label, width - left - 8, bold=True),
                left,
                y + 12,
                bold=True,
                class_="bars-label",
            )
        )
        for offset, amount, words, fill, stroke, name in (
            (18, first, texts[0], PALE_GREY, MID_GREY, "bars-first"),
            (18 + BAR_HEIGHT + 3, second, texts[1], BLUE, BLUE, "bars-second"),
        ):
            bar_y = y + offset
            if amount is not None:
                start, end = sorted((zero, x(amount)))
                parts.append(
                    element(
                        "rect",
                        None,
                        class_=name,
                        x=start,
                        y=bar_y,
                        width=max(end - start, 1),
                        height=BAR_HEIGHT,
                        fill=fill,
                        stroke=stroke,
                    )
                )
            end_x = zero if amount is None else max(zero, x(amount))
            parts.append(
                text(
                    words,
                    end_x + 6,
                    bar_y + BAR_HEIGHT - 2.5,
                    fill=TEXT if amount is not None else DARK_GREY,
                )
            )
        body.append(element("g", "".join(parts), class_="bars-row"))

    total_first = sum(first for _, first, _ in pairs)
    known = [second for _, _, second in pairs if second is not None]
    description = (
        f"{title}: {first_label} and {second_label} for {len(pairs)} "
        f"{row_header.lower()}{'s' if len(pairs) != 1 else ''}; "
        f"in total {first_label} {money(total_first)}"
    )
    if len(known) == len(pairs) and pairs:
        total_second = sum(known)
        description += (
            f" and {second_label} {money(total_second)}, a difference of "
            f"{_signed(total_second - total_first)}."
        )
    else:
        description += f"; {second_label} not yet known for every {row_header.lower()}."
    headers = (row_header, first_label, second_label, "Difference")
    table = tuple(
        (
            label,
            money(first),
            money(second),
            MISSING if second is None else _signed(second - first, short=False),
        )
        for label, first, second in pairs
    )
    svg = svg_document(
        id_prefix=prefix,
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
    )
    return Chart(svg, title, description, headers, table)


def _signed(amount: float, *, short: bool = False) -> str:
    return ("+" if amount > 0 else "") + money(amount, short=short)


def _bar_labels(first: float, second: float | None) -> tuple[str, str]:
    if second is None:
        return money(first, short=True), "Not known"
    difference = second - first
    extra = f" ({_signed(difference, short=True)})" if difference else ""
    return money(first, short=True), money(second, short=True) + extra


def _bar_key(first_label: str, second_label: str) -> list[tuple[str, str]]:
    return [
        (element("rect", None, x=-7, y=-7, width=14, height=14, fill=fill, stroke=stroke), words)
        for words, fill, stroke in ((first_label, PALE_GREY, MID_GREY), (second_label, BLUE, BLUE))
    ]
