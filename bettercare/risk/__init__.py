"""Population risk stratification: features, an open model, scores, segments and cohorts.

No Django here: the package reads record-level Parquet files, computes features at an index
date on DuckDB, Spark or a plain-Python reference (:mod:`bettercare.risk.features`), fits and
evaluates a transparent logistic regression (:mod:`bettercare.risk.model`,
:mod:`bettercare.risk.evaluation`) and scores, segments and flags a population
(:mod:`bettercare.risk.scoring`). ``docs/risk.md`` describes it for people.
"""
