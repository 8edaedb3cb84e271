"""Looking at a WeasyPrint layout as a reader would: does anything run off the page?"""

from weasyprint import HTML

TOLERANCE = 0.5  # CSS pixels


def overflowing_boxes(html: str) -> list[str]:
    """Text or boxes whose right edge passes the page's content area, with where they are."""
    document = HTML(string=html).render()
    problems = []
    for number, page in enumerate(document.pages, start=1):
        root = page._page_box  # WeasyPrint's layout tree is the only way to see where text went
        right = (
            root.margin_width() - root.margin_right - root.border_right_width - root.padding_right
        )
        for box in root.descendants():
            text = getattr(box, "text", None)
            if text is None and box.element_tag not in ("table", "td", "th", "svg", "img"):
                continue
            edge = box.position_x + box.margin_width()
            if edge > right + TOLERANCE:
                problems.append(
                    f"page {number}: <{box.element_tag}> {text or ''!r:.60} ends at {edge:.1f}px, "
                    f"past the content edge at {right:.1f}px"
                )
    return problems
