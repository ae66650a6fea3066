"""The joint-review ledger (联审台账) of a batch, as a workbook and as a PDF: the district's
managers only, a row per person, a column per department, identifiers masked."""

from __future__ import annotations

import io
import shutil
import subprocess
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook

from houbei.conftest import World
from houbei.pipeline.models import Stage
from houbei.pipeline.tests.conftest import place
from houbei.review.models import ReviewBatch, Verdict
from houbei.review.services import batch_open, verdict_record
from houbei.review.tests.conftest import D, Review
from houbei.tests.factories import make_legacy_person

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) is missing: run scripts/system-deps",
)
FORMULA_NAME = '=HYPERLINK("http://x","点我")'
BATCH_NAME = "2020年第二批区级集中联审"


def client_for(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.persona(persona))
    return client


def _poppler(command: list[str], data: bytes) -> str:
    return subprocess.run(  # noqa: S603  # a fixed poppler tool reading from stdin
        command, input=data, capture_output=True, check=True, timeout=60
    ).stdout.decode()


@pytest.fixture
def ledger_batch(world: World, review: Review) -> ReviewBatch:
    """A batch of 钟利洪 (花红村, a village reserve: the police fail him on N01),
    罗佳怡 (鹿子村: the court queries) and someone named like a formula (nothing yet)."""
    place(review.first, Stage.VILLAGE_RESERVE)
    batch = batch_open(
        acting_user=world.district_admin,
        region=world.district,
        name=BATCH_NAME,
        opened_on=D(2020, 2, 15),
        deadline=D(2020, 2, 25),
        departments=[review.police, review.court],
        people=[review.first, review.second, make_legacy_person(world.village_a, FORMULA_NAME)],
    )
    first = batch.subjects.get(person=review.first).verdicts
    second = batch.subjects.get(person=review.second).verdicts
    verdict_record(
        acting_user=review.police_clerk,
        verdict=first.get(department=review.police),
        result=Verdict.FAIL,
        items=[review.item("N01")],
        notes="2018年被判处有期徒刑一年",
    )
    verdict_record(
        acting_user=review.court_clerk,
        verdict=first.get(department=review.court),
        result=Verdict.PASS,
    )
    verdict_record(
        acting_user=review.court_clerk,
        verdict=second.get(department=review.court),
        result=Verdict.QUERY,
        notes="需核实同名人员",
    )
    return batch


def expected_headers() -> list[str]:
    return [
        _("No."),
        "姓名",
        "性别",
        "出生年月",
        "身份证号",
        "村（社区）",
        _("Current stage"),
        "公安分局",
        "区法院",
        _("Overall result"),
        _("Public notice"),
        "异议",
        "备注",
    ]


def test_the_workbook_has_a_row_per_person(
    world: World, review: Review, ledger_batch: ReviewBatch
) -> None:
    response = client_for(world, "district_admin").get(
        reverse("review:ledger_xlsx", args=[ledger_batch.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote(
        f"{BATCH_NAME}-联审台账.xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "市中区" in rows[0][0]
    assert BATCH_NAME in rows[1][0] and "2020-02-15" in rows[1][0]
    assert list(rows[2]) == expected_headers()
    assert len(rows) == 3 + 3
    # By village (花红村, then 鹿子村), then name; numbered from 1.
    assert [(row[0], row[5]) for row in rows[3:]] == [(1, "花红村"), (2, "花红村"), (3, "鹿子村")]
    by_name = {row[1]: row for row in rows[3:]}
    first = by_name["钟利洪"]
    assert first[4] == review.first.id_number_masked and "*" in first[4]
    assert first[5] == "花红村"
    assert first[6] == str(Stage.VILLAGE_RESERVE.label)
    assert first[7:9] == ("不通过 N01", "通过")
    assert first[9] == "一票否决"
    assert "公安分局：2018年被判处有期徒刑一年" in first[12]
    second = by_name["罗佳怡"]
    assert second[6] is None  # not in the pipeline
    assert second[7:9] == (pgettext("joint-review ledger", "Pending"), "存疑")
    # A name that looks like a formula comes back as the text it is.
    cells = [row[1] for row in sheet.iter_rows(min_row=4)]
    formula = next(cell for cell in cells if cell.value == FORMULA_NAME)
    assert formula.data_type == "s"


@needs_poppler
def test_the_pdf_is_landscape_with_every_department(
    world: World, review: Review, ledger_batch: ReviewBatch
) -> None:
    response = client_for(world, "district_admin").get(
        reverse("review:ledger_pdf", args=[ledger_batch.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "inline; filename*=UTF-8''" + quote(
        f"{BATCH_NAME}-联审台账.pdf"
    )
    info = _poppler(["pdfinfo", "-"], response.content)
    assert "841.89 x 595.276 pts (A4)" in info  # landscape
    text = _poppler(["pdftotext", "-layout", "-", "-"], response.content)
    for shown in ("公安分局", "区法院", "钟利洪", "罗佳怡", review.first.id_number_masked, "N01"):
        assert shown in text, shown


def test_only_the_districts_managers_get_it(world: World, ledger_batch: ReviewBatch) -> None:
    for name in ("review:ledger_xlsx", "review:ledger_pdf"):
        url = reverse(name, args=[ledger_batch.pk])
        assert client_for(world, "auditor").get(url).status_code == 403  # reads the batch only
        assert client_for(world, "auditor_other").get(url).status_code == 404
        assert client_for(world, "town_x_admin").get(url).status_code == 404


def test_the_batch_page_links_the_ledger_for_managers(
    world: World, ledger_batch: ReviewBatch
) -> None:
    url = reverse("review:batch", args=[ledger_batch.pk])
    links = (
        reverse("review:ledger_xlsx", args=[ledger_batch.pk]),
        reverse("review:ledger_pdf", args=[ledger_batch.pk]),
    )
    managed = client_for(world, "district_admin").get(url).content.decode()
    assert all(link in managed for link in links)
    audited = client_for(world, "auditor").get(url).content.decode()
    assert not any(link in audited for link in links)
