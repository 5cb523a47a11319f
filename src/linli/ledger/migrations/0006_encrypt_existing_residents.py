"""Encrypt the residents' ID numbers and phones already stored in clear (history rows too) and
fill their look-up hashes, in batches (linli.core.pii). Backwards: the clear values again."""

from django.db import migrations

from linli.core import pii

MODELS = ("Resident", "HistoricalResident")


def _tables(apps):
    return [pii.EncryptedTable.of(apps.get_model("ledger", name)) for name in MODELS]


def forwards(apps, schema_editor):
    pii.encrypt_clear_values(_tables(apps), connection=schema_editor.connection)


def backwards(apps, schema_editor):
    pii.decrypt_values(_tables(apps), connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_encrypt_resident_id_number_phone")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
