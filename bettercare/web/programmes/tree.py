"""The area tree (HWB areas under ICBs under regions): queries and the one area writer.

Walks of the tree are recursive common table expressions (``WITH RECURSIVE``, the same SQL on
SQLite and PostgreSQL), so a question about one part of the tree reads that part only, in one
query, instead of every area in the country:

- ``Area.objects.descendants(area)``: every area below ``area``, at any depth;
- ``Area.objects.ancestors(area)``: every area above it (``ancestors_of`` orders them);
- ``Area.objects.tree_of(area)``: the whole tree ``area`` is in, from its root down, for a
  page that asks several questions of it (:class:`AreaTree` answers them without queries);
- ``Area.objects.region_of(area)``: the region above ``area``;
- ``Area.objects.below_each(ids)``: each area with every area below it (who may see what).

:func:`areas_upsert` is the one writer that creates areas parents first (a workbook's
programme sheet, a pipeline's ``areas`` file).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL

if TYPE_CHECKING:
    from bettercare.web.accounts.models import User
    from bettercare.web.programmes.bulk import Upserted
    from bettercare.web.programmes.models import Area

__all__ = ["AreaLoopError", "AreaQuerySet", "AreaTree", "AreasWritten", "areas_upsert"]

REGION = "region"
HWB = "HWB"


def _pk(area: Area | int) -> int:
    return area if isinstance(area, int) else int(area.pk)


class AreaQuerySet(models.QuerySet["Area"]):
    """Areas, with the tree's questions (one query each)."""

    def _table(self) -> tuple[str, str, str]:
        quote = connection.ops.quote_name
        meta = self.model._meta
        parent = meta.get_field("parent")
        assert isinstance(parent, models.ForeignKey)
        assert meta.pk is not None
        assert meta.pk.column is not None
        assert parent.column is not None
        return quote(meta.db_table), quote(meta.pk.column), quote(parent.column)

    def descendants(self, area: Area | int) -> AreaQuerySet:
        """Every area below ``area`` at any depth (not ``area`` itself)."""
        table, pk, parent = self._table()
        sql = (
            f"WITH RECURSIVE below(id) AS ("  # noqa: S608 (quoted names, bound values)
            f"SELECT {pk} FROM {table} WHERE {parent} = %s "
            f"UNION SELECT a.{pk} FROM {table} a JOIN below b ON a.{parent} = b.id"
            f") SELECT id FROM below"
        )
        return self.filter(pk__in=RawSQL(sql, (_pk(area),)))  # noqa: S611 (bound values)

    def ancestors(self, area: Area | int) -> AreaQuerySet:
        """Every area above ``area`` (not ``area`` itself), in no particular order."""
        table, pk, parent = self._table()
        sql = (
            f"WITH RECURSIVE above(id, parent) AS ("  # noqa: S608 (quoted names, bound values)
            f"SELECT {pk}, {parent} FROM {table} WHERE {pk} = %s "
            f"UNION SELECT a.{pk}, a.{parent} FROM {table} a JOIN above u ON a.{pk} = u.parent"
            f") SELECT id FROM above WHERE id <> %s"
        )
        return self.filter(pk__in=RawSQL(sql, (_pk(area), _pk(area))))  # noqa: S611

    def tree_of(self, area: Area | int) -> AreaQuerySet:
        """Every area of the tree ``area`` is in: its root and everything below the root."""
        table, pk, parent = self._table()
        sql = (
            f"WITH RECURSIVE above(id, parent) AS ("  # noqa: S608 (quoted names, bound values)
            f"SELECT {pk}, {parent} FROM {table} WHERE {pk} = %s "
            f"UNION SELECT a.{pk}, a.{parent} FROM {table} a JOIN above u ON a.{pk} = u.parent"
            f"), below(id) AS (SELECT id FROM above WHERE parent IS NULL "
            f"UNION SELECT a.{pk} FROM {table} a JOIN below b ON a.{parent} = b.id"
            f") SELECT id FROM below"
        )
        return self.filter(pk__in=RawSQL(sql, (_pk(area),)))  # noqa: S611 (bound values)

    def below_each(self, area_ids: Iterable[int]) -> dict[int, set[int]]:
        """Each of ``area_ids`` with itself and every area below it, by id (one query)."""
        roots = sorted(set(area_ids))
        if not roots:
            return {}
        table, pk, parent = self._table()
        marks = ", ".join(["%s"] * len(roots))
        sql = (
            f"WITH RECURSIVE below(root, id) AS ("  # noqa: S608 (quoted names, bound values)
            f"SELECT {pk}, {pk} FROM {table} WHERE {pk} IN ({marks}) "
            f"UNION SELECT b.root, a.{pk} FROM {table} a JOIN below b ON a.{parent} = b.id"
            f") SELECT root, id FROM below"
        )
        found: dict[int, set[int]] = {root: set() for root in roots}
        with connection.cursor() as cursor:
            cursor.execute(sql, roots)
            for root, below in cursor.fetchall():
                found[root].add(below)
        return found

    def ancestors_of(self, area: Area) -> list[Area]:
        """The areas above ``area``, nearest first (one query)."""
        found = {a.pk: a for a in self.ancestors(area)}
        chain: list[Area] = []
        parent = area.parent_id
        while parent is not None and parent in found and found[parent] not in chain:
            chain.append(found[parent])
            parent = found[parent].parent_id
        return chain

    def region_of(self, area: Area) -> Area | None:
        """The nearest region above ``area``; None when it is in no region (one query)."""
        return next((a for a in self.ancestors_of(area) if a.type == REGION), None)


