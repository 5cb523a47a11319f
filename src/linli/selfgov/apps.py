from django.apps import AppConfig


class SelfgovConfig(AppConfig):
    name = "linli.selfgov"
    label = "selfgov"
    verbose_name = "业主自治"
