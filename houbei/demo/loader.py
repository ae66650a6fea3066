"""The demo: 市中区 with its towns, a dozen villages with villager groups, a few hundred
synthetic people and one account per role. Everything goes through the same services as
the interface, so the demo also fills the audit trail. Loading twice changes nothing.

No real person's data: names are drawn from common surnames and given-name characters, ID
numbers are synthetic (valid checksum, random sequence) and phones random.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from houbei.accounts.models import User
from houbei.accounts.roles import Role
from houbei.accounts.services import user_create
from houbei.demo.frontline import load_frontline
from houbei.demo.pipeline import load_pipeline
from houbei.demo.review_and_seats import load_review_and_seats
from houbei.lib import crypto
from houbei.lib.idnumber import make_id_number
from houbei.people.choices import Education, PoliticalStatus
from houbei.people.models import BackgroundCategory, Person
from houbei.people.services import ID_PURPOSE, PersonInput, person_register
from houbei.regions.codes import Level
from houbei.regions.importers import regions_import_apply, regions_import_parse
from houbei.regions.management.commands.regions import REFERENCE_FILE
from houbei.regions.models import Region
from houbei.regions.services import region_create, region_merge

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "houbei-demo"  # noqa: S105 - the documented demo password
SEED = 2020

HUAHONG = "511002102220"
YANWAN = "511002102221"
XINCITANG = "511002102222"
LINGJIA = "511002102000"
SHIZHONG = "511002000000"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: Role
    region_code: str


DEMO_ACCOUNTS = (
    DemoAccount("demo-district", "区委组织部 周敏", Role.DISTRICT_ADMIN, SHIZHONG),
    DemoAccount("demo-town", "凌家镇组织委员 刘洋", Role.TOWN_ADMIN, LINGJIA),
    DemoAccount("demo-village-a", "花红村书记 李建国", Role.VILLAGE_SECRETARY, HUAHONG),
    DemoAccount("demo-village-b", "新祠堂村书记 黄春梅", Role.VILLAGE_SECRETARY, XINCITANG),
    DemoAccount("demo-post", "唐家湾卡点负责人 何军", Role.POST_LEADER, HUAHONG),
    DemoAccount("demo-clerk", "区公安分局 联审专员", Role.REVIEW_CLERK, SHIZHONG),
    DemoAccount("demo-auditor", "区纪委监委 督查员", Role.AUDITOR, SHIZHONG),
    DemoAccount("demo-admin", "区信息中心 系统管理员", Role.SYSTEM_ADMIN, SHIZHONG),
)

# Villager groups per demo village; villages of 凌家镇 call them 社, as in the article.
GROUP_COUNTS = {
    HUAHONG: 10,
    YANWAN: 6,
    XINCITANG: 8,
    "511002104220": 8,
    "511002104221": 9,
    "511002101220": 7,
    "511002101001": 4,
    "511002105220": 6,
    "511002111220": 7,
    "511002100220": 6,
    "511002103220": 6,
    "511002007001": 4,
}
PEOPLE_PER_VILLAGE = 28

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢钟谭廖贾夏付方邹熊秦邱江尹雷侯龙史陶黎贺毛万严覃单解"
)
GIVEN_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玲飞鹏辉波斌宇浩凯鑫婷雪琳晨欣"
    "利洪旭彬春梅兰志文海林东亮成清松云燕翠蓉莉坤祥福荣"
)
NUMERALS = "一二三四五六七八九十"


def _group_name(village_code: str, number: int) -> str:
    word = NUMERALS[number - 1] if number <= 10 else str(number)
    return f"{word}社" if village_code.startswith("511002102") else f"{word}组"


def load_regions() -> None:
    for path in (REFERENCE_FILE, DATA_DIR / "villages.csv"):
        plan = regions_import_parse(path.read_bytes())
        if not plan.ok:
            problems = "; ".join(f"line {e.line}: {e.message}" for e in plan.errors)
            raise RuntimeError(f"{path.name}: {problems}")
        regions_import_apply(plan=plan, acting_user=None)
    for village_code, count in GROUP_COUNTS.items():
        village = Region.objects.get(code=village_code)
        existing = set(village.children.values_list("code", flat=True))
        for number in range(1, count + 1):
            code = f"{village_code}{number:03d}"
            if code not in existing:
                region_create(
                    acting_user=None,
                    code=code,
                    name=_group_name(village_code, number),
                    level=Level.GROUP,
                    parent=village,
                    is_demo=True,
                )


def load_accounts() -> list[DemoAccount]:
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        user_create(
            acting_user=None,
            username=account.username,
            display_name=account.name,
            region=Region.objects.get(code=account.region_code),
            role=account.role,
            password=DEMO_PASSWORD,
        )
    return list(DEMO_ACCOUNTS)


def _weighted(rng: random.Random, options: list[tuple[str, float]]) -> str:
    values, weights = zip(*options, strict=True)
    return str(rng.choices(values, weights=weights)[0])


def synthetic_people(
    villages: list[Region], per_village: int, seed: int = SEED
) -> list[PersonInput]:
    """Deterministic people for ``villages``: the same seed gives the same people."""
    rng = random.Random(seed)
    categories = {category.code: category for category in BackgroundCategory.objects.all()}
    used_numbers: set[str] = set()
    people: list[PersonInput] = []
    for village in villages:
        groups = list(village.children.order_by("code"))
        for _ in range(per_village):
            sex_male = rng.random() < 0.55
            age_days = int(rng.triangular(18, 60, 32) * 365.25)
            birth = dt.date(2026, 6, 30) - dt.timedelta(days=age_days)
            while True:
                sequence = rng.randrange(1, 999)
                if (sequence % 2 == 1) != sex_male:
                    sequence += 1 if sequence < 998 else -1
                number = make_id_number(
                    rng.choice(["511002"] * 8 + ["511011", "511024"]), birth, sequence
                )
                if number not in used_numbers:
                    used_numbers.add(number)
                    break
            name = rng.choice(SURNAMES) + "".join(
                rng.choice(GIVEN_CHARACTERS) for _ in range(rng.choice([1, 2, 2]))
            )
            chosen = [
                categories[code]
                for code, share in (
                    ("migrant_returnee", 0.3),
                    ("veteran", 0.08),
                    ("graduate", 0.12),
                    ("wealth_leader", 0.05),
                    ("coop_head", 0.04),
                    ("volunteer", 0.4),
                    ("village_cadre", 0.06),
                )
                if code in categories and rng.random() < share
            ]
            people.append(
                PersonInput(
                    name=name,
                    village=village,
                    villager_group=rng.choice(groups) if groups else None,
                    id_number=number,
                    phone="1"
                    + rng.choice(["38", "39", "58", "59", "80", "82", "87", "89", "99"])
                    + f"{rng.randrange(10**8):08d}",
                    political_status=_weighted(
                        rng,
                        [
                            (PoliticalStatus.CPC_MEMBER, 0.25),
                            (PoliticalStatus.CPC_PROBATIONARY, 0.03),
                            (PoliticalStatus.CYL_MEMBER, 0.15),
                            (PoliticalStatus.MASSES, 0.57),
                        ],
                    ),
                    education=_weighted(
                        rng,
                        [
                            (Education.BACHELOR, 0.12),
                            (Education.JUNIOR_COLLEGE, 0.2),
                            (Education.SECONDARY_VOCATIONAL, 0.1),
                            (Education.HIGH_SCHOOL, 0.25),
                            (Education.JUNIOR_HIGH, 0.28),
                            (Education.PRIMARY, 0.05),
                        ],
                    ),
                    categories=chosen,
                )
            )
    return people


def load_people() -> int:
    """Register the synthetic people not yet registered; returns how many were added."""
    villages = list(Region.objects.filter(code__in=GROUP_COUNTS).order_by("code"))
    added = 0
    for data in synthetic_people(villages, PEOPLE_PER_VILLAGE):
        digest = crypto.lookup_digest(data.id_number or "", purpose=ID_PURPOSE)
        if Person.objects.filter(id_number_digest=digest).exists():
            continue
        person_register(acting_user=None, data=data)
        added += 1
    return added


def merge_yanwan() -> None:
    """岩湾村 merged into 花红村 in May 2020 (内市区府发〔2020〕40号); its people, registered
    before, stay where they were and are reachable from 花红村."""
    yanwan = Region.objects.get(code=YANWAN)
    if yanwan.merged_into_id is None:
        region_merge(
            acting_user=None,
            region=yanwan,
            into=Region.objects.get(code=HUAHONG),
            on=dt.date(2020, 5, 31),
        )


@transaction.atomic
def load_demo() -> tuple[list[DemoAccount], int]:
    load_regions()
    accounts = load_accounts()
    added = load_people()
    merge_yanwan()
    load_frontline()
    load_pipeline()
    load_review_and_seats()
    # Imported here: the article's crowd is drawn with this module's people generator.
    from houbei.demo.article import load_article_figures

    load_article_figures()
    return accounts, added
