import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from houbei.audit.models import AuditEvent
from houbei.conftest import World
from houbei.people.models import BackgroundCategory, Person, PersonalDataReveal
from houbei.tests.factories import make_person, next_id_number, numbered_name
from houbei.tests.test_persona_ladder import jpeg_bytes


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_register_form_keeps_input_and_shows_errors_next_to_fields(world: World):
    client = signed_in(world.secretary_a)
    response = client.post(
        reverse("people:create"),
        {
            "name": "王强",
            "id_number": "340524198001010013",
            "phone": "12345",
            "village": world.village_a.pk,
            "political_status": "masses",
            "ethnicity": "01",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'id="field-id_number".*?校验位不符', page, re.S)
    assert re.search(r'id="field-phone".*?手机号码应为11位', page, re.S)
    assert 'value="王强"' in page
    assert Person.objects.count() == 0


def test_register_and_add_another(world: World):
    client = signed_in(world.secretary_a)
    data = {
        "name": "陳麗華",
        "id_number": next_id_number(male=False),
        "village": world.village_a.pk,
        "villager_group": world.group_a2.pk,
        "political_status": "cyl_member",
        "ethnicity": "01",
        "categories": [BackgroundCategory.objects.get(code="migrant_returnee").pk],
        "add_another": "1",
    }
    response = client.post(reverse("people:create"), data)
    assert response.status_code == 302 and response.url == reverse("people:create")
    person = Person.objects.get()
    assert person.sex == "F" and person.villager_group == world.group_a2
    assert [c.code for c in person.categories.all()] == ["migrant_returnee"]
    follow = client.get(response.url)
    assert "已登记陳麗華" in follow.content.decode()


def test_the_form_offers_only_villages_in_scope(world: World):
    page = signed_in(world.town_x_admin).get(reverse("people:create")).content.decode()
    assert "花红村" in page and "新祠堂村" in page
    assert "鹿子村" not in page
    response = signed_in(world.secretary_b).post(
        reverse("people:create"),
        {
            "name": "越界",
            "id_number": next_id_number(),
            "village": world.village_a.pk,
            "political_status": "masses",
            "ethnicity": "01",
        },
    )
    assert response.status_code == 400
    assert Person.objects.count() == 0


def test_group_options_follow_the_chosen_village_within_scope(world: World):
    client = signed_in(world.secretary_a)
    page = client.get(
        reverse("people:group_options"), {"village": world.village_a.pk}
    ).content.decode()
    assert "一社" in page and "二社" in page
    assert (
        "一社"
        not in signed_in(world.secretary_b)
        .get(reverse("people:group_options"), {"village": world.village_a.pk})
        .content.decode()
    )


def test_detail_masks_identifiers_and_reveal_records_the_view(world: World):
    person = make_person(
        world.village_a, "王强", id_number="511002199001010011", phone="13800001111"
    )
    client = signed_in(world.secretary_a)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "5110**********0011" in page and "511002199001010011" not in page
    assert "138****1111" in page and "13800001111" not in page
    revealed = client.post(
        reverse("people:reveal", args=[person.pk, "id_number"]),
        {"reason": "verify_identity"},
        HTTP_HX_REQUEST="true",
    )
    assert revealed.status_code == 200
    assert "511002199001010011" in revealed.content.decode()
    assert revealed["Cache-Control"].startswith("max-age=0")
    missing_note = client.post(
        reverse("people:reveal", args=[person.pk, "phone"]), {"reason": "other"}
    )
    assert (
        missing_note.status_code == 400 and "请说明查看号码的事由" in missing_note.content.decode()
    )
    assert (
        client.post(
            reverse("people:reveal", args=[person.pk, "password"]), {"reason": "other"}
        ).status_code
        == 404
    )
    assert PersonalDataReveal.objects.count() == 1
    # The auditor reads the page but is not offered the reveal.
    auditor_page = (
        signed_in(world.auditor).get(reverse("people:detail", args=[person.pk])).content.decode()
    )
    assert "查看完整号码" not in auditor_page


def test_edit_with_a_stale_version_shows_the_other_change(world: World):
    person = make_person(world.village_a, "王强")
    town = signed_in(world.town_x_admin)
    base = {
        "name": "王强",
        "village": world.village_a.pk,
        "political_status": "masses",
        "ethnicity": "01",
        "version": 1,
    }
    assert (
        town.post(reverse("people:edit", args=[person.pk]), {**base, "address": "九社"}).status_code
        == 302
    )
    response = signed_in(world.secretary_a).post(
        reverse("people:edit", args=[person.pk]), {**base, "name": "王小强"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "其他人已保存了该人员的信息" in page and "九社" in page
    person.refresh_from_db()
    assert person.name == "王强"


def test_edit_keeps_identifiers_when_left_empty_and_can_clear_the_phone(world: World):
    person = make_person(world.village_a, "王强", phone="13800001111")
    client = signed_in(world.secretary_a)
    form = client.get(reverse("people:edit", args=[person.pk])).content.decode()
    assert "13800001111" not in form and "138****1111" in form
    base = {
        "name": "王强",
        "village": world.village_a.pk,
        "political_status": "masses",
        "ethnicity": "01",
        "lives_in_village": "on",
        "version": 1,
    }
    assert client.post(reverse("people:edit", args=[person.pk]), base).status_code == 302
    person.refresh_from_db()
    assert person.phone_masked == "138****1111" and person.version == 1  # nothing changed
    assert (
        client.post(
            reverse("people:edit", args=[person.pk]), {**base, "clear_phone": "on"}
        ).status_code
        == 302
    )
    person.refresh_from_db()
    assert person.phone_masked == "" and person.version == 2


def test_photo_is_served_only_in_scope_and_never_from_a_public_url(world: World):
    person = make_person(world.village_a, "王强", photo=SimpleUploadedFile("p.jpg", jpeg_bytes()))
    response = signed_in(world.secretary_a).get(reverse("people:photo", args=[person.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=300"
    assert (
        signed_in(world.secretary_b).get(reverse("people:photo", args=[person.pk])).status_code
        == 404
    )
    assert Client().get("/media/" + person.photo.name).status_code == 404
    no_photo = make_person(world.village_a, "李四")
    assert (
        signed_in(world.secretary_a).get(reverse("people:photo", args=[no_photo.pk])).status_code
        == 404
    )


def test_people_list_page_query_count_is_flat(world: World, django_assert_max_num_queries):
    for index in range(30):
        make_person(world.village_a, numbered_name("王", index))
    client = signed_in(world.secretary_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:list"))
    assert response.status_code == 200
    assert "共 30 人" in response.content.decode()


def test_htmx_search_returns_only_the_results_fragment(world: World):
    make_person(world.village_a, "王強")
    response = signed_in(world.secretary_a).get(
        reverse("people:list"), {"q": "wq"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "王強" in page and "<html" not in page


def test_history_on_the_person_page_reads_as_words_not_codes(world: World):
    person = make_person(world.village_a, "王强", villager_group=world.group_a2)
    person.categories.add(BackgroundCategory.objects.get(code="migrant_returnee"))
    client = signed_in(world.secretary_a)
    client.post(
        reverse("people:edit", args=[person.pk]),
        {
            "name": "王强",
            "village": world.village_a.pk,
            "villager_group": world.group_a1.pk,
            "political_status": "masses",
            "ethnicity": "01",
            "categories": [BackgroundCategory.objects.get(code="veteran").pk],
            "version": 1,
        },
    )
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "登记人员" in page and "修改人员信息" in page
    assert "<del>二社</del> → <ins>一社</ins>" in page
    assert "<ins>退役军人</ins>" in page
    assert "姓名：<ins>王强</ins>" in page
    assert "511002102220" not in page.split("变更记录")[1]
    assert "学历：" not in page  # empty fields are not listed in the first event
    assert AuditEvent.objects.filter(target_id=str(person.pk)).count() == 2
