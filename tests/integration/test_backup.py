"""`bettercare backup` then `bettercare restore` into an empty database gives the same data:
the same export, row for row, and the same tables."""

from __future__ import annotations

import filecmp
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

PROGRAMME = "area_code,area_name,area_type\nE10000016,Kent,HWB\n"
MILESTONES = (
    "area_code,ref,title,baseline_date,comments\n"
    "E10000016,M1,Open the hub,2017-09-30,=cmd|' /C calc'!A0\n"
)


def bettercare(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BETTERCARE_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["BETTERCARE_DATABASE_URL"] = f"sqlite:///{database}"
    env["BETTERCARE_DATA_DIR"] = str(database.parent)
    return subprocess.run(
        [sys.executable, "-m", "bettercare", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def tables(database: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(database) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
            )
        ]
        return {
            name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }


def test_backup_and_restore_into_an_empty_database(tmp_path):
    live = tmp_path / "live" / "bettercare.sqlite3"
    live.parent.mkdir()
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "programme.csv").write_text(PROGRAMME)
    (plan / "milestones.csv").write_text(MILESTONES)
    imported = bettercare(live, "import", str(plan))
    assert imported.returncode == 0, imported.stderr
    assert (
        bettercare(live, "export", str(tmp_path / "before"), "--area", "E10000016").returncode == 0
    )

    backup = tmp_path / "bettercare.backup"
    result = bettercare(live, "backup", str(backup))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Backed up the database to {backup} (")
    again = bettercare(live, "backup", str(backup))
    assert again.returncode != 0
    assert (
        again.stderr == f"bettercare backup: error: {backup} already exists: give a new file name\n"
    )

    restored = tmp_path / "restored" / "bettercare.sqlite3"
    restored.parent.mkdir()
    result = bettercare(restored, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert tables(restored) == tables(live)
    exported = bettercare(restored, "export", str(tmp_path / "after"), "--area", "E10000016")
    assert exported.returncode == 0, exported.stderr
    comparison = filecmp.dircmp(tmp_path / "before", tmp_path / "after")
    assert comparison.left_list == comparison.right_list
    assert sorted(comparison.left_list) == ["milestones.csv", "programme.csv"]
    assert comparison.diff_files == []
    assert "'=cmd" in (tmp_path / "after" / "milestones.csv").read_text()

    refused = bettercare(restored, "restore", str(backup))
    assert refused.returncode != 0
    assert "the database is not empty" in refused.stderr
    assert refused.stderr.count("\n") == 1
