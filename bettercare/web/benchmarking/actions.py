"""Writes about peer groups: loading them from a reviewed CSV file, in one transaction."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from bettercare.web.accounts.models import User
from bettercare.web.benchmarking.models import PeerGroup
from bettercare.web.programmes.models import Area

#: The columns of a peer-group file; one row per member area.
COLUMNS = ("group", "name", "anchor", "member", "source", "defined_by")
REQUIRED = ("group", "name", "member")


class PeerGroupError(ValueError):
    """A peer-group file that cannot be loaded: one line naming file, row, column and value."""


@dataclass
class PeerGroupSpec:
    code: str
    name: str
    anchor: str
    source: str
    defined_by: str
    members: list[str] = field(default_factory=list)


def read_peer_group_file(path: Path) -> list[PeerGroupSpec]:
    """Read a peer-group CSV (columns :data:`COLUMNS`), checking it row by row."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return parse_peer_group_rows(csv.DictReader(handle), file_name=path.name)
    except OSError as error:
        raise PeerGroupError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise PeerGroupError(f"{path.name}: is not a UTF-8 CSV file") from None


def parse_peer_group_rows(
    rows: Iterable[Mapping[str, str | None]], *, file_name: str
) -> list[PeerGroupSpec]:
    """Peer groups from CSV rows; area codes are checked when the groups are loaded."""
    groups: dict[str, PeerGroupSpec] = {}
    for number, row in enumerate(rows, start=2):
        missing = [name for name in REQUIRED if name not in row]
        if missing:
            raise PeerGroupError(
                f"{file_name}: the header lacks the column {missing[0]!r}; "
                f"expected the columns {', '.join(COLUMNS)}"
            )
        values = {name: (row.get(name) or "").strip() for name in COLUMNS}
        for name in REQUIRED:
            if not values[name]:
                raise PeerGroupError(
                    f"{file_name} row {number}, column {name}: is empty; expected a value"
                )
        code = values["group"]
        spec = groups.setdefault(
            code,
            PeerGroupSpec(
                code, values["name"], values["anchor"], values["source"], values["defined_by"]
            ),
        )
        if values["name"] != spec.name:
            raise PeerGroupError(
                f"{file_name} row {number}, column name: {values['name']!r} differs from "
                f"{spec.name!r} given earlier for group {code!r}; expected one name per group"
            )
        member = values["member"].upper()
        if member in spec.members:
            raise PeerGroupError(
                f"{file_name} row {number}, column member: {member!r} is already in group "
                f"{code!r}; expected each member once"
            )
        spec.members.append(member)
    if not groups:
        raise PeerGroupError(f"{file_name}: has no rows; expected one row per member area")
    return list(groups.values())


@transaction.atomic
def peer_groups_load(
    *, groups: list[PeerGroupSpec], by: User | None, file_name: str = "peer groups"
) -> list[PeerGroup]:
    """Create or replace each group (matched by code) with its members; all or nothing."""
    codes = {code for spec in groups for code in [*spec.members, spec.anchor] if code}
    areas = {area.code: area for area in Area.objects.filter(code__in=codes)}
    for spec in groups:
        for code in [*spec.members, spec.anchor]:
            if code and code.upper() not in areas:
                raise PeerGroupError(
                    f"{file_name}, group {spec.code!r}: unknown area {code!r}; expected an area "
                    "code known to bettercare (`bettercare areas` lists them)"
                )
    loaded = []
    for spec in groups:
        group = PeerGroup.objects.filter(code=spec.code).first() or PeerGroup(code=spec.code)
        group.name = spec.name
        group.anchor = areas[spec.anchor.upper()] if spec.anchor else None
        group.source = spec.source
        group.defined_by = spec.defined_by
        group._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
        group.save()
        group.members.set([areas[code] for code in spec.members])
        loaded.append(group)
    return loaded
