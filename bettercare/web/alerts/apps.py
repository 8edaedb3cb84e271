from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "bettercare.web.alerts"
    label = "alerts"
    verbose_name = "Alerts"
