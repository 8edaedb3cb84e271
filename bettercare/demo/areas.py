"""The demo region: East Midlands, its Integrated Care Boards and ten Health and Wellbeing Boards.

Codes and names are the real ONS ones. Populations are round figures of the right size
(ONS mid-2017 estimates). Areas carry their real lifetimes: Northamptonshire (E10000021) was
replaced on 1 April 2021 by North Northamptonshire (E06000061) and West Northamptonshire
(E06000062), so the 2017 example has Northamptonshire and the current years have the two
unitary councils (see ADR 0080). Every programme is named as demonstration data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bettercare.core.periods import Month
from bettercare.demo.timeline import DEMO_LABEL, Row

REGION = ("E12000004", "East Midlands")
#: North and West Northamptonshire replaced Northamptonshire County Council on this day.
REORGANISED = date(2021, 4, 1)
LEICESTERSHIRE = "E10000018"

ICBS: tuple[tuple[str, str], ...] = (
    ("E54000015", "NHS Leicester, Leicestershire and Rutland Integrated Care Board"),
    ("E54000058", "NHS Derby and Derbyshire Integrated Care Board"),
    ("E54000060", "NHS Nottingham and Nottinghamshire Integrated Care Board"),
    ("E54000013", "NHS Lincolnshire Integrated Care Board"),
    ("E54000059", "NHS Northamptonshire Integrated Care Board"),
)


@dataclass(frozen=True, slots=True)
class Hwb:
    """A Health and Wellbeing Board area of the demo and the sizes its metrics are built on.

    ``population``, ``adults`` (18 and over) and ``older`` (65 and over) are the 2017-18
    denominators; earlier years are scaled back by the growth rates in ``metrics``.
    ``dtoc_rate`` and ``nel_rate`` are the typical monthly rates per 100,000 in 2017.
    """

    code: str
    name: str
    icb: str
    local_authority: str
    commissioners: tuple[str, ...]
    population: int
    adults: int
    older: int
    dtoc_rate: float
    nel_rate: float
    programme: str
    valid_from: date | None = None
    valid_to: date | None = None

    def exists_in(self, month: Month) -> bool:
        """Whether the area existed in (any part of) ``month``."""
        return (self.valid_from is None or self.valid_from <= month.last_day) and (
            self.valid_to is None or self.valid_to >= month.first_day
        )


HWBS: tuple[Hwb, ...] = (
    Hwb(
        LEICESTERSHIRE,
        "Leicestershire",
        "E54000015",
        "Leicestershire County Council",
        ("NHS West Leicestershire CCG", "NHS East Leicestershire and Rutland CCG"),
        684_138,
        546_195,
        139_327,
        300.0,
        787.0,
        "Leicestershire Health and Care Integration Programme",
    ),
    Hwb(
        "E06000016",
        "Leicester",
        "E54000015",
        "Leicester City Council",
        ("NHS Leicester City CCG",),
        353_500,
        271_900,
        41_600,
        255.0,
        905.0,
        "Leicester Better Care Together",
    ),
    Hwb(
        "E06000017",
        "Rutland",
        "E54000015",
        "Rutland County Council",
        ("NHS East Leicestershire and Rutland CCG",),
        39_500,
        31_800,
        9_900,
        210.0,
        690.0,
        "Rutland Better Care Fund programme",
    ),
    Hwb(
        "E10000007",
        "Derbyshire",
        "E54000058",
        "Derbyshire County Council",
        (
            "NHS North Derbyshire CCG",
            "NHS Hardwick CCG",
            "NHS Erewash CCG",
            "NHS Southern Derbyshire CCG",
        ),
        792_100,
        636_400,
        168_900,
        410.0,
        842.0,
        "Derbyshire Better Care Fund programme",
    ),
    Hwb(
        "E06000015",
        "Derby",
        "E54000058",
        "Derby City Council",
        ("NHS Southern Derbyshire CCG",),
        257_200,
        197_300,
        41_300,
        380.0,
        935.0,
        "Derby City Better Care Fund programme",
    ),
    Hwb(
        "E10000024",
        "Nottinghamshire",
        "E54000060",
        "Nottinghamshire County Council",
        (
            "NHS Mansfield and Ashfield CCG",
            "NHS Newark and Sherwood CCG",
            "NHS Nottingham North and East CCG",
            "NHS Nottingham West CCG",
            "NHS Rushcliffe CCG",
            "NHS Bassetlaw CCG",
        ),
        818_600,
        656_200,
        171_500,
        330.0,
        815.0,
        "Nottinghamshire Better Care Fund programme",
    ),
    Hwb(
        "E06000018",
        "Nottingham",
        "E54000060",
        "Nottingham City Council",
        ("NHS Nottingham City CCG",),
        329_200,
        262_800,
        35_900,
        290.0,
        960.0,
        "Nottingham City Better Care Fund programme",
    ),
    Hwb(
        "E10000019",
        "Lincolnshire",
        "E54000013",
        "Lincolnshire County Council",
        (
            "NHS Lincolnshire East CCG",
            "NHS Lincolnshire West CCG",
            "NHS South Lincolnshire CCG",
            "NHS South West Lincolnshire CCG",
        ),
        751_200,
        605_800,
        170_300,
        365.0,
        830.0,
        "Lincolnshire Better Care Fund programme",
    ),
    Hwb(
        "E06000061",
        "North Northamptonshire",
        "E54000059",
        "North Northamptonshire Council",
        ("NHS Corby CCG", "NHS Nene CCG"),
        346_000,
        266_900,
        62_500,
        395.0,
        870.0,
        "North Northamptonshire Better Care Fund programme",
        valid_from=REORGANISED,
    ),
    Hwb(
        "E06000062",
        "West Northamptonshire",
        "E54000059",
        "West Northamptonshire Council",
        ("NHS Nene CCG",),
        405_400,
        313_200,
        70_800,
        420.0,
        850.0,
        "West Northamptonshire Better Care Fund programme",
        valid_from=REORGANISED,
    ),
    Hwb(
        "E10000021",
        "Northamptonshire",
        "E54000059",
        "Northamptonshire County Council",
        ("NHS Corby CCG", "NHS Nene CCG"),
        733_100,
        571_600,
        131_800,
        410.0,
        860.0,
        "Northamptonshire Better Care Fund programme",
        valid_to=date(2021, 3, 31),
    ),
)


def hwbs_in(month: Month) -> tuple[Hwb, ...]:
    """The HWB areas that existed in ``month``."""
    return tuple(hwb for hwb in HWBS if hwb.exists_in(month))


def programme_rows(months: tuple[Month, ...] | None = None) -> list[Row]:
    """The ``programme`` sheet: the region, its ICBs and the HWBs with their programmes and
    lifetimes; only the HWBs that existed in one of ``months`` when they are given."""
    rows: list[Row] = [
        {"area_code": REGION[0], "area_name": REGION[1], "area_type": "region"},
    ]
    rows += [
        {"area_code": code, "area_name": name, "area_type": "ICB", "parent_code": REGION[0]}
        for code, name in ICBS
    ]
    rows += [
        {
            "area_code": hwb.code,
            "area_name": hwb.name,
            "area_type": "HWB",
            "parent_code": hwb.icb,
            "programme_name": f"{hwb.programme} {DEMO_LABEL}",
            "local_authority": hwb.local_authority,
            "commissioners": "; ".join(hwb.commissioners),
            "valid_from": hwb.valid_from,
            "valid_to": hwb.valid_to,
        }
        for hwb in HWBS
        if months is None or any(hwb.exists_in(month) for month in months)
    ]
    return rows
