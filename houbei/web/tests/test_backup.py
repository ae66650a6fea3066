"""A backup round trip restores identical data; a damaged archive restores nothing."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from houbei.audit.chain import verify
from houbei.conftest import World
from houbei.people.models import Person
from houbei.tests.factories import make_person


def _snapshot() -> list[tuple[object, ...]]:
    return list(
        Person.objects.order_by("pk").values_list("pk", "name", "id_number_digest", "version")
    )


@pytest.mark.django_db(transaction=True)
def test_a_round_trip_restores_identical_data(world: World, tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    wang = make_person(world.village_a, "王强")
    wang.photo.save("p.jpg", ContentFile(b"\xff\xd8photo"), save=True)
    make_person(world.village_b, "李秀英")
    before = _snapshot()
    photo = Path(wang.photo.path).read_bytes()

    out = io.StringIO()
    call_command("backup", str(tmp_path), stdout=out)
    archive = next(tmp_path.glob("houbei-backup-*.tar.gz"))

    Person.objects.filter(name="李秀英").update(name="改了")
    make_person(world.village_a, "多出来的人")
    Path(wang.photo.path).write_bytes(b"overwritten")
    assert _snapshot() != before

    call_command("restore", str(archive), "--yes", stdout=io.StringIO())
    assert _snapshot() == before
    assert Path(Person.objects.get(name="王强").photo.path).read_bytes() == photo
    assert list(verify()) == []  # the audit chain came back whole


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_restores_nothing(world: World, tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    make_person(world.village_a, "王强")
    call_command("backup", str(tmp_path), stdout=io.StringIO())
    archive = next(tmp_path.glob("houbei-backup-*.tar.gz"))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            content = data.read() if data else b""
            if member.name.startswith("database"):
                content = content[:-10] + b"0123456789"
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    make_person(world.village_a, "后来的人")
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(damaged), "--yes", stdout=io.StringIO())
    assert Person.objects.filter(name="后来的人").exists()
