"""The one RAG vocabulary: the statuses, the dimensions they rate, and their words.

Every place that shows, stores, reads or checks a RAG status takes its codes and words from
here (Django choices, forms, presenters, packs, workbook values, API schemas), so that a
status is spelt one way everywhere. The stored and exchanged value is always the code
(``"G"``, ``"A"``, ``"R"``, ``"NA"``, ``"E"``); people read the label ("Green", "Enabler");
the guideline text and the packs print the capitals ("GREEN", "E").
"""

from __future__ import annotations

from typing import Literal, TypeAlias

__all__ = [
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "PROGRAMME_DIMENSIONS",
    "PROGRAMME_DIMENSION_LABELS",
    "PROGRAMME_STATUSES",
    "STATUSES",
    "STATUS_CAPITALS",
    "STATUS_LABELS",
    "Dimension",
    "ProgrammeDimension",
    "Status",
]

Status: TypeAlias = Literal["G", "A", "R", "NA", "E"]
#: Every RAG status, in the order the guidelines list them.
STATUSES: tuple[Status, ...] = ("G", "A", "R", "NA", "E")
#: The one label of each status, as people read it on a page or a form.
STATUS_LABELS: dict[Status, str] = {
    "G": "Green",
    "A": "Amber",
    "R": "Red",
    "NA": "N/A",
    "E": "Enabler",
}
#: The short form the guidelines and the packs print: the colour in capitals, N/A and E.
STATUS_CAPITALS: dict[Status, str] = {
    "G": "GREEN",
    "A": "AMBER",
    "R": "RED",
    "NA": "N/A",
    "E": "E",
}

Dimension: TypeAlias = Literal["savings", "milestones", "finance", "metrics"]
#: The four dimensions a scheme's monthly return rates.
DIMENSIONS: tuple[Dimension, ...] = ("savings", "milestones", "finance", "metrics")
DIMENSION_LABELS: dict[Dimension, str] = {
    "savings": "Savings",
    "milestones": "Action plan milestones",
    "finance": "Finance",
    "metrics": "Impact on metrics",
}

ProgrammeDimension: TypeAlias = Literal["plan", "benefits", "budget"]
#: The three dimensions of the overall programme status.
PROGRAMME_DIMENSIONS: tuple[ProgrammeDimension, ...] = ("plan", "benefits", "budget")
PROGRAMME_DIMENSION_LABELS: dict[ProgrammeDimension, str] = {
    "plan": "Plan",
    "benefits": "Benefits",
    "budget": "Budget",
}
#: The overall programme status is always Green, Amber or Red.
PROGRAMME_STATUSES: tuple[Status, ...] = ("G", "A", "R")
