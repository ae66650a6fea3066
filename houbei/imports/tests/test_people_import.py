"""The people importer on messy workbooks built here, shaped like those villages send."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from houbei.accounts.scoping import Scope
from houbei.conftest import World
from houbei.imports.people import (
    apply_people_import,
    group_number,
    parse_birth,
    plan_people_import,
    write_rejected,
)
from houbei.imports.reader import UnreadableFile
from houbei.lib.idnumber import make_id_number
from houbei.people.models import Person
from houbei.tests.factories import make_person

D = dt.date
HEADERS = [
    "序号",
    "姓 名",
    "性别",
    "民族",
    "出生年月\n（年.月）",
    "公民身份号码",
    "联系方式",
    "文化程度",
    "政治面貌",
    "身份类别",
    "组（社）",
    "备注",
]


def number(birth: dt.date, sequence: int) -> str:
    return make_id_number("511002", birth, sequence)


GOOD: list[list[Any]] = [
    # name, sex, birth cell, ID, phone, education, political status, category, group
    [
        "王强",
        "男",
        "1990.05",
        number(D(1990, 5, 3), 11),
        "138 0832 0001",
        "高中",
        "中共党员",
        "返乡农民工",
        "一社",
    ],
    [
        "李秀英",
        "女",
        D(1988, 2, 14),
        number(D(1988, 2, 14), 22),
        "13808320002",
        "大专",
        "群众",
        "",
        "2组",
    ],
    [
        "張麗華",
        "女",
        "1992年7月",
        number(D(1992, 7, 9), 32),
        "",
        "本科",
        "共青团员",
        "志愿者、退役军人",
        "第一村民小组",
    ],
    [
        "钟利洪",
        "男",
        "1985-11-20",
        number(D(1985, 11, 20), 41),
        "+86 13808320004",
        "初中",
        "预备党员",
        "",
        "",
    ],
    [
        "陈刚",
        "男",
        "199103",
        "５１１００２１９９１０３０１００５１".replace("１００５１", "10051"),
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "赵敏",
        "女",
        "1993/4/5",
        number(D(1993, 4, 5), 62).lower(),
        "0832-2123456",
        "中专",
        "群众",
        "",
        "二社",
    ],
]
BAD: list[tuple[list[Any], str]] = [
    # (row cells, expected reason)
    (["", "男", "", number(D(1990, 1, 1), 71), "", "", "", "", ""], "name_missing"),
    (["刘一", "男", "", "51100219900101", "", "", "", "", ""], "id_length"),
    (["刘二", "男", "", "511002199002300013", "", "", "", "", ""], "id_date"),
    (["刘三", "男", "", number(D(1990, 1, 1), 91)[:-1] + "0", "", "", "", "", ""], "id_checksum"),
    (["刘四", "女", "", number(D(1990, 1, 1), 101), "", "", "", "", ""], "gender_contradicts_id"),
    (
        ["刘五", "男", "1991.01", number(D(1990, 1, 1), 111), "", "", "", "", ""],
        "birth_contradicts_id",
    ),
    (["刘六", "男", "", number(D(1990, 1, 1), 121), "12345", "", "", "", ""], "phone_invalid"),
    (
        ["刘七", "男", "", number(D(1990, 1, 1), 131), "", "", "无党派群众联络员", "", ""],
        "political_status_unknown",
    ),
    (["刘八", "男", "", number(D(1990, 1, 1), 141), "", "", "", "", "十九社"], "region_unknown"),
    (["刘九9", "男", "", number(D(1990, 1, 1), 151), "", "", "", "", ""], "name_invalid"),
    (["王强", "男", "", number(D(1990, 5, 3), 11), "", "", "", "", ""], "duplicate_in_file"),
]


def _fix_full_width_row() -> None:
    """陈刚's ID is typed in full-width digits, as Chinese input methods do."""
    ascii_number = number(D(1991, 3, 1), 51)
    GOOD[4][3] = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in ascii_number)


_fix_full_width_row()


