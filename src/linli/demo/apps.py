from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo county (``linli demo``). No models: it writes every app's rows through their
    services, so it sits above every other app and none imports it."""

    name = "linli.demo"
    label = "demo"
    verbose_name = "演示数据"
