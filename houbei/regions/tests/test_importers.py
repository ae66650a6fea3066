import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from houbei.accounts.scoping import Scope
from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import World
from houbei.regions.importers import regions_import_apply, regions_import_parse
from houbei.regions.models import Region

GOOD = """code,name,level,parent_code,valid_from,valid_to
511002102223,新村,village,511002102,,
511002102223001,一组,group,511002102223,,
511002102224,老村,村,511002102000,2001-01-01,2020/05/31
"""


def reasons(plan):
    return [(error.line, error.reason) for error in plan.errors]


def test_a_good_file_is_previewed_without_writing_then_applied(world: World):
    plan = regions_import_parse(GOOD.encode())
    assert plan.ok, plan.errors
    assert [row.action for row in plan.rows] == ["create", "create", "create"]
    assert not Region.objects.filter(code="511002102223").exists()
    result = regions_import_apply(plan=plan, acting_user=None)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    group = Region.objects.get(code="511002102223001")
    assert group.parent.code == "511002102223"
    assert Region.objects.get(code="511002102224").valid_to == dt.date(2020, 5, 31)


def test_importing_the_same_file_twice_changes_nothing(world: World):
    regions_import_apply(plan=regions_import_parse(GOOD.encode()), acting_user=None)
    events = AuditEvent.objects.count()
    again = regions_import_parse(GOOD.encode())
    assert [row.action for row in again.rows] == ["unchanged"] * 3
    result = regions_import_apply(plan=again, acting_user=None)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert AuditEvent.objects.count() == events


def test_a_changed_name_is_an_update(world: World):
    plan = regions_import_parse(
        "代码,名称,级别,上级代码\n511002102222,新祠村,村,511002102000\n".encode()
    )
    assert [row.action for row in plan.rows] == ["update"]
    regions_import_apply(plan=plan, acting_user=None)
    assert Region.objects.get(code="511002102222").name == "新祠村"


def test_gbk_files_as_excel_writes_them_are_read(world: World):
    plan = regions_import_parse(GOOD.encode("gb18030"))
    assert plan.ok
    assert plan.rows[0].name == "新村"


def test_every_bad_row_is_reported_with_its_line(world: World):
    text = """code,name,level,parent_code,valid_from,valid_to
511002102223,新村,village,511002102,,
511002102223,又一个,village,511002102,,
51100210222X,坏码,village,511002102,,
511002104225,错镇,village,511002102,,
511002102226,,village,511002102,,
511002102227,某村,hamlet,511002102,,
511002102228,某村,village,511009999,,
511002102229,某村,village,511002102,2020-02-30,
511002102230,某村,village,511002102,2021-01-01,2020-01-01
511002102231001,某组,group,511002102231,,
511002102220,花红村,town,511002000000,,
"""
    plan = regions_import_parse(text.encode())
    assert reasons(plan) == [
        (3, "duplicate"),
        (4, "code_digits"),
        (5, "code_parent_prefix"),
        (6, "name"),
        (7, "level"),
        (8, "parent_missing"),
        (9, "date"),
        (10, "dates"),
        (11, "parent_missing"),
        (12, "code_trailing_not_zero"),
    ]
    assert [row.code for row in plan.rows] == ["511002102223"]
    assert all(error.message for error in plan.errors)
    with pytest.raises(ValidationError):
        regions_import_apply(plan=plan, acting_user=None)
    assert not Region.objects.filter(code="511002102223").exists()


def test_a_missing_header_or_an_empty_file_is_said_plainly(world: World):
    assert reasons(regions_import_parse(b"code,name\n1,2\n")) == [(1, "header")]
    assert reasons(regions_import_parse(b"")) == [(0, "empty")]
    assert reasons(regions_import_parse(b"\xff\xfe\x00\x00garbage\x81")) == [(0, "encoding")]


def test_merges_in_the_file_are_applied_and_never_undone(world: World):
    text = (
        "code,name,level,parent_code,valid_from,valid_to,merged_into\n"
        "511002102221,岩湾村,village,511002102,,2020-05-31,511002102220\n"
    )
    regions_import_apply(plan=regions_import_parse(text.encode()), acting_user=None)
    merged = Region.objects.get(code="511002102221")
    assert merged.merged_into == world.village_a
    # A later file without the merge column leaves the merge as it is.
    plain = "code,name,level,parent_code\n511002102221,岩湾村,village,511002102\n"
    plan = regions_import_parse(plain.encode())
    assert [row.action for row in plan.rows] == ["unchanged"]
    other = (
        "code,name,level,parent_code,valid_to,merged_into\n"
        "511002102221,岩湾村,village,511002102,2020-05-31,511002102222\n"
    )
    assert reasons(regions_import_parse(other.encode())) == [(2, "already_merged")]


def test_a_merge_needs_an_end_date_and_a_target_of_the_same_level(world: World):
    text = (
        "code,name,level,parent_code,valid_to,merged_into\n"
        "511002102221,岩湾村,village,511002102,,511002102220\n"
        "511002102222,新祠堂村,village,511002102,2020-01-01,511002102000\n"
    )
    assert reasons(regions_import_parse(text.encode())) == [
        (2, "merged_without_end"),
        (3, "merged_into_level"),
    ]


def test_the_web_import_is_limited_to_the_regions_the_user_manages(world: World):
    scope = Scope.for_user(world.sysadmin)
    text = (
        "code,name,level,parent_code\n"
        "511002102223,新村,village,511002102\n"
        "511011100000,东兴镇,town,511011\n"
        "520000000000,贵州省,province,\n"
    )
    plan = regions_import_parse(text.encode(), scope=scope)
    assert reasons(plan) == [(3, "scope"), (4, "root")]
    # The command line (no scope) may create top-level regions.
    assert regions_import_parse(text.encode()).ok


def test_the_import_writes_one_audit_event_per_region(world: World):
    regions_import_apply(plan=regions_import_parse(GOOD.encode()), acting_user=world.sysadmin)
    assert (
        AuditEvent.objects.filter(
            event_type=EventType.REGION_CREATED, acting_user=world.sysadmin
        ).count()
        == 3
    )
