"""The migrations describe the models exactly (no change waiting to be made)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    output = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    assert "No changes detected" in output.getvalue()


@pytest.mark.django_db
def test_the_quick_check_finds_a_migrated_database_and_defers_when_one_is_missing():
    from pathlib import Path

    from django.db import connection

    import bettercare.web.programmes.migrations as folder
    from bettercare.cli.database import _all_migration_files_applied, pending_migrations

    latest = max(path.stem for path in Path(folder.__path__[0]).glob("[0-9]*.py"))
    assert _all_migration_files_applied()
    assert pending_migrations() == []
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = %s AND name = %s",
            ["programmes", latest],
        )
    assert not _all_migration_files_applied()
    assert pending_migrations() == [f"programmes.{latest}"]  # the full check decides
