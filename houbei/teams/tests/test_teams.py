import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from houbei.conftest import World
from houbei.lib import crypto
from houbei.people.models import Person
from houbei.teams.models import ApplicationStatus, TeamKind, TeamMembership, VolunteerApplication
from houbei.teams.services import (
    application_accept,
    application_decline,
    signup_link_close,
    signup_link_open,
    team_add_member,
    team_create,
    team_remove_member,
)
from houbei.tests.factories import make_person, next_id_number


@pytest.fixture
def team(world: World):
    return team_create(
        acting_user=world.secretary_a,
        name="花红村志愿服务队",
        kind=TeamKind.objects.get(code="volunteer_service"),
        region=world.village_a,
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def apply(client: Client, token: str, **overrides):
    data = {
        "name": "罗佳怡",
        "id_number": "511002200103150045",
        "phone": "139 9000 1234",
        "village": overrides.pop("village"),
        "skills": "驾驶",
        "availability": "周末",
        "consent": "on",
    }
    data.update(overrides)
    return client.post(reverse("join:signup", args=[token]), data, follow=True)


def test_a_resident_applies_twice_and_one_application_stays(world: World, team):
    link = signup_link_open(acting_user=world.secretary_a, team=team)
    client = Client()
    page = client.get(reverse("join:signup", args=[link.token]))
    assert page.status_code == 200 and "报名加入花红村志愿服务队" in page.content.decode()
    done = apply(client, link.token, village=world.village_a.pk)
    assert done.status_code == 200 and "申请已收到" in done.content.decode()
    apply(client, link.token, village=world.village_a.pk, phone="13990005678", skills="急救")
    application = VolunteerApplication.objects.get()
    assert application.skills == "急救" and application.phone_masked == "139****5678"
    assert "511002200103150045" not in application.id_number_encrypted
    assert crypto.decrypt(application.id_number_encrypted) == "511002200103150045"


def test_the_public_form_checks_input_and_says_nothing_about_others(world: World, team):
    make_person(world.village_a, "已登记", id_number="511002200103150045")
    link = signup_link_open(acting_user=None, team=team)
    client = Client()
    bad = apply(
        client, link.token, village=world.village_a.pk, id_number="511002200103150041", phone="12"
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "校验位不符" in page and "手机号码应为11位" in page
    # A number already in the registry gets the same answer as any other.
    known = apply(client, link.token, village=world.village_a.pk)
    assert "申请已收到" in known.content.decode() and "已登记" not in known.content.decode()
    other_village = apply(
        client, link.token, village=world.village_b.pk, id_number=next_id_number()
    )
    assert other_village.status_code == 400  # not a village of this team


def test_closed_or_unknown_links_are_404_and_the_page_is_rate_limited(world: World, team):
    link = signup_link_open(acting_user=None, team=team)
    client = Client()
    for _ in range(10):
        apply(client, link.token, village=world.village_a.pk, id_number=next_id_number())
    limited = apply(client, link.token, village=world.village_a.pk, id_number=next_id_number())
    assert limited.status_code == 429 and "提交过于频繁" in limited.content.decode()
    signup_link_close(acting_user=None, link=link)
    assert Client().get(reverse("join:signup", args=[link.token])).status_code == 404
    assert Client().get(reverse("join:signup", args=["no-such-token"])).status_code == 404


def test_accepting_registers_the_person_once_and_adds_them_to_the_team(world: World, team):
    link = signup_link_open(acting_user=None, team=team)
    apply(Client(), link.token, village=world.village_a.pk, villager_group=world.group_a1.pk)
    application = VolunteerApplication.objects.get()
    membership = application_accept(acting_user=world.secretary_a, application=application)
    person = membership.person
    assert person.name == "罗佳怡" and person.villager_group == world.group_a1
    assert [c.code for c in person.categories.all()] == ["volunteer"]
    with pytest.raises(ValidationError):
        application_accept(acting_user=world.secretary_a, application=application)
    # Applying again later finds the same person: no second registry entry.
    apply(Client(), link.token, village=world.village_a.pk)
    second = VolunteerApplication.objects.filter(status=ApplicationStatus.PENDING).get()
    application_accept(acting_user=world.secretary_a, application=second)
    assert Person.objects.filter(name="罗佳怡").count() == 1
    assert TeamMembership.objects.filter(team=team).count() == 1


def test_declining_needs_a_reason_and_only_the_villages_keepers_decide(world: World, team):
    link = signup_link_open(acting_user=None, team=team)
    apply(Client(), link.token, village=world.village_a.pk)
    application = VolunteerApplication.objects.get()
    with pytest.raises(PermissionDenied):
        application_accept(acting_user=world.secretary_b, application=application)
    with pytest.raises(ValidationError):
        application_decline(acting_user=world.secretary_a, application=application, reason=" ")
    application_decline(acting_user=world.secretary_a, application=application, reason="年龄不符")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED


def test_members_belong_to_the_region_and_the_leader_stays(world: World, team):
    person = make_person(world.village_a, "甲")
    with pytest.raises(ValidationError):
        team_add_member(
            acting_user=world.secretary_a, team=team, person=make_person(world.village_b, "乙")
        )
    membership = team_add_member(acting_user=world.secretary_a, team=team, person=person)
    with pytest.raises(ValidationError):
        team_add_member(acting_user=world.secretary_a, team=team, person=person)
    team.leader = person
    team.save()
    with pytest.raises(ValidationError):
        team_remove_member(acting_user=world.secretary_a, membership=membership)


def test_the_qr_code_is_an_svg_of_the_link(world: World, team):
    link = signup_link_open(acting_user=None, team=team)
    client = Client()
    client.force_login(world.secretary_a)
    response = client.get(reverse("teams:link_qr", args=[link.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    detail = client.get(reverse("teams:detail", args=[team.pk])).content.decode()
    assert f"/join/{link.token}/" in detail
