# Name search by indexed prefix keys instead of a LIKE '%…%' scan of one folded column.

import django.db.models.deletion
from django.db import migrations, models


def fill_name_keys(apps, schema_editor):
    # The keys are a pure function of the name (lib/names.py), so the current code is safe
    # to call here.
    from houbei.lib.names import name_match_keys

    Person = apps.get_model("people", "Person")
    PersonNameKey = apps.get_model("people", "PersonNameKey")
    batch = []
    for person_id, name in Person.objects.values_list("id", "name").iterator(chunk_size=2000):
        batch += [PersonNameKey(person_id=person_id, key=key) for key in name_match_keys(name)]
        if len(batch) >= 5000:
            PersonNameKey.objects.bulk_create(batch)
            batch = []
    PersonNameKey.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_relationship"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonNameKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(db_index=True, max_length=255)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="name_keys",
                        to="people.person",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="person",
            name="name_search",
        ),
    ]
