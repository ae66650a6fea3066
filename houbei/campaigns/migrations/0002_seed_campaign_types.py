from django.db import migrations

ROWS = [
    ("epidemic", "疫情防控", "Epidemic prevention"),
    ("flood_disaster", "防汛救灾", "Flood and disaster relief"),
    ("poverty", "脱贫攻坚", "Poverty alleviation"),
    ("other", "其他", "Other"),
]


def seed(apps, schema_editor):
    Model = apps.get_model("campaigns", "CampaignType")
    for order, (code, name, name_en) in enumerate(ROWS, 1):
        Model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
