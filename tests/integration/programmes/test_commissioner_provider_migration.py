"""The migration that moves a scheme's single commissioner and provider fields into its
delivery chain (ADR 0120): run forward on rows as the fields left them, and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("programmes", "0009_scheme_descriptions")]
AFTER = [("programmes", "0010_commissioner_provider_into_delivery_chain")]


def chain_of(apps, scheme):
    partners = apps.get_model("programmes", "SchemeDeliveryPartner").objects
    return [
        (p.organisation, p.role, p.responsibility, p.position)
        for p in partners.filter(scheme_id=scheme.pk).order_by("position", "id")
    ]


@pytest.mark.django_db(transaction=True)
def test_each_field_joins_the_chain_in_its_role_unless_the_chain_names_it_so():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        area = old.get_model("programmes", "Area").objects.create(
            code="E10000016", name="Kent", type="HWB"
        )
        schemes = old.get_model("programmes", "Scheme").objects
        partners = old.get_model("programmes", "SchemeDeliveryPartner").objects
        # Both fields, an empty chain: both join it, commissioner first.
        rapid = schemes.create(
            area=area,
            ref="BCF 1",
            name="Rapid response",
            commissioner="NHS Ashford CCG",
            provider="Kent Community Health",
        )
        # Both fields; the chain already names the commissioner (written otherwise) and
        # holds the provider as a partner: only the provider is added, after the chain.
        homes = schemes.create(
            area=area,
            ref="BCF 2",
            name="Care homes",
            commissioner="Kent County Council",
            provider="Care Homes Ltd",
        )
        partners.create(
            scheme=homes,
            organisation="kent county council ",
            role="commissioner",
            responsibility="Commissions the beds",
            position=0,
        )
        partners.create(scheme=homes, organisation="Care Homes Ltd", role="partner", position=3)
        # Neither field: nothing added.
        quiet = schemes.create(area=area, ref="BCF 3", name="Enablers")

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps

        assert chain_of(new, rapid) == [
            ("NHS Ashford CCG", "commissioner", "", 0),
            ("Kent Community Health", "provider", "", 1),
        ]
        assert chain_of(new, homes) == [
            ("kent county council ", "commissioner", "Commissions the beds", 0),
            ("Care Homes Ltd", "partner", "", 3),
            ("Care Homes Ltd", "provider", "", 4),
        ]
        assert chain_of(new, quiet) == []
        fields = {f.name for f in new.get_model("programmes", "Scheme")._meta.get_fields()}
        assert not fields & {"commissioner", "provider"}
        history = new.get_model("programmes", "HistoricalSchemeDeliveryPartner").objects
        assert sorted(
            (h.scheme_id, h.organisation, h.role, h.history_type, h.history_change_reason)
            for h in history.all()
        ) == [
            (rapid.pk, "Kent Community Health", "provider", "+", "moved from the scheme's provider field"),
            (rapid.pk, "NHS Ashford CCG", "commissioner", "+", "moved from the scheme's commissioner field"),
            (homes.pk, "Care Homes Ltd", "provider", "+", "moved from the scheme's provider field"),
        ]  # fmt: skip

        # Back: the first commissioner and provider of each chain fill the fields again.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(BEFORE)
        back = executor.loader.project_state(BEFORE).apps.get_model("programmes", "Scheme")
        assert sorted(back.objects.values_list("ref", "commissioner", "provider")) == [
            ("BCF 1", "NHS Ashford CCG", "Kent Community Health"),
            ("BCF 2", "kent county council ", "Care Homes Ltd"),
            ("BCF 3", "", ""),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
