from django.db import migrations

ROWS = [
    ("checkpoint", "卡点/卡口", "Checkpoint"),
    ("screening", "宣传排查", "Publicity and household screening"),
    ("monitoring", "监测点值守", "Monitoring-station duty"),
    ("quarantine_service", "居家隔离人员服务保障", "Home-quarantine service"),
    ("market_patrol", "市场巡查", "Market patrol"),
    ("data_entry", "信息录入核查", "Data entry and verification"),
    ("supplies", "物资发放", "Supplies distribution"),
    ("other", "其他", "Other"),
]


def seed(apps, schema_editor):
    PostType = apps.get_model("campaigns", "PostType")
    for order, (code, name, name_en) in enumerate(ROWS, 1):
        PostType.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0002_seed_campaign_types")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
