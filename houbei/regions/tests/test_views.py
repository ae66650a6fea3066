import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import World, merge_village
from houbei.regions.models import Region
from houbei.tests.factories import make_person


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_web_import_previews_then_applies_in_two_steps(world: World):
    client = signed_in(world.sysadmin)
    csv = (
        "代码,名称,级别,上级代码\n"
        "511002102223,新村,村,511002102\n"
        "511002102223001,一组,村民小组,511002102223\n"
    )
    preview = client.post(
        reverse("regions:import"), {"file": SimpleUploadedFile("v.csv", csv.encode("gbk"))}
    )
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "确认导入" in page and "新村" in page
    assert not Region.objects.filter(code="511002102223").exists()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = client.post(reverse("regions:import_apply"), {"token": token})
    assert done.status_code == 302
    assert Region.objects.filter(code="511002102223001", parent__code="511002102223").exists()
    assert "导入完成：新增 2 个" in client.get(done.url, follow=True).content.decode()
    # The token is used up: applying again asks for the file again.
    again = client.post(reverse("regions:import_apply"), {"token": token}, follow=True)
    assert "预览已过期" in again.content.decode()


def test_web_import_lists_rejected_rows_and_offers_no_apply(world: World):
    client = signed_in(world.district_admin)
    csv = "code,name,level,parent_code\n511002104223,错村,village,511002102\n"
    response = client.post(
        reverse("regions:import"), {"file": SimpleUploadedFile("v.csv", csv.encode())}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "511002102" in page and "确认导入" not in page
    too_big = client.post(
        reverse("regions:import"),
        {"file": SimpleUploadedFile("v.csv", b"x" * (2 * 1024 * 1024 + 1))},
    )
    assert "文件超过 2 MB" in too_big.content.decode()


def test_add_a_village_with_a_wrong_code_explains_the_rule(world: World):
    client = signed_in(world.district_admin)
    response = client.post(
        reverse("regions:create_child", args=[world.town_x.code]),
        {"code": "511002104230", "name": "错村", "kind": "village"},
    )
    assert response.status_code == 400
    assert "代码必须以上级区划代码 511002102 开头" in response.content.decode()
    ok = client.post(
        reverse("regions:create_child", args=[world.town_x.code]),
        {"code": "511002102230", "name": "新村", "kind": "village"},
    )
    assert ok.status_code == 302
    assert Region.objects.get(code="511002102230").parent == world.town_x


def test_merge_through_the_page_and_people_follow(world: World):
    person = make_person(world.village_merged, "岩湾人")
    client = signed_in(world.district_admin)
    bad = client.post(
        reverse("regions:merge", args=[world.village_merged.code]),
        {"into": world.village_a.pk, "on": ""},
    )
    assert bad.status_code == 400
    response = client.post(
        reverse("regions:merge", args=[world.village_merged.code]),
        {"into": world.village_a.pk, "on": "2020-05-31"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_type=EventType.REGION_MERGED).count() == 1
    secretary = signed_in(world.secretary_a)
    assert secretary.get(reverse("people:detail", args=[person.pk])).status_code == 200
    page = secretary.get(reverse("regions:detail", args=[world.village_a.code])).content.decode()
    assert "已并入本区划" in page and "岩湾村" in page


def test_region_page_shows_children_with_people_counts(world: World):
    make_person(world.village_a, "王强", villager_group=world.group_a1)
    merge_village(world)
    page = (
        signed_in(world.town_x_admin)
        .get(reverse("regions:detail", args=[world.town_x.code]))
        .content.decode()
    )
    assert "花红村" in page and "1 人" in page
    assert "已并入花红村" in page
    edit = signed_in(world.town_x_admin).get(reverse("regions:edit", args=[world.town_x.code]))
    assert edit.status_code == 403  # town admins read regions, do not edit them


def test_region_index_lists_the_roots_of_several_grants(world: World):
    from houbei.accounts.roles import Role
    from houbei.tests.factories import GrantFactory

    GrantFactory(user=world.secretary_a, role=Role.VILLAGE_SECRETARY, region=world.village_c)
    page = signed_in(world.secretary_a).get(reverse("regions:index")).content.decode()
    assert "花红村" in page and "鹿子村" in page and "凌家镇" not in page
