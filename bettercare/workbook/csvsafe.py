"""Text that a spreadsheet would evaluate, made safe in CSV files and restored on reading.

A CSV cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken by
Excel, LibreOffice and Google Sheets as a formula ("CSV injection": ``=cmd|' /C calc'!A0``).
Following the OWASP guidance, such a cell is written with a leading apostrophe, which the
spreadsheet shows as text. So that exporting and importing again gives back exactly what was
written, a cell that already begins with an apostrophe gets one more, and the reader removes
one apostrophe from any cell that begins with an apostrophe followed by one of those
characters or another apostrophe.

Only text is neutralised: numbers are written by the writer as numbers (``-42042.5``), never
through here. Reference: OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection).
"""

from __future__ import annotations

FORMULA_STARTS = frozenset("=+-@\t\r")
ESCAPE = "'"


def neutralise(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet evaluates.

    >>> neutralise("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> neutralise("Rapid response")
    'Rapid response'
    >>> neutralise("'tis")
    "''tis"
    """
    if text and (text[0] in FORMULA_STARTS or text[0] == ESCAPE):
        return ESCAPE + text
    return text


def restore(text: str) -> str:
    """The text that :func:`neutralise` was given (the inverse of it).

    >>> restore("'=SUM(A1:A9)")
    '=SUM(A1:A9)'
    >>> restore("''tis")
    "'tis"
    >>> restore("'tis")
    "'tis"
    """
    if len(text) > 1 and text[0] == ESCAPE and (text[1] in FORMULA_STARTS or text[1] == ESCAPE):
        return text[1:]
    return text
