import pytest

from houbei.people.choices import (
    Education,
    Ethnicity,
    PoliticalStatus,
    normalize_education,
    normalize_ethnicity,
    normalize_political_status,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中共党员", PoliticalStatus.CPC_MEMBER),
        ("党员", PoliticalStatus.CPC_MEMBER),
        ("黨員", PoliticalStatus.CPC_MEMBER),
        (" 中共 党员 ", PoliticalStatus.CPC_MEMBER),
        ("预备党员", PoliticalStatus.CPC_PROBATIONARY),
        ("团员", PoliticalStatus.CYL_MEMBER),
        ("共青團員", PoliticalStatus.CYL_MEMBER),
        ("九三学社社员", PoliticalStatus.DEMOCRATIC_PARTY),
        ("群众", PoliticalStatus.MASSES),
        ("无党派", PoliticalStatus.NON_PARTISAN),
        ("cpc_member", PoliticalStatus.CPC_MEMBER),
        ("积极分子", None),
    ],
)
def test_political_status_synonyms(text, expected):
    assert normalize_political_status(text) == expected


def test_education_and_ethnicity_synonyms():
    assert normalize_education("大专") == Education.JUNIOR_COLLEGE
    assert normalize_education("本科学历") == Education.BACHELOR
    assert normalize_education("中专毕业") == Education.SECONDARY_VOCATIONAL
    assert normalize_education("幼儿园") is None
    assert normalize_ethnicity("汉") == Ethnicity.HAN
    assert normalize_ethnicity("汉族") == Ethnicity.HAN
    assert normalize_ethnicity("彝族") == Ethnicity.YI
    assert normalize_ethnicity("維吾爾族") == Ethnicity.UYGHUR
    assert normalize_ethnicity("基诺族") == Ethnicity.JINO
    assert normalize_ethnicity("火星族") is None
    assert len(Ethnicity) == 58
