"""Alert rules: when a metric, a return, a milestone or a risk deteriorates.

Each rule is a named definition (:data:`RULES`) evaluated on the data alone, so the same data
always gives the same events: an event is identified by its rule, its subject and the period
its condition *started*, and a later run over the same (or more) data finds the same start
again rather than a new event. That is what makes ``bettercare alerts run`` idempotent.

Rules on monthly series take :class:`RuleSettings` to cut noise, following OpenPrescribing's
users, who asked for alerts that are "less noisy":

- ``persistence``: the condition must hold for this many consecutive months before the rule
  fires ("in the band for 3 consecutive months");
- ``smoothing``: rules on a value compare the value pooled over this many months (numerators
  and denominators summed, which keeps the confidence interval honest) rather than one month;
- ``lookback``: a run of months in the condition that began longer ago than this is old news,
  not an alert (for example when five years of history are first imported).

SPC rules never smooth: an XmR chart of rolling sums would have correlated moving ranges and
limits that are too narrow, which is more than the statistics support. They take persistence.

References
----------
NHS England, Making Data Count (2019): the SPC variation and assurance icons.
OpenPrescribing, "alerts" (worst decile for three months; requests for 3-month smoothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal, TypeAlias, cast

import numpy as np
from numpy.typing import ArrayLike

from bettercare.core._checks import as_float_array, check_choice
from bettercare.core.funnel import funnel_significance
from bettercare.core.periods import Month
from bettercare.core.rag import Status, data_rag, milestone_slippage_days, risk_trend
from bettercare.core.spc import POINT_TYPE_LABELS, Improvement, xmr, xmr_batch
from bettercare.core.stats import Polarity, compare_to_target
from bettercare.core.summary import MIN_SPC_POINTS, MetricSpec, Observation

#: The code of a "special_cause_concern" point in an XmR batch's ``point_type_code``.
_CONCERN_CODE = POINT_TYPE_LABELS.tolist().index("special_cause_concern")

__all__ = [
    "RULES",
    "RULE_NAMES",
    "FunnelLevel",
    "Onset",
    "RuleDefinition",
    "RuleName",
    "RuleSettings",
    "assurance_fail_onset",
    "assurance_fail_onsets",
    "data_rag_worsened",
    "funnel_bottom",
    "funnel_bottom_onset",
    "funnel_labels",
    "milestone_slipped",
    "monthly_data_rag",
    "parse_rule_settings",
    "rag_worsened_onset",
    "return_due_date",
    "return_overdue",
    "risk_rose",
    "spc_concern_onset",
    "spc_concern_onsets",
    "trailing_onset",
]

RuleName: TypeAlias = Literal[
    "spc_concern",
    "data_rag_worsened",
    "assurance_fail",
    "funnel_bottom",
    "return_overdue",
    "milestone_slipped",
    "risk_rose",
]
FunnelLevel: TypeAlias = Literal["2s", "3s"]


@dataclass(frozen=True, slots=True)
class RuleDefinition:
    """What a rule means, in words, and which settings it takes."""

    name: RuleName
    title: str
    definition: str
    subject: Literal["metric", "scheme", "milestone", "risk"]
    uses_persistence: bool
    uses_smoothing: bool


RULES: dict[RuleName, RuleDefinition] = {
    rule.name: rule
    for rule in (
        RuleDefinition(
            "spc_concern",
            "Special-cause concern",
            "The latest monthly value is special-cause variation of concern on the Making Data "
            "Count XmR chart (the variation icon turns orange), and the points have been of "
            "concern for `persistence` consecutive months. A shift of 7 points fires once.",
            "metric",
            uses_persistence=True,
            uses_smoothing=False,
        ),
        RuleDefinition(
            "data_rag_worsened",
            "Data RAG worsened",
            "The metric's data RAG against its target (GREEN, AMBER, RED, from the comparison "
            "with the target) is worse than the status before it and has stayed at that "
            "status for `persistence` consecutive months; with `smoothing` the value compared "
            "is pooled over that many months.",
            "metric",
            uses_persistence=True,
            uses_smoothing=True,
        ),
        RuleDefinition(
            "assurance_fail",
            "Assurance: will fail the target",
            "The Making Data Count assurance icon is 'fail' (the target lies outside the process "
            "limits on the wrong side, so the process will consistently miss it) for "
            "`persistence` consecutive months, each month judged on the data up to it.",
            "metric",
            uses_persistence=True,
            uses_smoothing=False,
        ),
        RuleDefinition(
            "funnel_bottom",
            "In the bottom funnel band",
            "Among all areas reporting the metric, the area is significantly worse than the "
            "average on PHE's funnel plot ('Low' for higher-is-better, 'High' for lower-is-better, "
            "at 95% or, with level 3s, 99.8%) for `persistence` consecutive months; with "
            "`smoothing` the counts are pooled over that many months.",
            "metric",
            uses_persistence=True,
            uses_smoothing=True,
        ),
        RuleDefinition(
            "return_overdue",
            "Scheme return overdue",
            "A scheme has not given a status on every dimension for an open reporting month "
            "`due_days` days after the month ended.",
            "scheme",
            uses_persistence=False,
            uses_smoothing=False,
        ),
        RuleDefinition(
            "milestone_slipped",
            "Milestone slipped past tolerance",
            "A milestone has slipped more than `tolerance_days` days beyond its baseline date "
            "(by its revised or completion date, or by being overdue).",
            "milestone",
            uses_persistence=False,
            uses_smoothing=False,
        ),
        RuleDefinition(
            "risk_rose",
            "Risk score rose",
            "A risk's score on the 5x5 matrix (likelihood x impact) is higher than at its "
            "previous review.",
            "risk",
            uses_persistence=False,
            uses_smoothing=False,
        ),
    )
}
RULE_NAMES: tuple[RuleName, ...] = tuple(RULES)


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """How a rule cuts noise. Settings a rule does not use are ignored by it.

    Attributes
    ----------
    persistence
        Consecutive months the condition must hold before the rule fires (1 or more).
    smoothing
        Months pooled into each value compared (1 = each month on its own).
    lookback
        A run of months in the condition that started longer ago than this many months does
        not fire (it is history, not news). At least ``persistence``.
    tolerance_days
        Milestones: days of slippage beyond the baseline that are tolerated (30, as the AMBER
        limit of the BCF guidelines).
    due_days
        Returns: days after the end of the month by which every scheme's return is due.
    funnel_level
        Funnel: ``"2s"`` (outside the 95% limits) or ``"3s"`` (outside 99.8%).
    """

    persistence: int = 1
    smoothing: int = 1
    lookback: int = 12
    tolerance_days: int = 30
    due_days: int = 20
    funnel_level: FunnelLevel = "2s"

    def __post_init__(self) -> None:
        for name, low in (
            ("persistence", 1),
            ("smoothing", 1),
            ("lookback", 1),
            ("tolerance_days", 0),
            ("due_days", 0),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be a whole number of {low} or more, got {value!r}")
        if self.lookback < self.persistence:
            raise ValueError(
                f"lookback must be at least persistence ({self.persistence}), got {self.lookback!r}"
            )
        check_choice("funnel_level", self.funnel_level, ("2s", "3s"))


def parse_rule_settings(text: str) -> dict[RuleName, RuleSettings]:
    """Read per-rule settings written ``rule:name=value,name=value;rule:...``.

    For example ``"spc_concern:persistence=3;data_rag_worsened:smoothing=3,persistence=2"``.
    Rules not named keep the defaults. An empty text means every rule's defaults.
    """
    settings: dict[RuleName, RuleSettings] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        rule, _, options = part.partition(":")
        name = cast(RuleName, check_choice("rule", rule.strip(), RULE_NAMES))
        changes: dict[str, int | str] = {}
        for option in (o.strip() for o in options.split(",") if o.strip()):
            key, _, raw = option.partition("=")
            key = check_choice(
                "setting", key.strip(), [f for f in RuleSettings.__slots__ if f != "__weakref__"]
            )
            if key == "funnel_level":
                changes[key] = raw.strip()
                continue
            try:
                changes[key] = int(raw)
            except ValueError:
                raise ValueError(
                    f"{name} setting {key} must be a whole number, got {raw.strip()!r}"
                ) from None
        settings[name] = replace(settings.get(name, RuleSettings()), **changes)  # type: ignore[arg-type]  # known keys with int values
    return settings


# -- runs of months in a condition -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Onset:
    """The run of consecutive points in a condition that the series ends with.

    ``start`` is the run's first position in the series given to the rule; it names the event
    (the same run found again on more data has the same start).
    """

    start: int
    length: int


def trailing_onset(flags: Sequence[bool], *, persistence: int, lookback: int) -> Onset | None:
    """The run of ``True`` the series ends with, if it should fire.

    Parameters
    ----------
    flags : sequence of bool
        Whether each point (in time order) is in the condition.
    persistence : int
        The run must be at least this long.
    lookback : int
        The run must be at most this long (a longer one started long ago).

    Returns
    -------
    Onset or None
        None when the last point is not in the condition, or the run is too short or too long.

    Examples
    --------
    >>> trailing_onset([False, True, True, True], persistence=3, lookback=12)
    Onset(start=1, length=3)
    >>> trailing_onset([False, True, True, False], persistence=1, lookback=12) is None
    True
    """
    length = 0
    for flag in reversed(flags):
        if not flag:
            break
        length += 1
    if length < persistence or length > lookback or length == 0:
        return None
    return Onset(start=len(flags) - length, length=length)


def _improvement(polarity: Polarity) -> Improvement:
    return "decrease" if polarity == "lower_is_better" else "increase"


# -- special-cause concern -------------------------------------------------------------------


def spc_concern_onset(
    values: ArrayLike, *, polarity: Polarity, settings: RuleSettings = RuleSettings()
) -> Onset | None:
    """Special-cause concern at the end of a monthly series (the reference, one series).

    Parameters
    ----------
    values : array_like
        The monthly values in time order; fewer than 12 give no SPC chart and no alert.
    polarity : {"lower_is_better", "higher_is_better"}
    settings : RuleSettings
        ``persistence`` and ``lookback`` (in points).

    Notes
    -----
    Uses :func:`bettercare.core.spc.xmr` with the Making Data Count rules; a point is in the
    condition when its point type is ``special_cause_concern``, so the last point's variation
    icon is a concern icon whenever the rule fires.
    """
    series = as_float_array("values", values)
    if series.size < MIN_SPC_POINTS:
        return None
    chart = xmr(series, improvement=_improvement(polarity))
    flags = [kind == "special_cause_concern" for kind in chart.point_type]
    return trailing_onset(flags, persistence=settings.persistence, lookback=settings.lookback)


def spc_concern_onsets(
    series_id: ArrayLike,
    position: ArrayLike,
    value: ArrayLike,
    *,
    improvement: ArrayLike,
    settings: RuleSettings = RuleSettings(),
    rebase: ArrayLike | None = None,
) -> dict[object, Onset]:
    """:func:`spc_concern_onset` for many series at once (one vectorised XmR batch).

    ``improvement`` is per row (``"increase"`` or ``"decrease"``); ``rebase`` per row, True
    where a recorded rebase starts a new period (ADR 0095), so the alert judges the chart the
    pages show. Series with fewer than 12 points are left out. Returns the onset of each
    series that fires, by series id.
    """
    ids = np.asarray(series_id)
    if ids.size == 0:
        return {}
    batch = xmr_batch(ids, position, value, improvement=improvement, rebase=rebase)
    concern = batch.point_type_code == _CONCERN_CODE
    found: dict[object, Onset] = {}
    for key, rows in zip(batch.series_ids.tolist(), batch.row_slices, strict=True):
        flags = concern[rows]
        if flags.size < MIN_SPC_POINTS or not flags[-1]:
            continue
        onset = trailing_onset(
            flags.tolist(), persistence=settings.persistence, lookback=settings.lookback
        )
        if onset is not None:
            found[key] = onset
    return found


# -- assurance -------------------------------------------------------------------------------


def assurance_fail_onset(
    values: ArrayLike,
    targets: Sequence[float | None],
    *,
    polarity: Polarity,
    settings: RuleSettings = RuleSettings(),
) -> Onset | None:
    """The assurance icon turned to "fail" (the reference, one series).

    Parameters
    ----------
    values : array_like
        Monthly values in time order.
    targets : sequence of float or None
        The target in force at each month (None for none).
    polarity : {"lower_is_better", "higher_is_better"}
    settings : RuleSettings
        ``persistence`` and ``lookback``.

    Notes
    -----
    The icon at month ``i`` is the one the chart of the values up to ``i`` shows, with the
    target in force at ``i`` (:func:`bettercare.core.spc.xmr`); months before the chart has
    12 points have no icon. Only the last ``lookback + 1`` months are judged.
    """
    series = as_float_array("values", values)
    if len(targets) != series.size:
        raise ValueError(
            f"targets must have one entry per value ({series.size}), got {len(targets)}"
        )
    first = max(MIN_SPC_POINTS - 1, series.size - settings.lookback - 1)
    flags = []
    for end in range(first, series.size):
        target = targets[end]
        icon = (
            None
            if target is None
            else xmr(
                series[: end + 1], improvement=_improvement(polarity), target=target
            ).assurance_icon
        )
        flags.append(icon == "fail")
    onset = trailing_onset(flags, persistence=settings.persistence, lookback=settings.lookback)
    return None if onset is None else Onset(first + onset.start, onset.length)


def assurance_fail_onsets(
    series_id: ArrayLike,
    position: ArrayLike,
    value: ArrayLike,
    target: ArrayLike,
    *,
    improvement: ArrayLike,
    settings: RuleSettings = RuleSettings(),
    rebase: ArrayLike | None = None,
) -> dict[object, Onset]:
    """:func:`assurance_fail_onset` for many series at once.

    Each series' last ``lookback + 1`` prefixes become series of one vectorised XmR batch.
    ``target`` and ``improvement`` are per row (NaN for no target); ``position`` orders the
    rows within a series; ``rebase`` is per row, True where a recorded rebase starts a new
    period (ADR 0095). Returns the onset of each series that fires, by series id, with
    ``start`` counted in the series' rows.
    """
    ids = np.asarray(series_id)
    positions = as_float_array("position", position)
    values = as_float_array("value", value)
    targets = as_float_array("target", target)
    improvements = np.asarray(improvement, dtype=object)
    if ids.size == 0:
        return {}
    flags = np.zeros(ids.size, dtype=bool) if rebase is None else np.asarray(rebase, dtype=bool)
    codes, inverse = np.unique(ids, return_inverse=True)
    order = np.lexsort((positions, inverse))
    inverse, values, targets, improvements, flags = (
        inverse[order],
        values[order],
        targets[order],
        improvements[order],
        flags[order],
    )
    starts = np.r_[0, np.flatnonzero(inverse[1:] != inverse[:-1]) + 1]
    ends = np.r_[starts[1:], inverse.size]
    # First the whole series: only those failing at their latest month can fire, and only
    # their earlier months need judging (usually few series).
    latest = xmr_batch(
        inverse,
        positions[order],
        values,
        improvement=improvements,
        target=targets[np.repeat(ends - 1, ends - starts)],
        rebase=flags,
    )
    failing = set(np.flatnonzero(latest.assurance_icon == "fail").tolist())
    prefix_ids: list[np.ndarray] = []
    prefix_rows: list[np.ndarray] = []
    window = settings.lookback + 1
    for code_index, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        if code_index not in failing:
            continue
        length = b - a
        for end in range(max(MIN_SPC_POINTS, length - window + 1), length + 1):
            prefix_rows.append(np.arange(a, a + end))
            prefix_ids.append(np.full(end, code_index * 100_000 + end, dtype=np.int64))
    if not prefix_rows:
        return {}
    rows = np.concatenate(prefix_rows)
    keys = np.concatenate(prefix_ids)
    last = np.r_[np.flatnonzero(keys[1:] != keys[:-1]), keys.size - 1]
    batch = xmr_batch(
        keys,
        rows.astype(np.float64),
        values[rows],
        improvement=improvements[rows],
        target=np.repeat(targets[rows[last]], np.diff(np.r_[-1, last])),
        rebase=flags[rows],
    )
    fails: dict[int, list[tuple[int, bool]]] = {}
    for key, icon in zip(batch.series_ids.tolist(), batch.assurance_icon.tolist(), strict=True):
        fails.setdefault(int(key) // 100_000, []).append((int(key) % 100_000, icon == "fail"))
    found: dict[object, Onset] = {}
    for code_index, judged in fails.items():
        judged.sort()
        onset = trailing_onset(
            [flag for _, flag in judged],
            persistence=settings.persistence,
            lookback=settings.lookback,
        )
        if onset is not None:
            first_end = judged[0][0]  # the first prefix's length: its last row is first_end - 1
            found[codes[code_index].item()] = Onset(first_end - 1 + onset.start, onset.length)
    return found


# -- data RAG --------------------------------------------------------------------------------

_RANK: dict[str, int] = {"G": 0, "A": 1, "R": 2}


def _pooled(spec: MetricSpec, window: Sequence[Observation | None]) -> Observation | None:
    """The observations of consecutive months as one, counts summed; None if it cannot be."""
    if any(o is None for o in window):
        return None
    months = [o for o in window if o is not None]
    if len(months) == 1:
        return months[0]
    if spec.unit not in ("count", "rate", "proportion"):
        return None  # DSRs and means are not pooled by summing
    numerators = [o.numerator for o in months]
    denominators = [o.denominator for o in months]
    if any(n is None for n in numerators):
        return None
    denominator = None
    if spec.unit != "count":
        if any(d is None for d in denominators):
            return None
        denominator = float(sum(d for d in denominators if d is not None))
    return Observation(
        period_start=months[0].period_start,
        period_end=months[-1].period_end,
        numerator=float(sum(n for n in numerators if n is not None)),
        denominator=denominator,
    )


def monthly_data_rag(
    spec: MetricSpec,
    actuals: Mapping[Month, Observation],
    targets: Sequence[Observation],
    months: Sequence[Month],
    *,
    smoothing: int = 1,
) -> list[Status | None]:
    """The data RAG of each of ``months``, as the metric pages rate the latest value.

    Parameters
    ----------
    spec : MetricSpec
    actuals : mapping of Month to Observation
        The monthly actual values.
    targets : sequence of Observation
    months : sequence of Month
        The months to rate.
    smoothing : int
        Pool this many months ending at each month (numerators and denominators summed);
        a month whose window has a gap, or a DSR or mean, is not rated (None).

    Notes
    -----
    The target is the shortest one containing the (pooled) period; a count target for a
    longer period is pro-rated by months; the comparison is
    :func:`~bettercare.core.stats.compare_to_target` and the status
    :func:`~bettercare.core.rag.data_rag`, as in :func:`~bettercare.core.summary.summarise_metric`.
    No target or no comparison gives None.
    """
    rated: list[Status | None] = []
    for month in months:
        window = [actuals.get(month - back) for back in range(smoothing - 1, -1, -1)]
        observation = _pooled(spec, window)
        if observation is None:
            rated.append(None)
            continue
        estimate = observation.estimate(spec).estimate
        containing = [
            (t.months, t.period_start, value)
            for t in targets
            if t.contains(observation) and (value := t.estimate(spec).value) is not None
        ]
        if estimate is None or not containing:
            rated.append(None)
            continue
        span, _, target_value = min(containing)
        if spec.unit == "count" and span != observation.months:
            target_value = target_value * observation.months / span
        comparison = compare_to_target(estimate, target_value, polarity=spec.polarity)
        status = data_rag(comparison if isinstance(comparison, str) else None)
        rated.append(None if status == "NA" else status)
    return rated


@dataclass(frozen=True, slots=True)
class RagChange:
    """A worsening of the data RAG: the run of months at the new status, and the status before."""

    onset: Onset
    before: Status
    after: Status


def rag_worsened_onset(
    statuses: Sequence[Status | None], *, settings: RuleSettings = RuleSettings()
) -> RagChange | None:
    """The data RAG worsened and stayed worse for ``persistence`` months.

    Parameters
    ----------
    statuses : sequence of {"G", "A", "R"} or None
        The status of each month in time order; None (no rating) is skipped over.
    settings : RuleSettings
        ``persistence`` and ``lookback`` (in rated months).

    Returns
    -------
    RagChange or None
        When the rated months end with a run of one status (AMBER or RED) worse than the
        rated month before the run. ``onset.start`` is a position in ``statuses``.

    Examples
    --------
    >>> rag_worsened_onset(["G", "G", "A"]).after
    'A'
    >>> rag_worsened_onset(["R", "A", "A"]) is None
    True
    """
    rated = [(i, s) for i, s in enumerate(statuses) if s is not None]
    for _, status in rated:
        check_choice("statuses", status, ("G", "A", "R"))
    if not rated:
        return None
    last = rated[-1][1]
    run = trailing_onset(
        [s == last for _, s in rated], persistence=settings.persistence, lookback=settings.lookback
    )
    if run is None or run.start == 0:
        return None
    before = rated[run.start - 1][1]
    if _RANK[before] >= _RANK[last]:
        return None
    return RagChange(Onset(rated[run.start][0], run.length), before, last)


def data_rag_worsened(
    spec: MetricSpec,
    actuals: Mapping[Month, Observation],
    targets: Sequence[Observation],
    months: Sequence[Month],
    *,
    settings: RuleSettings = RuleSettings(),
) -> tuple[Month, RagChange] | None:
    """Whether the data RAG at the end of ``months`` is a worsening, rating as few months as
    it needs; returns the month the worse status started and the change.

    The same answer as :func:`rag_worsened_onset` over :func:`monthly_data_rag` of the last
    ``lookback + 1`` months (the reference, which the tests compare with), but it rates the
    months from the latest backwards and stops at the first status that differs from the
    latest (or at once when the latest rated status is GREEN), so a series usually costs two
    or three ratings rather than thirteen. ``onset.start`` counts in the last ``lookback + 1``
    months.
    """
    tail = list(months[-(settings.lookback + 1) :])
    rated: list[Status | None] = []
    for month in reversed(tail):
        status = monthly_data_rag(spec, actuals, targets, [month], smoothing=settings.smoothing)[0]
        rated.append(status)
        known = [s for s in rated if s is not None]
        if known and known[0] == "G":
            return None
        if len(known) >= 2 and known[-1] != known[0]:
            break
    rated.reverse()
    offset = len(tail) - len(rated)
    change = rag_worsened_onset(rated, settings=settings)
    if change is None or (offset and change.onset.start == 0):
        return None
    start = offset + change.onset.start
    return tail[start], replace(change, onset=Onset(start, change.onset.length))


# -- funnel plots ----------------------------------------------------------------------------


def funnel_bottom(label: str, *, polarity: Polarity, level: FunnelLevel = "2s") -> bool:
    """Whether a PHE funnel significance label is the worse-performing band.

    ``"Low (0.025)"`` and ``"Low (0.001)"`` are worse for a higher-is-better metric (``"High
    ..."`` for lower-is-better); at level ``"3s"`` only the 0.001 label counts.
    """
    check_choice("polarity", polarity, ("lower_is_better", "higher_is_better"))
    check_choice("level", level, ("2s", "3s"))
    side = "Low" if polarity == "higher_is_better" else "High"
    wanted = {f"{side} (0.001)"} if level == "3s" else {f"{side} (0.025)", f"{side} (0.001)"}
    return label in wanted


def funnel_labels(
    numerators: Sequence[float],
    denominators: Sequence[float],
    *,
    unit: str,
    multiplier: float,
) -> list[str]:
    """PHE's funnel significance label of each area for one metric and period.

    Parameters
    ----------
    numerators, denominators : sequence of float
        Every area's events and population (or cases and sample) for the period.
    unit : {"proportion", "rate"}
        Proportions use PHE's Wilson funnel; rates are crude rates per ``multiplier``.
    multiplier : float

    Notes
    -----
    :func:`bettercare.core.funnel.funnel_significance` (PHEindicatormethods 2.0.2,
    ``assign_funnel_significance``), comparing each area with the average of all of them.
    Counts, means and DSRs have no funnel here (no denominator, or a DSR's needs bands).
    """
    check_choice("unit", unit, ("proportion", "rate"))
    if len(numerators) != len(denominators):
        raise ValueError(
            f"numerators and denominators must have the same length, got {len(numerators)} "
            f"and {len(denominators)}"
        )
    if not numerators:
        return []
    if unit == "proportion":
        labels = funnel_significance(
            numerators, denominators, statistic="proportion", multiplier=multiplier
        )
    else:
        events = np.asarray(numerators, dtype=float)
        people = np.asarray(denominators, dtype=float)
        labels = funnel_significance(
            events,
            people,
            statistic="rate",
            multiplier=multiplier,
            rate=events / people * multiplier,
            rate_type="crude",
        )
    return [str(label) for label in labels]


def funnel_bottom_onset(
    labels: Sequence[str | None],
    *,
    polarity: Polarity,
    settings: RuleSettings = RuleSettings(),
) -> Onset | None:
    """An area in the bottom funnel band for ``persistence`` consecutive months.

    ``labels`` are the area's funnel significance labels by month, in time order (None for a
    month without a value).
    """
    flags = [
        label is not None and funnel_bottom(label, polarity=polarity, level=settings.funnel_level)
        for label in labels
    ]
    return trailing_onset(flags, persistence=settings.persistence, lookback=settings.lookback)


# -- returns, milestones, risks --------------------------------------------------------------


def return_due_date(month: Month, *, due_days: int) -> date:
    """When the returns of ``month`` are due: ``due_days`` days after the month's last day."""
    return month.last_day + timedelta(days=due_days)


def return_overdue(month: Month, *, as_at: date, complete: bool, due_days: int) -> bool:
    """A return is overdue when it is incomplete after its due date.

    Examples
    --------
    >>> return_overdue(Month(2025, 4), as_at=date(2025, 5, 20), complete=False, due_days=20)
    False
    >>> return_overdue(Month(2025, 4), as_at=date(2025, 5, 21), complete=False, due_days=20)
    True
    """
    return not complete and as_at > return_due_date(month, due_days=due_days)


def milestone_slipped(
    baseline: date,
    *,
    revised: date | None,
    completed: date | None,
    as_at: date,
    tolerance_days: int,
) -> int | None:
    """The days a milestone has slipped when that is beyond the tolerance, else None.

    Slippage is :func:`~bettercare.core.rag.milestone_slippage_days`; exactly
    ``tolerance_days`` is still within tolerance.
    """
    days = milestone_slippage_days(baseline, revised=revised, completed=completed, as_at=as_at)
    return days if days > tolerance_days else None


def risk_rose(score: int | None, previous: int | None) -> bool:
    """Whether a risk's score is higher than at its previous review (False without both)."""
    if score is None or previous is None:
        return False
    return risk_trend(score, previous) == "increased"
