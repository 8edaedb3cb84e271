"""The web app and the CLI without the optional extras (ADR 0104).

Each test runs a fresh interpreter in which the extras' modules cannot be imported: a finder
at the front of ``sys.meta_path`` refuses them, as if they had never been installed.
"""

import subprocess
import sys

import pytest

from bettercare.cli.extras import EXTRAS, extra_for_module

PIPELINE = EXTRAS["pipeline"]
SPARK = EXTRAS["spark"]

BLOCK = """
import sys

class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
"""


def run_without(blocked, code, tmp_path, **env):
    script = BLOCK.format(blocked=set(blocked)) + code
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**_environment(), "BETTERCARE_DATA_DIR": str(tmp_path), **env},
        timeout=300,
    )


def _environment():
    import os

    return {k: v for k, v in os.environ.items() if k != "BETTERCARE_DATABASE_URL"}


def cli_without(blocked, argv, tmp_path):
    code = f"from bettercare.cli.main import main\nsys.exit(main({argv!r}))\n"
    return run_without(blocked, code, tmp_path)


def test_the_blocker_really_hides_a_module(tmp_path):
    found = run_without(PIPELINE, "import duckdb\n", tmp_path)
    assert found.returncode == 1
    assert found.stderr.strip().endswith("ModuleNotFoundError: No module named 'duckdb'")


def test_a_pipeline_command_without_the_pipeline_extra_says_which_extra_to_install(tmp_path):
    found = cli_without(PIPELINE + SPARK, ["pipeline", "synth", "--out", "inputs"], tmp_path)
    assert found.returncode == 1
    assert found.stdout == ""
    assert found.stderr == (
        "bettercare pipeline: error: this command needs the 'pipeline' extra "
        "(duckdb is not installed): pip install 'bettercare[pipeline]'\n"
    )
    assert not (tmp_path / "inputs").exists()


def test_a_spark_run_without_the_spark_extra_says_which_extra_to_install(tmp_path):
    argv = ["pipeline", "run", "--input", "in", "--engine", "spark", "--from", "2024-04"]
    argv += ["--to", "2024-05", "--output", "out.csv"]
    found = cli_without(SPARK, argv, tmp_path)
    assert found.returncode == 1
    assert found.stderr == (
        "bettercare pipeline: error: this command needs the 'spark' extra "
        "(pyspark is not installed): pip install 'bettercare[spark]'\n"
    )


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["risk", "synth", "--patients", "10", "--practices", "1", "--out", "p"], "risk"),
        (["demo", "--password", "a long demo password"], "demo"),
    ],
)
def test_the_other_commands_that_need_the_pipeline_say_so(tmp_path, argv, command):
    found = cli_without(PIPELINE + SPARK, argv, tmp_path)
    assert found.returncode == 1
    assert found.stderr == (
        f"bettercare {command}: error: this command needs the 'pipeline' extra "
        "(duckdb is not installed): pip install 'bettercare[pipeline]'\n"
    )


def test_an_import_the_check_did_not_foresee_still_names_the_extra():
    assert extra_for_module("ibis.expr.types") == "pipeline"
    assert extra_for_module("pyspark.sql") == "spark"
    assert extra_for_module("django") is None
    assert extra_for_module(None) is None


#: Modules that need the pipeline's libraries, imported only by the commands that load
#: pipeline or demo results (bettercare pipeline run --load, bettercare demo).
NEED_THE_PIPELINE = ["bettercare.web.demo_load", "bettercare.web.performance.pipeline_load"]

SERVE = """
import importlib, os, pkgutil
os.environ["DJANGO_SETTINGS_MODULE"] = "bettercare.web.config.test_settings"
import bettercare.web.config.wsgi
from django.apps import apps
from django.test import Client
from django.urls import get_resolver

print(len(apps.get_models()), len(get_resolver().url_patterns))
print(Client().get("/healthz").status_code, Client().get("/accounts/login/").status_code)
import bettercare.web, bettercare.cli
refused = []
for package in (bettercare.web, bettercare.cli):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        try:
            importlib.import_module(module.name)
        except ModuleNotFoundError:
            refused.append(module.name)
print(sorted(refused))
print(sorted({{m.partition(".")[0] for m in sys.modules}} & {blocked!r}))
"""


def test_the_web_app_loads_and_serves_without_the_extras(tmp_path):
    blocked = set(PIPELINE + SPARK)
    found = run_without(
        blocked,
        SERVE.format(blocked=blocked),
        tmp_path,
        BETTERCARE_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        BETTERCARE_ALLOWED_HOSTS="testserver",
    )
    assert found.returncode == 0, found.stderr
    counts, status, refused, loaded = found.stdout.splitlines()
    models, urls = map(int, counts.split())
    assert models > 20
    assert urls > 10
    assert status == "200 200"  # the health check, and a page rendered from its template
    assert refused == repr(NEED_THE_PIPELINE)
    assert loaded == "[]"
