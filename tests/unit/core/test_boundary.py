"""The core stays framework-free: no Django, no database driver, no other part of bettercare."""

import ast
from pathlib import Path

import bettercare.core

CORE = Path(bettercare.core.__file__).parent
ALLOWED_THIRD_PARTY = {"numpy", "scipy"}
FORBIDDEN_PREFIXES = ("bettercare.", "django", "psycopg", "sqlite3", "duckdb", "pyspark", "ibis")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_only_numpy_scipy_and_the_standard_library():
    import sys

    stdlib = sys.stdlib_module_names
    problems = []
    for path in sorted(CORE.glob("*.py")):
        for name in imported_modules(path):
            top = name.split(".")[0]
            if name.startswith("bettercare.core") or name == "__future__":
                continue
            if name.startswith(FORBIDDEN_PREFIXES) or (
                top not in stdlib and top not in ALLOWED_THIRD_PARTY
            ):
                problems.append(f"{path.name} imports {name}")
    assert problems == []
    assert len(list(CORE.glob("*.py"))) >= 6


def test_core_never_imports_scipy_stats():
    """scipy.stats takes most of a second to import, on every CLI command and server start:
    core uses scipy.special, whose functions scipy.stats itself calls (bit for bit the same)."""
    import subprocess
    import sys

    modules = sorted(path.stem for path in CORE.glob("*.py") if path.stem != "__init__")
    code = "".join(f"import bettercare.core.{name}\n" for name in modules)
    code += "import sys\nprint(sorted(m for m in sys.modules if m.startswith('scipy.stats')))\n"
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert found.stdout.strip() == "[]"
