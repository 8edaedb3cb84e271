"""The natural order of references: "BCF 2" before "BCF 10", as people number schemes.

Plans number their schemes "BCF 1" to "BCF 23" (or "1", "2a", "Scheme 10"); sorted as text
"BCF 10" comes before "BCF 2". Every list of schemes (pages, packs, the API and the missing
returns) sorts by :func:`natural_key`, so they all agree.
"""

from __future__ import annotations

import re

_RUNS = re.compile(r"(\d+)")

#: One part of a key: ``(0, number)`` for digits, ``(1, text)`` for letters and punctuation,
#: so that text and numbers are never compared with each other (a number comes first, as a
#: digit comes before a letter in text).
Part = tuple[int, str] | tuple[int, int]


def natural_key(text: str) -> tuple[tuple[Part, ...], str]:
    """A sort key that orders runs of digits by their number and the rest as text.

    Parameters
    ----------
    text : str
        A reference such as ``"BCF 10"``.

    Returns
    -------
    tuple
        The parts of ``text`` (case-folded text runs, digit runs as integers), then ``text``
        itself, so that references differing only in case or leading zeros ("BCF 01", "BCF 1")
        still have one order.

    Notes
    -----
    The "alphanum" natural sort order (D. Koelle, *The Alphanum Algorithm*, 1997): split into
    runs of digits and of non-digits, compare digit runs as numbers and the others as text.

    Examples
    --------
    >>> sorted(["BCF 10", "BCF 2", "BCF 1", "BCF 20", "BCF 19"], key=natural_key)
    ['BCF 1', 'BCF 2', 'BCF 10', 'BCF 19', 'BCF 20']
    >>> sorted(["2b", "10", "2a", "2"], key=natural_key)
    ['2', '2a', '2b', '10']
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string such as 'BCF 10', got {text!r}")
    parts: list[Part] = []
    for index, run in enumerate(_RUNS.split(text)):
        if not run:
            continue
        parts.append((0, int(run)) if index % 2 else (1, run.casefold()))
    return tuple(parts), text


def theme_and_ref_key(
    theme_code: str | None, ref: str
) -> tuple[bool, tuple[tuple[Part, ...], str], tuple[tuple[Part, ...], str]]:
    """A sort key for schemes listed by theme: themes in natural order (schemes without a
    theme last), then references in natural order within each theme.

    Examples
    --------
    >>> rows = [("T2", "BCF 10"), (None, "BCF 1"), ("T10", "BCF 3"), ("T2", "BCF 9")]
    >>> sorted(rows, key=lambda row: theme_and_ref_key(*row))
    [('T2', 'BCF 9'), ('T2', 'BCF 10'), ('T10', 'BCF 3'), (None, 'BCF 1')]
    """
    return theme_code is None, natural_key(theme_code or ""), natural_key(ref)
