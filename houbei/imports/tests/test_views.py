"""The two-step upload in the pages: check, then import; large files as a job."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from houbei.conftest import World
from houbei.imports.models import Upload, UploadStatus
from houbei.imports.tests.test_people_import import BAD, GOOD, roster_xlsx
from houbei.jobs.models import Job, JobStatus
from houbei.people.models import Person


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_file(
    client: Client, world: World, data: bytes, name: str = "花红村花名册.xlsx", **extra: str
):
    return client.post(
        reverse("imports:people"),
        {"file": SimpleUploadedFile(name, data), "region": world.village_a.pk, **extra},
    )


def test_check_then_import_then_download_the_rejected_rows(world: World) -> None:
    client = client_for(world.secretary_a)
    response = post_file(client, world, roster_xlsx([*GOOD, BAD[0][0], BAD[3][0]]))
    upload = Upload.objects.get()
    assert response["Location"] == reverse("imports:preview", args=[upload.key])
    assert Person.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert f"导入 {len(GOOD)} 行" in page and "缺少姓名。" in page
    applied = client.post(reverse("imports:apply", args=[upload.key]))
    assert applied["Location"] == reverse("imports:result", args=[upload.key])
    assert Person.objects.filter(village=world.village_a).count() == len(GOOD)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED and upload.result["created"] == len(GOOD)
    # A second press of the button imports nothing twice.
    client.post(reverse("imports:apply", args=[upload.key]))
    assert Person.objects.count() == len(GOOD)
    errors = client.get(reverse("imports:errors", args=[upload.key]))
    sheet = load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    assert sheet.max_row == 3 + 2
    # Nobody else reaches the upload.
    other = client_for(world.secretary_b)
    for name in ("imports:preview", "imports:result", "imports:errors"):
        assert other.get(reverse(name, args=[upload.key])).status_code == 404


def test_an_unreadable_file_is_explained_on_the_form(world: World) -> None:
    client = client_for(world.secretary_a)
    response = post_file(client, world, b"hello", "notes.txt")
    assert response.status_code == 400
    assert "请上传 Excel 工作簿" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_village_outside_the_scope_cannot_be_chosen(world: World) -> None:
    client = client_for(world.secretary_b)
    response = client.post(
        reverse("imports:people"),
        {"file": SimpleUploadedFile("x.xlsx", roster_xlsx(GOOD)), "region": world.village_a.pk},
    )
    assert response.status_code == 400
    assert not Upload.objects.exists()


def test_a_large_file_is_imported_by_a_job_with_progress(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:
    settings.HOUBEI_IMPORT_INLINE_ROWS = 2
    client = client_for(world.secretary_a)
    post_file(client, world, roster_xlsx(GOOD))
    upload = Upload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:apply", args=[upload.key]))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job", args=[job.key])
    assert job.status == JobStatus.DONE and (job.done, job.total) == (len(GOOD), len(GOOD))
    assert Person.objects.count() == len(GOOD)


def test_the_example_roster_imports_two_rows_and_hands_one_back(world: World) -> None:
    client = client_for(world.secretary_a)
    example = client.get(reverse("imports:example"))
    assert example.status_code == 200
    post_file(client, world, example.content, "示例.xlsx")
    upload = Upload.objects.get()
    assert upload.preview["accepted"] == 2
    assert [r["reason"] for r in upload.preview["rejected"]] == ["id_length"]
