"""``bettercare risk synth|train|score|load``: population risk stratification.

Argument handling only; the work is in :mod:`bettercare.risk` (and, for ``load``,
:mod:`bettercare.web.risk.load`). Heavy libraries are imported inside the commands.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bettercare.cli.errors import UserError

__all__ = ["add_risk_parser", "command_risk"]


def add_risk_parser(commands: Any) -> None:
    """Register ``bettercare risk`` and its actions on the top-level subparsers."""
    risk = commands.add_parser(
        "risk", help="population risk stratification: synthetic data, train, score, load"
    )
    actions = risk.add_subparsers(dest="risk_command", metavar="ACTION", required=True)
    synth = actions.add_parser("synth", help="write a synthetic population with its known risk")
    synth.add_argument("--patients", type=int, required=True, help="registered patients")
    synth.add_argument("--practices", type=int, required=True, help="GP practices")
    synth.add_argument("--seed", type=int, default=20261204, help="random seed")
    synth.add_argument("--out", type=Path, required=True, help="the folder to write")

    train = actions.add_parser("train", help="fit the model and print its held-out evaluation")
    train.add_argument("--data", type=Path, required=True, help="the inputs' folder")
    train.add_argument("--model", type=Path, required=True, help="the model file to write (.json)")
    train.add_argument("--index-date", help="training index date, YYYY-MM-DD (default: latest)")
    train.add_argument("--format", choices=("text", "json"), default="text")

    score = actions.add_parser("score", help="score every patient with a model file")
    score.add_argument("--data", type=Path, required=True, help="the inputs' folder")
    score.add_argument("--model", type=Path, required=True, help="the model file (.json)")
    score.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    score.add_argument("--index-date", help="YYYY-MM-DD (default: the month after the data)")
    score.add_argument("--out", type=Path, required=True, help="the scores file (.parquet)")

    load = actions.add_parser("load", help="load a monthly refresh of scores into the database")
    load.add_argument("--scores", type=Path, required=True, help="a scores file (.parquet)")
    load.add_argument("--as", dest="username", help="record the load as this user")


def command_risk(args: argparse.Namespace, out: TextIO) -> int:
    """Dispatch ``bettercare risk ACTION``."""
    from bettercare.pipeline.inputs import InputError

    handlers = {"synth": _synth, "train": _train, "score": _score, "load": _load}
    try:
        return handlers[args.risk_command](args, out)
    except InputError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        raise UserError(
            f"{len(error.problems)} problem(s) in the input files in {args.data}; nothing was written"
        ) from None
    except ValueError as error:
        raise UserError(str(error)) from None


def _index_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--index-date: expected a date YYYY-MM-DD, got {text!r}") from None


def _synth(args: argparse.Namespace, out: TextIO) -> int:
    from bettercare.risk.synth import generate

    started = time.perf_counter()
    summary = generate(args.out, patients=args.patients, practices=args.practices, seed=args.seed)
    print(
        f"Synthetic population (seed {args.seed}) in {summary.directory} "
        f"({time.perf_counter() - started:.1f} s); truth.parquet holds the generating "
        f"probabilities (mean emergency admission {summary.emergency_rate:.3f}, "
        f"high cost {summary.high_cost_rate:.3f}):",
        file=out,
    )
    for name, rows in summary.rows.items():
        print(f"  {name}: {rows:,} rows", file=out)
    return 0


_HEADLINE = (
    "auroc",
    "auroc_lower",
    "auroc_upper",
    "calibration_slope",
    "calibration_intercept",
    "brier",
    "ppv_top_2",
    "sensitivity_top_2",
    "ppv_top_10",
    "sensitivity_top_10",
)


def _train(args: argparse.Namespace, out: TextIO) -> int:
    from bettercare.risk.model import write_model
    from bettercare.risk.run import train_model

    if args.model.suffix.lower() != ".json":
        raise UserError(f"--model must end in .json, got {str(args.model)!r}")
    model = train_model(args.data, index_date=_index_date(args.index_date))
    write_model(model, args.model)
    emergency = model["outcomes"]["emergency_admission"]["performance"]
    if args.format == "json":
        result: dict[str, Any] = {key: emergency[key] for key in _HEADLINE}
        result |= {
            "model": str(args.model),
            "model_id": model["model_id"],
            "training_index_date": model["training"]["index_date"],
            "evaluation_index_date": model["evaluation"]["index_date"],
            "patients": emergency["patients"],
            "events": emergency["events"],
            "high_cost": {
                key: model["outcomes"]["high_cost"]["performance"][key] for key in _HEADLINE
            },
        }
        json.dump(result, out, indent=2)
        out.write("\n")
        return 0
    print(
        f"Model {model['model_id']} written to {args.model}: trained at "
        f"{model['training']['index_date']}, evaluated on the held-out year from "
        f"{model['evaluation']['index_date']} ({model['evaluation']['patients']:,} patients).",
        file=out,
    )
    for name, entry in model["outcomes"].items():
        performance = entry["performance"]
        print(f"{name}: {entry['predicts']}", file=out)
        print(_performance_line(performance), file=out)
        compared = entry.get("compared")
        if compared:
            print(f"  compared, {compared['model']}:", file=out)
            print(_performance_line(compared["performance"]), file=out)
    return 0


def _number(value: Any, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _performance_line(performance: dict[str, Any]) -> str:
    return (
        f"  AUROC {_number(performance['auroc'])} "
        f"(95% CI {_number(performance['auroc_lower'])} to {_number(performance['auroc_upper'])}), "
        f"calibration slope {_number(performance['calibration_slope'])}, "
        f"intercept {_number(performance['calibration_intercept'])}, "
        f"Brier {_number(performance['brier'], 4)}, "
        f"top 2%: PPV {_number(performance['ppv_top_2'])} sensitivity "
        f"{_number(performance['sensitivity_top_2'])}, "
        f"top 10%: PPV {_number(performance['ppv_top_10'])} sensitivity "
        f"{_number(performance['sensitivity_top_10'])}"
    )


def _score(args: argparse.Namespace, out: TextIO) -> int:
    from bettercare.risk.model import read_model
    from bettercare.risk.run import score_population, write_scores

    if args.out.suffix.lower() != ".parquet":
        raise UserError(f"--out must end in .parquet, got {str(args.out)!r}")
    model = read_model(args.model)
    started = time.perf_counter()
    scores = score_population(
        args.data, model, index_date=_index_date(args.index_date), engine=args.engine
    )
    write_scores(scores, args.out)
    segments = scores["segment"].to_pylist()
    print(
        f"{scores.num_rows:,} patients scored at {scores.schema.metadata[b'bettercare.index_date'].decode()} "
        f"with {args.model} on {args.engine} in {time.perf_counter() - started:.1f} s "
        f"(top 2%: {segments.count('top_2'):,}, 2-10%: {segments.count('2_to_10'):,}): {args.out}",
        file=out,
    )
    return 0


def _load(args: argparse.Namespace, out: TextIO) -> int:
    from bettercare.cli.commands import _user
    from bettercare.cli.database import ensure_database, setup_django

    setup_django()
    ensure_database()
    from bettercare.web.risk.load import ScoresError, load_scores

    try:
        result = load_scores(args.scores, by=_user(args.username))
    except ScoresError as error:
        raise UserError(str(error)) from None
    if result.unchanged:
        print(
            f"{args.scores}: this refresh ({result.index_date}, model {result.model_id}) is "
            "already loaded; nothing changed",
            file=out,
        )
        return 0
    print(
        f"Loaded the refresh of {result.index_date} (model {result.model_id}): "
        f"{result.patients:,} patients in {result.practices} practices from {args.scores}",
        file=out,
    )
    return 0
