from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "bettercare.web.finance"
    label = "finance"
    verbose_name = "Funding, scheme finance and savings"
