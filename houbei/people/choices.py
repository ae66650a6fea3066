"""Closed vocabularies of the registry, with the synonyms clerks write for them."""

from __future__ import annotations

from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from houbei.lib.names import to_simplified
from houbei.lib.text import collapse_spaces


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc_member", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    CYL_MEMBER = "cyl_member", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Member of a democratic party")
    NON_PARTISAN = "non_partisan", _("Non-partisan")
    MASSES = "masses", _("Ordinary citizen")


POLITICAL_STATUS_SYNONYMS: dict[str, PoliticalStatus] = {
    "中共党员": PoliticalStatus.CPC_MEMBER,
    "党员": PoliticalStatus.CPC_MEMBER,
    "共产党员": PoliticalStatus.CPC_MEMBER,
    "中国共产党党员": PoliticalStatus.CPC_MEMBER,
    "正式党员": PoliticalStatus.CPC_MEMBER,
    "中共预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "中国共产党预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "共青团员": PoliticalStatus.CYL_MEMBER,
    "团员": PoliticalStatus.CYL_MEMBER,
    "中国共产主义青年团团员": PoliticalStatus.CYL_MEMBER,
    "民主党派": PoliticalStatus.DEMOCRATIC_PARTY,
    "民主党派成员": PoliticalStatus.DEMOCRATIC_PARTY,
    "民革党员": PoliticalStatus.DEMOCRATIC_PARTY,
    "民盟盟员": PoliticalStatus.DEMOCRATIC_PARTY,
    "民建会员": PoliticalStatus.DEMOCRATIC_PARTY,
    "民进会员": PoliticalStatus.DEMOCRATIC_PARTY,
    "农工党党员": PoliticalStatus.DEMOCRATIC_PARTY,
    "致公党党员": PoliticalStatus.DEMOCRATIC_PARTY,
    "九三学社社员": PoliticalStatus.DEMOCRATIC_PARTY,
    "台盟盟员": PoliticalStatus.DEMOCRATIC_PARTY,
    "无党派人士": PoliticalStatus.NON_PARTISAN,
    "无党派": PoliticalStatus.NON_PARTISAN,
    "群众": PoliticalStatus.MASSES,
    "普通群众": PoliticalStatus.MASSES,
    "无": PoliticalStatus.MASSES,
}


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    BACHELOR = "bachelor", _("Bachelor's degree")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational school")
    HIGH_SCHOOL = "high_school", _("Senior high school")
    JUNIOR_HIGH = "junior_high", _("Junior high school")
    PRIMARY = "primary", _("Primary school or below")


EDUCATION_SYNONYMS: dict[str, Education] = {
    "研究生": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "博士研究生": Education.POSTGRADUATE,
    "硕士": Education.POSTGRADUATE,
    "硕士研究生": Education.POSTGRADUATE,
    "本科": Education.BACHELOR,
    "大学本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "大专": Education.JUNIOR_COLLEGE,
    "专科": Education.JUNIOR_COLLEGE,
    "大学专科": Education.JUNIOR_COLLEGE,
    "高职": Education.JUNIOR_COLLEGE,
    "中专": Education.SECONDARY_VOCATIONAL,
    "中技": Education.SECONDARY_VOCATIONAL,
    "职高": Education.SECONDARY_VOCATIONAL,
    "技校": Education.SECONDARY_VOCATIONAL,
    "中等专科": Education.SECONDARY_VOCATIONAL,
    "高中": Education.HIGH_SCHOOL,
    "普通高中": Education.HIGH_SCHOOL,
    "初中": Education.JUNIOR_HIGH,
    "小学": Education.PRIMARY,
    "小学及以下": Education.PRIMARY,
    "文盲": Education.PRIMARY,
}


