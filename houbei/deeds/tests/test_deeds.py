import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from houbei.conftest import World
from houbei.deeds.models import DeedEvidence
from houbei.deeds.services import deed_add_evidence, deed_create, deed_update
from houbei.duty.models import PersonIndicator
from houbei.tests.factories import make_person


def jpeg(size=(400, 300)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_deed_with_evidence_counts_by_level(world: World):
    person = make_person(world.village_a, "钟利洪")
    pdf = SimpleUploadedFile(
        "commendation.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        content_type="application/pdf",
    )
    deed = deed_create(
        acting_user=world.secretary_a,
        person=person,
        date=dt.date(2020, 2, 1),
        title="主动请缨",
        narrative="大年三十入户摸排",
        level="town",
        files=[jpeg(), pdf],
    )
    assert sorted(e.content_type for e in deed.evidence.all()) == ["application/pdf", "image/jpeg"]
    assert PersonIndicator.objects.get(person=person, campaign_key=0).deeds == {"town": 1}
    deed_update(
        acting_user=world.secretary_a,
        deed=deed,
        date=deed.date,
        title=deed.title,
        narrative=deed.narrative,
        level="district",
        campaign=None,
    )
    assert PersonIndicator.objects.get(person=person, campaign_key=0).deeds == {"district": 1}


def test_only_images_and_clean_pdfs_of_limited_size(world: World):
    person = make_person(world.village_a, "甲")

    def attempt(upload):
        with pytest.raises(ValidationError) as raised:
            deed_create(
                acting_user=None,
                person=person,
                date=dt.date(2020, 2, 1),
                title="t",
                narrative="n",
                files=[upload],
            )
        return raised.value.message_dict["files"][0]

    assert "既不是图片也不是 PDF" in attempt(SimpleUploadedFile("x.exe", b"MZ\x90\x00"))
    assert "含有脚本" in attempt(
        SimpleUploadedFile("x.pdf", b"%PDF-1.4 /JavaScript (app.alert(1))")
    )
    big = SimpleUploadedFile("big.jpg", b"0" * (10 * 1024 * 1024 + 1))
    assert "超过 10 MB" in attempt(big)
    assert not DeedEvidence.objects.exists()


def test_deeds_are_recorded_only_by_keepers_of_the_persons_village(world: World):
    person = make_person(world.village_a, "甲")
    for outsider in (world.secretary_b, world.auditor, world.post_leader):
        with pytest.raises(PermissionDenied):
            deed_create(
                acting_user=outsider,
                person=person,
                date=dt.date(2020, 2, 1),
                title="t",
                narrative="n",
            )
    with pytest.raises(ValidationError):
        deed_create(
            acting_user=world.secretary_a,
            person=person,
            date=dt.date(2999, 1, 1),
            title="t",
            narrative="n",
        )


def test_evidence_files_are_served_only_in_scope(world: World):
    person = make_person(world.village_a, "甲")
    deed = deed_create(
        acting_user=None, person=person, date=dt.date(2020, 2, 1), title="t", narrative="n"
    )
    deed_add_evidence(acting_user=world.secretary_a, deed=deed, files=[jpeg((3000, 2000))])
    evidence = deed.evidence.get()
    with Image.open(evidence.file.open("rb")) as stored:
        assert max(stored.size) == 2000  # re-encoded and shrunk
    a, b = Client(), Client()
    a.force_login(world.secretary_a)
    b.force_login(world.secretary_b)
    url = reverse("deeds:evidence_file", args=[evidence.pk])
    assert a.get(url).status_code == 200 and b.get(url).status_code == 404
    assert Client().get("/media/" + evidence.file.name).status_code == 404
