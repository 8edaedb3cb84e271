"""A region of six areas with one month of emergency admissions, for benchmarking tests."""

from __future__ import annotations

from typing import Any

from tests.integration.web.factories import (
    ICB_CODE,
    KENT,
    MEDWAY,
    make_area,
    make_metric,
    make_monthly_values,
    make_period,
    make_region,
)

SURREY, SUSSEX, BRIGHTON, HAMPSHIRE = "E10000030", "E10000032", "E06000043", "E10000014"
# August 2017 emergency admissions and populations: Kent high, Brighton low, others near.
FIGURES = {
    KENT: ("Kent", 1300, 546_195),
    MEDWAY: ("Medway", 420, 200_000),
    SURREY: ("Surrey", 830, 400_000),
    SUSSEX: ("West Sussex", 640, 300_000),
    BRIGHTON: ("Brighton and Hove", 3, 120_000),
    HAMPSHIRE: ("Hampshire", 700, 560_000),
}


def make_benchmark_world() -> dict[str, Any]:
    region = make_region()
    icb = make_area(ICB_CODE, "Kent and Medway ICB", parent=region, type="ICB")
    areas = {}
    for code, (name, _, _) in FIGURES.items():
        parent = icb if code in (KENT, MEDWAY) else region
        areas[code] = make_area(code, name, parent=parent)
    metric = make_metric("admissions", "Emergency admissions 65+")
    for code, (_, numerator, denominator) in FIGURES.items():
        make_monthly_values(
            areas[code], metric, [numerator], first="2017-08", denominator=denominator
        )
    make_period(areas[KENT], "2017-08")
    return {"region": region, "icb": icb, "areas": areas, "metric": metric}
