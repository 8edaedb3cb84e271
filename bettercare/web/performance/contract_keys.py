"""The keys of the metrics JSON contract, with their types and meanings.

``metric_json`` (``contract.py``) writes exactly these keys in this order (a test checks it),
and the key table of ``docs/metrics-json.md`` is generated from them (``python -m
bettercare.docs``; a test fails when the committed table differs). Change a meaning here, not
in the document.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ContractKey:
    """One row of the key table: the key (or keys that share a meaning), type and meaning."""

    names: tuple[str, ...]
    type: str
    meaning: str


CONTRACT_KEYS: tuple[ContractKey, ...] = (
    ContractKey(
        ("metric",),
        "string",
        "the metric's code, e.g. `bcf_dtoc` (see the registry in `bettercare/registry/definitions/`)",
    ),
    ContractKey(
        ("name",),
        "string",
        "the metric's name",
    ),
    ContractKey(
        ("period_start", "period_end"),
        "date (ISO)",
        "the period of the latest actual value; awaiting data, the period the first value will cover",
    ),
    ContractKey(
        ("numerator", "denominator"),
        "number or null",
        "as recorded",
    ),
    ContractKey(
        ("value",),
        "number or null",
        "computed from the numerator and denominator by the metric's method when both are recorded, else the published value; null while awaiting data",
    ),
    ContractKey(
        ("lower", "upper"),
        "number or null",
        "the 95% confidence interval (Wilson for proportions; exact Poisson below 10 events and Byar from 10 for rates and counts; Dobson for directly standardised rates); null without a numerator and denominator",
    ),
    ContractKey(
        ("target",),
        "number or null",
        "the target whose period contains the value's period (the shortest such); a count target for a longer period is pro-rated by months",
    ),
    ContractKey(
        ("comparison",),
        "string or null",
        "`significantly_better`, `better`, `worse`, `significantly_worse` (Fingertips single-value target boundaries); null without a target",
    ),
    ContractKey(
        ("data_rag",),
        "string",
        "`G`, `A`, `R` by the meets-target policy (better is G, worse is A, significantly worse is R); `NA` without a target",
    ),
    ContractKey(
        ("direction",),
        "string or null",
        "`improving`, `worsening` or `no_significant_change` against the previous value of the same length (95% intervals that do not overlap); null when either has no interval",
    ),
    ContractKey(
        ("variation_icon",),
        "string or null",
        "Making Data Count variation icon from an XmR chart of the monthly history: `common_cause`, `improvement_high`, `improvement_low`, `concern_high`, `concern_low`, `neutral_high`, `neutral_low`; null with fewer than 12 monthly values",
    ),
    ContractKey(
        ("assurance_icon",),
        "string or null",
        "`pass`, `fail` or `hit_and_miss` against the financial year's target; null without a target or chart",
    ),
    ContractKey(
        ("forecast",),
        "object or null",
        "for monthly counts and rates: `value`, `lower`, `upper` (95% prediction interval), `target` and `probability_meeting_target` for the financial year (the year's total for counts, the average monthly rate for rates), by last year's seasonal profile when a full year is available, else the run rate",
    ),
    ContractKey(
        ("warnings",),
        "list of strings",
        "e.g. a published value that does not match its numerator and denominator",
    ),
    ContractKey(
        ("baseline",),
        "object or null",
        "the plan's latest baseline (the one ending last in or before the month, else the earliest): `value` (computed as `value` is), `period_start`, `period_end`; null when the area has none",
    ),
    ContractKey(
        ("status",),
        "string",
        "`measured` (an actual ends in or before the month) or `awaiting_data` (in force, no actual yet)",
    ),
    ContractKey(
        ("commentary",),
        "string or null",
        "what the metric's owner or the programme manager wrote about the metric for the area and month (entered on the metric's page or imported from the `metric_commentary` sheet); null when nothing was written for that month",
    ),
)


def contract_key_names() -> tuple[str, ...]:
    """Every key of an entry, in the documented order."""
    return tuple(name for key in CONTRACT_KEYS for name in key.names)
