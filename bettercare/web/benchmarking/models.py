"""Peer groups: configurable sets of areas to compare an area with.

Besides the groups every area has from the hierarchy (its region and its ICB), a peer group
is loaded as reviewed data (``bettercare peers load FILE``), for example an area's nearest
statistical neighbours from a published neighbour model: the group names its source and who
defined it, as metric definitions do.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class PeerGroup(models.Model):
    """A named set of areas compared together (e.g. Kent's nearest statistical neighbours)."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=300)
    anchor = models.ForeignKey(
        "programmes.Area",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="anchored_peer_groups",
        help_text="The area whose neighbours these are, if the group is one area's neighbours.",
    )
    members = models.ManyToManyField("programmes.Area", related_name="peer_groups")
    source = models.TextField(blank=True, help_text="Where the grouping comes from.")
    defined_by = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
