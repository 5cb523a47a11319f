"""Inserting many households and residents, with their history rows, fast.

``bulk_create_with_history`` costs ~250 µs per resident (model instances for the row and its
history row, Django's SQL compiler per field, and SQLite's 999-parameter limit of ~40 rows
per statement). :class:`FastInserter` writes exactly the same rows — the model's columns and
the historical model's columns (``history_type`` "+", the batch's user, date and reason) —
with one prepared ``executemany`` per table (``COPY`` on PostgreSQL), values adapted by the
fields' own ``get_db_prep_save`` (cached per distinct value). Primary keys are taken up front (a
PostgreSQL sequence, or above SQLite's ``max(id)`` / ``sqlite_sequence`` inside the import's
write transaction) so the history rows can carry them.

:class:`OrmInserter` does the same through ``bulk_create_with_history``; the tests import the
same workbook both ways and compare every row.
"""

from __future__ import annotations

import datetime as dt
from operator import itemgetter

from django.db import connection, models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from linli.core import crypto
from linli.core.fields import EncryptedTextField, PiiHashField

BATCH = 2000


def allocate_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys for ``model`` (call inside the write transaction)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT max({qn(column)}) FROM {qn(table)}")
        highest = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
    return list(range(highest + 1, highest + 1 + count))


def _adapter(field: models.Field):
    """A function turning a Python value into what the database driver gets, as Django would."""
    if isinstance(field, models.DateField | models.DecimalField | models.TimeField):
        cache: dict = {}

        def adapt(value, field=field, cache=cache):
            if value is None:
                return None
            try:
                return cache[value]
            except KeyError:
                adapted = cache[value] = field.get_db_prep_save(value, connection)
                return adapted

        return adapt
    return None


class FastInserter:
    """``insert(rows)`` = ``bulk_create_with_history`` of ``model(**row)`` for each row dict
    (keys are attnames, ``id`` included); fields a row leaves out get their default.

    Personal data (:mod:`linli.core.fields`): each hash field the row does not bring is
    computed from its source's clear value, then each encrypted field is encrypted (a fresh
    nonce per value, never cached); the history row carries the same ciphertext as its row."""

    def __init__(self, model, *, user_id: int | None, reason: str, when: dt.datetime):
        qn = connection.ops.quote_name
        fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in fields]
        self.defaults = {f.attname: f.get_default() for f in fields}
        self.getter = itemgetter(*self.attnames)
        self.adapters = [(i, a) for i, f in enumerate(fields) if (a := _adapter(f)) is not None]
        index_of = {f.name: i for i, f in enumerate(fields)}
        self.hashes = [
            (i, index_of[f.source], f.compute, f.attname)
            for i, f in enumerate(fields)
            if isinstance(f, PiiHashField)
        ]
        self.encrypted = [i for i, f in enumerate(fields) if isinstance(f, EncryptedTextField)]
        self.table = qn(model._meta.db_table)
        self.columns = ", ".join(qn(f.column) for f in fields)
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            self.table, self.columns, ", ".join(["%s"] * len(fields))
        )
        # The history row: the tracked fields (taken from the row) and then the constants.
        history = model.history.model
        tracked = list(history.tracked_fields)
        position = {name: i for i, name in enumerate(self.attnames)}
        self.hist_getter = itemgetter(*(position[f.attname] for f in tracked))
        by_name = {f.attname: f for f in history._meta.concrete_fields}
        constants = {
            "history_date": when,
            "history_change_reason": reason[:100],
            "history_type": "+",
            "history_user_id": user_id,
        }
        unknown = set(by_name) - {f.attname for f in tracked} - set(constants) - {"history_id"}
        if unknown:  # a custom history column we would not know how to fill
            raise NotImplementedError(sorted(unknown))
        constant_values = []
        for name, value in constants.items():
            adapt = _adapter(by_name[name])
            constant_values.append(adapt(value) if adapt else value)
        self.hist_constants = tuple(constant_values)
        columns = [by_name[f.attname].column for f in tracked] + [
            by_name[name].column for name in constants
        ]
        self.hist_table = qn(history._meta.db_table)
        self.hist_columns = ", ".join(qn(column) for column in columns)
        self.hist_sql = "INSERT INTO {} ({}) VALUES ({})".format(
            self.hist_table, self.hist_columns, ", ".join(["%s"] * len(columns))
        )

    def insert(self, rows: list[dict]) -> None:
        if not rows:
            return
        defaults, getter, adapters = self.defaults, self.getter, self.adapters
        hashes, encrypted, encrypt = self.hashes, self.encrypted, crypto.keyring().encrypt
        params = []
        for row in rows:
            values = list(getter({**defaults, **row}))
            for i, adapt in adapters:
                values[i] = adapt(values[i])
            for i, source, compute, attname in hashes:
                if attname not in row:  # a row may bring the hash its caller computed
                    values[i] = compute(values[source])
            for i in encrypted:
                if values[i]:
                    values[i] = encrypt(values[i])
            params.append(values)
        hist_getter, constants = self.hist_getter, self.hist_constants
        hist_params = [hist_getter(values) + constants for values in params]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: the same rows, several times faster than psycopg's executemany.
                _copy(cursor, self.table, self.columns, params)
                _copy(cursor, self.hist_table, self.hist_columns, hist_params)
                return
            for start in range(0, len(params), BATCH):
                cursor.executemany(self.sql, params[start : start + BATCH])
            for start in range(0, len(hist_params), BATCH):
                cursor.executemany(self.hist_sql, hist_params[start : start + BATCH])


def _copy(cursor, table: str, columns: str, rows) -> None:
    raw = cursor.cursor  # psycopg's cursor under Django's wrapper
    with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


class OrmInserter:
    """The same rows through ``bulk_create_with_history`` (slow; used to check the fast one)."""

    def __init__(self, model, *, user, reason: str, when: dt.datetime):
        self.model = model
        self.user = user
        self.reason = reason[:100]
        self.when = when

    def insert(self, rows: list[dict]) -> None:
        if rows:
            bulk_create_with_history(
                [self.model(**row) for row in rows],
                self.model,
                batch_size=500,
                default_user=self.user,
                default_change_reason=self.reason,
                default_date=self.when,
            )


def update_with_history(objs, model, fields, *, user, reason: str, when: dt.datetime) -> None:
    if objs:
        bulk_update_with_history(
            objs,
            model,
            fields,
            batch_size=500,
            default_user=user,
            default_change_reason=reason[:100],
            default_date=when,
        )
