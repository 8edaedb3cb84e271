"""The layers hold when Python actually imports them, not only in the import graph (ADR 0104).

``lint-imports`` (``make check``) proves the static graph; these tests import every module of a
framework-free package in a fresh interpreter and check that Django never arrives, however
it might have come (a re-export, an import inside a package's ``__init__``).
"""

import subprocess
import sys

import pytest

IMPORT_EVERY_MODULE = """
import importlib, pkgutil, sys
package = importlib.import_module({package!r})
names = sorted(m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + "."))
for name in names:
    importlib.import_module(name)
print(len(names))
print(sorted({{m.split(".")[0] for m in sys.modules}} & {{"django", "psycopg"}}))
"""


@pytest.mark.parametrize(
    ("package", "at_least"),
    [
        ("bettercare.pipeline", 10),
        ("bettercare.demo", 12),
        ("bettercare.risk", 10),
        ("bettercare.reports", 4),
        ("bettercare.charts", 10),
        ("bettercare.workbook", 6),
    ],
)
def test_every_module_of_a_framework_free_package_imports_without_django(package, at_least):
    code = IMPORT_EVERY_MODULE.format(package=package)
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, frameworks = found.stdout.split("\n")[:2]
    assert int(count) >= at_least
    assert frameworks == "[]"
