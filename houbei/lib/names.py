"""Chinese personal names: search keys that make 王強 = 王强 = wangqiang = wq.

A name is indexed by its Simplified form, its full pinyin and its pinyin initials, each
stored from every point a user may start typing at (``name_match_keys``) so that a search is
an indexed prefix lookup, not a scan of everyone. Surnames
whose reading differs from the everyday reading of the character (曾 zeng, not ceng) come
from a table, because pinyin libraries read the character, not the surname. The given name
takes pypinyin's contextual reading only: indexing every heteronym made initials such as
"zt" match 张超 (超 has a rare reading tiao), which users read as a wrong result.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc
from pypinyin import lazy_pinyin

from houbei.lib.text import to_halfwidth

# Compound surnames come first so that 欧阳 is read as one surname, not 欧 + 阳.
COMPOUND_SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "诸葛": ("zhu", "ge"),
    "上官": ("shang", "guan"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "长孙": ("zhang", "sun"),
    "单于": ("chan", "yu"),
    "令狐": ("ling", "hu"),
    "慕容": ("mu", "rong"),
    "夏侯": ("xia", "hou"),
    "宇文": ("yu", "wen"),
    "澹台": ("tan", "tai"),
    "公孙": ("gong", "sun"),
    "司徒": ("si", "tu"),
    "端木": ("duan", "mu"),
}

# Single-character surnames whose surname reading differs from the default reading.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "缪": "miao",
    "翟": "zhai",
    "覃": "qin",
    "秘": "bi",
    "种": "chong",
    "乐": "yue",
    "燕": "yan",
    "纪": "ji",
    "华": "hua",
    "任": "ren",
    "尉": "yu",
    "员": "yun",
    "柏": "bai",
    "繁": "po",
    "句": "gou",
    "召": "shao",
    "过": "guo",
    "宁": "ning",
    "薄": "bo",
    "隗": "wei",
    "黑": "he",
    "恽": "yun",
    "谌": "chen",
    "沈": "shen",
    "重": "chong",
    "长": "chang",
    "藏": "zang",
    "折": "she",
    "车": "che",
    "盛": "sheng",
    "应": "ying",
    "都": "du",
    "朝": "chao",
    "蕃": "pi",
    "阚": "kan",
}

_NON_NAME = re.compile(r"[\s·•．.'’\-]")


@lru_cache(maxsize=1)
def _to_simplified_converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _to_traditional_converter() -> opencc.OpenCC:
    return opencc.OpenCC("s2tw")


def to_simplified(text: str) -> str:
    return str(_to_simplified_converter().convert(text))


def to_traditional(text: str) -> str:
    return str(_to_traditional_converter().convert(text))


def clean_name(raw: str) -> str:
    """Full-width forms folded, inner spaces removed (Chinese names carry none), the middle
    dot of minority and transliterated names (阿不都·热合曼) kept as one canonical ·."""
    text = to_halfwidth(raw).strip()
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[•．.]", "·", text)


def is_plain_name(name: str) -> bool:
    """A cleaned name holds letters only (Han characters count as letters), the · of
    minority and transliterated names between parts: no digits, no punctuation, which
    turn up in rosters as row numbers or notes typed into the name column."""
    parts = name.split("·")
    return all(part and part.isalpha() for part in parts)


def _split_surname(simplified: str) -> tuple[str, str, tuple[str, ...] | None]:
    """(surname, given name, fixed surname syllables or None)."""
    for compound, syllables in COMPOUND_SURNAME_READINGS.items():
        if simplified.startswith(compound) and len(simplified) > len(compound):
            return compound, simplified[len(compound) :], syllables
    head = simplified[:1]
    reading = SURNAME_READINGS.get(head)
    return head, simplified[1:], (reading,) if reading else None


def pinyin_syllables(name: str) -> list[str]:
    """The name read as pinyin syllables, surname by the surname table."""
    return list(_syllables(name))


@lru_cache(maxsize=8192)
def _syllables(name: str) -> tuple[str, ...]:
    # Remembered: a registration reads the name for its sort key and its search keys, and an
    # import of a district's roster meets the same names again and again.
    simplified = to_simplified(clean_name(name)).replace("·", "")
    if not simplified:
        return ()
    surname, given, fixed = _split_surname(simplified)
    surname_syllables = list(fixed) if fixed else lazy_pinyin(surname, errors="default")
    given_syllables = lazy_pinyin(given, errors="default") if given else []
    return tuple(syllable.lower() for syllable in [*surname_syllables, *given_syllables])


def name_search_keys(name: str) -> list[str]:
    """Distinct lower-case keys: Simplified name, full pinyin and initials of each reading."""
    simplified = to_simplified(clean_name(name)).replace("·", "")
    syllables = pinyin_syllables(name)
    keys = [simplified, "".join(syllables), "".join(syllable[:1] for syllable in syllables)]
    return list(dict.fromkeys(key for key in keys if key))


def name_match_keys(name: str) -> list[str]:
    """The stored keys a query must be a prefix of (people.PersonNameKey): every tail of the
    Simplified name and of the initials, and the full pinyin from each syllable on. 王强 is
    so found by 王, 强, 王强, wang, wangq, qiang, wq and q — but not by "angq", which starts
    inside a syllable and which nobody types."""
    simplified = to_simplified(clean_name(name)).replace("·", "")
    syllables = pinyin_syllables(name)
    initials = "".join(syllable[:1] for syllable in syllables)
    keys = [simplified[start:] for start in range(len(simplified))]
    keys += ["".join(syllables[start:]) for start in range(len(syllables))]
    keys += [initials[start:] for start in range(len(initials))]
    return list(dict.fromkeys(key for key in keys if key))


def name_sort_key(name: str) -> str:
    """Pinyin of the best reading followed by the name: orders lists the way people expect
    on SQLite and PostgreSQL alike (neither sorts Chinese by pinyin by default)."""
    syllables = " ".join(pinyin_syllables(name))
    return f"{syllables} {to_simplified(clean_name(name))}".strip()


def normalize_name_query(raw: str) -> str:
    """What a user typed, in the form the keys are stored in."""
    return to_simplified(_NON_NAME.sub("", to_halfwidth(raw))).lower()