def roster_xlsx(rows: list[list[Any]], *, footer: bool = True) -> bytes:
    """A 花名册 as villages send it: a merged title, a subtitle, a header with notes in it,
    numbered rows, a blank pre-numbered row, and a signature footer."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "花名册"
    sheet.append(["花红村村级后备力量花名册"])
    sheet.merge_cells("A1:L1")
    sheet.append(["填报单位：花红村党支部", None, None, None, None, None, None, "2020年2月"])
    sheet.append(HEADERS)
    for index, (
        name,
        sex,
        birth,
        id_number,
        phone,
        education,
        status,
        category,
        group,
    ) in enumerate(rows, 1):
        sheet.append(
            [
                index,
                name,
                sex,
                "汉族",
                birth,
                id_number,
                phone,
                education,
                status,
                category,
                group,
                "",
            ]
        )
    sheet.append([len(rows) + 1])  # a pre-numbered blank line
    sheet.append([])
    if footer:
        sheet.append(["填表人：张三", None, None, "审核人：李四"])
        sheet.append(["这行在签名之后，不是数据", "男"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan(world: World, data: bytes, filename: str = "花红村.xlsx", **extra: object):
    return plan_people_import(
        scope=Scope.for_user(world.secretary_a),
        data=data,
        filename=filename,
        region=world.village_a,
        **extra,
    )


def test_a_messy_roster_keeps_every_good_row_and_explains_every_bad_one(world: World) -> None:
    data = roster_xlsx(GOOD + [row for row, _reason in BAD])
    result = plan(world, data)
    assert Person.objects.count() == 0  # the preview wrote nothing
    assert [a.data.name for a in result.accepted] == [row[0] for row in GOOD]
    reasons = [(r.row, r.reason) for r in result.rejected]
    first_data_row = 4  # title, subtitle, header
    assert reasons == [
        (first_data_row + len(GOOD) + index, reason) for index, (_row, reason) in enumerate(BAD)
    ]
    assert all(r.message for r in result.rejected)
    duplicate = result.rejected[-1]
    assert duplicate.message == "本文件第 4 行已有相同的身份证号。"

    wang, li, zhang, zhong, chen, zhao = (a.data for a in result.accepted)
    assert (wang.sex, wang.birth_date, wang.political_status) == ("M", D(1990, 5, 3), "cpc_member")
    assert [c.code for c in wang.categories] == ["migrant_returnee"]
    assert wang.villager_group == world.group_a1 and li.villager_group == world.group_a2
    assert zhang.name == "張麗華" and zhang.villager_group == world.group_a1
    assert {c.code for c in zhang.categories} == {"volunteer", "veteran"}
    assert zhong.political_status == "cpc_probationary"
    assert chen.id_number == number(D(1991, 3, 1), 51)  # full-width digits folded
    assert zhao.id_number.endswith(number(D(1993, 4, 5), 62)[-1].upper())

    saved = apply_people_import(acting_user=world.secretary_a, plan=result)
    assert (saved.created, saved.updated) == (len(GOOD), 0)
    assert Person.objects.filter(village=world.village_a).count() == len(GOOD)

    again = plan(world, data)
    assert again.accepted == []
    assert {r.reason for r in again.rejected[: len(GOOD)]} == {"duplicate_in_db"}
    apply_people_import(acting_user=world.secretary_a, plan=again)
    assert Person.objects.count() == len(GOOD)  # no duplicates, however often it is imported


def test_the_rejected_rows_come_back_as_a_workbook_to_fix_and_import_again(
    world: World, tmp_path: Path
) -> None:
    result = plan(world, roster_xlsx([*GOOD[:1], BAD[6][0]]))
    apply_people_import(acting_user=world.secretary_a, plan=result)
    path = tmp_path / "errors.xlsx"
    write_rejected(result, str(path))
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[3]][-2:] == ["原表行号", "未导入原因"]
    assert sheet.max_row == 4
    row = [c.value for c in sheet[4]]
    assert (row[1] == "刘六" and row[-2] == "5") or row[-2] == 5
    assert "phone_invalid" in str(row[-1])
    # The clerk fixes the phone in the returned workbook and imports it again.
    fixed = load_workbook(path)
    fixed.active.cell(row=4, column=HEADERS.index("联系方式") + 1, value="13808320099")
    buffer = io.BytesIO()
    fixed.save(buffer)
    second = plan(world, buffer.getvalue(), "errors.xlsx")
    assert [a.data.name for a in second.accepted] == ["刘六"] and second.rejected == []
    apply_people_import(acting_user=world.secretary_a, plan=second)
    assert Person.objects.filter(name="刘六").exists()


def test_a_gbk_csv_from_excel_is_read(world: World) -> None:
    lines = ["姓名,性别,出生日期,身份证号码,手机号码,学历,政治面貌,村民小组"]
    lines.append(f"王强,男,1990-05-03,{number(D(1990, 5, 3), 11)},13808320001,高中,党员,1社")
    data = "\r\n".join(lines).encode("gbk")
    result = plan(world, data, "花红村.csv")
    assert [a.data.name for a in result.accepted] == ["王强"]
    assert result.accepted[0].data.villager_group == world.group_a1
    utf8 = plan(world, "\ufeff".encode() + "\r\n".join(lines).encode(), "花红村.csv")
    assert len(utf8.accepted) == 1


def test_update_mode_updates_by_id_number_and_keeps_columns_the_file_lacks(
    world: World,
) -> None:
    apply_people_import(acting_user=world.secretary_a, plan=plan(world, roster_xlsx(GOOD[:1])))
    wang = Person.objects.get()
    lines = ["姓名,身份证号,政治面貌", f"王强,{number(D(1990, 5, 3), 11)},群众"]
    result = plan(world, "\n".join(lines).encode(), "更新.csv", update=True)
    saved = apply_people_import(acting_user=world.secretary_a, plan=result)
    assert (saved.created, saved.updated) == (0, 1)
    wang.refresh_from_db()
    assert wang.political_status == "masses"
    assert wang.villager_group == world.group_a1  # the file has no group column
    assert wang.phone_masked  # nor a phone column
    assert [c.code for c in wang.categories.all()] == ["migrant_returnee"]


def test_a_village_not_in_the_users_scope_is_region_unknown(world: World) -> None:
    lines = ["姓名,身份证号,村（社区）", f"王强,{number(D(1990, 5, 3), 11)},新祠堂村"]
    lines.append(f"李四,{number(D(1990, 5, 4), 13)},花红村")
    result = plan_people_import(
        scope=Scope.for_user(world.secretary_a),
        data="\n".join(lines).encode(),
        filename="凌家镇.csv",
        region=world.town_x,
    )
    assert [a.data.village for a in result.accepted] == [world.village_a]
    assert [r.reason for r in result.rejected] == ["region_unknown"]


def test_unreadable_files_are_refused_with_a_reason(world: World) -> None:
    with pytest.raises(UnreadableFile):
        plan(world, b"not a workbook", "x.xlsx")
    with pytest.raises(UnreadableFile):
        plan(world, b"a,b\n1,2\n", "x.csv")  # no 姓名 header
    with pytest.raises(UnreadableFile):
        plan(world, b"PK", "x.docx")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (D(1990, 5, 3), (1990, 5, 3)),
        ("1990.05", (1990, 5, 0)),
        ("1990.5", (1990, 5, 0)),
        ("1990年5月", (1990, 5, 0)),
        ("1990年5月3日", (1990, 5, 3)),
        ("1990-05-03", (1990, 5, 3)),
        ("1990/5/3", (1990, 5, 3)),
        ("199005", (1990, 5, 0)),
        ("19900503", (1990, 5, 3)),
        ("１９９０．０５", (1990, 5, 0)),
        ("1990.13", None),
        ("五月", None),
    ],
)
def test_birth_dates_written_every_way(cell: Any, expected: object) -> None:
    assert parse_birth(cell) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("九社", 9),
        ("9组", 9),
        ("第九村民小组", 9),
        ("十一社", 11),
        ("二十三组", 23),
        ("１２社", 12),
        ("社", None),
    ],
)
def test_group_numbers(text: str, expected: int | None) -> None:
    assert group_number(text) == expected


def test_the_command_line_prints_json_and_exits_by_what_it_could_read(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "花红村.xlsx"
    path.write_bytes(roster_xlsx([*GOOD[:2], BAD[2][0]]))
    errors = tmp_path / "errors.xlsx"
    out = io.StringIO()
    call_command(
        "import",
        "people",
        str(path),
        "--region",
        world.village_a.code,
        "--json",
        "--errors",
        str(errors),
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert summary["accepted"] == 2
    assert summary["rejected"] == [
        {"row": 6, "reason": "id_date", "message": summary["rejected"][0]["message"]}
    ]
    assert errors.is_file() and Person.objects.count() == 2
    dry = io.StringIO()
    call_command(
        "import", "people", str(path), "--region", world.village_a.code, "--dry-run", stdout=dry
    )
    assert "0 row(s) would be imported, 3 rejected." in dry.getvalue()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"nope")
    with pytest.raises(CommandError):
        call_command("import", "people", str(broken), "--region", world.village_a.code)


def test_a_decompression_bomb_is_refused_unopened(world: World) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    with pytest.raises(UnreadableFile) as error:
        plan(world, buffer.getvalue(), "炸弹.xlsx")
    assert "远超" in error.value.message


def test_a_person_registered_between_preview_and_import_is_refused_and_the_rest_saved(
    world: World,
) -> None:
    """New people are saved in batches; a batch with one row the registry now refuses is
    saved row by row, so only that row is rejected."""
    result = plan(world, roster_xlsx(GOOD))
    assert len(result.accepted) == len(GOOD)
    first, first_row = result.accepted[0].data, result.accepted[0].row
    make_person(world.village_a, "抢先登记", id_number=first.id_number)
    saved = apply_people_import(acting_user=world.secretary_a, plan=result)
    assert saved.created == len(GOOD) - 1
    assert [(r.row, r.reason) for r in result.rejected] == [(first_row, "not_saved")]
    assert Person.objects.filter(village=world.village_a).count() == len(GOOD)  # 1 + the rest
