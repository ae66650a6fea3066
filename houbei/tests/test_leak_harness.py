"""The leak harness: nothing outside a persona's scope can be read or written, on any route.

The same records as the persona ladder's (one of every kind) are built on four sides:
A 花红村 and B 新祠堂村 (both 凌家镇), C 鹿子村 (永安镇), D 东风村 in 东兴区 next door. Each
side's records carry names of their own (``Side.markers``). Then for every pair of personas
— village A vs B, town X vs Y, a post leader, clerks of two departments, the auditors and
district admins of 市中区 and 东兴区 — every page route (every case of the persona ladder)
and every API operation (every operation of the API ladder) is called with the *foreign*
side's records and data:

* a route addressing a foreign record answers 404, exactly like a missing record (or 403
  where the persona may not use the route at all, as on its own records);
* a write is refused and leaves the database exactly as it was (every table compared);
* no response — page, JSON, Excel workbook, PDF, CSV — shows a foreign side's names, in
  lists, search results (by name and by pinyin initials), exports, dashboards and
  recommendations alike; nor does any file the persona's own exports produced.

Routes come from the URL configuration and operations from the OpenAPI document: a route
without a case fails the harness (``test_every_route_and_operation_is_harnessed``), and
``test_the_harness_catches_*`` prove it fails on a leaky route.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from importlib import import_module
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import NoReverseMatch, get_resolver, path, reverse
from openpyxl import load_workbook

from houbei.accounts.models import User
from houbei.accounts.roles import Role
from houbei.api.services import token_create
from houbei.api.tests.test_api_ladder import DOCUMENT_ROUTES, OPS, Op
from houbei.conftest import Side, World, build_frontline, side_a
from houbei.jobs.models import Job
from houbei.lib.names import pinyin_syllables, to_simplified, to_traditional
from houbei.people.models import Person
from houbei.regions.codes import Level
from houbei.review.models import Department, DepartmentVerdict, Verdict
from houbei.review.services import batch_open, verdict_record
from houbei.tests.factories import make_region, make_user
from houbei.tests.test_persona_ladder import (
    CASES,
    PUBLIC_ROUTES,
    Case,
    Records,
    _route_names,
    build_records,
)

# Routes open to everyone by design (sign-in, language, health, the public volunteer form):
# they show no records of any region.
UNSCOPED_ROUTES = PUBLIC_ROUTES | DOCUMENT_ROUTES
# Routes addressing a record that belongs to a whole town: every village of the town reaches
# it (a town's assessment round lists the subjects of the viewer's own villages). For a
# foreign side of the same town it is a shared container, checked for foreign names only.
TOWN_CONTAINERS = {"assessments:detail"}


# --- the four sides -----------------------------------------------------------------------


def side_b(world: World) -> Side:
    village = world.village_b
    return Side(
        district=world.district,
        town=world.town_x,
        village=village,
        group=make_region(f"{village.code}001", "新祠堂一组", Level.GROUP, village),
        group2=make_region(f"{village.code}002", "新祠堂二组", Level.GROUP, village),
        neighbour=world.village_a,
        merging=make_region("511002102223", "石盘村", Level.VILLAGE, world.town_x),
        secretary=world.secretary_b,
        town_admin=world.town_x_admin,
        district_admin=world.district_admin,
        post_leader=make_user("post-b", Role.POST_LEADER, village),
        clerk=world.clerk,
        person="苏明轩",
        other="梁振华",
        applicant="韦佳宁",
        relative="苏小明",
        checkpoint="石盘湾卡点",
        market="凌家镇车站卡口",
        team="新祠堂青年突击队",
        deed="代购生活物资",
        tough_post="信访维稳一线岗",
    )


def side_c(world: World) -> Side:
    village = world.village_c
    return Side(
        district=world.district,
        town=world.town_y,
        village=village,
        group=make_region(f"{village.code}001", "鹿子一组", Level.GROUP, village),
        group2=make_region(f"{village.code}002", "鹿子二组", Level.GROUP, village),
        neighbour=make_region("511002104221", "高梁村", Level.VILLAGE, world.town_y),
        merging=make_region("511002104222", "红花村", Level.VILLAGE, world.town_y),
        secretary=world.secretary_c,
        town_admin=world.town_y_admin,
        district_admin=world.district_admin,
        post_leader=make_user("post-c", Role.POST_LEADER, village),
        clerk=world.clerk,
        person="邓雨桐",
        other="覃海龙",
        applicant="蒋若溪",
        relative="邓小桐",
        checkpoint="沱江大桥卡点",
        market="永安镇菜市场卡口",
        team="鹿子村巾帼服务队",
        deed="连夜转运物资",
        tough_post="环境整治一线岗",
    )


def side_d(world: World) -> Side:
    district = world.other_district
    town = make_region("511011100000", "椑木镇", Level.TOWN, district)
    village = make_region("511011100201", "东风村", Level.VILLAGE, town)
    return Side(
        district=district,
        town=town,
        village=village,
        group=make_region(f"{village.code}001", "东风一组", Level.GROUP, village),
        group2=make_region(f"{village.code}002", "东风二组", Level.GROUP, village),
        neighbour=make_region("511011100202", "新桥村", Level.VILLAGE, town),
        merging=make_region("511011100203", "河坝村", Level.VILLAGE, town),
        secretary=make_user("village-d", Role.VILLAGE_SECRETARY, village),
        town_admin=make_user("town-d", Role.TOWN_ADMIN, town),
        district_admin=make_user("district-d", Role.DISTRICT_ADMIN, district),
        post_leader=make_user("post-d", Role.POST_LEADER, village),
        clerk=make_user("clerk-d", Role.REVIEW_CLERK, district),
        person="谭思远",
        other="甘志勇",
        applicant="龙雪梅",
        relative="谭小远",
        checkpoint="椑木码头卡点",
        market="椑木镇农贸市场卡口",
        team="东风村党员先锋队",
        deed="冒雨排查返乡人员",
        tough_post="脱贫攻坚一线岗",
    )


@dataclass
class Sides:
    world: World
    records: dict[str, Records]

    def markers(self, names: Iterable[str]) -> list[str]:
        return [marker for name in names for marker in self.records[name].side.markers()]


@pytest.fixture
def sides(world: World, frozen_now: Any) -> Sides:
    # Side A's post and team are renamed here: the ladder's names are also the examples in
    # the forms' help texts ("e.g. 唐家湾卡点"), which every persona may read.
    a = replace(side_a(world), checkpoint="石桥湾卡点", team="花红村抗疫先锋队")
    frontline = build_frontline(a)
    built = {"A": build_records(a, frontline)}
    for name, make in (("B", side_b), ("C", side_c)):  # the same district: the same campaign
        side = make(world)
        built[name] = build_records(side, build_frontline(side, campaign=frontline.campaign))
    side = side_d(world)
    built["D"] = build_records(side, build_frontline(side))
    return Sides(world, built)


# --- looking at what came back ------------------------------------------------------------


def readable(response: Any) -> str:
    """Everything a person could read in a response: page, JSON, workbook, PDF or CSV."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if "pdf" in kind:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(content)
            pdf.flush()
            pdftotext = shutil.which("pdftotext") or "pdftotext"  # poppler-utils
            return subprocess.run(  # noqa: S603 (our own file, a fixed program)
                [pdftotext, "-q", pdf.name, "-"], capture_output=True, check=True, text=True
            ).stdout
    if "json" in kind:
        return json.dumps(json.loads(content), ensure_ascii=False)
    if kind.startswith(("image/", "application/octet-stream")):
        return ""
    return content.decode("utf-8", "replace")


