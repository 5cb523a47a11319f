"""Encrypted columns as whole tables: the data migrations that encrypted the clear values, and
``linli pii rotate-key`` (:func:`pii_rotate_key`), which re-encrypts under the current key.

Both work on raw rows (``SELECT``/``UPDATE`` through the connection) in primary-key batches,
so they see the stored text itself — plain, or ``<key id>:…`` — and neither depends on the
model classes of the moment (a migration passes the historical model's table and columns).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.apps import apps as global_apps
from django.db import connection as default_connection
from django.db import transaction

from . import crypto
from .errors import DomainError
from .fields import EncryptedTextField, PiiHashField


@dataclass(frozen=True)
class EncryptedTable:
    """One table's encrypted columns and, for each, the column of its hash (or ``None``)."""

    table: str
    pk: str
    # column → (its hash column, the hash kind, whether a blank hash is NULL) or None
    columns: dict[str, tuple[str, str, bool] | None]

    @classmethod
    def of(cls, model) -> EncryptedTable | None:
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not fields:
            return None
        hashes = {f.source: f for f in model._meta.concrete_fields if isinstance(f, PiiHashField)}
        columns: dict[str, tuple[str, str, bool] | None] = {}
        for field in fields:
            hashed = hashes.get(field.name)
            # A concrete field always has its column (django-stubs types it ``str | None``).
            columns[cast(str, field.column)] = (
                (cast(str, hashed.column), hashed.kind, hashed.null) if hashed else None
            )
        return cls(model._meta.db_table, model._meta.pk.column, columns)


def encrypted_tables(apps=global_apps) -> list[EncryptedTable]:
    """Every table with an encrypted column, history tables included."""
    tables = []
    for model in apps.get_models():
        table = EncryptedTable.of(model)
        if table is not None and not model._meta.proxy:
            tables.append(table)
    return sorted(tables, key=lambda t: t.table)


def _looks_encrypted(value: str, ring: crypto.Keyring) -> bool:
    kid, sep, _ = value.partition(crypto.SEPARATOR)
    return bool(sep) and kid in ring.by_id


