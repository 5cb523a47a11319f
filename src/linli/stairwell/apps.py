from django.apps import AppConfig


class StairwellConfig(AppConfig):
    name = "linli.stairwell"
    label = "stairwell"
    verbose_name = "楼道码"

    def ready(self) -> None:
        from linli.grid import commands

        from . import todos
        from .cli import qr_subcommand
        from .scopes import register_scopes

        register_scopes()
        todos.register()
        commands.register("qr", qr_subcommand())
