import pytest

from houbei.lib.names import (
    clean_name,
    is_plain_name,
    name_match_keys,
    name_search_keys,
    name_sort_key,
    normalize_name_query,
    to_simplified,
    to_traditional,
)


def test_traditional_and_simplified_names_share_their_keys():
    assert name_search_keys("王強") == name_search_keys("王强") == ["王强", "wangqiang", "wq"]


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("曾洪", "zenghong", "zh"),
        ("单雄信", "shanxiongxin", "sxx"),
        ("解放", "xiefang", "xf"),
        ("仇英", "qiuying", "qy"),
        ("朴正", "piaozheng", "pz"),
        ("区志", "ouzhi", "oz"),
        ("欧阳修", "ouyangxiu", "oyx"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("万俟卨", "moqixie", "mqx"),
        ("覃海", "qinhai", "qh"),
    ],
)
def test_surnames_are_read_as_surnames(name, full, initials):
    keys = name_search_keys(name)
    assert full in keys
    assert initials in keys


def test_match_keys_start_wherever_a_user_may_start_typing():
    keys = name_match_keys("王强")
    assert keys == ["王强", "强", "wangqiang", "qiang", "wq", "q"]

    def found(query: str) -> bool:
        return any(key.startswith(query) for key in keys)

    assert all(found(q) for q in ["王", "强", "wangq", "qiang", "wq", "q", "wangqiang"])
    assert not found("qw")  # initials in the wrong order
    assert not found("angq")  # starts inside a syllable


def test_match_keys_of_a_three_character_name():
    keys = name_match_keys("欧阳修")
    assert "阳修" in keys and "修" in keys and "yangxiu" in keys and "xiu" in keys
    assert "yx" in keys and "oyx" in keys


def test_queries_are_normalised_like_the_keys():
    assert normalize_name_query("王強") == "王强"
    assert normalize_name_query("Wang Qiang") == "wangqiang"
    assert normalize_name_query("ＷＱ") == "wq"
    assert normalize_name_query("wang'qiang") == "wangqiang"


def test_names_are_cleaned_of_spaces_and_dots_normalised():
    assert clean_name(" 张 超 ") == "张超"
    assert clean_name("阿不都•热合曼") == "阿不都·热合曼"
    assert name_search_keys("阿不都·热合曼")[0] == "阿不都热合曼"


@pytest.mark.parametrize("name", ["王强", "阿不都·热合曼", "欧阳娜娜", "Zhang", "王強"])
def test_names_of_letters_are_plain(name):
    assert is_plain_name(clean_name(name))


@pytest.mark.parametrize(
    "name", ["钱000", "王强1", "张(党员)", "李-明", "·王", "王·", "王··强", "张_三"]
)
def test_names_with_digits_symbols_or_stray_dots_are_not(name):
    assert not is_plain_name(clean_name(name))


def test_sort_key_orders_by_pinyin():
    names = ["张超", "曾洪", "陈丽", "王强", "艾青"]
    assert sorted(names, key=name_sort_key) == ["艾青", "陈丽", "王强", "曾洪", "张超"]


def test_conversion_both_ways():
    assert to_simplified("鍾利洪") == "钟利洪"
    assert to_traditional("钟利洪") == "鍾利洪"
