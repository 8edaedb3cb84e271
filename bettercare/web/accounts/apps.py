from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bettercare.web.accounts"
    label = "accounts"
    verbose_name = "Users and access"
