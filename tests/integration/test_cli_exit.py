"""The console script ends a board pack's process at once (ADR 0138), and loses nothing:
the pack is whole, the "Wrote" line reaches a pipe, and an error still exits as usual."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bettercare.cli.main import ENDED_AT_ONCE

PROGRAMME = "area_code,area_name,area_type\nE10000016,Kent,HWB\n"


def bettercare(data: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BETTERCARE_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["BETTERCARE_DATABASE_URL"] = f"sqlite:///{data / 'bettercare.sqlite3'}"
    env["BETTERCARE_DATA_DIR"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", "bettercare", *args],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-exit")
    plan = folder / "plan"
    plan.mkdir()
    (plan / "programme.csv").write_text(PROGRAMME)
    imported = bettercare(folder, "import", str(plan))
    assert imported.returncode == 0, imported.stderr
    return folder


def test_only_the_pack_command_ends_at_once() -> None:
    assert sorted(ENDED_AT_ONCE) == ["report"]


@pytest.mark.parametrize(("kind", "output_format"), [("highlight", "html"), ("schemes", "xlsx")])
def test_a_pack_is_written_whole_and_its_line_reaches_a_pipe(
    data: Path, kind: str, output_format: str
) -> None:
    output = data / f"{kind}.{output_format}"
    result = bettercare(
        data,
        "report",
        kind,
        "--area",
        "E10000016",
        "--format",
        output_format,
        "--output",
        str(output),
    )
    assert result.returncode == 0, result.stderr
    size = output.stat().st_size
    assert result.stdout == f"Wrote {output} ({size:,} bytes)\n".encode()
    assert result.stderr == b""
    content = output.read_bytes()
    if output_format == "html":
        assert content.rstrip().endswith(b"</html>")
    else:  # a zip file ends with its central directory's end record
        assert content[-22:-18] == b"PK\x05\x06"


def test_an_error_exits_as_usual(data: Path) -> None:
    result = bettercare(
        data,
        "report",
        "highlight",
        "--area",
        "E99999999",
        "--format",
        "html",
        "--output",
        str(data / "none.html"),
    )
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.startswith(b"bettercare report: error: unknown area 'E99999999'")
    assert not (data / "none.html").exists()


def test_other_commands_exit_as_usual(data: Path) -> None:
    result = bettercare(data, "areas", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert b'"E10000016"' in result.stdout
