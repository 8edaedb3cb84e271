"""Starting Django for the command line and making sure the database is ready."""

from __future__ import annotations

import os
from io import StringIO

_ready = False


def setup_django() -> None:
    """Configure Django with bettercare's settings (once)."""
    global _ready
    if _ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bettercare.web.config.settings")
    import django

    django.setup()
    _ready = True


def _all_migration_files_applied() -> bool:
    """Whether every migration file on disk is recorded as applied (one query, no imports).

    The cheap check every command makes before the full one: loading the migration graph
    imports every migration module, most of a second on each start. Anything unusual (no
    table yet, squashed migrations) answers False, and the full check decides.
    """
    from pathlib import Path

    from django.apps import apps
    from django.db import connection

    on_disk = {
        (config.label, path.stem)
        for config in apps.get_app_configs()
        for path in (Path(config.path) / "migrations").glob("[0-9]*.py")
    }
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            return False  # a new database
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = set(cursor.fetchall())
    return on_disk <= applied


def pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if _all_migration_files_applied():
        return []

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def ensure_database(*, verbose: bool = False) -> list[str]:
    """Create or migrate the database and load the metric registry; return what was done."""
    setup_django()
    from django.core.management import call_command

    from bettercare.web.performance.registry import sync_registry

    done = []
    pending = pending_migrations()
    if pending:
        output = StringIO()
        call_command("migrate", interactive=False, verbosity=1 if verbose else 0, stdout=output)
        done.append(f"applied {len(pending)} migration(s)")
    created, updated = sync_registry()
    if created or updated:
        done.append(f"metric registry: {created} metric(s) added, {updated} updated")
    return done
