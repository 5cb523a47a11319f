"""The active categories, kept per process like the working calendar (:mod:`.calendar`).

A report names its category by code (or id, or name); the table is a dozen rows edited a few
times a year, so each process keeps the active ones in memory (``linli.core.cache.Table``):
loaded on first use, dropped in every process when a category is saved or deleted
(``post_save``/``post_delete``, again when the edit commits, and after a flush) — at once where
the cache is shared (Redis in production; with the embedded per-process cache another process
sees the edit within :data:`CACHE_SECONDS`). Each lookup returns a fresh instance, never the
cached one.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from linli.core import cache

from .models import Category

CACHE_SECONDS = 60.0
_FIELDS = [f.attname for f in Category._meta.concrete_fields]
# ({pk: row}, {code: row}, {name: row}) of the active categories


def clear_cache(**kwargs) -> None:
    _table.forget()


@receiver(post_save, sender=Category, dispatch_uid="cases_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="cases_category_deleted")
def _category_changed(**kwargs) -> None:
    clear_cache()
    transaction.on_commit(clear_cache, using=kwargs.get("using"))


post_migrate.connect(clear_cache, dispatch_uid="cases_category_flushed")


def _tables() -> tuple[dict, dict, dict]:
    return _table.get()


def _load() -> tuple[dict, dict, dict]:
    rows = list(Category.objects.filter(active=True).values_list(*_FIELDS))
    pk, code, name = _FIELDS.index("id"), _FIELDS.index("code"), _FIELDS.index("name")
    return ({r[pk]: r for r in rows}, {r[code]: r for r in rows}, {r[name]: r for r in rows})


def active(*, pk: int | None = None, code: str | None = None) -> Category | None:
    """The active category with this id, else with this code or name (``code`` is tried as
    both, code first); None when there is none."""
    by_pk, by_code, by_name = _tables()
    row = by_pk.get(pk) if pk is not None else by_code.get(code) or by_name.get(code)
    return None if row is None else Category.from_db(DEFAULT_DB_ALIAS, _FIELDS, row)


_table: cache.Table = cache.Table("cases.categories", _load, CACHE_SECONDS)
