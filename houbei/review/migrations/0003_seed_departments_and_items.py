"""The 14 departments of a district joint review (琼山区 2021, domain research §2.3) and the
negative list of the 2018 term change (§2.4 a), with the land-use veto (§2.3, 建宁县). Both
are configurable afterwards; this only fills an empty installation."""

from django.db import migrations

DEPARTMENTS = [
    ("discipline", "区纪委监委", "District Commission for Discipline Inspection and Supervision"),
    ("political_legal", "区委政法委", "Political and Legal Affairs Commission"),
    ("organization", "区委组织部", "Organization Department"),
    ("united_front", "区委统战部", "United Front Work Department"),
    ("police", "公安分局", "Public Security Sub-bureau"),
    ("court", "区法院", "District Court"),
    ("procuratorate", "区检察院", "District Procuratorate"),
    ("land", "自然资源和规划局", "Natural Resources and Planning Bureau"),
    ("ecology", "生态环境局", "Ecology and Environment Bureau"),
    ("agriculture", "农业农村局", "Agriculture and Rural Affairs Bureau"),
    ("health", "卫健委", "Health Commission"),
    ("justice", "司法局", "Justice Bureau"),
    ("civil_affairs", "民政局", "Civil Affairs Bureau"),
    ("petitions", "信访局", "Petitions Bureau"),
]

# (code, category, wording, look-back years or None, responsible department)
ITEMS = [
    ("N01", "cannot", "受过刑事处罚，刑满释放或缓刑期满不满5年的", 5, "court"),
    ("N02", "cannot", "受到撤销党内职务及以上处分不满2年的", 2, "discipline"),
    ("N03", "cannot", "存在“村霸”五种情形之一的", None, "police"),
    ("N04", "cannot", "因涉黑涉恶受到处理不满5年的，或参加邪教组织的", 5, "police"),
    ("N05", "cannot", "丧失行为能力的", None, "court"),
    ("N06", "cannot", "拒不签订竞选纪律承诺书的", None, "organization"),
    ("U01", "unsuitable", "正在被纪检监察机关立案审查的", None, "discipline"),
    ("U02", "unsuitable", "因卖淫嫖娼、吸毒、扰乱公共秩序等被行政拘留不满5年的", 5, "police"),
    ("U03", "unsuitable", "信奉邪教、从事封建迷信活动或赌博造成恶劣影响，被公安机关处理不满5年的", 5, "police"),
    ("U04", "unsuitable", "在非接待场所上访、扰乱正常秩序，被处理不满5年的", 5, "petitions"),
    ("U05", "unsuitable", "换届期间拉帮结派，以造谣、非法张贴、威胁等方式干扰选举，经有关部门认定的", None, "civil_affairs"),
    ("U06", "unsuitable", "长期外出不能正常履行职责的", None, "civil_affairs"),
    ("U07", "unsuitable", "违法占用土地、违规建房尚未整改的", None, "land"),
]


def seed(apps, schema_editor):
    Department = apps.get_model("review", "Department")
    Item = apps.get_model("review", "NegativeListItem")
    for order, (code, name, name_en) in enumerate(DEPARTMENTS, 1):
        Department.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
        )
    for order, (code, category, wording, years, department) in enumerate(ITEMS, 1):
        Item.objects.get_or_create(
            code=code,
            defaults={
                "category": category,
                "wording": wording,
                "lookback_years": years,
                "department": Department.objects.get(code=department),
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("review", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
