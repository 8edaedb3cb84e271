from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "bettercare.web.programmes"
    label = "programmes"
    verbose_name = "Programmes, schemes, milestones and risks"

    def ready(self) -> None:
        from bettercare.web.programmes import versioning

        versioning.connect()
