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


def pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

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
