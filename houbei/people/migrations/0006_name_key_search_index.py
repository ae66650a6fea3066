# The name keys carry the person's village code and sort key, so that a search scopes,
# counts and orders from one index (people/selectors.NameSearch).

from django.db import migrations, models


def copy_village_and_sort(apps, schema_editor):
    # One statement, valid on SQLite and PostgreSQL alike: a registry of a million people
    # has ten million keys, too many to update one by one.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_personnamekey SET "
            "name_sort = (SELECT p.name_sort FROM people_person p "
            "WHERE p.id = people_personnamekey.person_id), "
            "village_code = (SELECT r.code FROM people_person p "
            "JOIN regions_region r ON r.id = p.village_id "
            "WHERE p.id = people_personnamekey.person_id)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_name_keys"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="personnamekey",
            name="village_code",
            field=models.CharField(default="", max_length=12),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="personnamekey",
            name="name_sort",
            field=models.CharField(default="", max_length=160),
            preserve_default=False,
        ),
        migrations.RunPython(copy_village_and_sort, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="personnamekey",
            name="key",
            field=models.CharField(max_length=255),
        ),
        migrations.AddIndex(
            model_name="personnamekey",
            index=models.Index(
                fields=["key", "village_code", "name_sort", "person"],
                name="people_namekey_search_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "varchar_ops", "int8_ops"],
            ),
        ),
    ]
