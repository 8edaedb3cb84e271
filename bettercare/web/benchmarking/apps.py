from django.apps import AppConfig


class BenchmarkingConfig(AppConfig):
    name = "bettercare.web.benchmarking"
    label = "benchmarking"
    verbose_name = "Benchmarking: peer groups"
