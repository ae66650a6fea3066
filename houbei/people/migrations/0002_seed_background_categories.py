from django.db import migrations

CATEGORIES = [
    ("migrant_returnee", "返乡农民工", "Returning migrant worker"),
    ("veteran", "退役军人", "Veteran"),
    ("graduate", "大学毕业生", "University graduate"),
    ("wealth_leader", "致富带头人", "Local business leader"),
    ("coop_head", "合作社负责人", "Head of a cooperative or family farm"),
    ("college_village_official", "大学生村官", "College-graduate village official"),
    ("village_cadre", "村组干部", "Village or group cadre"),
    ("volunteer", "志愿者", "Volunteer"),
    ("other", "其他", "Other"),
]


def seed(apps, schema_editor):
    BackgroundCategory = apps.get_model("people", "BackgroundCategory")
    for order, (code, name, name_en) in enumerate(CATEGORIES, 1):
        BackgroundCategory.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
