"""No lost updates on records edited through forms without a version number: the second of
two editors who opened the same record is told who changed what, nothing of theirs is
saved, and saving again (now knowingly) goes through."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from houbei.audit.conflicts import StaleEdit, latest_event_id
from houbei.conftest import World
from houbei.deeds.services import deed_create, deed_update
from houbei.teams.models import Team, TeamKind
from houbei.teams.services import team_add_member, team_create, team_update
from houbei.tests.factories import make_person


@pytest.fixture
def team(world: World) -> Team:
    return team_create(
        acting_user=None,
        name="花红村志愿服务队",
        kind=TeamKind.objects.get(code="volunteer_service"),
        region=world.village_a,
    )


def _open_form(client: Client, url: str) -> dict[str, str]:
    """The edit form as its page sends it: every field's shown value, hidden ones included."""
    form = client.get(url).context["form"]
    return {
        name: str(value.pk if hasattr(value, "pk") else value)
        for name, value in ((name, form[name].value()) for name in form.fields)
        if value not in (None, "", [])
    }


def test_the_second_editor_of_a_team_is_told_and_overwrites_only_knowingly(
    world: World, team: Team
) -> None:
    url = reverse("teams:edit", args=[team.pk])
    secretary, town = Client(), Client()
    secretary.force_login(world.secretary_a)
    town.force_login(world.town_x_admin)
    first, second = _open_form(secretary, url), _open_form(town, url)
    assert first["seen_event"] == second["seen_event"] == str(latest_event_id(team))

    assert secretary.post(url, {**first, "name": "花红村青年突击队"}).status_code == 302
    refused = town.post(url, {**second, "name": "花红村巾帼服务队"})
    page = refused.content.decode()
    assert refused.status_code == 400
    assert str(world.secretary_a) in page  # who changed it
    assert re.search(r"花红村志愿服务队\s*→\s*花红村青年突击队", page)  # what they changed
    assert "没有保存" in page
    team.refresh_from_db()
    assert team.name == "花红村青年突击队"  # the first edit stands

    # The form came back with the newest change as seen: saving again goes through.
    again = refused.context["form"].data
    assert again["seen_event"] == str(latest_event_id(team))
    assert town.post(url, again).status_code == 302
    team.refresh_from_db()
    assert team.name == "花红村巾帼服务队"


def test_a_stale_deed_edit_is_refused_by_the_service(world: World) -> None:
    person = make_person(world.village_a, "王强")
    deed = deed_create(
        acting_user=None, person=person, date=dt.date(2020, 2, 3), title="送午餐", narrative="…"
    )
    seen = latest_event_id(deed)
    fields = {"date": deed.date, "narrative": "…", "level": deed.level, "campaign": None}
    deed_update(acting_user=world.secretary_a, deed=deed, title="送爱心午餐", **fields)
    with pytest.raises(StaleEdit) as refused:
        deed_update(
            acting_user=world.town_x_admin, deed=deed, title="送饭", seen_event=seen, **fields
        )
    assert "送午餐 → 送爱心午餐" in refused.value.messages[0]
    deed.refresh_from_db()
    assert deed.title == "送爱心午餐"
    # Without a form shown first (an import, the API) there is nothing to compare with.
    deed_update(acting_user=world.town_x_admin, deed=deed, title="送饭", **fields)


def test_other_kinds_of_change_do_not_conflict_with_an_edit(world: World, team: Team) -> None:
    """Someone adding a member while the team is being renamed changes nothing the form
    shows: the rename goes through."""
    seen = latest_event_id(team)
    team_add_member(acting_user=None, team=team, person=make_person(world.village_a, "钟利洪"))
    renamed = team_update(
        acting_user=world.secretary_a,
        team=team,
        name="花红村青年突击队",
        kind=team.kind,
        leader=None,
        campaigns=[],
        seen_event=seen,
    )
    assert renamed.name == "花红村青年突击队"
