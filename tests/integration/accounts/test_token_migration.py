"""Migrating the API tokens (ADR 0101): a revoked flag becomes a revocation date, and tokens
made before expiry existed get 90 days from the migration, so no script stops that day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0003_apitoken_history")]
AFTER = [("accounts", "0006_apitoken_expiry_required")]


@pytest.mark.django_db(transaction=True)
def test_old_tokens_keep_working_for_90_days_and_revoked_ones_stay_revoked():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("accounts", "User").objects.create(username="ann")
    tokens = old.get_model("accounts", "ApiToken").objects
    tokens.create(user=user, name="live", prefix="bc_live0", key_hash="a" * 64)
    tokens.create(user=user, name="gone", prefix="bc_gone0", key_hash="b" * 64, revoked=True)

    before = timezone.now()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    after = timezone.now()

    new = executor.loader.project_state(AFTER).apps
    migrated = {t.name: t for t in new.get_model("accounts", "ApiToken").objects.all()}
    for token in migrated.values():
        assert before + timedelta(days=90) <= token.expires_at <= after + timedelta(days=90)
    assert migrated["live"].revoked_at is None
    assert before <= migrated["gone"].revoked_at <= after
    assert migrated["gone"].revoked_by_id is None
