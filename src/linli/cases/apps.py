from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "linli.cases"
    label = "cases"
    verbose_name = "居民诉求"

    def ready(self) -> None:
        from . import todos
        from .scopes import register_scopes

        register_scopes()
        todos.register()
        _connect_calendar()


def _connect_calendar() -> None:
    """The working-day calendar (``linli.core.calendar``) reads its edited days from
    :class:`WorkCalendarDay`, and forgets them in every process when a day is saved or deleted."""
    from django.db import transaction
    from django.db.models.signals import post_delete, post_save

    from linli.core import calendar

    from .models import WorkCalendarDay

    def load() -> dict:
        return dict(WorkCalendarDay.objects.values_list("date", "is_working_day"))

    def changed(**kwargs) -> None:
        calendar.clear_cache()
        transaction.on_commit(calendar.clear_cache, using=kwargs.get("using"))

    calendar.use_table(load)
    post_save.connect(
        changed, sender=WorkCalendarDay, weak=False, dispatch_uid="cases_calendar_saved"
    )
    post_delete.connect(
        changed, sender=WorkCalendarDay, weak=False, dispatch_uid="cases_calendar_deleted"
    )
