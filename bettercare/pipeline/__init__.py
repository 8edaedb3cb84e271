"""Record-level metrics: BCF metric values computed from admissions, care home admissions,
reablement episodes and population estimates, on DuckDB or Apache Spark.

The definitions are written once, as Ibis queries (:mod:`~bettercare.pipeline.definitions`);
the engines (:mod:`~bettercare.pipeline.engines`) run them; a plain-Python reference engine
(:mod:`~bettercare.pipeline.reference`) is the oracle in the tests. No Django: loading the
results into the database is :mod:`bettercare.web.performance.pipeline_load`, in the web layer
above (ADR 0104). ``docs/pipeline.md`` is the guide.
"""
