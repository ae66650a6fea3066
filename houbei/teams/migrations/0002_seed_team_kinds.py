from django.db import migrations

ROWS = [
    ("volunteer_service", "志愿服务队", "Volunteer service team"),
    ("party_commando", "党员突击队", "Party-member commando team"),
    ("youth_commando", "青年突击队", "Youth commando team"),
    ("other", "其他", "Other"),
]


def seed(apps, schema_editor):
    Model = apps.get_model("teams", "TeamKind")
    for order, (code, name, name_en) in enumerate(ROWS, 1):
        Model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
