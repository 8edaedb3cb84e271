"""``bettercare backup PATH`` and ``bettercare restore PATH``.

SQLite: Python's online backup API (``sqlite3.Connection.backup``), which copies a consistent
snapshot while the server keeps running. PostgreSQL: ``pg_dump --format=custom`` and
``pg_restore`` (the PostgreSQL client programs must be installed, e.g. Debian's
``postgresql-client``). A restore goes into an empty database only, so nothing is overwritten
by mistake.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from bettercare.cli.errors import UserError


def _database() -> Mapping[str, Any]:
    from django.conf import settings

    database: Mapping[str, Any] = settings.DATABASES["default"]
    return database


def _pg_env(database: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [
        "--host",
        str(database.get("HOST") or "localhost"),
        "--port",
        str(database.get("PORT") or 5432),
    ]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise UserError(
            f"{name} is not installed: install the PostgreSQL client programs "
            "(e.g. apt-get install postgresql-client) to back up or restore PostgreSQL"
        )
    return found


def backup_sqlite(source: str | Path, path: Path) -> None:
    """Copy the SQLite database ``source`` to ``path`` with the online backup API."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source) as live, sqlite3.connect(partial) as copy:
        live.backup(copy)
    copy.close()
    partial.replace(path)  # atomic: PATH is either the whole backup or not there


def restore_sqlite(path: Path, target: str | Path) -> None:
    """Copy the backup at ``path`` into the (empty) SQLite database ``target``."""
    with sqlite3.connect(path) as backup:
        try:
            tables = backup.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if ("programmes_area",) not in tables.fetchall():
                raise UserError(f"{path} is not a bettercare backup (it has no bettercare tables)")
        except sqlite3.DatabaseError:
            raise UserError(f"{path} is not a bettercare backup (not an SQLite database)") from None
        with sqlite3.connect(target) as live:
            backup.backup(live)


def _is_empty() -> bool:
    from django.db import connection

    tables = set(connection.introspection.table_names())
    if "programmes_area" not in tables:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM programmes_area")
        return bool(cursor.fetchone()[0] == 0)


def command_backup(path: Path, out: TextIO) -> int:
    database = _database()
    path = Path(path)
    if path.exists():
        raise UserError(f"{path} already exists: give a new file name")
    if not path.parent.is_dir():
        raise UserError(f"{path.parent} is not a folder")
    if "sqlite" in database["ENGINE"]:
        backup_sqlite(database["NAME"], path)
    else:
        args, env = _pg_env(database)
        result = subprocess.run(  # noqa: S603 - fixed program and arguments
            [_program("pg_dump"), *args, "--format=custom", "--file", str(path), database["NAME"]],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            path.unlink(missing_ok=True)
            raise UserError(f"pg_dump failed: {' '.join(result.stderr.split())[:300]}")
    print(f"Backed up the database to {path} ({path.stat().st_size:,} bytes).", file=out)
    return 0


def command_restore(path: Path, out: TextIO) -> int:
    from django.db import connections

    database = _database()
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path} is not a backup file")
    if not _is_empty():
        raise UserError(
            "the database is not empty: restore into a new, empty database "
            "(set BETTERCARE_DATABASE_URL to it)"
        )
    connections.close_all()
    if "sqlite" in database["ENGINE"]:
        restore_sqlite(path, database["NAME"])
    else:
        args, env = _pg_env(database)
        result = subprocess.run(  # noqa: S603 - fixed program and arguments
            [
                _program("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--dbname",
                database["NAME"],
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise UserError(f"pg_restore failed: {' '.join(result.stderr.split())[:300]}")
    print(f"Restored the database from {path}.", file=out)
    return 0
