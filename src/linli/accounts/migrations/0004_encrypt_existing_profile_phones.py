"""Encrypt the profiles' phones already stored in clear and fill their look-up hashes
(linli.core.pii). Backwards: the clear values again."""

from django.db import migrations

from linli.core import pii


def _tables(apps):
    return [pii.EncryptedTable.of(apps.get_model("accounts", "Profile"))]


def forwards(apps, schema_editor):
    pii.encrypt_clear_values(_tables(apps), connection=schema_editor.connection)


def backwards(apps, schema_editor):
    pii.decrypt_values(_tables(apps), connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_encrypt_profile_phone")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