def fingerprint() -> str:
    """A digest of every row of every Houbei table: equal before and after = nothing written."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if not model.__module__.startswith("houbei."):
            continue
        digest.update(model._meta.label.encode())
        for row in model._base_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def searches(url: str, names: Sequence[str]) -> list[str]:
    """The collection URL searched for each foreign person: by the name less its last
    character, in Traditional characters, and by pinyin initials. (Not by the whole name in
    Simplified: a search box showing back what was typed is no leak.)"""
    joiner = "&" if "?" in url else "?"
    queries = []
    for name in names:
        initials = "".join(syllable[0] for syllable in pinyin_syllables(name))
        other_script = to_traditional(name) if to_traditional(name) != name else to_simplified(name)
        queries += [name[:-1], initials] + ([other_script] if other_script != name else [])
    return [f"{url}{joiner}{urlencode({'q': query})}" for query in queries]


# --- one persona against the foreign sides ------------------------------------------------


@dataclass(frozen=True)
class Pair:
    persona: str  # a World attribute, or a Side attribute of ``own`` ("side:secretary")
    own: str  # the side whose records the persona may reach
    foreign: tuple[str, ...]

    def user(self, sides: Sides) -> User:
        if self.persona.startswith("side:"):
            user = getattr(sides.records[self.own].side, self.persona.removeprefix("side:"))
            assert isinstance(user, User)
            return user
        return sides.world.persona(self.persona)

    def __str__(self) -> str:
        return f"{self.persona}:{self.own}-vs-{''.join(self.foreign)}"


PAIRS = [
    Pair("secretary_a", "A", ("B", "C")),  # village A vs village B of the same town
    Pair("secretary_b", "B", ("A",)),
    Pair("town_x_admin", "A", ("C",)),  # town X vs town Y
    Pair("town_y_admin", "C", ("A", "B")),
    Pair("post_leader", "A", ("B",)),
    Pair("auditor", "A", ("D",)),  # 市中区's auditor vs 东兴区's
    Pair("auditor_other", "D", ("A",)),
    Pair("district_admin", "A", ("D",)),
    Pair("side:district_admin", "D", ("C",)),
    Pair("side:clerk", "D", ("A",)),  # a 东兴区 clerk of 公安分局
]


@dataclass
class Harness:
    """Calls routes as one persona with foreign records and writes down every leak."""

    client: Client
    world: World
    own: Records
    foreign: dict[str, Records]
    markers: list[str]
    api_headers: dict[str, str]
    leaks: list[str]
    exercised: set[str]

    def _look(self, label: str, response: Any) -> None:
        text = readable(response)
        shown = [marker for marker in self.markers if marker in text]
        if shown:
            self.leaks.append(f"{label}: shows {shown}")

    def _send(self, method: str, url: str, data: Any, api: bool) -> Any:
        if method == "get":
            return self.client.get(url, **(self.api_headers if api else {}))
        if api:
            return self.client.post(url, data, content_type="application/json", **self.api_headers)
        return self.client.post(url, data)

    def check(
        self,
        route: str,
        method: str,
        url: Callable[[Records], str],
        data: Callable[[Records], Any] | None,
        api: bool = False,
    ) -> None:
        self.exercised.add(route)
        own_url = url(self.own)
        for side, records in self.foreign.items():
            foreign_url = url(records)
            label = f"{method.upper()} {route} with side {side}'s records ({foreign_url})"
            payload = data(records) if data else {}
            addresses_a_record = foreign_url != own_url and not (
                route in TOWN_CONTAINERS and records.side.town == self.own.side.town
            )
            if method == "get":
                response = self._send("get", foreign_url, None, api)
                self._look(label, response)
                if addresses_a_record:
                    own = self._send("get", own_url, None, api).status_code
                    expected = {403, 404} if own == 403 else {404}
                    if response.status_code not in expected:
                        self.leaks.append(f"{label}: answered {response.status_code}")
                else:
                    names = [r.side.person for r in self.foreign.values()]
                    for search in searches(foreign_url, names):
                        self._look(f"GET {route} {search}", self._send("get", search, None, api))
                continue
            if not addresses_a_record and (data is None or payload == data(self.own)):
                continue  # the same write as on the persona's own side: not a foreign one
            before = fingerprint()
            response = self._send("post", foreign_url, payload, api)
            self._look(label, response)
            if addresses_a_record and response.status_code not in (403, 404):
                self.leaks.append(f"{label}: answered {response.status_code}")
            if fingerprint() != before:
                self.leaks.append(f"{label}: changed the database ({response.status_code})")

    def files_of_the_persona(self, user: User) -> None:
        """What the persona's own exports produced must not show foreign rows either."""
        for job in Job.objects.filter(requested_by=user).exclude(result=""):
            response = self.client.get(reverse("jobs:download", args=[job.key]))
            if response.status_code == 200:
                self._look(f"the file of job {job.kind}", response)


