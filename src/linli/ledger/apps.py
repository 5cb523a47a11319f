from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "linli.ledger"
    label = "ledger"
    verbose_name = "台账"

    def ready(self) -> None:
        from . import todos
        from .scopes import register_scopes

        register_scopes()
        todos.register()
