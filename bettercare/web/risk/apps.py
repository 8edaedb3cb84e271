from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "bettercare.web.risk"
    label = "risk"
    verbose_name = "Population risk stratification"
