"""Owner keys named the owner's ID number in clear (``id:<number>``); now its keyed hash
(``idh:<first 32 hex of HMAC-SHA256>``, linli.core.crypto), so no ID number sits in this table.
Backwards: the number again, from the owner's ledger resident."""

from django.db import migrations

from linli.core import crypto

BATCH = 1000


def forwards(apps, schema_editor):
    Owner = apps.get_model("selfgov", "Owner")
    owners = list(Owner.objects.filter(key__startswith="id:").only("pk", "key"))
    for owner in owners:
        owner.key = "idh:" + crypto.id_number_hash(owner.key[3:])[:32]
    Owner.objects.bulk_update(owners, ["key"], batch_size=BATCH)


def backwards(apps, schema_editor):
    Owner = apps.get_model("selfgov", "Owner")
    owners = list(Owner.objects.filter(key__startswith="idh:").select_related("resident"))
    for owner in owners:
        number = owner.resident.id_number if owner.resident_id else None
        owner.key = f"id:{number}" if number else f"resident:{owner.resident_id}"
    Owner.objects.bulk_update(owners, ["key"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("selfgov", "0001_owners_committee_votes"),
        ("ledger", "0006_encrypt_existing_residents"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
