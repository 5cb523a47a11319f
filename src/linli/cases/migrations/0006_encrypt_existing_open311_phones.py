"""Encrypt the phones of Open311 submissions already stored in clear (linli.core.pii).
Backwards: the clear values again."""

from django.db import migrations

from linli.core import pii


def _tables(apps):
    return [pii.EncryptedTable.of(apps.get_model("cases", "Open311Submission"))]


def forwards(apps, schema_editor):
    pii.encrypt_clear_values(_tables(apps), connection=schema_editor.connection)


def backwards(apps, schema_editor):
    pii.decrypt_values(_tables(apps), connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_encrypt_open311_phone")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