def run_pages(harness: Harness, cases: Iterable[Case]) -> None:
    world = harness.world
    for case in cases:
        data = case.data
        harness.check(
            case.route,
            case.method,
            partial(lambda case, r: case.url(world, r), case),
            partial(lambda data, r: data(world, r), data) if data else None,
        )


def run_api(harness: Harness, ops: Iterable[Op]) -> None:
    world = harness.world
    for op in ops:
        body = op.body
        harness.check(
            op.route,
            op.method,
            partial(lambda op, r: reverse(op.route, args=op.args(world, r)) + op.query, op),
            partial(lambda body, r: body(world, r), body) if body else None,
            api=True,
        )


def harness_for(
    user: User, sides: Sides, own: Records, foreign: dict[str, Records], markers: list[str]
) -> Harness:
    client = Client()
    client.force_login(user)
    headers = {}
    if user.grants.exists():  # an account without a role gets no token (and no API)
        with transaction.atomic():
            key = token_create(acting_user=user, name="harness")[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    return Harness(client, sides.world, own, foreign, markers, headers, [], set())


def _report(leaks: list[str]) -> str:
    return f"{len(leaks)} leak(s):\n" + "\n".join(leaks[:60])


@pytest.mark.parametrize("pair", PAIRS, ids=str)
def test_nothing_of_another_region_can_be_read_or_written(pair: Pair, sides: Sides) -> None:
    user = pair.user(sides)
    harness = harness_for(
        user,
        sides,
        own=sides.records[pair.own],
        foreign={name: sides.records[name] for name in pair.foreign},
        markers=sides.markers(pair.foreign),
    )
    run_pages(harness, CASES)
    run_api(harness, OPS)
    harness.files_of_the_persona(user)
    assert not harness.leaks, _report(harness.leaks)
    # The harness is not blind: where the persona may list people, its own side's are there.
    people = harness.client.get(reverse("people:list"))
    if people.status_code == 200:
        assert sides.records[pair.own].side.person in readable(people)


# --- clerks of two departments ------------------------------------------------------------


def test_a_clerk_sees_only_the_verdicts_of_their_own_department(sides: Sides) -> None:
    """One batch asks 公安分局 and 民政局 about the same person: each clerk reaches only
    their department's finding; the other's notes never show."""
    world = sides.world
    records = sides.records["A"]
    police = Department.objects.get(code="police")
    civil = Department.objects.exclude(code="police").order_by("sort_order").first()
    assert civil is not None
    civil_clerk = make_user("clerk-civil", Role.REVIEW_CLERK, world.district)
    civil.clerks.add(civil_clerk)
    batch = batch_open(
        acting_user=None,
        region=world.district,
        name="第四批",
        opened_on=dt.date(2020, 2, 20),
        deadline=dt.date(2020, 2, 25),
        departments=[police, civil],
        people=[records.nominee],
    )
    notes = {police: "公安核查：户籍地派出所无违法犯罪记录", civil: "民政核查：低保资格复核无异常"}
    verdicts = {}
    for department, note in notes.items():
        verdicts[department] = verdict_record(
            acting_user=None,
            verdict=DepartmentVerdict.objects.get(subject__batch=batch, department=department),
            result=Verdict.QUERY,
            notes=note,
        )
    for clerk, own, other in ((world.clerk, police, civil), (civil_clerk, civil, police)):
        mine = replace(records, open_verdict=verdicts[own])
        theirs = replace(records, open_verdict=verdicts[other])
        harness = harness_for(clerk, sides, mine, {"other department": theirs}, [notes[other]])
        run_pages(harness, CASES)
        run_api(harness, OPS)
        assert not harness.leaks, _report(harness.leaks)
        queue = readable(harness.client.get(reverse("review:queue")))
        assert records.nominee.name in queue  # not blind: the clerk's own item is there


# --- the harness covers every route, and catches a leaky one --------------------------------


def test_every_route_and_operation_is_harnessed() -> None:
    routes = _route_names(get_resolver().url_patterns)
    harnessed = {case.route for case in CASES} | {op.route for op in OPS} | UNSCOPED_ROUTES
    assert routes - harnessed == set(), "routes the leak harness does not call"
    # Every operation of the OpenAPI document, as (address with 1 for each parameter, method).
    document = Client().get(reverse("api:openapi-json")).json()
    operations = {
        (re.sub(r"\{[^}]+\}", "1", address), method)
        for address, methods in document["paths"].items()
        for method in methods
    }
    called = {(_address_with_ones(op.route), op.method) for op in OPS}
    assert operations - called == set(), "API operations the leak harness does not call"


def _address_with_ones(route: str) -> str:
    for count in range(4):
        try:
            return reverse(route, args=[1] * count)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot address {route}")


def _leaky_person(request: HttpRequest, pk: int) -> HttpResponse:
    """A careless detail view: signed in, but no region scope."""
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    return HttpResponse(f"<h1>{person.name}</h1>")


def _leaky_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse(", ".join(Person.objects.values_list("name", flat=True)))


# The project's URLs with two careless routes added (used as ROOT_URLCONF below).
urlpatterns = [
    path("leaky/<int:pk>/", _leaky_person, name="leaky_person"),
    path("leaky/", _leaky_list, name="leaky_list"),
    *import_module(settings.ROOT_URLCONF).urlpatterns,
]


@override_settings(ROOT_URLCONF=__name__)
def test_the_harness_catches_an_uncovered_route() -> None:
    with pytest.raises(AssertionError, match="routes the leak harness does not call"):
        test_every_route_and_operation_is_harnessed()


@override_settings(ROOT_URLCONF=__name__)
def test_the_harness_catches_leaky_routes(sides: Sides) -> None:
    harness = harness_for(
        sides.world.secretary_a,
        sides,
        own=sides.records["A"],
        foreign={"B": sides.records["B"]},
        markers=sides.markers(["B"]),
    )
    person_pk = lambda w, r: [r.person.pk]  # noqa: E731
    run_pages(
        harness,
        [
            Case("leaky_person", "get", "secretary_a", 200, args=person_pk),
            Case("leaky_list", "get", "secretary_a", 200),
        ],
    )
    b = sides.records["B"].side
    assert any("leaky_person" in leak and "answered 200" in leak for leak in harness.leaks)
    assert any("leaky_person" in leak and b.person in leak for leak in harness.leaks)
    assert any("leaky_list" in leak and b.other in leak for leak in harness.leaks)


def test_the_harness_catches_a_write_it_should_refuse(sides: Sides) -> None:
    """A foreign write that got through would show as a changed database."""
    harness = harness_for(
        sides.world.district_admin,  # may write in 市中区: side B is not foreign to it
        sides,
        own=sides.records["A"],
        foreign={"B": sides.records["B"]},
        markers=[],
    )
    run_pages(harness, [case for case in CASES if case.route == "people:edit"])
    assert any("changed the database" in leak for leak in harness.leaks)


def test_the_harness_catches_an_uncovered_api_operation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(__import__(__name__, fromlist=["OPS"]), "OPS", OPS[1:])
    with pytest.raises(AssertionError, match="the leak harness does not call"):
        test_every_route_and_operation_is_harnessed()
