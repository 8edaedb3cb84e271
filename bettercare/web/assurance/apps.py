from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "bettercare.web.assurance"
    label = "assurance"
    verbose_name = "Regional assurance"