def _convert(
    table: EncryptedTable,
    change: Callable[[str], str],
    *,
    only_stale: bool,
    fill_hashes: bool,
    batch_size: int,
    connection=default_connection,
    progress: Callable[[str, int], None] | None = None,
) -> int:
    """Apply ``change`` to every non-blank value of the table's encrypted columns, a batch of
    rows per transaction; with ``only_stale`` only rows with a value not under the current key
    (so an interrupted run resumes where it stopped). Returns the number of rows changed."""
    qn = connection.ops.quote_name
    ring = crypto.keyring()
    cols = list(table.columns)
    where = ""
    stale_params: list[str] = []
    if only_stale:
        # a value is stale unless it is blank or starts with the current key id
        parts = [f"({qn(c)} <> '' AND {qn(c)} NOT LIKE %s)" for c in cols]
        where = " AND (" + " OR ".join(parts) + ")"
        stale_params = [ring.prefix + "%"] * len(cols)
    select = (
        f"SELECT {qn(table.pk)}, {', '.join(qn(c) for c in cols)} FROM {qn(table.table)} "
        f"WHERE {qn(table.pk)} > %s{where} ORDER BY {qn(table.pk)} LIMIT %s"
    )
    sets = [f"{qn(c)} = %s" for c in cols]
    hash_columns = [(i, spec) for i, spec in enumerate(table.columns.values()) if spec]
    if fill_hashes:
        sets += [f"{qn(spec[0])} = %s" for _, spec in hash_columns]
    update = f"UPDATE {qn(table.table)} SET {', '.join(sets)} WHERE {qn(table.pk)} = %s"
    done = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min({qn(table.pk)}) FROM {qn(table.table)}")
        lowest = cursor.fetchone()[0]
    if lowest is None:
        return 0
    last = lowest - 1
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(select, [last, *stale_params, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return done
            params = []
            for pk, *values in rows:
                new = [change(v) if v else v for v in values]
                if fill_hashes:
                    for i, (_, kind, null) in hash_columns:
                        clear = values[i]
                        if clear and _looks_encrypted(clear, ring):
                            clear = ring.decrypt(clear)
                        hashed = crypto.pii_hash(kind, clear)
                        new.append(hashed if hashed is not None or null else "")
                new.append(pk)
                params.append(new)
            cursor.executemany(update, params)
        done += len(rows)
        last = rows[-1][0]
        if progress is not None:
            progress(table.table, done)


def encrypt_clear_values(tables: list[EncryptedTable], *, connection, batch_size=1000) -> int:
    """Migration: encrypt the clear values (already encrypted ones are kept) and fill the
    hash columns (a blank value's hash is NULL where the column allows it, else ``""``)."""
    ring = crypto.keyring()

    def change(value: str) -> str:
        return value if _looks_encrypted(value, ring) else ring.encrypt(value)

    return sum(
        _convert(
            t,
            change,
            only_stale=False,
            fill_hashes=True,
            batch_size=batch_size,
            connection=connection,
        )
        for t in tables
    )


def decrypt_values(tables: list[EncryptedTable], *, connection, batch_size=1000) -> int:
    """Migration backwards: the clear values again (the schema step then drops the hashes)."""
    ring = crypto.keyring()

    def change(value: str) -> str:
        return ring.decrypt(value) if _looks_encrypted(value, ring) else value

    return sum(
        _convert(
            t,
            change,
            only_stale=False,
            fill_hashes=False,
            batch_size=batch_size,
            connection=connection,
        )
        for t in tables
    )


def pii_stale_count(*, tables: list[EncryptedTable] | None = None) -> int:
    """Rows with a value under another key than the current one."""
    qn = default_connection.ops.quote_name
    prefix = crypto.keyring().prefix + "%"
    total = 0
    with default_connection.cursor() as cursor:
        for t in tables if tables is not None else encrypted_tables():
            parts = [f"({qn(c)} <> '' AND {qn(c)} NOT LIKE %s)" for c in t.columns]
            cursor.execute(
                f"SELECT count(*) FROM {qn(t.table)} WHERE {' OR '.join(parts)}",
                [prefix] * len(t.columns),
            )
            total += cursor.fetchone()[0]
    return total


def pii_key_counts(*, tables: list[EncryptedTable] | None = None) -> dict[str, int]:
    """Stored values per key id (``<key id>`` → count), over every encrypted column."""
    qn = default_connection.ops.quote_name
    counts: dict[str, int] = {}
    with default_connection.cursor() as cursor:
        for t in tables if tables is not None else encrypted_tables():
            for column in t.columns:
                c = qn(column)
                cursor.execute(
                    f"SELECT substr({c}, 1, 8), count(*) FROM {qn(t.table)} "
                    f"WHERE {c} <> '' GROUP BY substr({c}, 1, 8)"
                )
                for kid, n in cursor.fetchall():
                    counts[kid] = counts.get(kid, 0) + n
    return counts


def pii_rotate_key(
    *, batch_size: int = 1000, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Re-encrypt every value not under ``LINLI_PII_KEY``; the old keys must be listed in
    ``LINLI_PII_OLD_KEYS``. One transaction per batch; rows already under the current key are
    not touched, so a rerun after an interruption continues. Hashes do not change (their key is
    ``LINLI_PII_HASH_KEY``). Returns rows re-encrypted per table."""
    ring = crypto.keyring()
    unknown = sorted(kid for kid in pii_key_counts() if kid not in ring.by_id)
    if unknown:
        raise DomainError(
            code="pii.key_missing",
            message=(
                f"有个人信息密文使用未配置的密钥（密钥标识 {'、'.join(unknown)}）："
                "请把旧密钥列入 LINLI_PII_OLD_KEYS 后重试"
            ),
            status=409,
        )

    def change(value: str) -> str:
        return value if value.startswith(ring.prefix) else ring.encrypt(ring.decrypt(value))

    return {
        t.table: _convert(
            t,
            change,
            only_stale=True,
            fill_hashes=False,
            batch_size=batch_size,
            progress=progress,
        )
        for t in encrypted_tables()
    }
