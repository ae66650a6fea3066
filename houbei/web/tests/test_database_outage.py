"""Database unreachable → a clear 503 page, nothing saved, and service again once it returns."""

from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from houbei.conftest import World
from houbei.people.models import Person


def test_an_unreachable_database_gives_a_clear_503_and_then_recovers(world: World) -> None:
    client = Client()
    client.force_login(world.secretary_a)
    outage = OperationalError("could not connect to server: Connection refused")
    with mock.patch("houbei.people.views.person_list", side_effect=outage):
        response = client.get(reverse("people:list"))
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "数据库暂时连接不上" in response.content.decode()
    assert client.get(reverse("people:list")).status_code == 200  # back without any action
    assert not Person.objects.exists()
