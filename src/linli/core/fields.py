"""Model fields for personal data at rest (see :mod:`linli.core.crypto`).

``EncryptedTextField`` reads and writes plain text in Python (``resident.id_number`` is the
number) and stores AES-GCM ciphertext: ``get_prep_value`` encrypts on every way into the
database (``save``, ``bulk_create``, ``bulk_update``, history rows), ``from_db_value``
decrypts (objects, ``values()``, ``values_list()``). A ciphertext cannot be compared, so the
field refuses every look-up except ``isnull`` and ``= ""``: filter on the hash beside it.

``PiiHashField(source=..., kind=...)`` is that hash (HMAC-SHA256 of the normalised value),
computed from the source field on ``save()`` and ``bulk_create`` (``pre_save``). ``bulk_update``
does not call ``pre_save``: call :func:`sync_pii_hashes` on the objects and list the hash
fields (the ledger importer does). Models with hashes take :class:`PiiHashesMixin`, so that
``save(update_fields=["phone"])`` also saves ``phone_hash``.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.db.models.lookups import Exact, IsNull

from . import crypto


class _EmptyOnlyExact(Exact):
    """``field=""`` (a blank value is stored as ``""``); any other value cannot match."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise TypeError(
                f"{self.lhs.target.name} is stored encrypted and cannot be compared: "
                f"filter on its hash ({self.lhs.target.name}_hash = crypto.pii_hash(…))"
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    description = "Text stored encrypted (AES-GCM)"

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def get_transform(self, lookup_name):
        return None

    def formfield(self, **kwargs):
        # a one-line input for an 18-character number, not TextField's textarea
        return super().formfield(
            **{"form_class": forms.CharField, "widget": forms.TextInput, **kwargs}
        )


class PiiHashField(models.CharField):
    """The keyed hash of ``source`` (``kind``: ``id`` or ``phone``); blank → NULL or ``""``."""

    description = "Keyed hash (HMAC-SHA256) of another field, for exact look-ups"

    def __init__(self, *args, source: str, kind: str, **kwargs):
        if kind not in crypto.NORMALISERS:
            raise ValueError(f"kind must be one of {sorted(crypto.NORMALISERS)}")
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 64)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind=self.kind)
        kwargs.pop("editable", None)
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def compute(self, value) -> str | None:
        hashed = crypto.pii_hash(self.kind, value)
        if hashed is None and not self.null:
            return ""
        return hashed

    def pre_save(self, model_instance, add):
        value = self.compute(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def hash_fields(model) -> list[PiiHashField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, PiiHashField)]


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def sync_pii_hashes(obj) -> None:
    """Set every hash field of ``obj`` from its source (before a ``bulk_update``)."""
    for field in hash_fields(type(obj)):
        setattr(obj, field.attname, field.compute(getattr(obj, field.source)))


class PiiHashesMixin:
    """``save(update_fields=[source])`` saves the source's hash too."""

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = [f.name for f in hash_fields(type(self)) if f.source in update_fields]
            if extra:
                kwargs["update_fields"] = [*update_fields, *extra]
        return super().save(*args, **kwargs)
