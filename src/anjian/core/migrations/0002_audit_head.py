from django.db import migrations


def create_head(apps, schema_editor):
    # The chain's one head row exists from the start, so the first two writers never race to make it.
    apps.get_model("core", "AuditHead").objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
