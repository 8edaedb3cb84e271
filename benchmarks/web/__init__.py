"""Helpers of ``benchmarks.bench_web``: the large instance it serves and the load it drives."""