@dataclass(frozen=True)
class AreaTree:
    """Areas already read (e.g. ``Area.objects.tree_of(area)``), asked about without queries."""

    areas: Mapping[int, Area]
    children: Mapping[int | None, Sequence[Area]] = field(init=False)

    def __post_init__(self) -> None:
        children: dict[int | None, list[Area]] = defaultdict(list)
        for area in self.areas.values():
            children[area.parent_id].append(area)
        object.__setattr__(self, "children", children)

    @classmethod
    def of(cls, areas: Iterable[Area]) -> AreaTree:
        return cls({area.pk: area for area in areas})

    def ancestors(self, area: Area) -> list[Area]:
        """The areas above ``area`` among these, nearest first."""
        chain: list[Area] = []
        parent = self.areas.get(area.parent_id) if area.parent_id else None
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.areas.get(parent.parent_id) if parent.parent_id else None
        return chain

    def region_of(self, area: Area) -> Area | None:
        return next((a for a in self.ancestors(area) if a.type == REGION), None)

    def descendants(self, area: Area) -> list[Area]:
        """The areas below ``area`` among these, at any depth, parents first (level by level,
        each parent's children in the order they were read)."""
        found: list[Area] = []
        seen = {area.pk}
        queue = deque(self.children.get(area.pk, ()))
        while queue:
            child = queue.popleft()
            if child.pk in seen:
                continue
            seen.add(child.pk)
            found.append(child)
            queue.extend(self.children.get(child.pk, ()))
        return found

    def hwbs_below(self, area: Area) -> list[Area]:
        """The HWB areas below ``area`` (through any ICBs), in name order."""
        return sorted((a for a in self.descendants(area) if a.type == HWB), key=lambda a: a.name)


# -- the one area writer ----------------------------------------------------------------------


class AreaLoopError(ValueError):
    """Areas whose parents are neither in the database nor among the areas written."""


@dataclass
class AreasWritten:
    """The areas by code (those written and those their parents needed), and the counts."""

    areas: dict[str, Area]
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def areas_upsert(
    rows: Sequence[Mapping[str, Any]],
    *,
    known: Mapping[str, Area],
    by: User | None,
    reason: str,
    on_level: Callable[[Upserted], None] | None = None,
) -> AreasWritten:
    """Create or update areas by code, parents first, with the bulk writer.

    Each row has ``code`` and ``parent_code`` (None at the top) and any other field of
    :class:`Area` by attribute name. A parent is looked for among ``known`` (areas already
    read, by code), then among the rows; one bulk write per level of the tree.

    Raises
    ------
    AreaLoopError
        When some rows' parents are neither known nor written (missing, or in a loop).
    """
    with transaction.atomic():  # all the levels or none
        return _write_levels(rows, known, by, reason, on_level)


def _write_levels(
    rows: Sequence[Mapping[str, Any]],
    known: Mapping[str, Area],
    by: User | None,
    reason: str,
    on_level: Callable[[Upserted], None] | None,
) -> AreasWritten:
    from bettercare.web.programmes.bulk import upsert
    from bettercare.web.programmes.models import Area

    result = AreasWritten(dict(known))
    written_codes = {row["code"] for row in rows}
    placed = set(known) - written_codes
    pending = list(rows)
    while pending:
        level = [r for r in pending if not r["parent_code"] or r["parent_code"] in placed]
        if not level:
            stuck = ", ".join(sorted(r["code"] for r in pending))
            raise AreaLoopError(
                f"the parents of these areas are neither in the database nor written: {stuck}"
            )
        values = [
            {
                **{name: value for name, value in row.items() if name != "parent_code"},
                "parent_id": result.areas[row["parent_code"]].pk if row["parent_code"] else None,
            }
            for row in level
        ]
        codes = [row["code"] for row in level]
        done = upsert(
            Area,
            ("code",),
            values,
            existing=Area.objects.filter(code__in=codes),
            by=by,
            reason=reason,
        )
        result.created += done.created
        result.updated += done.updated
        result.unchanged += done.unchanged
        if on_level is not None:
            on_level(done)
        result.areas.update({a.code: a for a in Area.objects.filter(code__in=codes)})
        placed |= set(codes)
        pending = [r for r in pending if r["code"] not in placed]
    return result
