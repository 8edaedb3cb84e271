"""``bettercare risk synth|train|score|load``: the contract's names, outputs and one-line errors."""

import json
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bettercare.cli.main import main
from bettercare.web.risk.models import PatientScore, Refresh

CONTRACT_KEYS = {
    "auroc",
    "auroc_lower",
    "auroc_upper",
    "calibration_slope",
    "calibration_intercept",
    "brier",
    "ppv_top_2",
    "sensitivity_top_2",
}
SCORE_COLUMNS = [
    "patient_id",
    "practice_code",
    "p_emergency_admission",
    "p_high_cost",
    "risk_band",
    "segment",
    "cohort_1",
    "cohort_2",
    "cohort_3",
    "cohort_4",
    "cohort_5",
    "complex_diabetes",
    "polypharmacy",
    "care_home",
    "over_75_high_risk",
]


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cli") / "data"
    assert (
        main(
            [
                "risk",
                "synth",
                "--patients",
                "500",
                "--practices",
                "4",
                "--seed",
                "3",
                "--out",
                str(directory),
            ]
        )
        == 0
    )
    return directory


def test_synth_writes_the_inputs_and_the_truth_apart(data):
    names = sorted(path.name for path in data.iterdir())
    assert names == [
        "activity.parquet",
        "diagnoses.parquet",
        "medications.parquet",
        "patients.parquet",
        "practices.parquet",
        "truth.parquet",
    ]
    truth = pq.read_table(data / "truth.parquet")
    assert truth.column_names == ["patient_id", "p_emergency_admission", "p_high_cost"]
    assert truth.num_rows == 500


@pytest.mark.django_db
def test_train_score_load(data, tmp_path, capsys):
    model = tmp_path / "model.json"
    code, out, _ = run(
        capsys, "risk", "train", "--data", str(data), "--model", str(model), "--format", "json"
    )
    assert code == 0
    result = json.loads(out)
    assert set(result) >= CONTRACT_KEYS
    assert result["auroc_lower"] <= result["auroc"] <= result["auroc_upper"]
    written = json.loads(model.read_text())
    assert written["feature_version"] == 1
    assert written["training"]["index_date"] == "2024-04-01"
    assert written["outcomes"]["emergency_admission"]["terms"][0]["name"] == "age"

    code, out, _ = run(capsys, "risk", "train", "--data", str(data), "--model", str(model))
    assert code == 0
    assert "AUROC" in out
    assert "compared, histogram gradient boosting" in out

    scores = tmp_path / "scores.parquet"
    code, out, _ = run(
        capsys, "risk", "score", "--data", str(data), "--model", str(model), "--out", str(scores)
    )
    assert code == 0
    assert "500 patients scored at 2026-04-01" in out
    table = pq.read_table(scores)
    assert table.column_names[: len(SCORE_COLUMNS)] == SCORE_COLUMNS
    assert table["segment"].to_pylist().count("top_2") == 10

    code, out, _ = run(capsys, "risk", "load", "--scores", str(scores))
    assert code == 0
    assert "500 patients in 4 practices" in out
    code, out, _ = run(capsys, "risk", "load", "--scores", str(scores))
    assert "already loaded; nothing changed" in out
    assert (Refresh.objects.count(), PatientScore.objects.count()) == (1, 500)


def broken(data, tmp_path, name, change):
    copy = tmp_path / "broken"
    shutil.copytree(data, copy)
    table = pq.read_table(copy / f"{name}.parquet")
    pq.write_table(change(table), copy / f"{name}.parquet")
    return copy


def set_value(column, row, value):
    def change(table):
        values = table[column].to_pylist()
        values[row] = value
        index = table.column_names.index(column)
        return table.set_column(index, column, pa.array(values, table.schema.field(column).type))

    return change


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (
            "patients",
            set_value("practice_code", 0, "Q99999"),
            "patients.parquet, row 1, column practice_code: is an unknown practice code (got 'Q99999')",
        ),
        (
            "diagnoses",
            set_value("code", 1, "K35"),
            "diagnoses.parquet, row 2, column code: is a code outside the cluster definitions (got 'K35')",
        ),
        (
            "patients",
            set_value("patient_id", 1, "P000000001"),
            "patients.parquet, row 1, column patient_id: is a duplicate patient (got 'P000000001')",
        ),
        (
            "activity",
            lambda t: t.drop_columns(["cost"]),
            "activity.parquet, column cost: is missing",
        ),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_written(
    data, tmp_path, capsys, name, change, message
):
    folder = broken(data, tmp_path, name, change)
    model = tmp_path / "model.json"
    code, out, err = run(capsys, "risk", "train", "--data", str(folder), "--model", str(model))
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"error: {message}")
    assert (
        lines[-1]
        == f"bettercare risk: error: {len(lines) - 1} problem(s) in the input files in {folder}; nothing was written"
    )
    assert not model.exists()


def test_a_model_from_a_newer_feature_version_is_one_line(data, tmp_path, capsys):
    model = tmp_path / "model.json"
    model.write_text(
        json.dumps({"format": "bettercare-risk-model", "feature_version": 2, "outcomes": {}})
    )
    out_file = tmp_path / "scores.parquet"
    code, _, err = run(
        capsys, "risk", "score", "--data", str(data), "--model", str(model), "--out", str(out_file)
    )
    assert code == 1
    assert err == (
        f"bettercare risk: error: {model}: field feature_version: the model was fitted on feature "
        "version 2, newer than this bettercare's 1; upgrade bettercare to use it\n"
    )
    assert not out_file.exists()


@pytest.mark.django_db
def test_load_of_a_file_missing_a_column(tmp_path, capsys):
    path = tmp_path / "scores.parquet"
    pq.write_table(pa.table({"patient_id": ["a"]}), path)
    code, _, err = run(capsys, "risk", "load", "--scores", str(path))
    assert code == 1
    assert (
        err
        == "bettercare risk: error: scores.parquet, column practice_code: is missing; expected a string column\n"
    )
    assert not Refresh.objects.exists()
