from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "bettercare.web.performance"
    label = "performance"
    verbose_name = "Metrics and metric values"