class Ethnicity(models.TextChoices):
    """The 56 ethnic groups with their GB 3304 codes, plus 97 other and 98 naturalised."""

    HAN = "01", _("Han")
    MONGOL = "02", _("Mongol")
    HUI = "03", _("Hui")
    TIBETAN = "04", _("Tibetan")
    UYGHUR = "05", _("Uyghur")
    MIAO = "06", _("Miao")
    YI = "07", _("Yi")
    ZHUANG = "08", _("Zhuang")
    BOUYEI = "09", _("Bouyei")
    KOREAN = "10", _("Korean")
    MANCHU = "11", _("Manchu")
    DONG = "12", _("Dong")
    YAO = "13", _("Yao")
    BAI = "14", _("Bai")
    TUJIA = "15", _("Tujia")
    HANI = "16", _("Hani")
    KAZAKH = "17", _("Kazakh")
    DAI = "18", _("Dai")
    LI = "19", _("Li")
    LISU = "20", _("Lisu")
    VA = "21", _("Va")
    SHE = "22", _("She")
    GAOSHAN = "23", _("Gaoshan")
    LAHU = "24", _("Lahu")
    SHUI = "25", _("Shui")
    DONGXIANG = "26", _("Dongxiang")
    NAXI = "27", _("Naxi")
    JINGPO = "28", _("Jingpo")
    KYRGYZ = "29", _("Kyrgyz")
    TU = "30", _("Tu")
    DAUR = "31", _("Daur")
    MULAO = "32", _("Mulao")
    QIANG = "33", _("Qiang")
    BLANG = "34", _("Blang")
    SALAR = "35", _("Salar")
    MAONAN = "36", _("Maonan")
    GELAO = "37", _("Gelao")
    XIBE = "38", _("Xibe")
    ACHANG = "39", _("Achang")
    PUMI = "40", _("Pumi")
    TAJIK = "41", _("Tajik")
    NU = "42", _("Nu")
    UZBEK = "43", _("Uzbek")
    RUSSIAN = "44", _("Russian")
    EWENKI = "45", _("Ewenki")
    DEANG = "46", _("De'ang")
    BONAN = "47", _("Bonan")
    YUGUR = "48", _("Yugur")
    GIN = "49", _("Gin")
    TATAR = "50", _("Tatar")
    DERUNG = "51", _("Derung")
    OROQEN = "52", _("Oroqen")
    HEZHEN = "53", _("Hezhen")
    MONBA = "54", _("Monba")
    LHOBA = "55", _("Lhoba")
    JINO = "56", _("Jino")
    OTHER = "97", _("Other")
    NATURALISED = "98", _("Naturalised citizen of foreign origin")


# Chinese names of the groups (GB 3304), for reading what clerks type: "汉", "汉族".
ETHNICITY_NAMES_ZH = (
    "汉",
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
)
ETHNICITY_SYNONYMS: dict[str, Ethnicity] = {
    **{name: Ethnicity(f"{index:02d}") for index, name in enumerate(ETHNICITY_NAMES_ZH, 1)},
    **{f"{name}族": Ethnicity(f"{index:02d}") for index, name in enumerate(ETHNICITY_NAMES_ZH, 1)},
    "其他": Ethnicity.OTHER,
    "外国血统中国籍人士": Ethnicity.NATURALISED,
    "入籍": Ethnicity.NATURALISED,
}


def _lookup_key(text: str) -> str:
    return to_simplified(collapse_spaces(text)).replace(" ", "")


# Remembered: an import meets the same few spellings on every row.
@lru_cache(maxsize=1024)
def normalize_political_status(text: str) -> PoliticalStatus | None:
    """中共党员 / 党员 / 黨員 / cpc_member → CPC_MEMBER; None when not recognised."""
    key = _lookup_key(text)
    if key in PoliticalStatus.values:
        return PoliticalStatus(key)
    return POLITICAL_STATUS_SYNONYMS.get(key)


@lru_cache(maxsize=1024)
def normalize_education(text: str) -> Education | None:
    key = _lookup_key(text)
    if key in Education.values:
        return Education(key)
    return EDUCATION_SYNONYMS.get(key.removesuffix("学历").removesuffix("毕业"))


@lru_cache(maxsize=1024)
def normalize_ethnicity(text: str) -> Ethnicity | None:
    key = _lookup_key(text)
    if key in Ethnicity.values:
        return Ethnicity(key)
    return ETHNICITY_SYNONYMS.get(key)
