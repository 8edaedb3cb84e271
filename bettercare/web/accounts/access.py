"""Who may see and do what: every page and API answer asks here.

A role held in an area applies to every area below it (a regional lead on a region sees all
its HWBs). Scheme leads change only the schemes they lead. Superusers (administrators) may
do anything. One ``Access`` is built per request from two small queries.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from bettercare.web.accounts.models import Membership, Role, User
from bettercare.web.programmes.models import Area, Milestone, Risk, Scheme
from bettercare.web.programmes.versioning import shared_version

READ_ROLES = frozenset(Role)
EDIT_PROGRAMME = frozenset({Role.PROGRAMME_MANAGER})
EDIT_FINANCE = frozenset({Role.PROGRAMME_MANAGER, Role.FINANCE_LEAD})


@dataclass
class Access:
    """The areas a user may see, their roles in each, and the schemes they lead."""

    user: User | AnonymousUser
    is_admin: bool = False
    roles: dict[int, set[str]] = field(default_factory=dict)
    led_schemes: set[int] = field(default_factory=set)

    @classmethod
    def for_user(cls, user: User | AnonymousUser) -> Access:
        if not user.is_authenticated or not user.is_active:
            return cls(user)
        if user.is_superuser:
            return cls(user, is_admin=True)
        # Roles change only with memberships, scheme leads and the area tree: all of them move
        # the shared version on.
        key = f"access:{user.pk}:{shared_version()}"
        found = cache.get(key)
        if found is None:
            found = cls._look_up(user)
            cache.set(key, (found.roles, found.led_schemes), 60 * 60)
            return found
        roles, led = found
        return cls(user, roles=roles, led_schemes=led)

    @classmethod
    def _look_up(cls, user: User) -> Access:
        memberships = list(Membership.objects.filter(user=user).values_list("area_id", "role"))
        roles: dict[int, set[str]] = defaultdict(set)
        if memberships:
            below = Area.objects.below_each(area_id for area_id, _ in memberships)
            for area_id, role in memberships:
                for current in below.get(area_id, ()):
                    roles[current].add(role)
        led = set(
            Scheme.lead_users.through.objects.filter(user_id=user.pk).values_list(
                "scheme_id", flat=True
            )
        )
        return cls(user, roles=dict(roles), led_schemes=led)

    @cached_property
    def signature(self) -> str:
        """A short token that is the same for two users exactly when they may see and do the
        same: a page cached for one viewer (e.g. the metric page, ADR 0124) keys on it."""
        if self.is_admin:
            return "admin"
        if not self.roles and not self.led_schemes:
            return "none"
        text = repr(
            (
                sorted((area, sorted(roles)) for area, roles in self.roles.items()),
                sorted(self.led_schemes),
            )
        )
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()

    # -- seeing -----------------------------------------------------------------------------

    def visible_area_ids(self) -> set[int] | None:
        """The ids of the areas the user may see; None means every area."""
        return None if self.is_admin else set(self.roles)

    def visible_areas(self) -> Iterable[Area]:
        ids = self.visible_area_ids()
        areas = Area.objects.select_related("parent").order_by("name")
        return areas if ids is None else areas.filter(pk__in=ids)

    def can_view(self, area: Area) -> bool:
        return self.can_view_id(area.pk)

    def can_view_id(self, area_id: int) -> bool:
        """:meth:`can_view` for an area known by its id (a snapshot's plain row)."""
        return self.is_admin or area_id in self.roles

    def roles_in(self, area: Area) -> set[str]:
        return set(Role) if self.is_admin else self.roles.get(area.pk, set())

    def _has(self, area_id: int, allowed: frozenset[str]) -> bool:
        return self.is_admin or bool(self.roles.get(area_id, set()) & allowed)

    # -- doing ------------------------------------------------------------------------------

    def can_manage(self, area: Area) -> bool:
        """Open, submit and sign off periods; set programme status; edit anything."""
        return self._has(area.pk, EDIT_PROGRAMME)

    def can_rebase_metric(self, area: Area) -> bool:
        """Record or remove an SPC rebase point of the area's metrics (ADR 0095)."""
        return self._has(area.pk, EDIT_PROGRAMME)

    def can_edit_finance(self, area: Area) -> bool:
        return self._has(area.pk, EDIT_FINANCE)

    def can_complete_return(self, scheme: Scheme) -> bool:
        """Complete a scheme's monthly return: its area's programme manager or its lead."""
        if self._has(scheme.area_id, EDIT_PROGRAMME):
            return True
        return scheme.pk in self.led_schemes and Role.SCHEME_LEAD in self.roles.get(
            scheme.area_id, set()
        )

    def can_edit_milestone(self, milestone: Milestone) -> bool:
        if self._has(milestone.area_id, EDIT_PROGRAMME):
            return True
        return milestone.scheme_id is not None and self.can_complete_return(milestone.scheme)  # type: ignore[arg-type]  # scheme_id is checked: it is there

    def can_edit_risk(self, risk: Risk) -> bool:
        if self._has(risk.area_id, EDIT_PROGRAMME):
            return True
        return risk.scheme_id is not None and self.can_complete_return(risk.scheme)  # type: ignore[arg-type]  # scheme_id is checked: it is there

    def can_view_assurance(self, region: Area) -> bool:
        """The assurance matrix: regional leads (and administrators) for their region."""
        return self._has(region.pk, frozenset({Role.REGIONAL_LEAD}))

    def can_edit_assurance(self, region: Area) -> bool:
        """Enter and change the region's assurance ratings: its regional assurance leads."""
        return self._has(region.pk, frozenset({Role.REGIONAL_LEAD}))
