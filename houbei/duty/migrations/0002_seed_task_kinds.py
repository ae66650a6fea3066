from django.db import migrations

ROWS = [
    ("households_screened", "摸排户数", "Households screened"),
    ("people_registered", "登记人数", "People registered"),
    ("records_entered", "录入条数", "Records entered"),
    ("supplies_handed_out", "发放物资件数", "Supplies handed out"),
    ("quarantine_households_served", "服务居家隔离户数", "Quarantine households served"),
]


def seed(apps, schema_editor):
    TaskKind = apps.get_model("duty", "TaskKind")
    for order, (code, name, name_en) in enumerate(ROWS, 1):
        TaskKind.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
