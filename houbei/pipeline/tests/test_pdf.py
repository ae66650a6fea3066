"""The registration form as a PDF (one person, or every reserve of a village or town):
rendered for real by WeasyPrint and read back with poppler-utils."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from houbei.conftest import World
from houbei.people.models import Person
from houbei.pipeline import views
from houbei.pipeline.models import Stage
from houbei.pipeline.tests.conftest import place
from houbei.tests.factories import make_person, next_id_number

POPPLER = ("pdftotext", "pdfinfo", "pdfimages")
needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in POPPLER),
    reason="poppler-utils (pdftotext, pdfinfo, pdfimages) is missing: run scripts/system-deps",
)


def _poppler(tool: str, data: bytes, *args: str) -> str:
    result = subprocess.run(  # noqa: S603  # a fixed poppler tool reading from stdin
        [tool, *args, "-", "-"] if tool == "pdftotext" else [tool, *args, "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode()


def pdf_text(data: bytes) -> str:
    return _poppler("pdftotext", data, "-layout")


def pdf_pages(data: bytes) -> int:
    info = _poppler("pdfinfo", data)
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def pdf_images(data: bytes) -> int:
    listing = _poppler("pdfimages", data, "-list").splitlines()
    return len(listing) - 2  # two header lines, then one line per image


def client_for(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.persona(persona))
    return client


def jpeg(color: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), color).save(buffer, format="JPEG")
    return buffer.getvalue()


FULL_ID = next_id_number(dt.date(1979, 2, 3), male=False)


@pytest.fixture
def reserve(world: World, frozen_now: object) -> Person:
    person = make_person(
        world.village_a,
        "方伟玲",
        id_number=FULL_ID,
        phone="15881237749",
        villager_group=world.group_a1,
    )
    place(person, Stage.VILLAGE_RESERVE)
    return person


@needs_poppler
def test_it_prints_the_form_with_masked_identifiers_only(world: World, reserve: Person) -> None:
    response = client_for(world, "secretary_a").get(
        reverse("pipeline:dossier_pdf", args=[reserve.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "inline; filename*=UTF-8''" + quote(
        "方伟玲-登记表.pdf"
    )
    text = pdf_text(response.content)
    for shown in ("村级后备力量登记表", "方伟玲", reserve.id_number_masked, reserve.phone_masked):
        assert shown in text, shown
    assert FULL_ID not in text.replace(" ", "")
    assert "15881237749" not in text.replace(" ", "")
    assert pdf_pages(response.content) == 1


@needs_poppler
def test_it_embeds_the_photo(world: World, reserve: Person) -> None:
    client = client_for(world, "secretary_a")
    url = reverse("pipeline:dossier_pdf", args=[reserve.pk])
    assert pdf_images(client.get(url).content) == 0
    reserve.photo.save("p.jpg", SimpleUploadedFile("p.jpg", jpeg()), save=True)
    with_photo = client.get(url).content
    assert pdf_images(with_photo) == 1
    # The web page links the scoped photo view; the PDF never does.
    assert b"/photo/" not in with_photo


def test_the_web_form_links_the_photo_view_and_the_pdf(world: World, reserve: Person) -> None:
    reserve.photo.save("p.jpg", SimpleUploadedFile("p.jpg", jpeg()), save=True)
    page = (
        client_for(world, "secretary_a")
        .get(reverse("pipeline:dossier", args=[reserve.pk]))
        .content.decode()
    )
    assert f'src="{reverse("people:photo", args=[reserve.pk])}"' in page
    assert reverse("pipeline:dossier_pdf", args=[reserve.pk]) in page


def test_it_is_404_outside_the_scope(world: World, reserve: Person) -> None:
    url = reverse("pipeline:dossier_pdf", args=[reserve.pk])
    assert client_for(world, "secretary_b").get(url).status_code == 404
    missing = reverse("pipeline:dossier_pdf", args=[reserve.pk + 1000])
    assert client_for(world, "secretary_a").get(missing).status_code == 404


# --- every reserve of a village or town ------------------------------------------------------


@pytest.fixture
def pools(world: World, reserve: Person) -> list[Person]:
    """Reserves of 花红村 (方伟玲 and 王强) and 新祠堂村 (李明); a candidate of 花红村 and an
    exited person, both left out of the forms."""
    wang = make_person(world.village_a, "王强")
    place(wang, Stage.KEY_TARGET)
    li = make_person(world.village_b, "李明")
    place(li, Stage.TOWN_RESERVE)
    place(make_person(world.village_a, "高东"), Stage.CANDIDATE)
    place(make_person(world.village_a, "钟利洪"), Stage.EXITED)
    return [reserve, wang, li]


def batch_url(code: str) -> str:
    return f"{reverse('pipeline:dossiers_pdf')}?region={code}"


@needs_poppler
def test_a_village_prints_one_page_per_reserve(world: World, pools: list[Person]) -> None:
    response = client_for(world, "secretary_a").get(batch_url(world.village_a.code))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "inline; filename*=UTF-8''" + quote(
        "花红村-登记表.pdf"
    )
    assert pdf_pages(response.content) == 2
    text = pdf_text(response.content)
    assert "方伟玲" in text and "王强" in text
    assert "李明" not in text and "高东" not in text and "钟利洪" not in text


@needs_poppler
def test_a_town_prints_its_villages_in_order(world: World, pools: list[Person]) -> None:
    response = client_for(world, "town_x_admin").get(batch_url(world.town_x.code))
    assert response.status_code == 200
    assert pdf_pages(response.content) == 3
    pages = pdf_text(response.content).split("\f")
    # 花红村 (…220) before 新祠堂村 (…222); within a village by name: 方 (fang) before 王.
    assert ["方伟玲" in pages[0], "王强" in pages[1], "李明" in pages[2]] == [True] * 3


def test_a_region_outside_the_scope_is_404_like_an_unknown_one(
    world: World, pools: list[Person]
) -> None:
    secretary_b = client_for(world, "secretary_b")
    assert secretary_b.get(batch_url(world.village_a.code)).status_code == 404
    assert secretary_b.get(batch_url(world.town_x.code)).status_code == 404
    assert secretary_b.get(batch_url("511002102999")).status_code == 404
    # A district is not a village or town.
    district_admin = client_for(world, "district_admin")
    assert district_admin.get(batch_url(world.district.code)).status_code == 404
    assert district_admin.get(reverse("pipeline:dossiers_pdf")).status_code == 400


def test_too_many_reserves_go_back_with_a_message(
    world: World, pools: list[Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "BATCH_LIMIT", 1)
    response = client_for(world, "secretary_a").get(batch_url(world.village_a.code), follow=True)
    assert response.redirect_chain == [
        (f"{reverse('pipeline:pool')}?region={world.village_a.pk}", 302)
    ]
    [message] = [str(m) for m in response.context["messages"]]
    assert "花红村" in message and "2" in message and "1" in message


def test_a_village_without_reserves_goes_back_with_a_message(
    world: World, pools: list[Person]
) -> None:
    response = client_for(world, "secretary_c").get(batch_url(world.village_c.code))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('pipeline:pool')}?region={world.village_c.pk}"


def test_forms_cost_the_same_queries_per_person(world: World, reserve: Person) -> None:
    from houbei.accounts.scoping import Scope
    from houbei.pipeline.dossiers import PoolPlaces, dossier_context, pool_dossiers

    scope = Scope.for_user(world.secretary_a)

    def queries_for_forms() -> int:
        with CaptureQueriesContext(connection) as queries:
            places = PoolPlaces()
            for standing in pool_dossiers(scope=scope, region=world.village_a):
                dossier_context(
                    standing.person,
                    today=dt.date(2020, 2, 20),
                    photo_src="",
                    places=places,
                    standing=standing,
                )
        return len(queries)

    queries_for_forms()  # the first score of all stores the default weights
    one = queries_for_forms()
    place(make_person(world.village_a, "王强"), Stage.VILLAGE_RESERVE)
    two = queries_for_forms()
    place(make_person(world.village_a, "李明"), Stage.VILLAGE_RESERVE)
    three = queries_for_forms()
    assert three - two == two - one <= 12


def test_the_pool_links_the_forms_of_the_chosen_region(world: World, pools: list[Person]) -> None:
    client = client_for(world, "secretary_a")
    everyone = client.get(reverse("pipeline:pool")).content.decode()
    assert reverse("pipeline:dossiers_pdf") not in everyone
    chosen = client.get(f"{reverse('pipeline:pool')}?region={world.village_a.pk}")
    assert batch_url(world.village_a.code) in chosen.content.decode()
