"""The persona ladder on every API operation, with personal tokens:

no token → 401; a persona outside the record's regions → 404; a reader who may not write →
403; the allowed persona → success. And the same error shape everywhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from houbei.api.services import token_create, token_revoke
from houbei.conftest import World
from houbei.people.models import Person
from houbei.pipeline.models import Standing
from houbei.tests.factories import make_person, next_id_number, numbered_name
from houbei.tests.test_persona_ladder import Records, _route_names

Body = Callable[[World, Records], dict[str, Any]]


@dataclass
class Op:
    route: str
    method: str
    allowed: str
    expected: int
    args: Callable[[World, Records], list[Any]] = lambda w, r: []
    body: Body | None = None
    query: str = ""
    other: str | None = None
    readonly: str | None = None
    forbidden: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return f"{self.method} {self.route}"


# (An account without any role gets no token at all: see test_token_page.)
NO_REGISTRY = ("post_leader", "clerk", "sysadmin")
OPS = [
    Op("api:regions", "get", "secretary_a", 200),
    Op("api:people", "get", "secretary_a", 200, query="?q=wq", forbidden=NO_REGISTRY),
    Op(
        "api:person",
        "get",
        "secretary_a",
        200,
        args=lambda w, r: [r.person.pk],
        other="secretary_b",
    ),
    Op(
        "api:person_create",
        "post",
        "secretary_a",
        201,
        body=lambda w, r: {
            "name": "陈丽华",
            "id_number": next_id_number(male=False),
            "village": r.side.village.code,
        },
        readonly="auditor",
    ),
    Op("api:campaigns", "get", "secretary_a", 200),
    Op(
        "api:campaign_posts",
        "get",
        "secretary_a",
        200,
        args=lambda w, r: [r.frontline.campaign.pk],
        other="auditor_other",
    ),
    Op(
        "api:roster",
        "get",
        "secretary_a",
        200,
        args=lambda w, r: [r.frontline.checkpoint.pk],
        query="?week=2020-02-17",
        other="secretary_c",
    ),
    Op("api:duty_records", "get", "secretary_a", 200, query="?status=pending"),
    Op(
        "api:duty_record_add",
        "post",
        "secretary_a",
        201,
        body=lambda w, r: {
            "person": r.person.pk,
            "post": r.frontline.checkpoint.pk,
            "starts_at": "2020-02-10T08:00:00+08:00",
            "ends_at": "2020-02-10T16:00:00+08:00",
            "tasks": {"people_registered": 5},
        },
        other="secretary_c",
        readonly="auditor",
    ),
    Op(
        "api:duty_record_verify_endpoint",
        "post",
        "town_x_admin",
        200,
        args=lambda w, r: [r.pending.pk],
        other="secretary_c",
        readonly="auditor",
    ),
    Op("api:teams", "get", "secretary_a", 200),
    Op(
        "api:person_deeds",
        "get",
        "secretary_a",
        200,
        args=lambda w, r: [r.person.pk],
        other="secretary_b",
    ),
    Op(
        "api:standing",
        "get",
        "secretary_a",
        200,
        args=lambda w, r: [r.person.pk],
        other="secretary_b",
    ),
    Op(
        "api:decision_add",
        "post",
        "secretary_a",
        201,
        args=lambda w, r: [r.person.pk],
        body=lambda w, r: {
            "to_stage": "key_target",
            "deciding_level": "village",
            "decided_on": "2020-02-20",
            "reason": "一线表现突出",
            "expected_version": Standing.objects.get(person=r.person).version,
        },
        other="secretary_b",
        readonly="auditor",
    ),
    Op(
        "api:party_track",
        "get",
        "secretary_a",
        200,
        args=lambda w, r: [r.person.pk],
        other="secretary_b",
    ),
    Op("api:verdicts", "get", "clerk", 200, forbidden=("secretary_a", "auditor")),
    Op(
        "api:verdict_set",
        "post",
        "clerk",
        200,
        args=lambda w, r: [r.open_verdict.pk],
        body=lambda w, r: {"verdict": "pass"},
        forbidden=("secretary_a", "auditor_other"),
    ),
    Op("api:vacancies", "get", "district_admin", 200),
    Op(
        "api:recommendations",
        "get",
        "district_admin",
        200,
        args=lambda w, r: [r.vacancy.pk],
        other="auditor_other",
    ),
    Op(
        "api:frontline",
        "get",
        "secretary_a",
        200,
        query="?region=511002102220",
        other="secretary_b",
        forbidden=NO_REGISTRY,
    ),
]
DOCUMENT_ROUTES = {"api:api-root", "api:openapi-json", "api:openapi-view"}


def _token(world: World, persona: str) -> str:
    with transaction.atomic():
        return token_create(acting_user=world.persona(persona), name="ladder")[1]


def _call(op: Op, world: World, records: Records, token: str | None) -> Any:
    client = Client()
    url = reverse(op.route, args=op.args(world, records)) + op.query
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if op.method == "get":
        return client.get(url, **headers)
    body = op.body(world, records) if op.body else {}
    return client.post(url, body, content_type="application/json", **headers)


def _assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body["error"]["code"] == code and body["error"]["message"]


@pytest.mark.parametrize("op", OPS, ids=str)
def test_without_a_token_401(op: Op, world: World, records: Records) -> None:
    _assert_error(_call(op, world, records, None), 401, "unauthorized")


@pytest.mark.parametrize("op", OPS, ids=str)
def test_the_allowed_persona_succeeds(op: Op, world: World, records: Records) -> None:
    response = _call(op, world, records, _token(world, op.allowed))
    assert response.status_code == op.expected, response.content[:1000]


@pytest.mark.parametrize("op", [o for o in OPS if o.other], ids=str)
def test_out_of_scope_is_404_like_missing(op: Op, world: World, records: Records) -> None:
    assert op.other is not None
    _assert_error(_call(op, world, records, _token(world, op.other)), 404, "not_found")


@pytest.mark.parametrize("op", [o for o in OPS if o.readonly], ids=str)
def test_read_only_may_not_write(op: Op, world: World, records: Records) -> None:
    assert op.readonly is not None
    _assert_error(_call(op, world, records, _token(world, op.readonly)), 403, "forbidden")


@pytest.mark.parametrize("op", [o for o in OPS if o.forbidden], ids=str)
def test_roles_without_the_capability_get_403(op: Op, world: World, records: Records) -> None:
    for persona in op.forbidden:
        _assert_error(_call(op, world, records, _token(world, persona)), 403, "forbidden")


def test_every_api_operation_is_on_the_ladder() -> None:
    from django.urls import get_resolver

    names = {n for n in _route_names(get_resolver().url_patterns) if n.startswith("api:")}
    assert names - DOCUMENT_ROUTES == {op.route for op in OPS}


def test_a_revoked_token_stops_working(world: World, records: Records) -> None:
    with transaction.atomic():
        token, key = token_create(acting_user=world.secretary_a, name="统计表")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(reverse("api:people")).status_code == 200
    with transaction.atomic():
        token_revoke(acting_user=world.secretary_a, token=token)
    _assert_error(client.get(reverse("api:people")), 401, "unauthorized")


def test_invalid_input_has_the_same_error_shape(world: World, records: Records) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_token(world, 'secretary_a')}")
    response = client.post(
        reverse("api:person_create"),
        {"name": "", "id_number": "123", "village": world.village_a.code},
        content_type="application/json",
    )
    _assert_error(response, 400, "invalid")
    assert "id_number" in response.json()["error"]["fields"]
    bad_type = client.get(reverse("api:people") + "?page=abc")
    _assert_error(bad_type, 400, "invalid")
    beyond = client.get(reverse("api:people") + "?page=99")
    _assert_error(beyond, 404, "not_found")


def test_pagination_counts_and_pages(world: World, records: Records) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_token(world, 'district_admin')}")
    body = client.get(reverse("api:people")).json()
    assert body["count"] >= 2 and body["page"] == 1 and body["pages"] == 1
    assert all("*" in item["id_number"] for item in body["items"])  # masked


def test_a_name_search_pages_through_the_key_index_in_pinyin_order(world: World) -> None:
    for number in range(60):
        make_person(world.village_a, numbered_name("王", number))
    make_person(world.village_b, "王强")  # secretary A's search never shows village B
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_token(world, 'secretary_a')}")
    first = client.get(reverse("api:people") + "?q=w").json()
    second = client.get(reverse("api:people") + "?q=w&page=2").json()
    assert (first["count"], first["pages"], second["page"]) == (60, 2, 2)
    names = [item["name"] for item in first["items"] + second["items"]]
    assert len(set(names)) == 60 and "王强" not in names
    expected = Person.objects.filter(village=world.village_a).order_by("name_sort", "id")
    assert names == [person.name for person in expected]
    beyond = client.get(reverse("api:people") + "?q=w&page=3")
    _assert_error(beyond, 404, "not_found")


def test_the_token_page_shows_a_new_key_once(world: World) -> None:
    client = Client()
    client.force_login(world.secretary_a)
    response = client.post(reverse("api_tokens:list"), {"name": "镇统计表"})
    key = response.context["key"]
    assert key.startswith("hb_") and key in response.content.decode()
    again = client.get(reverse("api_tokens:list")).content.decode()
    assert key not in again and "镇统计表" in again
    outsider = Client()
    outsider.force_login(world.outsider)
    refused = outsider.post(reverse("api_tokens:list"), {"name": "x"})
    assert refused.status_code == 400 and "没有任何角色" in refused.content.decode()
